import {
  addUser,
  commitPending,
  createRoom,
  joinRoom,
  type MimiProfile,
  type MlsGroupState,
  processIncoming,
  sendContent,
} from "@mimi/mls-profile";
import {
  decodeFanoutMessage,
  decodeSubmitMessageResponse,
  decodeUpdateRequest,
  decodeUpdateRoomResponse,
  encodeSubmitMessageRequest,
  mlsOf,
  type UpdateRoomResponse,
} from "@mimi/protocol";
import { utf8 } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { createHub, type Hub } from "../src/hub/hub.js";
import { handleUpdate } from "../src/hub/update.js";
import type { RequestContext } from "../src/server/endpoint.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { inboxAfter } from "../src/storage/follower-inbox.js";
import { migrate } from "../src/storage/migrations.js";
import { roomState } from "../src/storage/room-log.js";
import {
  clientProfile,
  commitRequest,
  eventually,
  keyPackageOf,
  memoryDb,
  peerClient,
  post,
  roomInputs,
  route,
  startTestProvider,
  stopTestProvider,
} from "./hub-harness.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const room = "mimi://a.example/r/durable";
const alice1 = "mimi://a.example/d/alice/1";
const bob1 = "mimi://b.example/d/bob/1";

describe("hub restart", () => {
  it("a new Hub over the same database continues the room: the view is rebuilt from the log, and what was accepted before the restart is fanned out after it", async () => {
    // One database outlives the hub: a new Hub (empty cache) and a new server over it. (PGlite on a
    // data directory takes tens of seconds to initialise on a loaded machine, so the database is
    // kept open rather than reopened; the Hub holds no state of its own besides its cache.)
    const aDb = await memoryDb();
    let A = await startTestProvider("a.example", { db: aDb, hub: {} });
    let B = await startTestProvider("b.example");
    const profile: MimiProfile = await clientProfile(A.hub!);
    const aliceKp = await keyPackageOf(profile.cs, alice1);
    let alice: MlsGroupState = await createRoom(profile, {
      roomUri: room,
      keyPackage: aliceKp,
      creatorRole: 2,
    });
    const inputs = await roomInputs(profile, alice);
    await A.hub!.createRoom(room, inputs.groupInfo, inputs.ratchetTree, alice1);
    const bobKp = await keyPackageOf(profile.cs, bob1);
    const add = await addUser(profile, alice, {
      user: utf8("mimi://b.example/u/bob"),
      role: 2,
      keyPackages: [bobKp.publicPackage],
    });
    let aToA = peerClient("a.example", A);
    expect(
      decodeUpdateRoomResponse(
        (await post(aToA, "a.example", "a.example", route("update", room), await commitRequest(profile, add)))
          .body,
      ).responseCode,
    ).toBe("success");
    alice = add.state;
    await A.fanout!.idle();
    // b.example goes away; Alice's message is accepted but cannot be delivered yet
    const bDb = B.db;
    await stopTestProvider(B, false);
    const content = utf8("0123456789abcdef: while b.example is down");
    const s = await sendContent(profile, alice, content, content.subarray(0, 16));
    alice = s.state;
    const submitted = await post(
      aToA,
      "a.example",
      "a.example",
      route("submitMessage", room),
      encodeSubmitMessageRequest({
        protocol: "mls10",
        appMessage: mlsOf("MLSMessage", s.message),
        sendingUri: { uri: "mimi://a.example/u/alice" },
      }),
    );
    expect(decodeSubmitMessageResponse(submitted.body).statusCode).toBe("accepted");
    // the hub restarts: new Hub, new server, the same database
    aToA.close();
    await stopTestProvider(A, false);
    B = await startTestProvider("b.example", { db: bDb });
    A = await startTestProvider("a.example", { db: aDb, hub: {} });
    aToA = peerClient("a.example", A);
    try {
      // the message accepted before the restart reaches b.example, after the Welcome and commit
      const items = await eventually(async () => {
        const got = await inboxAfter(B.db, room, 0n);
        return got.some(
          (i) => decodeFanoutMessage(i.message).message.value.wireformat === "mls_private_message",
        )
          ? got
          : undefined;
      });
      const kinds = items.map((i) => decodeFanoutMessage(i.message).message.value.wireformat);
      expect(kinds).toEqual(["mls_public_message", "mls_welcome", "mls_private_message"]);
      const w = decodeFanoutMessage(items[1]!.message);
      if (!("ratchetTreeOption" in w) || w.ratchetTreeOption.representation !== "full")
        throw new Error("no tree");
      let bob = await joinRoom(profile, w.message.value, bobKp, w.ratchetTreeOption.ratchet_tree.value);
      const m = await processIncoming(profile, bob, decodeFanoutMessage(items[2]!.message).message.value);
      expect(m.kind === "application" && Buffer.from(m.content).equals(Buffer.from(content))).toBe(true);
      bob = m.state;
      // the restarted hub's view continues: Alice's next commit is accepted for the next epoch
      const c = await commitPending(profile, alice);
      const r = decodeUpdateRoomResponse(
        (await post(aToA, "a.example", "a.example", route("update", room), await commitRequest(profile, c)))
          .body,
      );
      expect(r).toMatchObject({ responseCode: "success" });
      expect((await roomState(A.db, room))?.epoch).toBe(c.state.groupContext.epoch);
      expect((await processIncoming(profile, bob, c.commit)).kind).toBe("commit");
      // the hub's keys survived the restart (same external sender)
      expect(
        Buffer.from((await A.hub!.externalSender()).signaturePublicKey).equals(
          Buffer.from(profile.hub.signaturePublicKey),
        ),
      ).toBe(true);
    } finally {
      aToA.close();
      await stopTestProvider(A);
      await stopTestProvider(B);
    }
  });
});

