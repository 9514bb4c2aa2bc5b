import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOriginal, encodeMimiContent } from "@mimi/content";
import type { MLSMessage } from "@mimi/mls-profile";
import {
  addUser,
  commitPending,
  createRoom,
  joinRoom,
  type KeyPackageBundle,
  type MimiProfile,
  type MlsGroupState,
  processIncoming,
  sendContent,
} from "@mimi/mls-profile";
import {
  createRoomRequestCodec,
  decodeFanoutMessage,
  decodeMls,
  decodeSubmitMessageResponse,
  decodeUpdateRoomResponse,
  encodeSubmitMessageRequest,
  keyPackageUploadCodec,
  mlsOf,
} from "@mimi/protocol";
import { encodeWith, fromHex, toHex, utf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHub } from "../src/hub/hub.js";
import { openDatabase } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrations.js";
import { clientProfile, commitRequest, keyPackageMessage, keyPackageOf, roomInputs } from "./hub-harness.js";
import {
  type ApiClient,
  api,
  apiClient,
  type InboxReader,
  type TestIdentity,
  testIdentity,
} from "./provider-harness.js";
import { freePort, type ServeProcess, spawnServe } from "./provider-process.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const room = "mimi://a.example/r/crash";
const t0 = Date.now();
const step = (what: string) =>
  process.env["MIMI_TEST_TRACE"] && console.error(`${Date.now() - t0} ms: ${what}`);
const dir = mkdtempSync(join(tmpdir(), "mimi-crash-"));
let dropDb: () => Promise<void> = async () => {};
const procs: ServeProcess[] = [];
const clients: ApiClient[] = [];

afterAll(async () => {
  for (const c of clients) c.close();
  for (const p of procs) await p.kill("SIGKILL");
  await dropDb();
  rmSync(dir, { recursive: true, force: true });
});

/** The epoch a queued FanoutMessage's MLS message belongs to (Welcomes: none). */
function epochOf(m: MLSMessage): bigint | undefined {
  if (m.wireformat === "mls_private_message") return m.privateMessage.epoch;
  if (m.wireformat === "mls_public_message") return m.publicMessage.content.epoch;
  return undefined;
}

let idA: TestIdentity;
let hubStorage: string;
let peersCa: string[];
let profile: MimiProfile;

beforeAll(async () => {
  idA = await testIdentity("a.example");
  if (postgresUrl !== undefined) {
    const fresh = await freshPostgresDatabase();
    hubStorage = fresh.url;
    dropDb = fresh.drop;
  } else hubStorage = `pglite:${join(dir, "hub-data")}`;
  // The hub's keys exist before it runs, so the test's MLS clients can name the hub as the
  // rooms' external sender (the hub process loads the same keys from its storage).
  const db = await openDatabase(hubStorage);
  await migrate(db);
  profile = await clientProfile(createHub({ db, domain: "a.example" }));
  await db.close();
});

