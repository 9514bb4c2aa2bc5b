import { CodecError, concatBytes, fromUtf8, ProtocolError, toHex, utf8 } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addUser,
  addUsers,
  appDataDictionaryOf,
  appDataHubViewOptions,
  bootstrapHubView,
  changeRole,
  commit,
  commitPending,
  createRoom,
  decodeGroupState,
  decodeRatchetTree,
  type Extension,
  type ExternalSender,
  encodeGroupContext,
  encodeGroupState,
  encodeMlsMessage,
  encodeSafeAAD,
  encryptApplicationMessage,
  exportGroupInfo,
  externalSendersOf,
  type GroupInfo,
  type HubGroupView,
  hubCipherSuite,
  joinExternal,
  joinRoom,
  joinRoomExternal,
  type KeyPackageBundle,
  leaveRoom,
  loadCiphersuite,
  type MimiProfile,
  type MLSMessage,
  type MlsCiphersuite,
  type MlsGroupState,
  makeClientConfig,
  makePskIndex,
  mimiComponentHandlers,
  mimiExternalJoinPolicy,
  mimiProfile,
  mimiProposalHandler,
  type ParticipantListUpdate,
  type Proposal,
  participantListOf,
  participantListProposal,
  processHubMessage,
  processIncoming,
  processMessage,
  propose,
  type RoomCommit,
  type RoomEvent,
  removeUser,
  roomMembers,
  roomMetadataOf,
  sendContent,
  setComponentData,
  unsafeAcceptAllCredentials,
  withAppDataDictionary,
} from "../src/index.js";
import { clientKeyPackage, testProfile, userOf } from "./client-fixtures.js";

const user = (name: string): Uint8Array => utf8(`mimi://example.com/u/${name}`);
const names = (list: { participants: readonly { user: Uint8Array; role_index: number }[] }): string[] =>
  list.participants.map((p) => `${fromUtf8(p.user).slice(21)}:${p.role_index}`);
// Test content: a 16-byte salt, then the body (a stand-in for MIMI content's salt field).
const content = (salt: number, body: string): Uint8Array =>
  concatBytes(new Uint8Array(16).fill(salt), utf8(body));

let cs: MlsCiphersuite;
let hub: ExternalSender;
let profile: MimiProfile;

function client(name: string, device: number): Promise<KeyPackageBundle> {
  return clientKeyPackage(cs, name, device);
}

/** Deliver a commit's bytes to every state in `states`, returning the events. */
async function deliver(states: MlsGroupState[], message: Uint8Array): Promise<RoomEvent[]> {
  const out: RoomEvent[] = [];
  for (const s of states) out.push(await processIncoming(profile, s, message));
  return out;
}

async function joinAll(r: RoomCommit, kps: KeyPackageBundle[]): Promise<MlsGroupState[]> {
  const tree = decodeRatchetTree(r.ratchetTree);
  const out: MlsGroupState[] = [];
  for (const kp of kps) out.push(await joinRoom(profile, encodeMlsMessage(r.welcome!), kp, tree));
  return out;
}

/** A room of alice's, and the commit adding bob (one client). */
async function aliceAddsBob(
  roomUri: string,
): Promise<{ alice: MlsGroupState; r: RoomCommit; bkp: KeyPackageBundle }> {
  const bkp = await client("bob", 1);
  const room = await createRoom(profile, { roomUri, keyPackage: await client("alice", 1), creatorRole: 4 });
  const r = await addUser(profile, room, { user: user("bob"), role: 2, keyPackages: [bkp.publicPackage] });
  return { alice: r.state, r, bkp };
}

/** A member's GroupInfo, with the ratchet tree. */
async function groupInfoOf(state: MlsGroupState): Promise<GroupInfo> {
  const gi = await exportGroupInfo(state, cs, { ratchetTree: true });
  if (gi.wireformat !== "mls_group_info") throw new Error("expected a GroupInfo");
  return gi.groupInfo;
}

/** The hub's view of a room with MIMI's components, with or without MIMI's external-join policy. */
function hubViewOf(groupInfo: GroupInfo, externalJoins: boolean): Promise<HubGroupView> {
  return bootstrapHubView({
    groupInfo,
    cipherSuite: hubCipherSuite(cs.impl),
    options: appDataHubViewOptions(
      mimiComponentHandlers(),
      externalJoins ? { externalCommit: mimiExternalJoinPolicy({ userOf }) } : {},
    ),
  });
}

