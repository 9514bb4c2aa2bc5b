/** Builders of room states and changes for the engine tests (test helper, not a test file). */
import type { RoomMetaData } from "@mimi/mls-profile";
import { utf8 } from "@mimi/wire";
import type {
  BaseRoomPolicy,
  Claim,
  MemberClient,
  ProposedChange,
  RoleData,
  RoomState,
} from "../src/index.js";

/** A claim with UTF-8 id and value, for credential type 1 (basic). */
export function utf8Claim(id: string, value: string, credential_type = 1): Claim {
  return { claim_id: { credential_type, id: utf8(id) }, claim_value: utf8(value) };
}

/** A user URI for a short name. */
export const U = (name: string): string => `mimi://example.com/u/${name}`;

/** A room state from short names: participants as [name, role], clients as [clientId, name]. */
export function room(
  roles: RoleData,
  participants: readonly (readonly [string, number])[],
  clients: readonly (readonly [string, string])[],
  extra: Partial<RoomState> = {},
): RoomState {
  return {
    roles,
    participants: participants.map(([n, role_index]) => ({ user: U(n), role_index })),
    clients: clients.map(([client, n]): MemberClient => ({ client, user: U(n) })),
    ...extra,
  };
}

/** A change by `name` (from client `client`). */
export function by(
  name: string,
  client: string | undefined,
  change: Omit<ProposedChange, "actor">,
  claims?: readonly Claim[],
): ProposedChange {
  return {
    actor: {
      user: U(name),
      ...(client === undefined ? {} : { client }),
      ...(claims === undefined ? {} : { claims }),
    },
    ...change,
  };
}

/** A participant-list update. */
export function pl(p: {
  changed?: readonly (readonly [number, number])[];
  removed?: readonly number[];
  added?: readonly (readonly [string, number])[];
}): NonNullable<ProposedChange["participantList"]> {
  return {
    changedRoleParticipants: (p.changed ?? []).map(([user_index, role_index]) => ({
      user_index,
      role_index,
    })),
    removedIndices: [...(p.removed ?? [])],
    addedParticipants: (p.added ?? []).map(([n, role_index]) => ({ user: U(n), role_index })),
  };
}

/** A base room policy with defaults. */
export function base(p: Partial<BaseRoomPolicy> = {}): BaseRoomPolicy {
  return {
    fixed_membership: false,
    parent_dependant: false,
    parent_room: [],
    multi_device: true,
    pseudonyms_allowed: false,
    persistent_room: true,
    discoverable: false,
    policy_component_ids: [],
    ...p,
  };
}

/** Room metadata with defaults. */
export function meta(p: Partial<RoomMetaData> = {}): RoomMetaData {
  return {
    room_uri: { uri: "mimi://example.com/r/club" },
    room_name: { string: "Club" },
    room_descriptions: [],
    room_avatar: { uri: "https://example.com/a.png" },
    room_subject: { string: "" },
    room_mood: { string: "" },
    ...p,
  };
}
