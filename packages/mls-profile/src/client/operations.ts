/**
 * What a MIMI client does to a room's group: create it, add and remove users with their
 * participant-list change in the same commit, change roles, leave, join from a Welcome or by
 * external commit (draft-ietf-mimi-protocol-06 §3, §4.2, §7).
 */
import { bytesEqual, fromUtf8, ProtocolError, utf8, ValidationError } from "@mimi/wire";
import { encodeRatchetTree } from "../adapter/codec.js";
import { externalSendersExtension } from "../adapter/external-senders.js";
import {
  type CommitResult,
  commit,
  createGroup,
  joinExternal,
  joinFromWelcome,
  type MlsGroupState,
  ownLeafIndex,
  propose,
} from "../adapter/group.js";
import type { KeyPackageBundle } from "../adapter/key-package.js";
import {
  type ExternalSender,
  type GroupInfo,
  type MLSMessage,
  makePskIndex,
  type Proposal,
  type ProposalCustom,
  type RatchetTree,
  type Welcome,
} from "../adapter/types.js";
import { encodeParticipantListData, findParticipant } from "../components/participant-list-data.js";
import {
  encodeParticipantListUpdate,
  type ParticipantListUpdate,
} from "../components/participant-list-update.js";
import { encodeRoomMetaData, type RoomMetaData } from "../components/room-metadata.js";
import { type AppDataDictionary, setComponentData } from "../extensions/app-data-dictionary.js";
import { withAppDataDictionary } from "../extensions/app-data-dictionary-extension.js";
import { encodeAppDataUpdate } from "../extensions/app-data-update.js";
import { encodeComponentsList } from "../extensions/components-list.js";
import { encodeSelfRemove } from "../extensions/self-remove.js";
import { checkCommitProposals } from "./commit-policy.js";
import { type MimiProfile, mimiRequiredCapabilities } from "./profile.js";
import {
  checkRoomExternalSenders,
  clientsOfUser,
  participantListIn,
  participantListOf,
} from "./room-state.js";

/** Options of {@link createRoom}. */
export interface CreateRoomOptions {
  /** The room URI; the group ID is its UTF-8 bytes (decision 0539). */
  readonly roomUri: string;
  /** The creator's KeyPackage (its client's credential must map to `creatorUser`'s user). */
  readonly keyPackage: KeyPackageBundle;
  /** The creator's role index in the participant list. */
  readonly creatorRole: number;
  readonly roomMetadata?: RoomMetaData;
  /** Follower servers' external senders, after the hub's entry. */
  readonly followers?: readonly ExternalSender[];
}

/**
 * Create a room's group: group ID from the room URI, `required_capabilities`, `external_senders`
 * with the hub first, and an `app_data_dictionary` holding the participant list (the creator's
 * user with `creatorRole`), the room metadata if given, and the `safe_aad` component requiring
 * `frank_aad` (so every application message carries a SafeAAD).
 *
 * @throws ValidationError for invalid metadata, or if ts-mls refuses the extensions.
 */
export async function createRoom(profile: MimiProfile, options: CreateRoomOptions): Promise<MlsGroupState> {
  const cp = profile.codePoints;
  const user = profile.userOf(options.keyPackage.publicPackage.leafNode.credential);
  let dict: AppDataDictionary = { component_data: [] };
  dict = setComponentData(
    dict,
    cp.componentIds.participant_list,
    encodeParticipantListData({ participants: [{ user, role_index: options.creatorRole }] }),
  );
  if (options.roomMetadata !== undefined) {
    dict = setComponentData(dict, cp.componentIds.room_metadata, encodeRoomMetaData(options.roomMetadata));
  }
  dict = setComponentData(
    dict,
    cp.componentIds.safe_aad,
    encodeComponentsList({ component_ids: [cp.componentIds.frank_aad] }),
  );
  const extensions = withAppDataDictionary(
    [mimiRequiredCapabilities(cp), externalSendersExtension([profile.hub, ...(options.followers ?? [])])],
    dict,
    cp,
  );
  const state = await createGroup(profile.cs, {
    groupId: utf8(options.roomUri),
    keyPackage: options.keyPackage,
    extensions,
    config: profile.config,
  });
  checkRoomExternalSenders(profile, state);
  return state;
}