if (postgresUrl !== undefined) {
  describe("two hubs sharing PostgreSQL (two server processes' worth)", () => {
    it("accept exactly one commit per epoch between them, each answering the loser wrongEpoch [PROTO-HUB-01]", async () => {
      const fresh = await freshPostgresDatabase();
      const db1 = await openDatabase(fresh.url);
      const db2 = await openDatabase(fresh.url);
      try {
        await migrate(db1);
        const hub1 = createHub({ db: db1, domain: "a.example" });
        const hub2 = createHub({ db: db2, domain: "a.example" });
        const profile = await clientProfile(hub1);
        const aliceKp = await keyPackageOf(profile.cs, alice1);
        let alice = await createRoom(profile, { roomUri: room, keyPackage: aliceKp, creatorRole: 2 });
        const inputs = await roomInputs(profile, alice);
        await hub1.createRoom(room, inputs.groupInfo, inputs.ratchetTree, alice1);
        const bobKp = await keyPackageOf(profile.cs, "mimi://a.example/d/bob/1");
        const add = await addUser(profile, alice, {
          user: utf8("mimi://a.example/u/bob"),
          role: 2,
          keyPackages: [bobKp.publicPackage],
        });
        const update = (hub: Hub, db: Database, body: Uint8Array): Promise<UpdateRoomResponse> => {
          const ctx: RequestContext = {
            domain: "a.example",
            peerDomain: "a.example",
            param: room,
            body,
            db,
            now: Date.now(),
            log: () => {},
          };
          return handleUpdate(hub, { target: room, request: decodeUpdateRequest(body), ctx });
        };
        expect((await update(hub1, db1, await commitRequest(profile, add))).responseCode).toBe("success");
        alice = add.state;
        let bob = await joinRoom(profile, add.welcome!, bobKp, alice.ratchetTree);
        for (let round = 0; round < 4; round++) {
          const c1 = await commitPending(profile, alice);
          const c2 = await commitPending(profile, bob);
          const [r1, r2] = await Promise.all([
            update(hub1, db1, await commitRequest(profile, c1)),
            update(hub2, db2, await commitRequest(profile, c2)),
          ]);
          expect([r1.responseCode, r2.responseCode].sort()).toEqual(["success", "wrongEpoch"]);
          if (r1.responseCode === "success") {
            alice = c1.state;
            bob = (await processIncoming(profile, bob, c1.commit)).state;
          } else {
            bob = c2.state;
            alice = (await processIncoming(profile, alice, c2.commit)).state;
          }
        }
        expect((await roomState(db1, room))?.epoch).toBe(alice.groupContext.epoch);
      } finally {
        await db1.close();
        await db2.close();
        await fresh.drop();
      }
    });
  });
}
