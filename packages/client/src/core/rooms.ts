/**
 * Rooms and their membership (protocol-06 §3.1–§3.5, §5.3): creating a room, the commits that
 * add and remove users or commit pending proposals, leaving, the hub's answer to an update, and
 * what this client sees of a room.
 */

import {
  addUsers as addUsersCommit,
  checkCommitProposals,
  commit,
  createRoom as createGroup,
  type ExternalSender,
  encodeMlsMessage,
  encodeRatchetTree,
  exportGroupInfo,
  type MimiProfile,
  ownLeafIndex,
  participantListOf,
  participantListProposal,
  propose,
  type RoomCommit,
  removeUser as removeUserCommit,
  roomMembers,
} from "@mimi/mls-profile";
import {
  decodeKeyMaterialResponse,
  decodeUpdateRoomResponse,
  encodeUpdateRequest,
  type HandshakeBundle,
  mlsOf,
  partialGroupInfoOf,
} from "@mimi/protocol";
import { bytesEqual, encodeTls, fromUtf8, ProtocolError, toHex, utf8, ValidationError } from "@mimi/wire";
import { clientOfCredential } from "../client-identity.js";
import type { ClientEvent, ParticipantChange } from "../events.js";
import { checkHub } from "./hub.js";
import { newKeyPackage } from "./key-packages.js";
import {
  activeRoomOf,
  addRoom,
  type CoreState,
  hashOf,
  type PendingCommit,
  type Room,
  roomOf,
} from "./state.js";

/** A body to send to the hub and what it was (for the caller's logs). */
export interface UpdateBody {
  /** The UpdateRequest body (protocol-06 §5.3). */
  readonly body: Uint8Array;
  readonly kind: "commit" | "proposals";
}

/**
 * Create a room hosted by `hub` (the room's provider, whose ExternalSender goes first in
 * `external_senders`, protocol-06 §7.4) with this client's user as its only participant, and
 * return the client API body `struct { MLSMessage group_info; opaque ratchet_tree<V>; }`.
 *
 * @throws ValidationError when the hub does not authenticate as the room's provider, or the room
 * exists here already.
 */
export async function createRoom(
  core: CoreState,
  roomUri: string,
  hub: ExternalSender,
  creatorRole: number,
): Promise<Uint8Array> {
  if (core.rooms.has(roomUri)) throw new ValidationError(`room ${roomUri} exists`, { path: "/roomId" });
  await checkHub(core.trust, hub, roomUri, "/hub");
  const profile: MimiProfile = { ...core.base, hub };
  const state = await createGroup(profile, {
    roomUri,
    keyPackage: await newKeyPackage(core),
    creatorRole,
  });
  addRoom(core, roomUri, profile, state);
  const groupInfo = encodeMlsMessage(await exportGroupInfo(state, core.cs));
  const tree = encodeRatchetTree(state.ratchetTree);
  return encodeTls((w) => w.bytes(groupInfo).opaque(tree));
}

/**
 * The UpdateRequest of a commit this client made, with the new epoch's GroupInfo (full or
 * partial, as configured) and the ratchet tree; the commit waits in `room.pending` for the hub.
 */
export async function commitBundle(
  core: CoreState,
  room: Room,
  r: RoomCommit,
  via: PendingCommit["via"],
): Promise<UpdateBody> {
  const commitBytes = encodeMlsMessage(r.commit);
  const groupInfo = await exportGroupInfo(r.state, core.cs);
  if (groupInfo.wireformat !== "mls_group_info") throw new ProtocolError("no GroupInfo", { path: "/" });
  const bundle: HandshakeBundle = {
    proposalOrCommit: mlsOf("MLSMessage", r.commit),
    ...(r.welcome !== undefined && r.welcome.wireformat === "mls_welcome"
      ? { welcome: mlsOf("Welcome", r.welcome.welcome) }
      : {}),
    groupInfoOption:
      core.groupInfoRepresentation === "partial"
        ? { representation: "partial", partialGroupInfo: partialGroupInfoOf(groupInfo.groupInfo) }
        : { representation: "full", groupInfo: mlsOf("GroupInfo", groupInfo.groupInfo) },
    ratchetTreeOption: { representation: "full", ratchet_tree: mlsOf("RatchetTree", r.state.ratchetTree) },
  };
  const hash = hashOf(commitBytes);
  room.pending = { hash, state: r.state, via };
  room.sent.add(hash);
  return { body: encodeUpdateRequest({ bundle }), kind: "commit" };
}