/** What a commit of the facade produced, ready for the hub. */
export interface RoomCommit extends CommitResult {
  /** The ratchet tree after the commit, for joiners (MIMI sends it outside the Welcome). */
  readonly ratchetTree: Uint8Array;
}

function appDataUpdateProposal(
  profile: MimiProfile,
  component_id: number,
  update: Uint8Array,
): ProposalCustom {
  return {
    proposalType: profile.codePoints.proposalTypes.app_data_update,
    proposalData: encodeAppDataUpdate({ component_id, op: "update", update }),
  };
}

/** An `app_data_update` proposal carrying a ParticipantListUpdate. */
export function participantListProposal(profile: MimiProfile, update: ParticipantListUpdate): ProposalCustom {
  return appDataUpdateProposal(
    profile,
    profile.codePoints.componentIds.participant_list,
    encodeParticipantListUpdate(update),
  );
}

async function commitPublic(
  profile: MimiProfile,
  state: MlsGroupState,
  proposals: readonly Proposal[],
): Promise<RoomCommit> {
  const pending = Object.values(state.unappliedProposals).map((p) => p.proposal);
  checkCommitProposals(state.groupContext.extensions, [...pending, ...proposals], profile.codePoints);
  const r = await commit(state, profile.cs, {
    proposals,
    publicMessage: true,
    pskIndex: makePskIndex(state, {}),
  });
  return { ...r, ratchetTree: encodeRatchetTree(r.state.ratchetTree) };
}

/** Options of {@link addUser}. */
export interface AddUserOptions {
  readonly user: Uint8Array;
  /** The role for a user not yet in the participant list (ignored otherwise). */
  readonly role: number;
  /** One KeyPackage per client of the user. */
  readonly keyPackages: readonly KeyPackageBundle["publicPackage"][];
}

/**
 * Add a user's clients and, if the user is not yet a participant, append the user to the
 * participant list, in one commit (a PublicMessage; protocol-06 §3.2, §4.2).
 *
 * @throws ValidationError (`MLS-CLIENT-01`) if a KeyPackage's credential belongs to another user;
 * ValidationError if the commit is invalid.
 */
export async function addUser(
  profile: MimiProfile,
  state: MlsGroupState,
  options: AddUserOptions,
): Promise<RoomCommit> {
  return addUsers(profile, state, [options]);
}

/**
 * Add several users in one commit (protocol-06 §3.2, §4.2): an Add per KeyPackage of every user
 * and one participant-list change appending every user not yet a participant, each with its role
 * (a big room is filled in batches this way; decision 0684).
 *
 * @throws ValidationError (`MLS-CLIENT-01`) if a KeyPackage's credential belongs to another user
 * than the one it is listed under; ValidationError when a user is listed twice, when the list is
 * empty, or when the commit is invalid.
 */
export async function addUsers(
  profile: MimiProfile,
  state: MlsGroupState,
  users: readonly AddUserOptions[],
): Promise<RoomCommit> {
  if (users.length === 0) throw new ValidationError("no user to add", { path: "/users" });
  const list = participantListOf(profile, state);
  const proposals: Proposal[] = [];
  const added: { user: Uint8Array; role_index: number }[] = [];
  const seen = new Set<string>();
  users.forEach((options, u) => {
    const key = fromUtf8(options.user);
    if (seen.has(key)) throw new ValidationError("a user is listed twice", { path: `/users/${u}/user` });
    seen.add(key);
    options.keyPackages.forEach((kp, i) => {
      // [MLS-CLIENT-01] draft-ietf-mimi-protocol-06 §7.5: a user's clients share the user's one
      // participant-list entry, so every client added for a user must belong to that user.
      if (!bytesEqual(profile.userOf(kp.leafNode.credential), options.user)) {
        throw new ValidationError("KeyPackage belongs to another user", {
          path: `${users.length === 1 ? "" : `/users/${u}`}/keyPackages/${i}/leaf_node/credential`,
          rule: "MLS-CLIENT-01",
        });
      }
      proposals.push({ proposalType: "add", add: { keyPackage: kp } });
    });
    if (findParticipant(list, options.user) < 0) added.push({ user: options.user, role_index: options.role });
  });
  if (added.length > 0) {
    proposals.push(
      participantListProposal(profile, {
        changedRoleParticipants: [],
        removedIndices: [],
        addedParticipants: added,
      }),
    );
  }
  return commitPublic(profile, state, proposals);
}