describe("crash: SIGKILL of a hub process while followers submit", () => {
  it("fans out every acknowledged submission after the restart, none twice, epochs in order", async () => {
    const idB = await testIdentity("b.example");
    const idC = await testIdentity("c.example");
    peersCa = [idA.pki.ca.certificatePem, idB.pki.ca.certificatePem, idC.pki.ca.certificatePem];
    const hubPort = await freePort();
    const hubApiPort = await freePort();
    const hubAddress = { "a.example": `127.0.0.1:${hubPort}` };
    const [B, C] = await Promise.all([
      spawnServe(dir, idB, { storage: "memory://", peersCa, peers: hubAddress }),
      spawnServe(dir, idC, { storage: "memory://", peersCa, peers: hubAddress }),
    ]);
    procs.push(B, C);
    const hubConfig = {
      storage: hubStorage,
      peersCa,
      peers: { "b.example": `127.0.0.1:${B.port}`, "c.example": `127.0.0.1:${C.port}` },
      port: hubPort,
      clientApiPort: hubApiPort,
    };
    let A = await spawnServe(dir, idA, hubConfig);
    procs.push(A);

    const alice = apiClient(hubApiPort, "a.example", await idA.client("mimi://a.example/d/alice/1"));
    const bob = apiClient(B.clientApiPort, "b.example", await idB.client("mimi://b.example/d/bob/1"));
    const carol = apiClient(C.clientApiPort, "c.example", await idC.client("mimi://c.example/d/carol/1"));
    clients.push(alice, bob, carol);

    step("Bob and Carol upload KeyPac");
    // Bob and Carol upload KeyPackages; Alice creates the room and adds both.
    const kp: Record<string, KeyPackageBundle> = {};
    for (const [who, c, uri] of [
      ["bob", bob, "mimi://b.example/d/bob/1"],
      ["carol", carol, "mimi://c.example/d/carol/1"],
    ] as const) {
      kp[who] = await keyPackageOf(profile.cs, uri);
      const r = await c.send(
        "POST",
        api("keyPackages"),
        encodeWith(keyPackageUploadCodec, {
          key_packages: [decodeMls("MLSMessage", keyPackageMessage(kp[who]!))],
        }),
      );
      expect(r.status, r.body.toString()).toBe(201);
    }
    let aliceState: MlsGroupState = await createRoom(profile, {
      roomUri: room,
      keyPackage: await keyPackageOf(profile.cs, "mimi://a.example/d/alice/1"),
      creatorRole: 2,
    });
    const inputs = await roomInputs(profile, aliceState);
    const created = await alice.send(
      "POST",
      api("rooms", room),
      encodeWith(createRoomRequestCodec, {
        group_info: decodeMls("MLSMessage", inputs.groupInfo),
        ratchet_tree: inputs.ratchetTree,
      }),
    );
    expect(created.status, created.body.toString()).toBe(201);
    const bobInbox = bob.inbox();
    const carolInbox = carol.inbox();
    for (const [user, who] of [
      ["mimi://b.example/u/bob", "bob"],
      ["mimi://c.example/u/carol", "carol"],
    ] as const) {
      const add = await addUser(profile, aliceState, {
        user: utf8(user),
        role: 2,
        keyPackages: [kp[who]!.publicPackage],
      });
      const r = await alice.send("POST", api("update", room), await commitRequest(profile, add));
      expect(decodeUpdateRoomResponse(r.body)).toMatchObject({ responseCode: "success" });
      aliceState = add.state;
    }
    const join = async (inbox: InboxReader, who: string, count: number): Promise<MlsGroupState> => {
      const lines = await inbox.waitFor(count);
      const w = lines
        .map((l) => decodeFanoutMessage(fromHex(l.message)))
        .find((f) => f.message.value.wireformat === "mls_welcome");
      if (w === undefined || !("ratchetTreeOption" in w) || w.ratchetTreeOption.representation !== "full")
        throw new Error("no Welcome with a tree");
      if (w.message.value.wireformat !== "mls_welcome") throw new Error("not a Welcome");
      return joinRoom(profile, w.message.value.welcome, kp[who]!, w.ratchetTreeOption.ratchet_tree.value);
    };
    step("Bob: Welcome (epoch 1)");
    // Bob: Welcome (epoch 1), then the commit adding Carol. Carol: her Welcome (epoch 2).
    let bobState = await join(bobInbox, "bob", 2);
    const addCarol = decodeFanoutMessage(fromHex(bobInbox.lines[1]!.message)).message.value;
    bobState = (await processIncoming(profile, bobState, addCarol)).state;
    let carolState = await join(carolInbox, "carol", 1);
    expect([bobState.groupContext.epoch, carolState.groupContext.epoch]).toEqual([2n, 2n]);

    step("Bob and Carol submit throug");
    // Bob and Carol submit through their providers; the hub is killed after a few acknowledgements.
    const acked: string[] = [];
    let killed = false;
    const submitter = async (who: "bob" | "carol", c: ApiClient) => {
      for (let i = 0; i < 60 && !killed; i++) {
        const senderUri = who === "bob" ? "mimi://b.example/u/bob" : "mimi://c.example/u/carol";
        const content = encodeMimiContent(buildOriginal({ senderUri, roomUri: room, text: `${who} ${i}` }));
        const state = who === "bob" ? bobState : carolState;
        const sent = await sendContent(profile, state, content, content.subarray(2, 18));
        if (who === "bob") bobState = sent.state;
        else carolState = sent.state;
        const appMessage = mlsOf("MLSMessage", sent.message);
        const r = await c
          .send(
            "POST",
            api("submitMessage", room),
            encodeSubmitMessageRequest({ protocol: "mls10", appMessage, sendingUri: { uri: senderUri } }),
          )
          .catch(() => undefined);
        if (r?.status === 200 && decodeSubmitMessageResponse(r.body).statusCode === "accepted")
          acked.push(toHex(appMessage.bytes));
      }
    };
    const killer = (async () => {
      while (acked.length < 12) await new Promise((r) => setTimeout(r, 5));
      await A.kill("SIGKILL");
      killed = true;
    })();
    await Promise.all([submitter("bob", bob), submitter("carol", carol), killer]);
    const ackedBeforeKill = [...acked];
    expect(ackedBeforeKill.length).toBeGreaterThanOrEqual(12);

    step("Restart the hub");
    // Restart the hub on the same storage and ports; then Bob commits (epoch 2 → 3) and sends.
    A = await spawnServe(dir, idA, hubConfig);
    procs.push(A);
    const c = await commitPending(profile, bobState);
    const u = await bob.send("POST", api("update", room), await commitRequest(profile, c));
    expect(decodeUpdateRoomResponse(u.body), u.body.toString()).toMatchObject({ responseCode: "success" });
    bobState = c.state;
    const content = encodeMimiContent(
      buildOriginal({ senderUri: "mimi://b.example/u/bob", roomUri: room, text: "after" }),
    );
    const after = await sendContent(profile, bobState, content, content.subarray(2, 18));
    const last = mlsOf("MLSMessage", after.message);
    const r = await bob.send(
      "POST",
      api("submitMessage", room),
      encodeSubmitMessageRequest({
        protocol: "mls10",
        appMessage: last,
        sendingUri: { uri: "mimi://b.example/u/bob" },
      }),
    );
    expect(r.status, r.body.toString()).toBe(200);

    step("Both followers' inboxes");
    // Both followers' inboxes: every acknowledged message once, the last one after the commit.
    for (const inbox of [bobInbox, carolInbox]) {
      const lastHex = toHex(last.bytes);
      const until = Date.now() + 60_000;
      while (
        !inbox.lines.some(
          (l) =>
            decodeFanoutMessage(fromHex(l.message)).message.bytes &&
            toHex(decodeFanoutMessage(fromHex(l.message)).message.bytes) === lastHex,
        )
      ) {
        if (Date.now() > until) throw new Error("the message sent after the restart never arrived");
        await inbox.waitFor(inbox.lines.length + 1, 60_000).catch(() => {});
      }
      const messages = inbox.lines.map((l) => decodeFanoutMessage(fromHex(l.message)).message);
      const hexes = messages.map((m) => toHex(m.bytes));
      const counts = new Map<string, number>();
      for (const h of hexes) counts.set(h, (counts.get(h) ?? 0) + 1);
      for (const h of ackedBeforeKill)
        expect(counts.get(h), "an acknowledged message was lost or duplicated").toBe(1);
      expect(
        [...counts.values()].every((n) => n === 1),
        "a message was queued twice",
      ).toBe(true);
      const epochs = messages.map((m) => epochOf(m.value)).filter((e): e is bigint => e !== undefined);
      for (let i = 1; i < epochs.length; i++)
        expect(epochs[i]! >= epochs[i - 1]!, `epoch order at ${i}`).toBe(true);
      expect(epochs.at(-1)).toBe(3n);
      // queue positions increase
      const ns = inbox.lines.map((l) => BigInt(l.n));
      for (let i = 1; i < ns.length; i++) expect(ns[i]! > ns[i - 1]!).toBe(true);
    }
  }, 300_000);
});