/**
 * Add a user to a room from the KeyMaterialResponse its provider gave (protocol-06 §3.2–§3.3):
 * one commit with an Add per KeyPackage and the participant-list change, with the Welcome, the
 * GroupInfo and the ratchet tree, as an UpdateRequest for the hub.
 *
 * @throws ProtocolError when the response gives no KeyPackage; ValidationError when a KeyPackage
 * is not the user's or the commit is invalid.
 */
export function addUser(
  core: CoreState,
  roomUri: string,
  keyMaterialResponse: Uint8Array,
  role: number,
): Promise<UpdateBody> {
  return addUsers(core, roomUri, [keyMaterialResponse], role);
}

/**
 * Add several users in one commit from their KeyMaterialResponses (protocol-06 §3.2–§3.3; a big
 * room is filled in batches, decision 0684): an Add per KeyPackage of every user, one
 * participant-list change appending them all with `role`, one Welcome for every new client.
 *
 * @throws ProtocolError when a response gives no KeyPackage (naming its user); ValidationError
 * when a KeyPackage is not its user's, a user is listed twice, or the commit is invalid.
 */
export async function addUsers(
  core: CoreState,
  roomUri: string,
  keyMaterialResponses: readonly Uint8Array[],
  role: number,
): Promise<UpdateBody> {
  const room = activeRoomOf(core, roomUri);
  const users = keyMaterialResponses.map((bytes) => {
    const response = decodeKeyMaterialResponse(bytes);
    const keyPackages = response.clients.flatMap((c) =>
      c.clientStatus === "success" && "keyPackage" in c ? [c.keyPackage.value] : [],
    );
    if (keyPackages.length === 0) {
      throw new ProtocolError(
        `no key material for ${response.userUri.uri} (${String(response.userStatus)})`,
        {
          path: "/clients",
        },
      );
    }
    return { user: utf8(response.userUri.uri), role, keyPackages };
  });
  const r = await addUsersCommit(room.profile, room.state, users);
  return commitBundle(core, room, r, "commit");
}

/** Remove a user (all its clients and its participant-list entry) in one commit. */
export async function removeUser(core: CoreState, roomUri: string, user: string): Promise<UpdateBody> {
  const room = activeRoomOf(core, roomUri);
  return commitBundle(core, room, await removeUserCommit(room.profile, room.state, utf8(user)), "commit");
}

/**
 * Commit every proposal received by reference (e.g. another client's leave, protocol-06 §3.5),
 * adding the participant-list removal of every user none of whose clients stays in the group
 * (decision 0805).
 */
export async function commitPending(core: CoreState, roomUri: string): Promise<UpdateBody> {
  const room = activeRoomOf(core, roomUri);
  const pending = Object.values(room.state.unappliedProposals).map((p) => p.proposal);
  const removed = new Set(pending.flatMap((p) => (p.proposalType === "remove" ? [p.remove.removed] : [])));
  const members = roomMembers(room.profile, room.state);
  const list = participantListOf(room.profile, room.state);
  const leaving = list.participants
    .map((p, index) => ({ user: p.user, index }))
    .filter(
      ({ user }) =>
        members.some((m) => bytesEqual(m.user, user)) &&
        members.filter((m) => bytesEqual(m.user, user)).every((m) => removed.has(m.leafIndex)),
    );
  const proposals =
    leaving.length === 0
      ? []
      : [
          participantListProposal(room.profile, {
            changedRoleParticipants: [],
            removedIndices: leaving.map((l) => l.index),
            addedParticipants: [],
          }),
        ];
  checkCommitProposals(
    room.state.groupContext.extensions,
    [...pending, ...proposals],
    room.profile.codePoints,
  );
  const r = await commit(room.state, core.cs, { proposals, publicMessage: true });
  return commitBundle(core, room, { ...r, ratchetTree: encodeRatchetTree(r.state.ratchetTree) }, "commit");
}