/**
 * Remove a user: Remove proposals for all the user's clients and the user's removal from the
 * participant list, in one commit.
 *
 * @throws ProtocolError if the user is the committer's own (use {@link leaveRoom}) or not a
 * participant; ValidationError if the commit is invalid.
 */
export async function removeUser(
  profile: MimiProfile,
  state: MlsGroupState,
  user: Uint8Array,
): Promise<RoomCommit> {
  const index = findParticipant(participantListOf(profile, state), user);
  if (index < 0) throw new ProtocolError("the user is not a participant", { path: "/user" });
  const clients = clientsOfUser(profile, state, user);
  if (clients.some((c) => c.leafIndex === ownLeafIndex(state))) {
    throw new ProtocolError("a client cannot commit its own removal; leave instead", { path: "/user" });
  }
  const proposals: Proposal[] = clients.map((c) => ({
    proposalType: "remove",
    remove: { removed: c.leafIndex },
  }));
  proposals.push(
    participantListProposal(profile, {
      changedRoleParticipants: [],
      removedIndices: [index],
      addedParticipants: [],
    }),
  );
  return commitPublic(profile, state, proposals);
}

/**
 * Change a participant's role, in a commit of its own.
 *
 * @throws ProtocolError if the user is not a participant; ValidationError if room policy refuses.
 */
export async function changeRole(
  profile: MimiProfile,
  state: MlsGroupState,
  user: Uint8Array,
  role: number,
): Promise<RoomCommit> {
  const index = findParticipant(participantListOf(profile, state), user);
  if (index < 0) throw new ProtocolError("the user is not a participant", { path: "/user" });
  return commitPublic(profile, state, [
    participantListProposal(profile, {
      changedRoleParticipants: [{ user_index: index, role_index: role }],
      removedIndices: [],
      addedParticipants: [],
    }),
  ]);
}

/** Commit every pending proposal received by reference (e.g. another client's leave). */
export async function commitPending(profile: MimiProfile, state: MlsGroupState): Promise<RoomCommit> {
  return commitPublic(profile, state, []);
}

/** Options of {@link leaveRoom}. */
export interface LeaveRoomOptions {
  /**
   * Leave with a SelfRemove proposal (draft-ietf-mls-extensions-10 §6.3) instead of a Remove of
   * the client's own leaf (protocol-06 §3.5). Default false; every member must support SelfRemove
   * (MIMI rooms require it, decision 0575).
   */
  readonly selfRemove?: boolean;
}

/**
 * Leave a room: a Remove (or SelfRemove) proposal for this client and, when it is its user's last
 * client, an AppDataUpdate removing the user from the participant list, both as PublicMessages for
 * another member to commit (protocol-06 §3.5; decisions 0540, 0575).
 *
 * @throws ProtocolError if the client can no longer send.
 */
