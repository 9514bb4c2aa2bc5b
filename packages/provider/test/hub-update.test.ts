import {
  addUser,
  commit,
  commitPending,
  createRoom,
  joinRoom,
  type KeyPackageBundle,
  type MimiProfile,
  type MlsGroupState,
  ownLeafIndex,
  participantListProposal,
  processIncoming,
  propose,
  removeUser,
} from "@mimi/mls-profile";
import { decodeFanoutMessage, decodeUpdateRoomResponse } from "@mimi/protocol";
import { cooperativeRoles, type RoleData, roleCapabilities } from "@mimi/room-policy";
import { utf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboxAfter } from "../src/storage/follower-inbox.js";
import { roomState } from "../src/storage/room-log.js";
import {
  clientProfile,
  commitRequest,
  eventually,
  keyPackageOf,
  peerClient,
  post,
  proposalsRequest,
  roomInputs,
  route,
  startTestProvider,
  stopTestProvider,
  type TestProvider,
} from "./hub-harness.js";
import type { TestClient } from "./support/https-client.js";

const room = "mimi://a.example/r/club";
const alice1 = "mimi://a.example/d/alice/1";
const bob1 = "mimi://b.example/d/bob/1";
const cathy1 = "mimi://c.example/d/cathy/1";

/** Cooperative roles where ordinary users (2) may also ban (2 → 1). */
const rolesWithBan: RoleData = {
  roles: cooperativeRoles.roles.map((r) =>
    r.role_index === 2
      ? {
          ...r,
          role_capabilities: [...r.role_capabilities, roleCapabilities.canBan],
          authorized_role_changes: [
            { from_role_index: 0, target_role_indexes: [2] },
            { from_role_index: 2, target_role_indexes: [0, 1] },
            { from_role_index: 1, target_role_indexes: [0] },
          ],
        }
      : r,
  ),
};

let hubA: TestProvider;
let followerB: TestProvider;
let aToA: TestClient;
let bToA: TestClient;
let cToA: TestClient;
let profile: MimiProfile;
let alice: MlsGroupState;
let bob: MlsGroupState;
let bobKp: KeyPackageBundle;

async function update(client: TestClient, from: string, body: Uint8Array) {
  const res = await post(client, from, "a.example", route("update", room), body);
  expect(res.status, res.body.toString()).toBe(200);
  return decodeUpdateRoomResponse(res.body);
}

/** Join from the Welcome queued for a follower. */
async function welcomeFor(db: TestProvider["db"], kp: KeyPackageBundle): Promise<MlsGroupState> {
  const queued = await eventually(async () => {
    const items = await inboxAfter(db, room, 0n);
    const w = items
      .map((i) => decodeFanoutMessage(i.message))
      .find((m) => m.message.value.wireformat === "mls_welcome");
    return w;
  });
  if (!("ratchetTreeOption" in queued) || queued.ratchetTreeOption.representation !== "full")
    throw new Error("no tree");
  return joinRoom(profile, queued.message.value, kp, queued.ratchetTreeOption.ratchet_tree.value);
}

beforeAll(async () => {
  hubA = await startTestProvider("a.example", { hub: { defaultRoles: rolesWithBan } });
  followerB = await startTestProvider("b.example");
  aToA = peerClient("a.example", hubA);
  bToA = peerClient("b.example", hubA);
  cToA = peerClient("c.example", hubA);
  profile = await clientProfile(hubA.hub!);
  const aliceKp = await keyPackageOf(profile.cs, alice1);
  alice = await createRoom(profile, { roomUri: room, keyPackage: aliceKp, creatorRole: 2 });
  const inputs = await roomInputs(profile, alice);
  await hubA.hub!.createRoom(room, inputs.groupInfo, inputs.ratchetTree, alice1);
});

afterAll(async () => {
  for (const c of [aToA, bToA, cToA]) c?.close();
  if (hubA !== undefined) await stopTestProvider(hubA);
  if (followerB !== undefined) await stopTestProvider(followerB);
});

