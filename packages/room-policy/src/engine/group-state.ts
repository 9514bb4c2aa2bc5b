/**
 * The room state as the authorization engine sees it, read from an MLS group (its
 * `app_data_dictionary` and ratchet tree), and the change a commit or a set of proposals makes
 * (draft-ietf-mimi-protocol-06 §5.3, §7.5; draft-ietf-mimi-room-policy-03 §8). Shared by the hub
 * (over its view of the group) and by clients (over their group state), so both apply the same
 * policy to the same commit. Which client and user a credential stands for is the caller's
 * `memberOf`: this module knows no credential format.
 */

import {
  type AppDataDictionary,
  appDataDictionaryOf,
  type CodePoints,
  type Credential,
  decodeAppDataUpdate,
  decodeParticipantListData,
  decodeParticipantListUpdate,
  defaultCodePoints,
  type Extension,
  getComponentData,
  type Proposal,
  type RatchetTree,
} from "@mimi/mls-profile";
import { toHex, ValidationError } from "@mimi/wire";
import { suggestedComponentIds } from "../component-ids.js";
import { decodeRoleData, type RoleData } from "../role.js";
import { cooperativeRoles } from "../role-examples.js";
import { authorize } from "./authorize.js";
import type { Actor, MemberClient, Participant, ProposedChange, RoomState, Verdict } from "./room-state.js";

/** The client and user a leaf's credential stands for, or undefined when it names no MIMI client. */
export type MemberOf = (credential: Credential) => MemberClient | undefined;

/** What room policy reads of an MLS group: its `app_data_dictionary` and its ratchet tree. */
export interface PolicyGroup {
  /** The GroupContext's `app_data_dictionary` (empty when the group has none). */
  readonly dictionary: AppDataDictionary;
  readonly ratchetTree: RatchetTree;
}

/** How to read room policy from a group. */
export interface GroupPolicyOptions {
  readonly memberOf: MemberOf;
  /** Roles of a room without a `roles_list` component (default: {@link cooperativeRoles}). */
  readonly defaultRoles?: RoleData;
  /** Component IDs and proposal types (default: the MLS profile's). */
  readonly codePoints?: CodePoints;
}

const strict = new TextDecoder("utf-8", { fatal: true });

/** A participant-list user as text; bytes that are not UTF-8 become a text no URI can equal. */
function userText(b: Uint8Array): string {
  try {
    return strict.decode(b);
  } catch {
    return `\u0000invalid:${toHex(b)}`;
  }
}

/**
 * The {@link PolicyGroup} of a group's GroupContext `extensions` and ratchet tree; a dictionary
 * that cannot be read counts as empty (the MLS checks refuse a malformed one before policy runs).
 */
export function policyGroupOf(
  extensions: readonly Extension[],
  ratchetTree: RatchetTree,
  codePoints: CodePoints = defaultCodePoints,
): PolicyGroup {
  let dictionary: AppDataDictionary = { component_data: [] };
  try {
    dictionary = appDataDictionaryOf(extensions, codePoints) ?? dictionary;
  } catch {
    // empty, as documented
  }
  return { dictionary, ratchetTree };
}

/** The participant list of a group (empty when absent), users as text. */
export function groupParticipants(
  group: PolicyGroup,
  codePoints: CodePoints = defaultCodePoints,
): Participant[] {
  const data = getComponentData(group.dictionary, codePoints.componentIds.participant_list);
  if (data === undefined) return [];
  return decodeParticipantListData(data).participants.map((p) => ({
    user: userText(p.user),
    role_index: p.role_index,
  }));
}

/** The client at a leaf of a group, if the leaf is not blank and its credential names one. */
export function groupClientAtLeaf(
  group: PolicyGroup,
  leafIndex: number,
  memberOf: MemberOf,
): MemberClient | undefined {
  const node = group.ratchetTree.get(leafIndex * 2);
  return node?.nodeType === "leaf" ? memberOf(node.leaf.credential) : undefined;
}

/**
 * The room state of a group: roles (the room's `roles_list`, else `defaultRoles`), participants,
 * and the member clients whose credentials name one.
 */