export async function leaveRoom(
  profile: MimiProfile,
  state: MlsGroupState,
  options: LeaveRoomOptions = {},
): Promise<{ readonly state: MlsGroupState; readonly proposals: readonly MLSMessage[] }> {
  const own = ownLeafIndex(state);
  const me = clientsOfUser(profile, state, profile.userOf(ownCredential(state)));
  // [MLS-SELFRM-03] draft-ietf-mls-extensions-10 §6.3: a SelfRemove MUST be sent as a PublicMessage (`propose` sends one)
  const r1 = await propose(
    state,
    profile.cs,
    options.selfRemove === true
      ? { proposalType: profile.codePoints.proposalTypes.self_remove, proposalData: encodeSelfRemove() }
      : { proposalType: "remove", remove: { removed: own } },
  );
  const out = [r1.message];
  let s = r1.state;
  if (me.length <= 1) {
    const index = findParticipant(participantListOf(profile, state), profile.userOf(ownCredential(state)));
    if (index >= 0) {
      const r2 = await propose(
        s,
        profile.cs,
        participantListProposal(profile, {
          changedRoleParticipants: [],
          removedIndices: [index],
          addedParticipants: [],
        }),
      );
      out.push(r2.message);
      s = r2.state;
    }
  }
  return { state: s, proposals: out };
}

function ownCredential(state: MlsGroupState): KeyPackageBundle["publicPackage"]["leafNode"]["credential"] {
  const node = state.ratchetTree.get(ownLeafIndex(state) * 2);
  if (node === undefined || node.nodeType !== "leaf") {
    throw new ProtocolError("this client has no leaf in the group", { path: "/" });
  }
  return node.leaf.credential;
}

/**
 * Join a room from a Welcome, checking the hub is an external sender.
 *
 * @throws ValidationError (`MLS-XSND-01`) if it is not; ValidationError if the Welcome fails.
 */
export async function joinRoom(
  profile: MimiProfile,
  welcome: MLSMessage | Welcome | Uint8Array,
  keyPackage: KeyPackageBundle,
  ratchetTree?: RatchetTree,
): Promise<MlsGroupState> {
  const { state } = await joinFromWelcome(profile.cs, welcome, keyPackage, {
    config: profile.config,
    ...(ratchetTree === undefined ? {} : { ratchetTree }),
  });
  checkRoomExternalSenders(profile, state);
  return state;
}

/** Options of {@link joinRoomExternal}. */
export interface ExternalJoinRoomOptions {
  /**
   * For a user who is not yet a participant: the role to append it with, in the same external
   * commit (protocol-06 §3.6, §7.5; decision 0576). Members and the hub accept it only if room
   * policy allows that user to join with that role.
   */
  readonly role?: number;
}

/**
 * Join a room by external commit: a new client of a user who is already a participant, or, with
 * `options.role`, a new user who appends itself to the participant list in the same commit
 * (protocol-06 §3.6; decision 0576).
 *
 * @throws ValidationError (`MLS-CLIENT-02`) if the user is not a participant and no role is given;
 * (`MLS-XSND-01`) if the hub is not an external sender; ValidationError if the GroupInfo fails or
 * the profile's external-join policy refuses the change.
 */
export async function joinRoomExternal(
  profile: MimiProfile,
  groupInfo: GroupInfo,
  keyPackage: KeyPackageBundle,
  ratchetTree?: RatchetTree,
  options: ExternalJoinRoomOptions = {},
): Promise<{ readonly state: MlsGroupState; readonly commit: MLSMessage }> {
  const user = profile.userOf(keyPackage.publicPackage.leafNode.credential);
  const listed = findParticipant(participantListIn(profile, groupInfo.groupContext.extensions), user) >= 0;
  // [MLS-CLIENT-02] draft-ietf-mimi-protocol-06 §3.6, §7.5: a client joining by external commit
  // belongs to a participant, or its user appends itself in the same commit (decision 0576).
  if (!listed && options.role === undefined) {
    throw new ValidationError("external join by a user who is not a participant, without a role", {
      path: "/key_package/leaf_node/credential",
      rule: "MLS-CLIENT-02",
    });
  }
  const proposals =
    listed || options.role === undefined
      ? []
      : [
          participantListProposal(profile, {
            changedRoleParticipants: [],
            removedIndices: [],
            addedParticipants: [{ user, role_index: options.role }],
          }),
        ];
  const r = await joinExternal(profile.cs, groupInfo, keyPackage, {
    config: profile.config,
    ...(ratchetTree === undefined ? {} : { ratchetTree }),
    proposals,
  });
  checkRoomExternalSenders(profile, r.state);
  return r;
}