describe("hub /update over mutual TLS with real MLS clients", () => {
  it("refuses a second room with the same URI, and a group that is not the room's [PROTO-HUB-09]", async () => {
    const inputs = await roomInputs(profile, alice);
    await expect(
      hubA.hub!.createRoom(room, inputs.groupInfo, inputs.ratchetTree, alice1),
    ).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      hubA.hub!.createRoom("mimi://a.example/r/other", inputs.groupInfo, inputs.ratchetTree, alice1),
    ).rejects.toMatchObject({ rule: "PROTO-HUB-09" });
  });

  it("refuses a room whose external_senders lacks the hub [PROTO-HUB-08]", async () => {
    const other = { ...profile, hub: { ...profile.hub, signaturePublicKey: new Uint8Array(32).fill(1) } };
    const kp = await keyPackageOf(profile.cs, alice1);
    const s = await createRoom(other, {
      roomUri: "mimi://a.example/r/nohub",
      keyPackage: kp,
      creatorRole: 2,
    });
    const inputs = await roomInputs(other, s);
    await expect(
      hubA.hub!.createRoom("mimi://a.example/r/nohub", inputs.groupInfo, inputs.ratchetTree, alice1),
    ).rejects.toMatchObject({ rule: "PROTO-HUB-08" });
  });

  it("accepts Alice adding Bob, routes the Welcome to b.example and the commit to both providers [PROTO-HUB-02] [PROTO-HUB-06]", async () => {
    bobKp = await keyPackageOf(profile.cs, bob1);
    const add = await addUser(profile, alice, {
      user: utf8("mimi://b.example/u/bob"),
      role: 2,
      keyPackages: [bobKp.publicPackage],
    });
    const res = await update(aToA, "a.example", await commitRequest(profile, add));
    expect(res).toMatchObject({ responseCode: "success" });
    alice = add.state;
    bob = await welcomeFor(followerB.db, bobKp);
    expect(bob.groupContext.epoch).toBe(1n);
    // a.example's own clients get the commit locally, not the Welcome (no KeyPackage of theirs)
    const local = await eventually(async () => {
      const items = await inboxAfter(hubA.db, room, 0n);
      return items.length > 0 ? items : undefined;
    });
    expect(local.map((i) => decodeFanoutMessage(i.message).message.value.wireformat)).toEqual([
      "mls_public_message",
    ]);
    expect((await roomState(hubA.db, room))?.epoch).toBe(1n);
  });

  it("answers wrongEpoch with the current epoch to every commit of an epoch but the first [PROTO-HUB-01]", async () => {
    const c1 = await commitPending(profile, alice);
    const c2 = await commitPending(profile, bob);
    const [r1, r2] = await Promise.all([
      update(aToA, "a.example", await commitRequest(profile, c1)),
      update(bToA, "b.example", await commitRequest(profile, c2)),
    ]);
    const codes = [r1.responseCode, r2.responseCode].sort();
    expect(codes).toEqual(["success", "wrongEpoch"]);
    const loser = r1.responseCode === "wrongEpoch" ? r1 : r2;
    expect(loser).toMatchObject({ currentEpoch: 2n });
    // the winner's state moves on; the loser processes the winning commit
    if (r1.responseCode === "success") {
      alice = c1.state;
      bob = (await processIncoming(profile, bob, c1.commit)).state;
    } else {
      bob = c2.state;
      alice = (await processIncoming(profile, alice, c2.commit)).state;
    }
    // a stale commit is answered wrongEpoch too
    const stale = await update(aToA, "a.example", await commitRequest(profile, c1.state === alice ? c2 : c1));
    expect(stale).toMatchObject({ responseCode: "wrongEpoch", currentEpoch: 2n });
  });

  it("refuses a commit submitted by a provider that is not the committer's [PROTO-HUB-10]", async () => {
    const c = await commitPending(profile, alice);
    const res = await update(bToA, "b.example", await commitRequest(profile, c));
    expect(res.responseCode).toBe("notAllowed");
    expect(res.errorDescription).toContain("cannot submit");
  });

  it("refuses a commit whose GroupInfo is not the new epoch's [PROTO-HUB-07]", async () => {
    const c = await commitPending(profile, alice);
    const res = await update(aToA, "a.example", await commitRequest(profile, c, alice));
    expect(res.responseCode).toBe("notAllowed");
    expect(res.errorDescription).toContain("MLS-HUB-16");
  });

  it("refuses an Add of a user whose participant-list entry is missing, by room policy [PROTO-HUB-03]", async () => {
    const cathyKp = await keyPackageOf(profile.cs, cathy1);
    // a plain Add without the participant-list change
    const r = await commit(alice, profile.cs, {
      proposals: [{ proposalType: "add", add: { keyPackage: cathyKp.publicPackage } }],
      publicMessage: true,
    });
    const { mlsOf } = await import("@mimi/protocol");
    const body = await commitRequest(profile, {
      ...r,
      ratchetTree: mlsOf("RatchetTree", r.state.ratchetTree).bytes,
    });
    const res = await update(aToA, "a.example", body);
    expect(res.responseCode).toBe("notAllowed");
    expect(res.errorDescription).toMatch(/POLICY-/);
  });

  it("blocks a banned participant's commits and every proposal but Remove [PROTO-HUB-05]", async () => {
    // A room hosted at epoch 1 whose group already holds Bob's client while Bob is banned (role 1).
    const banned = "mimi://a.example/r/banned";
    const kpA = await keyPackageOf(profile.cs, alice1);
    const kpB = await keyPackageOf(profile.cs, bob1);
    const a0 = await createRoom(profile, { roomUri: banned, keyPackage: kpA, creatorRole: 2 });
    const c = await commit(a0, profile.cs, {
      proposals: [
        { proposalType: "add", add: { keyPackage: kpB.publicPackage } },
        participantListProposal(profile, {
          changedRoleParticipants: [],
          removedIndices: [],
          addedParticipants: [{ user: utf8("mimi://b.example/u/bob"), role_index: 1 }],
        }),
      ],
      publicMessage: true,
      ratchetTreeInWelcome: true,
    });
    const b1 = await joinRoom(profile, c.welcome!, kpB);
    const inputs = await roomInputs(profile, c.state);
    await hubA.hub!.createRoom(banned, inputs.groupInfo, inputs.ratchetTree, alice1);
    const upd = async (body: Uint8Array) => {
      const res = await post(bToA, "b.example", "a.example", route("update", banned), body);
      return decodeUpdateRoomResponse(res.body);
    };
    const bc = await commitPending(profile, b1);
    const refused = await upd(await commitRequest(profile, bc));
    expect(refused.responseCode).toBe("notAllowed");
    expect(refused.errorDescription).toContain("PROTO-HUB-05");
    const unban = await propose(
      b1,
      profile.cs,
      participantListProposal(profile, {
        changedRoleParticipants: [{ user_index: 1, role_index: 2 }],
        removedIndices: [],
        addedParticipants: [],
      }),
    );
    const p1 = await upd(proposalsRequest([unban.message]));
    expect(p1.responseCode).toBe("invalidProposal");
    expect(p1.errorDescription).toContain("PROTO-HUB-05");
    const leave = await propose(b1, profile.cs, {
      proposalType: "remove",
      remove: { removed: ownLeafIndex(b1) },
    });
    const p2 = await upd(proposalsRequest([leave.message]));
    expect(p2.errorDescription).toBe("");
    expect(p2).toMatchObject({ responseCode: "success" });
  });

  it("removes Bob with his cached Remove, and fans the commit out to b.example", async () => {
    const rm = await removeUser(profile, alice, utf8("mimi://b.example/u/bob"));
    const res = await update(aToA, "a.example", await commitRequest(profile, rm));
    expect(res.responseCode).toBe("success");
    alice = rm.state;
    // b.example still receives the commit that removes its client
    await eventually(async () => {
      const items = await inboxAfter(followerB.db, room, 0n);
      const commits = items.filter(
        (i) => decodeFanoutMessage(i.message).message.value.wireformat === "mls_public_message",
      );
      return commits.length >= 3 ? true : undefined;
    });
  });

  it("answers 404 for a room it does not host, 400 for malformed bodies", async () => {
    const r1 = await post(
      aToA,
      "a.example",
      "a.example",
      route("update", "mimi://a.example/r/none"),
      new Uint8Array([1]),
    );
    expect(r1.status).toBe(400);
    const c = await commitPending(profile, alice);
    const r2 = await post(
      aToA,
      "a.example",
      "a.example",
      route("update", "mimi://a.example/r/none"),
      await commitRequest(profile, c),
    );
    expect(r2.status).toBe(404);
    const r3 = await post(
      aToA,
      "a.example",
      "a.example",
      route("update", "mimi://b.example/r/x"),
      await commitRequest(profile, c),
    );
    expect(r3.status).toBe(404);
  });
});
