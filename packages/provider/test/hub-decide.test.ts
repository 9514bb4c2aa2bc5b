/**
 * The hub's commit decision (`decideCommit`) on its own: real MLS clients make the commits, the
 * hub's view is bootstrapped in memory, and no database, server or clock is involved — the room
 * policy state, the joining code and the time are inputs.
 */
import {
  addUser,
  bootstrapHubView,
  commit,
  commitPending,
  createRoom,
  type ExternalSender,
  exportGroupInfo,
  generateSignatureKeyPair,
  type HubGroupView,
  hubCipherSuite,
  joinRoomExternal,
  loadCiphersuite,
  type MimiProfile,
  type MlsGroupState,
  mimiProfile,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import { decodeFanoutMessage, decodeUpdateRequest, isCommitBundle, mlsOf } from "@mimi/protocol";
import { cooperativeRoles, type RoleData, type RoomState, roleCapabilities } from "@mimi/room-policy";
import { utf8 } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { userUriOfCredential } from "../src/hub/credentials.js";
import {
  type CommitAcceptance,
  type CommitBundle,
  type CommitDecision,
  type CommitRejection,
  decideCommit,
  externalJoinerOf,
} from "../src/hub/decide.js";
import { hubViewOptions } from "../src/hub/hub.js";
import type { StoredJoinCode } from "../src/hub/join-codes.js";
import { roomStateOf } from "../src/hub/room-policy.js";
import { commitRequest, externalCommitRequest, keyPackageOf, roomInputs } from "./hub-harness.js";

const room = "mimi://a.example/r/decide";
const alice1 = "mimi://a.example/d/alice/1";
const bob1 = "mimi://b.example/d/bob/1";
const now = 1_800_000_000_000;

/** Cooperative roles where role 0 may join with a code, as an ordinary user (2). */
const codeRoles: RoleData = {
  roles: cooperativeRoles.roles.map((r) =>
    r.role_index === 0
      ? {
          ...r,
          role_capabilities: [roleCapabilities.canUseJoinCode],
          authorized_role_changes: [{ from_role_index: 0, target_role_indexes: [2] }],
        }
      : r,
  ),
};

let profile: MimiProfile;
let alice: MlsGroupState;
let view: HubGroupView;
let policy: RoomState;

async function bundleOf(body: Promise<Uint8Array>): Promise<CommitBundle> {
  const b = decodeUpdateRequest(await body).bundle;
  if (!isCommitBundle(b)) throw new Error("not a commit bundle");
  return b;
}

function rejected(d: CommitDecision): CommitRejection {
  if (d.accepted) throw new Error("accepted");
  return d;
}

function acceptedOf(d: CommitDecision): CommitAcceptance {
  if (!d.accepted) throw new Error(`rejected: ${d.response.errorDescription} (${d.requirement})`);
  return d;
}

beforeAll(async () => {
  const cs = await loadCiphersuite();
  const hubKeys = await generateSignatureKeyPair(cs);
  const hub: ExternalSender = {
    signaturePublicKey: hubKeys.publicKey,
    credential: { credentialType: "basic", identity: utf8("mimi://a.example") },
  };
  profile = mimiProfile({
    cs,
    authService: unsafeAcceptAllCredentials,
    hub,
    userOf: (c) => utf8(userUriOfCredential(c) ?? "?"),
  });
  alice = await createRoom(profile, {
    roomUri: room,
    keyPackage: await keyPackageOf(cs, alice1),
    creatorRole: 2,
  });
  const inputs = await roomInputs(profile, alice);
  view = await bootstrapHubView({
    groupInfo: inputs.groupInfo,
    ratchetTree: inputs.ratchetTree,
    cipherSuite: hubCipherSuite(cs.impl),
    options: hubViewOptions(),
  });
  policy = roomStateOf(view, codeRoles);
});

describe("roomStateOf: a view's room state, read once per view", () => {
  it("the same view and default roles give the same state object; other default roles or the view after a commit read it again", async () => {
    expect(roomStateOf(view, codeRoles)).toBe(policy);
    const otherRoles = roomStateOf(view);
    expect(otherRoles).not.toBe(policy);
    expect(roomStateOf(view)).toBe(otherRoles);
    const add = await addUser(profile, alice, {
      user: utf8("mimi://b.example/u/bob"),
      role: 2,
      keyPackages: [(await keyPackageOf(profile.cs, bob1)).publicPackage],
    });
    const d = acceptedOf(
      await decideCommit({
        view,
        policy,
        peerDomain: "a.example",
        bundle: await bundleOf(commitRequest(profile, add)),
        now,
      }),
    );
    const next = roomStateOf(d.next, codeRoles);
    expect(next).not.toBe(policy);
    expect(next.participants.map((p) => p.user)).toEqual([
      ...policy.participants.map((p) => p.user),
      "mimi://b.example/u/bob",
    ]);
    expect(next.clients).toHaveLength(policy.clients.length + 1);
  });
});

describe("decideCommit: the hub's decision on a commit, without I/O", () => {
  it("[PROTO-HUB-02] [PROTO-HUB-06] accepts Alice adding Bob: the new view, the commit for both providers, the Welcome for b.example, the GroupInfo to serve", async () => {
    const add = await addUser(profile, alice, {
      user: utf8("mimi://b.example/u/bob"),
      role: 2,
      keyPackages: [(await keyPackageOf(profile.cs, bob1)).publicPackage],
    });
    const bundle = await bundleOf(commitRequest(profile, add));
    const input = { view, policy, peerDomain: "a.example", bundle, now };
    const d = acceptedOf(await decideCommit(input));
    expect(d.next.groupContext.epoch).toBe(1n);
    expect(d.timestamp).toBe(BigInt(now));
    expect([...d.commit.domains].sort()).toEqual(["a.example", "b.example"]);
    expect(decodeFanoutMessage(d.commit.body).message.bytes).toEqual(bundle.proposalOrCommit.bytes);
    expect(d.welcome?.domains).toEqual(["b.example"]);
    expect(decodeFanoutMessage(d.welcome!.body).message.value.wireformat).toBe("mls_welcome");
    expect(d.groupInfo.epoch).toBe(1n);
    expect(d.groupInfo.ratchetTree).toEqual(mlsOf("RatchetTree", d.next.ratchetTree).bytes);
    expect(d.spendJoinCode).toBeUndefined();
    // the same input gives the same decision, and the input view is untouched
    const again = acceptedOf(await decideCommit(input));
    expect(again.commit.body).toEqual(d.commit.body);
    expect(again.groupInfo.message).toEqual(d.groupInfo.message);
    expect(view.groupContext.epoch).toBe(0n);
  });

  it("[PROTO-HUB-06] refuses an Add without its Welcome", async () => {
    const add = await addUser(profile, alice, {
      user: utf8("mimi://b.example/u/bob"),
      role: 2,
      keyPackages: [(await keyPackageOf(profile.cs, bob1)).publicPackage],
    });
    const { welcome: _, ...noWelcome } = await bundleOf(commitRequest(profile, add));
    const d = rejected(await decideCommit({ view, policy, peerDomain: "a.example", bundle: noWelcome, now }));
    expect(d.requirement).toBe("PROTO-HUB-06");
    expect(d.response).toMatchObject({ responseCode: "notAllowed" });
    expect(d.response.errorDescription).toContain("needs their Welcome");
  });

  it("[PROTO-HUB-01] answers wrongEpoch with the view's epoch to a commit of another epoch", async () => {
    const c1 = await commitPending(profile, alice);
    const c2 = await commitPending(profile, c1.state);
    const bundle = await bundleOf(commitRequest(profile, c2));
    const d = rejected(await decideCommit({ view, policy, peerDomain: "a.example", bundle, now }));
    expect(d.requirement).toBe("PROTO-HUB-01");
    expect(d.response).toMatchObject({ responseCode: "wrongEpoch", currentEpoch: 0n });
  });

  it("[PROTO-HUB-10] refuses a commit submitted by another provider than the committer's", async () => {
    const bundle = await bundleOf(commitRequest(profile, await commitPending(profile, alice)));
    const d = rejected(await decideCommit({ view, policy, peerDomain: "b.example", bundle, now }));
    expect(d.requirement).toBe("PROTO-HUB-10");
    expect(d.response.errorDescription).toContain("cannot submit");
  });

  it("[PROTO-HUB-05] refuses the commit of a member whose user the policy state lists as banned", async () => {
    const bundle = await bundleOf(commitRequest(profile, await commitPending(profile, alice)));
    const banned: RoomState = {
      ...policy,
      participants: policy.participants.map((p) => ({ ...p, role_index: 1 })),
    };
    const d = rejected(await decideCommit({ view, policy: banned, peerDomain: "a.example", bundle, now }));
    expect(d.requirement).toBe("PROTO-HUB-05");
    // the same commit under the room's own policy state is accepted
    acceptedOf(await decideCommit({ view, policy, peerDomain: "a.example", bundle, now }));
  });

  it("[PROTO-HUB-02] refuses a commit the hub view rejects, naming the view's rule", async () => {
    const bundle = await bundleOf(commitRequest(profile, await commitPending(profile, alice)));
    // a byte of the FramedContent's signature (before the confirmation and membership tags, 33
    // bytes each)
    const bytes = Uint8Array.from(bundle.proposalOrCommit.bytes);
    bytes[bytes.length - 70]! ^= 1;
    const d = rejected(
      await decideCommit({
        view,
        policy,
        peerDomain: "a.example",
        bundle: { ...bundle, proposalOrCommit: { ...bundle.proposalOrCommit, bytes } },
        now,
      }),
    );
    expect(d.requirement).toMatch(/^MLS-HUB-\d+$/);
    expect(d.response.errorDescription).toContain(d.requirement);
  });

  it("[PROTO-HUB-07] refuses a commit whose GroupInfo is not the new epoch's (MLS-HUB-16)", async () => {
    const c = await commitPending(profile, alice);
    const bundle = await bundleOf(commitRequest(profile, c, alice));
    const d = rejected(await decideCommit({ view, policy, peerDomain: "a.example", bundle, now }));
    expect(d.requirement).toBe("MLS-HUB-16");
  });

  it("[PROTO-HUB-03] refuses an Add whose user is not in the participant list, by room policy", async () => {
    const kp = await keyPackageOf(profile.cs, bob1);
    const r = await commit(alice, profile.cs, {
      proposals: [{ proposalType: "add", add: { keyPackage: kp.publicPackage } }],
      publicMessage: true,
    });
    const bundle = await bundleOf(
      commitRequest(profile, { ...r, ratchetTree: mlsOf("RatchetTree", r.state.ratchetTree).bytes }),
    );
    const d = rejected(await decideCommit({ view, policy, peerDomain: "a.example", bundle, now }));
    expect(d.requirement).toMatch(/^POLICY-/);
  });

  it("[PROTO-JC-05] authorizes an external join with the joining code granted to the joiner, and says to spend it", async () => {
    const gi = await exportGroupInfo(alice, profile.cs);
    if (gi.wireformat !== "mls_group_info") throw new Error("no GroupInfo");
    const frank = await keyPackageOf(profile.cs, "mimi://b.example/d/frank/1");
    const joined = await joinRoomExternal(profile, gi.groupInfo, frank, alice.ratchetTree, { role: 2 });
    const bundle = await bundleOf(externalCommitRequest(profile, joined));
    expect(externalJoinerOf(view, bundle)).toEqual({
      signatureKey: frank.publicPackage.leafNode.signaturePublicKey,
      clientUri: "mimi://b.example/d/frank/1",
    });
    const without = rejected(await decideCommit({ view, policy, peerDomain: "b.example", bundle, now }));
    expect(without.requirement).toBe("POLICY-JOIN-01");
    const joinCode: StoredJoinCode = { codeHash: new Uint8Array(32).fill(7), role_index: 2 };
    const d = acceptedOf(
      await decideCommit({ view, policy, peerDomain: "b.example", bundle, joinCode, now }),
    );
    expect(d.spendJoinCode).toEqual({
      code: joinCode,
      signatureKey: frank.publicPackage.leafNode.signaturePublicKey,
    });
    expect(d.event.external).toBe(true);
  });
});