export function groupRoomState(group: PolicyGroup, options: GroupPolicyOptions): RoomState {
  const defaultRoles = options.defaultRoles ?? cooperativeRoles;
  const rolesBytes = getComponentData(group.dictionary, suggestedComponentIds.roles_list);
  let roles = defaultRoles;
  if (rolesBytes !== undefined) {
    try {
      roles = decodeRoleData(rolesBytes);
    } catch {
      roles = defaultRoles;
    }
  }
  const clients: MemberClient[] = [];
  for (let i = 0; i < group.ratchetTree.length; i += 2) {
    const node = group.ratchetTree.get(i);
    if (node?.nodeType !== "leaf") continue;
    const c = options.memberOf(node.leaf.credential);
    if (c !== undefined) clients.push(c);
  }
  return { roles, participants: groupParticipants(group, options.codePoints), clients };
}

/**
 * The room-policy change a list of proposals makes, from `actor` in the group as `before` shows
 * it: Adds by the clients their KeyPackages name, Removes by the clients of the removed leaves,
 * and the participant-list AppDataUpdate.
 *
 * @throws ValidationError when a proposal cannot be mapped (an AppDataUpdate that does not decode,
 * two participant-list updates in one change: decision 0623).
 */
export function groupChange(
  before: PolicyGroup,
  options: Pick<GroupPolicyOptions, "memberOf" | "codePoints">,
  actor: Actor,
  proposals: readonly Proposal[],
  extra: Pick<ProposedChange, "sentAs" | "external">,
): ProposedChange {
  const codePoints = options.codePoints ?? defaultCodePoints;
  const adds: MemberClient[] = [];
  const removes: string[] = [];
  let participantList: ProposedChange["participantList"];
  for (const [i, p] of proposals.entries()) {
    if (p.proposalType === "add") {
      const c = options.memberOf(p.add.keyPackage.leafNode.credential);
      if (c === undefined)
        throw new ValidationError("an added KeyPackage names no MIMI client", {
          path: `/proposals/${i}/add/key_package/leaf_node/credential`,
        });
      adds.push(c);
    } else if (p.proposalType === "remove") {
      const c = groupClientAtLeaf(before, p.remove.removed, options.memberOf);
      if (c !== undefined) removes.push(c.client);
    } else if (p.proposalType === codePoints.proposalTypes.app_data_update) {
      const u = decodeAppDataUpdate((p as { proposalData: Uint8Array }).proposalData);
      if (u.component_id === codePoints.componentIds.participant_list && u.op === "update") {
        // [PROTO-HUB-04] draft-ietf-mimi-protocol-06 §7.5: a commit that touches a user more than
        // once across participant-list updates is invalid; one update per change rules that out.
        if (participantList !== undefined)
          throw new ValidationError("more than one participant-list update in one change", {
            path: `/proposals/${i}`,
            rule: "PROTO-HUB-04",
          });
        const d = decodeParticipantListUpdate(u.update);
        participantList = {
          changedRoleParticipants: d.changedRoleParticipants,
          removedIndices: d.removedIndices,
          addedParticipants: d.addedParticipants.map((a) => ({
            user: userText(a.user),
            role_index: a.role_index,
          })),
        };
      }
    }
  }
  return {
    actor,
    ...extra,
    ...(participantList === undefined ? {} : { participantList }),
    ...(adds.length === 0 ? {} : { adds }),
    ...(removes.length === 0 ? {} : { removes }),
  };
}

/**
 * Authorize a member's commit of `proposals` (by value and by reference) against the group
 * before it, as the hub does (draft-ietf-mimi-protocol-06 §5.3, PROTO-HUB-03): the committer is
 * the actor of every change the commit makes. The verdict's rule is the requirement ID of the
 * policy rule that denies.
 *
 * @throws ValidationError when the committer's leaf names no MIMI client or a proposal cannot
 * be mapped (see {@link groupChange}).
 */
export function authorizeMemberCommit(
  before: PolicyGroup,
  options: GroupPolicyOptions,
  committerLeaf: number,
  proposals: readonly Proposal[],
): Verdict {
  const committer = groupClientAtLeaf(before, committerLeaf, options.memberOf);
  if (committer === undefined)
    throw new ValidationError(`the committer's leaf ${committerLeaf} names no MIMI client`, {
      path: "/sender",
    });
  const change = groupChange(before, options, { user: committer.user, client: committer.client }, proposals, {
    sentAs: "commit",
  });
  return authorize(groupRoomState(before, options), change);
}