beforeAll(async () => {
  cs = await loadCiphersuite();
  ({ profile, hub } = await testProfile(cs));
});

describe("client facade with real ts-mls groups", () => {
  it("runs a room: create, add users with their list change, message, roles, remove, leave, external join", async () => {
    // alice creates the room
    const alice1kp = await client("alice", 1);
    let alice = await createRoom(profile, {
      roomUri: "mimi://example.com/r/clubhouse",
      keyPackage: alice1kp,
      creatorRole: 4,
      roomMetadata: {
        room_uri: { uri: "mimi://example.com/r/clubhouse" },
        room_name: { string: "Clubhouse" },
        room_descriptions: [],
        room_avatar: { uri: "" },
        room_subject: { string: "" },
        room_mood: { string: "" },
      },
    });
    expect(fromUtf8(alice.groupContext.groupId)).toBe("mimi://example.com/r/clubhouse");
    expect(names(participantListOf(profile, alice))).toEqual(["alice:4"]);
    expect(roomMetadataOf(profile, alice)?.room_name.string).toBe("Clubhouse");
    expect(externalSendersOf(alice.groupContext.extensions)).toEqual([hub]);

    // alice adds bob's two clients and bob to the participant list, in one commit
    const bobKps = [await client("bob", 1), await client("bob", 2)];
    const addBob = await addUser(profile, alice, {
      user: user("bob"),
      role: 2,
      keyPackages: bobKps.map((k) => k.publicPackage),
    });
    alice = addBob.state;
    let [bob1, bob2] = (await joinAll(addBob, bobKps)) as [MlsGroupState, MlsGroupState];
    for (const s of [alice, bob1, bob2])
      expect(names(participantListOf(profile, s))).toEqual(["alice:4", "bob:2"]);
    expect(roomMembers(profile, bob2).map((m) => fromUtf8(m.user).slice(21))).toEqual([
      "alice",
      "bob",
      "bob",
    ]);

    // bob1 adds cathy; everyone else processes the commit into typed events
    const cathyKp = await client("cathy", 1);
    const addCathy = await addUser(profile, bob1, {
      user: user("cathy"),
      role: 2,
      keyPackages: [cathyKp.publicPackage],
    });
    bob1 = addCathy.state;
    const [ea, eb2] = await deliver([alice, bob2], encodeMlsMessage(addCathy.commit));
    for (const e of [ea!, eb2!]) {
      if (e.kind !== "commit") throw new Error("expected a commit");
      expect(e.membership.added.map((m) => fromUtf8(m.user).slice(21))).toEqual(["cathy"]);
      expect(e.membership.removed).toEqual([]);
      expect(e.participants).toEqual([{ kind: "add", user: user("cathy"), role_index: 2 }]);
    }
    alice = ea!.state;
    bob2 = eb2!.state;
    let [cathy] = (await joinAll(addCathy, [cathyKp])) as [MlsGroupState];

    // cathy sends MIMI content: a PrivateMessage whose SafeAAD carries the franking tag
    const sent = await sendContent(profile, cathy, content(7, "hello room"), new Uint8Array(16).fill(7));
    cathy = sent.state;
    expect(sent.message.wireformat).toBe("mls_private_message");
    const bytes = encodeMlsMessage(sent.message);
    const received = await deliver([alice, bob1, bob2], bytes);
    for (const e of received) {
      if (e.kind !== "application") throw new Error("expected an application message");
      expect(fromUtf8(e.content.subarray(16))).toBe("hello room");
      expect(e.sender?.leafIndex).toBe(3);
      expect(fromUtf8(e.sender!.user)).toBe("mimi://example.com/u/cathy");
      expect(e.frankingTag).toEqual(sent.frankingTag);
    }
    [alice, bob1, bob2] = received.map((e) => e.state) as [MlsGroupState, MlsGroupState, MlsGroupState];

    // alice makes cathy a moderator
    const role = await changeRole(profile, alice, user("cathy"), 3);
    alice = role.state;
    [bob1, bob2, cathy] = (await deliver([bob1, bob2, cathy], encodeMlsMessage(role.commit))).map((e) => {
      if (e.kind !== "commit") throw new Error("expected a commit");
      expect(e.participants).toEqual([{ kind: "role", user: user("cathy"), from: 2, to: 3 }]);
      return e.state;
    }) as [MlsGroupState, MlsGroupState, MlsGroupState];

    // alice removes bob: both clients and the list entry, in one commit
    const rmBob = await removeUser(profile, alice, user("bob"));
    alice = rmBob.state;
    const [eb1, eb2b, ec] = await deliver([bob1, bob2, cathy], encodeMlsMessage(rmBob.commit));
    expect(eb1!.kind === "commit" && eb1!.removedSelf).toBe(true);
    expect(eb2b!.kind === "commit" && eb2b!.removedSelf).toBe(true);
    if (ec!.kind !== "commit") throw new Error("expected a commit");
    expect(ec!.membership.removed.map((m) => m.leafIndex)).toEqual([1, 2]);
    expect(ec!.participants).toEqual([{ kind: "remove", user: user("bob"), role_index: 2 }]);
    cathy = ec!.state;
    expect(names(participantListOf(profile, cathy))).toEqual(["alice:4", "cathy:3"]);

    // alice's second device joins by external commit; the list does not change
    const gi = await exportGroupInfo(alice, cs, { ratchetTree: true });
    if (gi.wireformat !== "mls_group_info") throw new Error("expected a GroupInfo");
    const alice2kp = await client("alice", 2);
    const ext = await joinRoomExternal(profile, gi.groupInfo, alice2kp);
    let alice2 = ext.state;
    const [ea2, ec2] = await deliver([alice, cathy], encodeMlsMessage(ext.commit));
    for (const e of [ea2!, ec2!]) {
      if (e.kind !== "commit") throw new Error("expected a commit");
      expect(e.membership.added.map((m) => fromUtf8(m.user).slice(21))).toEqual(["alice"]);
      expect(e.participants).toEqual([]);
    }
    alice = ea2!.state;
    cathy = ec2!.state;

    // cathy leaves: Remove + list update proposals, committed by alice's second device
    const leave = await leaveRoom(profile, cathy);
    cathy = leave.state;
    expect(leave.proposals).toHaveLength(2);
    for (const p of leave.proposals) {
      const [e1, e2] = await deliver([alice, alice2], encodeMlsMessage(p));
      expect(e1!.kind).toBe("proposal");
      if (e1!.kind === "proposal") expect(e1!.proposal).toBeDefined();
      alice = e1!.state;
      alice2 = e2!.state;
    }
    const done = await commitPending(profile, alice2);
    alice2 = done.state;
    const [ea3, ec3] = await deliver([alice, cathy], encodeMlsMessage(done.commit));
    if (ea3!.kind !== "commit") throw new Error("expected a commit");
    expect(ea3!.participants).toEqual([{ kind: "remove", user: user("cathy"), role_index: 3 }]);
    expect(ec3!.kind === "commit" && ec3!.removedSelf).toBe(true);
    alice = ea3!.state;
    expect(names(participantListOf(profile, alice))).toEqual(["alice:4"]);
    expect(roomMembers(profile, alice2).map((m) => m.leafIndex)).toEqual([0, 1]);

    // alice2 can message alice1
    const hi = await sendContent(profile, alice2, content(1, "just us"), new Uint8Array(16).fill(1));
    const [last] = await deliver([alice], encodeMlsMessage(hi.message));
    expect(last!.kind === "application" && last!.sender?.leafIndex).toBe(1);
  });

  it("MLS-SELFRM-01 MLS-SELFRM-03: a user leaves by SelfRemove; another member commits it; members and the hub view agree", async () => {
    const { alice: a0, r, bkp } = await aliceAddsBob("mimi://example.com/r/self-remove");
    let alice = a0;
    let [bob] = (await joinAll(r, [bkp])) as [MlsGroupState];
    let view = await hubViewOf(await groupInfoOf(alice), false);
    const leave = await leaveRoom(profile, bob, { selfRemove: true });
    bob = leave.state;
    expect(leave.proposals.map((p) => p.wireformat)).toEqual(["mls_public_message", "mls_public_message"]);
    for (const p of leave.proposals) {
      const bytes = encodeMlsMessage(p);
      view = (await processHubMessage(view, bytes)).view;
      const [e] = await deliver([alice], bytes);
      if (e!.kind !== "proposal") throw new Error("expected a proposal");
      alice = e!.state;
    }
    const done = await commitPending(profile, alice);
    alice = done.state;
    const hubResult = await processHubMessage(view, encodeMlsMessage(done.commit));
    expect(hubResult.event.kind === "commit" && hubResult.event.removed).toEqual([1]);
    expect(toHex(encodeGroupContext(hubResult.view.groupContext))).toBe(
      toHex(encodeGroupContext(alice.groupContext)),
    );
    const [eb] = await deliver([bob], encodeMlsMessage(done.commit));
    expect(eb!.kind === "commit" && eb!.removedSelf).toBe(true);
    expect(roomMembers(profile, alice).map((m) => m.leafIndex)).toEqual([0]);
    expect(names(participantListOf(profile, alice))).toEqual(["alice:4"]);
  });

  it("MLS-CLIENT-01: the clients added for a user belong to that user", async () => {
    const room = await createRoom(profile, {
      roomUri: "mimi://example.com/r/a",
      keyPackage: await client("alice", 1),
      creatorRole: 4,
    });
    const eve = await client("eve", 1);
    await expect(
      addUser(profile, room, { user: user("bob"), role: 2, keyPackages: [eve.publicPackage] }),
    ).rejects.toThrow(expect.objectContaining({ rule: "MLS-CLIENT-01" }));
  });

  it("MLS-CLIENT-01: several users added in one commit, each with its own clients and role", async () => {
    const room = await createRoom(profile, {
      roomUri: "mimi://example.com/r/a",
      keyPackage: await client("alice", 1),
      creatorRole: 4,
    });
    const [bob1, bob2, cathy, eve] = [
      await client("bob", 1),
      await client("bob", 2),
      await client("cathy", 1),
      await client("eve", 1),
    ];
    const r = await addUsers(profile, room, [
      { user: user("bob"), role: 2, keyPackages: [bob1.publicPackage, bob2.publicPackage] },
      { user: user("cathy"), role: 3, keyPackages: [cathy.publicPackage] },
    ]);
    expect(roomMembers(profile, r.state)).toHaveLength(4);
    expect(names(participantListOf(profile, r.state))).toEqual(["alice:4", "bob:2", "cathy:3"]);
    expect(r.welcome).toBeDefined();
    // a KeyPackage listed under another user names that user's index in the error's path
    await expect(
      addUsers(profile, room, [
        { user: user("bob"), role: 2, keyPackages: [bob1.publicPackage] },
        { user: user("cathy"), role: 2, keyPackages: [eve.publicPackage] },
      ]),
    ).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-CLIENT-01", path: "/users/1/keyPackages/0/leaf_node/credential" }),
    );
    await expect(
      addUsers(profile, room, [
        { user: user("bob"), role: 2, keyPackages: [bob1.publicPackage] },
        { user: user("bob"), role: 2, keyPackages: [bob2.publicPackage] },
      ]),
    ).rejects.toThrow(expect.objectContaining({ path: "/users/1/user" }));
    await expect(addUsers(profile, room, [])).rejects.toThrow(expect.objectContaining({ path: "/users" }));
  });

  describe("a new user joins by external commit and appends itself to the participant list", () => {
    /** alice's room with bob, the hub's view of it, and a GroupInfo for external joiners. */
    async function room(name: string): Promise<{
      alice: MlsGroupState;
      bob: MlsGroupState;
      view: HubGroupView;
      groupInfo: GroupInfo;
    }> {
      const { alice, r, bkp } = await aliceAddsBob(`mimi://example.com/r/${name}`);
      const [bob] = (await joinAll(r, [bkp])) as [MlsGroupState];
      const groupInfo = await groupInfoOf(alice);
      return { alice, bob, view: await hubViewOf(groupInfo, true), groupInfo };
    }

    it("MLS-XJOIN-01 MLS-CLIENT-02: the joiner, every member and the hub view agree on the appended list", async () => {
      const { alice, bob, view, groupInfo } = await room("open");
      const joined = await joinRoomExternal(profile, groupInfo, await client("dave", 1), undefined, {
        role: 2,
      });
      expect(names(participantListOf(profile, joined.state))).toEqual(["alice:4", "bob:2", "dave:2"]);
      const bytes = encodeMlsMessage(joined.commit);
      const hub = await processHubMessage(view, bytes);
      expect(hub.event.kind === "commit" && hub.event.external).toBe(true);
      for (const e of await deliver([alice, bob], bytes)) {
        if (e.kind !== "commit") throw new Error("expected a commit");
        expect(e.participants).toEqual([{ kind: "add", user: user("dave"), role_index: 2 }]);
        expect(toHex(encodeGroupContext(e.state.groupContext))).toBe(
          toHex(encodeGroupContext(joined.state.groupContext)),
        );
      }
      expect(toHex(encodeGroupContext(hub.view.groupContext))).toBe(
        toHex(encodeGroupContext(joined.state.groupContext)),
      );
      // the new member can talk to the room
      const hi = await sendContent(profile, joined.state, content(3, "hi"), new Uint8Array(16).fill(3));
      const [ea] = await deliver([(await deliver([alice], bytes))[0]!.state], encodeMlsMessage(hi.message));
      expect(ea!.kind === "application" && fromUtf8(ea!.sender!.user)).toBe("mimi://example.com/u/dave");
    });

    /** An external commit by `kp` carrying `update`, made by a joiner whose ts-mls checks nothing. */
    async function laxJoin(
      groupInfo: GroupInfo,
      kp: KeyPackageBundle,
      update: ParticipantListUpdate,
    ): Promise<Uint8Array> {
      const lax = makeClientConfig({ authService: unsafeAcceptAllCredentials });
      const r = await joinExternal(cs, groupInfo, kp, {
        config: lax,
        proposals: [participantListProposal(profile, update)],
      });
      return encodeMlsMessage(r.commit);
    }

    it("MLS-XJOIN-01 MLS-XJOIN-02: members and the hub reject an external commit appending someone else, with role 0, or changing others", async () => {
      const { alice, view, groupInfo } = await room("strict");
      const cases: [ParticipantListUpdate, string][] = [
        [
          {
            changedRoleParticipants: [],
            removedIndices: [],
            addedParticipants: [{ user: user("mallory"), role_index: 2 }],
          },
          "MLS-XJOIN-01",
        ],
        [
          {
            changedRoleParticipants: [],
            removedIndices: [],
            addedParticipants: [{ user: user("erin"), role_index: 0 }],
          },
          "MLS-XJOIN-02",
        ],
        [
          {
            changedRoleParticipants: [{ user_index: 1, role_index: 4 }],
            removedIndices: [],
            addedParticipants: [{ user: user("erin"), role_index: 2 }],
          },
          "MLS-XJOIN-01",
        ],
        [
          {
            changedRoleParticipants: [],
            removedIndices: [1],
            addedParticipants: [{ user: user("erin"), role_index: 2 }],
          },
          "MLS-XJOIN-01",
        ],
      ];
      for (const [update, rule] of cases) {
        const bytes = await laxJoin(groupInfo, await client("erin", 1), update);
        await expect(processIncoming(profile, alice, bytes)).rejects.toThrow(
          expect.objectContaining({ rule }),
        );
        await expect(processHubMessage(view, bytes)).rejects.toThrow(expect.objectContaining({ rule }));
      }
    });

    it("MLS-PLIST-06: room policy decides whether a new user may join with a role", async () => {
      const { alice, groupInfo } = await room("policy");
      const strict = mimiProfile({
        cs,
        authService: unsafeAcceptAllCredentials,
        hub,
        userOf,
        authorizeExternalJoin: (_user, role) => role === 2,
      });
      const ok = await joinRoomExternal(strict, groupInfo, await client("frank", 1), undefined, { role: 2 });
      expect(names(participantListOf(strict, ok.state))).toEqual(["alice:4", "bob:2", "frank:2"]);
      await expect(
        joinRoomExternal(strict, groupInfo, await client("grace", 1), undefined, { role: 4 }),
      ).rejects.toThrow(expect.objectContaining({ rule: "MLS-PLIST-06" }));
      const bytes = await laxJoin(groupInfo, await client("grace", 1), {
        changedRoleParticipants: [],
        removedIndices: [],
        addedParticipants: [{ user: user("grace"), role_index: 4 }],
      });
      await expect(processIncoming(strict, { ...alice, clientConfig: strict.config }, bytes)).rejects.toThrow(
        expect.objectContaining({ rule: "MLS-PLIST-06" }),
      );
    });

    it("MLS-XJOIN-01 MLS-HUB-13: without an external-commit policy an AppDataUpdate in an external commit is rejected", async () => {
      const { alice, groupInfo } = await room("closed");
      const bytes = await laxJoin(groupInfo, await client("heidi", 1), {
        changedRoleParticipants: [],
        removedIndices: [],
        addedParticipants: [{ user: user("heidi"), role_index: 2 }],
      });
      const view = await hubViewOf(groupInfo, false);
      await expect(processHubMessage(view, bytes)).rejects.toThrow(
        expect.objectContaining({ rule: "MLS-HUB-13" }),
      );
      const closed = makeClientConfig({
        authService: unsafeAcceptAllCredentials,
        customProposalHandler: mimiProposalHandler(),
      });
      await expect(processMessage({ ...alice, clientConfig: closed }, cs, bytes)).rejects.toThrow(
        expect.objectContaining({ rule: "MLS-XJOIN-01" }),
      );
    });
  });

  it("MLS-CLIENT-02: a non-participant's client joins by external commit only with a role for its user", async () => {
    const room = await createRoom(profile, {
      roomUri: "mimi://example.com/r/b",
      keyPackage: await client("alice", 1),
      creatorRole: 4,
    });
    const gi = await exportGroupInfo(room, cs, { ratchetTree: true });
    if (gi.wireformat !== "mls_group_info") throw new Error("expected a GroupInfo");
    await expect(joinRoomExternal(profile, gi.groupInfo, await client("erin", 1))).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-CLIENT-02" }),
    );
  });

  it("MLS-PSK-01: a member follows PrivateMessage and PublicMessage commits covering a resumption PSK of the room", async () => {
    const { alice, r, bkp } = await aliceAddsBob("mimi://example.com/r/psk");
    let [bob] = (await joinAll(r, [bkp])) as [MlsGroupState];
    let a = alice;
    for (const publicMessage of [false, true]) {
      const psk = {
        proposalType: "psk" as const,
        psk: {
          preSharedKeyId: {
            psktype: "resumption" as const,
            usage: "application" as const,
            pskGroupId: a.groupContext.groupId,
            pskEpoch: a.groupContext.epoch,
            pskNonce: new Uint8Array(32).fill(publicMessage ? 1 : 2),
          },
        },
      };
      const c = await commit(a, cs, { proposals: [psk], publicMessage, pskIndex: makePskIndex(a, {}) });
      const [e] = await deliver([bob], encodeMlsMessage(c.commit));
      expect(e!.state.groupContext.epoch).toBe(c.state.groupContext.epoch);
      expect(toHex(e!.state.keySchedule.epochAuthenticator)).toBe(
        toHex(c.state.keySchedule.epochAuthenticator),
      );
      [a, bob] = [c.state, e!.state];
    }
  });

  it("MLS-AAD-03 and MLS-FRANK-02: received messages carry frank_aad with the right tag", async () => {
    const { alice: a0, r, bkp } = await aliceAddsBob("mimi://example.com/r/c");
    const alice = a0;
    const [bob] = (await joinAll(r, [bkp])) as [MlsGroupState];
    const body = content(9, "x");
    // no frank_aad item
    const bare = await encryptApplicationMessage(alice, cs, body, encodeSafeAAD({ aad_items: [] }));
    await expect(processIncoming(profile, bob, encodeMlsMessage(bare.message))).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-AAD-03" }),
    );
    // a tag that is not HMAC(salt, content)
    const wrong = await encryptApplicationMessage(
      bare.state,
      cs,
      body,
      encodeSafeAAD({ aad_items: [{ component_id: 0x20, aad_item_data: new Uint8Array(32) }] }),
    );
    await expect(processIncoming(profile, bob, encodeMlsMessage(wrong.message))).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-FRANK-02" }),
    );
    // authenticated_data that is not a SafeAAD
    const unsafe = await encryptApplicationMessage(wrong.state, cs, body, new Uint8Array([1, 2, 3]));
    await expect(processIncoming(profile, bob, encodeMlsMessage(unsafe.message))).rejects.toThrow(CodecError);
  });

  it("MLS-EXT-06 MLS-EXT-13: rejects invalid participant-list changes and unused proposal types when committing and when receiving a commit", async () => {
    const { alice: a0, r, bkp } = await aliceAddsBob("mimi://example.com/r/d");
    const alice = a0;
    await expect(removeUser(profile, alice, user("alice"))).rejects.toThrow(ProtocolError);
    await expect(removeUser(profile, alice, user("zed"))).rejects.toThrow(ProtocolError);
    await expect(changeRole(profile, alice, user("zed"), 1)).rejects.toThrow(ProtocolError);

    // bob's client runs ts-mls without MIMI's component logic, so it commits anything
    const lax: MimiProfile = {
      ...profile,
      config: makeClientConfig({ authService: unsafeAcceptAllCredentials }),
    };
    let bob = await joinRoom(lax, encodeMlsMessage(r.welcome!), bkp, decodeRatchetTree(r.ratchetTree));
    const bad = participantListProposal(profile, {
      changedRoleParticipants: [],
      removedIndices: [9],
      addedParticipants: [],
    });

    // as a proposal by reference: alice (a MIMI client) refuses to commit it
    const p = await propose(bob, cs, bad);
    bob = p.state;
    const pe = await processIncoming(profile, alice, encodeMlsMessage(p.message));
    await expect(commitPending(profile, pe.state)).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-EXT-06" }),
    );

    // committed by bob: alice rejects the commit
    const c = await commit(bob, cs, { proposals: [bad], publicMessage: true });
    await expect(processIncoming(profile, pe.state, encodeMlsMessage(c.commit))).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-EXT-06" }),
    );
    // a non-default type MIMI does not use (AppEphemeral here): the commit is rejected too
    const ephemeral = await commit(bob, cs, {
      proposals: [
        { proposalType: profile.codePoints.proposalTypes.app_ephemeral, proposalData: Uint8Array.of(0) },
      ],
      publicMessage: true,
    });
    await expect(processIncoming(profile, pe.state, encodeMlsMessage(ephemeral.commit))).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-EXT-13" }),
    );
    // and a valid change goes through
    const good = participantListProposal(profile, {
      changedRoleParticipants: [{ user_index: 1, role_index: 3 }],
      removedIndices: [],
      addedParticipants: [],
    });
    const ok = await commit(alice, cs, { proposals: [good], publicMessage: true });
    expect(names(participantListOf(profile, ok.state))).toEqual(["alice:4", "bob:3"]);
  });

  it("MLS-EXT-12: a GroupContextExtensions proposal may not touch app_data_dictionary", async () => {
    const { alice: a0, r, bkp } = await aliceAddsBob("mimi://example.com/r/f");
    const alice = a0;
    const lax: MimiProfile = {
      ...profile,
      config: makeClientConfig({ authService: unsafeAcceptAllCredentials }),
    };
    const bob = await joinRoom(lax, encodeMlsMessage(r.welcome!), bkp, decodeRatchetTree(r.ratchetTree));
    const exts = bob.groupContext.extensions;
    const dict = appDataDictionaryOf(exts)!;
    const changed = withAppDataDictionary(exts, setComponentData(dict, 0x23, new Uint8Array([0])));
    const gce = (extensions: Extension[]): Proposal => ({
      proposalType: "group_context_extensions",
      groupContextExtensions: { extensions },
    });

    // committed by value: alice rejects the commit
    const bad = await commit(bob, cs, { proposals: [gce(changed)], publicMessage: true });
    await expect(processIncoming(profile, alice, encodeMlsMessage(bad.commit))).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-EXT-12" }),
    );
    // by reference: alice will not commit it
    const p = await propose(bob, cs, gce(changed));
    const pe = await processIncoming(profile, alice, encodeMlsMessage(p.message));
    await expect(commitPending(profile, pe.state)).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-EXT-12" }),
    );
    // a GroupContextExtensions proposal leaving the dictionary alone is accepted (bob's state
    // from before his proposal, so that the commit does not include it)
    const fine = await commit(bob, cs, { proposals: [gce([...exts])], publicMessage: true });
    const ev = await processIncoming(profile, pe.state, encodeMlsMessage(fine.commit));
    expect(ev.kind === "commit" && ev.proposals.map((x) => x.proposalType)).toContain(
      "group_context_extensions",
    );
  });

  it("a caller's checkCommit sees the commit against the state before it; its refusal is a typed error and the commit takes no effect", async () => {
    const { alice, r, bkp } = await aliceAddsBob("mimi://example.com/r/hook");
    const bob = await joinRoom(profile, encodeMlsMessage(r.welcome!), bkp, decodeRatchetTree(r.ratchetTree));
    const rm = await removeUser(profile, bob, user("alice"));
    const seen: { before: MlsGroupState; committerLeaf: number | undefined; kinds: unknown[] }[] = [];
    const refusing = processIncoming(profile, alice, encodeMlsMessage(rm.commit), {
      checkCommit: (c) => {
        seen.push({
          before: c.before,
          committerLeaf: c.committerLeaf,
          kinds: c.proposals.map((p) => p.proposalType),
        });
        return {
          rule: "POLICY-REM-01",
          reason: "role 2 may not remove users with role 4",
          path: "/proposals/0",
        };
      },
    });
    await expect(refusing).rejects.toMatchObject({
      name: "ValidationError",
      rule: "POLICY-REM-01",
      path: "/proposals/0",
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.before).toBe(alice);
    expect(seen[0]!.committerLeaf).toBe(1);
    expect(seen[0]!.kinds).toContain("remove");
    // the state before is still usable: the same commit, not refused, takes alice's leaf away
    const ev = await processIncoming(profile, alice, encodeMlsMessage(rm.commit), {
      checkCommit: () => undefined,
    });
    expect(ev.kind === "commit" && ev.removedSelf).toBe(true);
  });

  it("a commit's membership change names the leaves it added and removed, from the write log as from a restored state (no log)", async () => {
    const roomUri = "mimi://example.com/r/membership";
    const { alice: a0, r: withBob, bkp } = await aliceAddsBob(roomUri);
    let alice = a0;
    let [bob] = await joinAll(withBob, [bkp]);
    /** Every member by leaf, compared by signature key: what the change must be. */
    const expected = (before: MlsGroupState, after: MlsGroupState) => {
      const key = (m: { leafIndex: number; signatureKey: Uint8Array }) =>
        `${m.leafIndex}:${toHex(m.signatureKey)}`;
      const b = new Set(roomMembers(profile, before).map(key));
      const a = new Set(roomMembers(profile, after).map(key));
      return {
        added: roomMembers(profile, after)
          .filter((m) => !b.has(key(m)))
          .map(key),
        removed: roomMembers(profile, before)
          .filter((m) => !a.has(key(m)))
          .map(key),
      };
    };
    const key = (m: { leafIndex: number; signatureKey: Uint8Array }) =>
      `${m.leafIndex}:${toHex(m.signatureKey)}`;
    const newcomers = async (prefix: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, async (_, i) => ({
          user: user(`${prefix}${i}`),
          role: 2,
          keyPackages: [(await client(`${prefix}${i}`, 1)).publicPackage],
        })),
      );
    const steps: (() => Promise<{ readonly commit: MLSMessage; readonly state: MlsGroupState }>)[] = [
      // the tree grows from 2 leaves to 8
      async () => addUsers(profile, alice, await newcomers("p", 5)),
      // a removal in the middle, then the last leaves (the tree is trimmed)
      () => removeUser(profile, alice, user("p1")),
      () => removeUser(profile, alice, user("p4")),
      () => removeUser(profile, alice, user("p3")),
      // a blank leaf filled again, and the tree grown past it
      async () => addUsers(profile, alice, await newcomers("q", 4)),
      // a path only: no member changes
      () => commit(alice, cs, { publicMessage: true }),
    ];
    let sawChange = 0;
    for (const step of steps) {
      const r = await step();
      const bytes = encodeMlsMessage(r.commit);
      const restored = decodeGroupState(encodeGroupState(bob!), profile.config);
      const live = await processIncoming(profile, bob!, bytes);
      const fromStorage = await processIncoming(profile, restored, bytes);
      if (live.kind !== "commit" || fromStorage.kind !== "commit") throw new Error("expected commits");
      const want = expected(bob!, live.state);
      for (const e of [live, fromStorage]) {
        expect(e.membership.added.map(key)).toEqual(want.added);
        expect(e.membership.removed.map(key)).toEqual(want.removed);
      }
      sawChange += want.added.length + want.removed.length;
      alice = r.state;
      bob = live.state;
    }
    expect(sawChange).toBe(5 + 3 + 4);
  });

  it("garbage bytes give a typed error", async () => {
    const room = await createRoom(profile, {
      roomUri: "mimi://example.com/r/e",
      keyPackage: await client("alice", 1),
      creatorRole: 4,
    });
    await expect(processIncoming(profile, room, new Uint8Array([0, 1, 0, 2, 9]))).rejects.toThrow(CodecError);
  });
});