/**
 * Leave a room (protocol-06 §3.5): a Remove proposal for this client, as an UpdateRequest for
 * another member to commit; that member's {@link commitPending} also removes the user from the
 * participant list when this was its last client (decision 0805).
 */
export async function leave(core: CoreState, roomUri: string): Promise<UpdateBody> {
  const room = activeRoomOf(core, roomUri);
  const r = await propose(room.state, core.cs, {
    proposalType: "remove",
    remove: { removed: ownLeafIndex(room.state) },
  });
  room.state = r.state;
  const proposal = mlsOf("MLSMessage", r.message);
  room.sent.add(hashOf(proposal.bytes));
  return {
    body: encodeUpdateRequest({ bundle: { proposalOrCommit: proposal, moreProposals: [] } }),
    kind: "proposals",
  };
}

/**
 * Apply the hub's UpdateRoomResponse to the pending commit: on `success` the commit takes
 * effect; otherwise it is dropped (the group stays in its epoch) and the code is thrown.
 *
 * @throws ProtocolError when the hub refused the update.
 */
export function handleUpdateResponse(
  core: CoreState,
  roomUri: string,
  response: Uint8Array,
): ClientEvent | undefined {
  const room = roomOf(core, roomUri);
  const r = decodeUpdateRoomResponse(response);
  const pending = room.pending;
  if (r.responseCode !== "success") {
    room.pending = undefined;
    throw new ProtocolError(`the hub refused the update: ${String(r.responseCode)} ${r.errorDescription}`, {
      path: "/responseCode",
    });
  }
  if (pending === undefined) return undefined; // a proposal, or the commit's echo came first
  return adopt(room, pending);
}

/** Let this client's own commit take effect (the hub accepted it), and describe what it did. */
export function adopt(room: Room, pending: PendingCommit): ClientEvent {
  const before = roomMembers(room.profile, room.state);
  const listBefore = participantListOf(room.profile, room.state);
  room.state = pending.state;
  room.pending = undefined;
  if (pending.via === "externalCommit") room.active = true;
  const after = roomMembers(room.profile, room.state);
  const key = (m: { leafIndex: number; signatureKey: Uint8Array }): string =>
    `${m.leafIndex}:${toHex(m.signatureKey)}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  const listAfter = participantListOf(room.profile, room.state);
  const users = (l: typeof listAfter): Map<string, number> =>
    new Map(l.participants.map((p) => [fromUtf8(p.user), p.role_index]));
  const ub = users(listBefore);
  const ua = users(listAfter);
  const participants: ParticipantChange[] = [
    ...[...ub].filter(([u]) => !ua.has(u)).map(([user, role]) => ({ kind: "remove" as const, user, role })),
    ...[...ua].filter(([u]) => !ub.has(u)).map(([user, role]) => ({ kind: "add" as const, user, role })),
  ];
  if (pending.via === "externalCommit")
    return {
      kind: "joined",
      roomUri: room.roomUri,
      epoch: room.state.groupContext.epoch,
      via: "externalCommit",
    };
  return {
    kind: "commit",
    roomUri: room.roomUri,
    epoch: room.state.groupContext.epoch,
    own: true,
    added: after.filter((m) => !beforeKeys.has(key(m))).map((m) => clientOfCredential(m.credential)),
    removed: before.filter((m) => !afterKeys.has(key(m))).map((m) => clientOfCredential(m.credential)),
    participants,
    removedSelf: false,
  };
}

/** Whether the room has proposals waiting for a commit. */
export function hasPendingProposals(core: CoreState, roomUri: string): boolean {
  return Object.keys(roomOf(core, roomUri).state.unappliedProposals).length > 0;
}

/** The room's participant list: user URIs with their role index. */
export function participants(
  core: CoreState,
  roomUri: string,
): { readonly user: string; readonly role: number }[] {
  const room = roomOf(core, roomUri);
  return participantListOf(room.profile, room.state).participants.map((p) => ({
    user: fromUtf8(p.user),
    role: p.role_index,
  }));
}

/** The room's MLS members as client URIs. */
export function members(core: CoreState, roomUri: string): string[] {
  const room = roomOf(core, roomUri);
  return roomMembers(room.profile, room.state).map((m) => clientOfCredential(m.credential));
}
