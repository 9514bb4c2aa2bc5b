/**
 * The room state as `@mimi/room-policy` sees it, read from the hub's view of the room's group, and
 * the change a commit or a set of proposals makes (draft-ietf-mimi-protocol-06 §5.3, §7.5;
 * draft-ietf-mimi-room-policy-03 §8).
 */

import type { Credential, Proposal } from "@mimi/mls-profile";
import {
  type AppDataDictionary,
  decodeAppDataUpdate,
  decodeParticipantListData,
  decodeParticipantListUpdate,
  defaultCodePoints,
  getComponentData,
  type HubGroupView,
  hubAppDataDictionary,
  hubGroupMembers,
} from "@mimi/mls-profile";
import {
  type Actor,
  cooperativeRoles,
  decodeRoleData,
  type MemberClient,
  type ProposedChange,
  type RoleData,
  type RoomState,
  suggestedComponentIds,
} from "@mimi/room-policy";
import { ValidationError } from "@mimi/wire";
import { clientUriOfCredential, userUriOfCredential } from "./credentials.js";

const strict = new TextDecoder("utf-8", { fatal: true });
const text = (b: Uint8Array): string => {
  try {
    return strict.decode(b);
  } catch {
    return `\u0000invalid:${Buffer.from(b).toString("hex")}`;
  }
};

/** The room's `app_data_dictionary`, or an empty one when it cannot be read. */
function dictionaryOf(view: HubGroupView): AppDataDictionary {
  try {
    return hubAppDataDictionary(view);
  } catch {
    return { component_data: [] };
  }
}

/** The participant list of a view (empty when absent). */
export function participantsOf(view: HubGroupView): { readonly user: string; readonly role_index: number }[] {
  const data = getComponentData(dictionaryOf(view), defaultCodePoints.componentIds.participant_list);
  if (data === undefined) return [];
  return decodeParticipantListData(data).participants.map((p) => ({
    user: text(p.user),
    role_index: p.role_index,
  }));
}

/** The member of a leaf as a room-policy client (client URI and user), if its credential names one. */
export function memberClientOf(credential: Credential): MemberClient | undefined {
  const client = clientUriOfCredential(credential);
  const user = userUriOfCredential(credential);
  return client === undefined || user === undefined ? undefined : { client, user };
}

/** The room state of a view: roles (the room's `roles_list`, else `defaultRoles`), participants, clients. */
export function roomStateOf(view: HubGroupView, defaultRoles: RoleData = cooperativeRoles): RoomState {
  const rolesBytes = getComponentData(dictionaryOf(view), suggestedComponentIds.roles_list);
  let roles = defaultRoles;
  if (rolesBytes !== undefined) {
    try {
      roles = decodeRoleData(rolesBytes);
    } catch {
      roles = defaultRoles;
    }
  }
  const clients: MemberClient[] = [];
  for (const m of hubGroupMembers(view)) {
    const c = memberClientOf(m.credential);
    if (c !== undefined) clients.push(c);
  }
  return { roles, participants: participantsOf(view), clients };
}

/** The client of a leaf of a view. */
export function clientAtLeaf(view: HubGroupView, leafIndex: number): MemberClient | undefined {
  const node = view.ratchetTree[leafIndex * 2];
  return node?.nodeType === "leaf" ? memberClientOf(node.leaf.credential) : undefined;
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
  const adds: MemberClient[] = [];
  const removes: string[] = [];
  let participantList: ProposedChange["participantList"];
  for (const [i, p] of proposals.entries()) {
    if (p.proposalType === "add") {
      const c = memberClientOf(p.add.keyPackage.leafNode.credential);
      if (c === undefined)
        throw new ValidationError("an added KeyPackage names no MIMI client", {
          path: `/proposals/${i}/add/key_package/leaf_node/credential`,
        });
      adds.push(c);
    } else if (p.proposalType === "remove") {
      const c = clientAtLeaf(before, p.remove.removed);
      if (c !== undefined) removes.push(c.client);
    } else if (p.proposalType === defaultCodePoints.proposalTypes.app_data_update) {
      const u = decodeAppDataUpdate((p as { proposalData: Uint8Array }).proposalData);
      if (u.component_id === defaultCodePoints.componentIds.participant_list && u.op === "update") {
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
            user: text(a.user),
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
