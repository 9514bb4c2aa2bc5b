/**
 * The room state as `@mimi/room-policy` sees it, read from the hub's view of the room's group, and
 * the change a commit or a set of proposals makes (draft-ietf-mimi-protocol-06 §5.3, §7.5;
 * draft-ietf-mimi-room-policy-03 §8). The reading itself is room-policy's (`groupRoomState`,
 * `groupChange`), shared with clients; the hub supplies its view and how a credential names a
 * client (`credentials.ts`).
 */

import type { Credential, HubGroupView, Proposal } from "@mimi/mls-profile";
import { hubAppDataDictionary } from "@mimi/mls-profile";
import {
  type Actor,
  cooperativeRoles,
  groupChange,
  groupClientAtLeaf,
  groupParticipants,
  groupRoomState,
  type MemberClient,
  type PolicyGroup,
  type ProposedChange,
  type RoleData,
  type RoomState,
} from "@mimi/room-policy";
import { clientUriOfCredential, userUriOfCredential } from "./credentials.js";

/** The room's group as room policy reads it; an `app_data_dictionary` that cannot be read is empty. */
function policyGroup(view: HubGroupView): PolicyGroup {
  let dictionary: PolicyGroup["dictionary"];
  try {
    dictionary = hubAppDataDictionary(view);
  } catch {
    dictionary = { component_data: [] };
  }
  return { dictionary, ratchetTree: view.ratchetTree };
}

/** The participant list of a view (empty when absent). */
export function participantsOf(view: HubGroupView): { readonly user: string; readonly role_index: number }[] {
  return groupParticipants(policyGroup(view));
}

/** The member of a leaf as a room-policy client (client URI and user), if its credential names one. */
export function memberClientOf(credential: Credential): MemberClient | undefined {
  const client = clientUriOfCredential(credential);
  const user = userUriOfCredential(credential);
  return client === undefined || user === undefined ? undefined : { client, user };
}

/**
 * Room states already read, per view: a view never changes (every commit or proposal makes a new
 * one), so neither does its room state. The hub reads it for the epoch's first message, for each
 * commit or proposal it decides, and for GroupInfo and join codes; at 10,000 members each reading
 * maps every member's credential to its client and decodes the participant list (about 130 ms).
 */
const roomStates = new WeakMap<
  HubGroupView,
  { readonly defaultRoles: RoleData; readonly state: RoomState }
>();

/** The room state of a view: roles (the room's `roles_list`, else `defaultRoles`), participants, clients. */
export function roomStateOf(view: HubGroupView, defaultRoles: RoleData = cooperativeRoles): RoomState {
  const known = roomStates.get(view);
  if (known !== undefined && known.defaultRoles === defaultRoles) return known.state;
  const state = groupRoomState(policyGroup(view), { memberOf: memberClientOf, defaultRoles });
  roomStates.set(view, { defaultRoles, state });
  return state;
}

/** The client of a leaf of a view. */
export function clientAtLeaf(view: HubGroupView, leafIndex: number): MemberClient | undefined {
  return groupClientAtLeaf(policyGroup(view), leafIndex, memberClientOf);
}

/**
 * The room-policy change a list of proposals makes, from `actor` in the room as `before` shows it.
 *
 * @throws ValidationError when a proposal cannot be mapped (an AppDataUpdate that does not decode,
 * two participant-list updates in one change: decision 0623).
 */
export function changeOf(
  before: HubGroupView,
  actor: Actor,
  proposals: readonly Proposal[],
  extra: Pick<ProposedChange, "sentAs" | "external">,
): ProposedChange {
  return groupChange(policyGroup(before), { memberOf: memberClientOf }, actor, proposals, extra);
}
