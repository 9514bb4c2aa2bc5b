/**
 * The inputs of the authorization engine: the room's state (policy components, participant list,
 * MLS members) and a proposed change. The participant list and room metadata are the
 * draft-ietf-mimi-protocol-06 §7.5–§7.6 components; the engine uses their decoded form with user
 * identifiers as text.
 */

import { type RoomMetaData, roomMetaDataCodec } from "@mimi/mls-profile";
import type { Codec } from "@mimi/wire";
import type { BaseRoomPolicy } from "../base-room-policy.js";
import type { ComponentName } from "../component-ids.js";
import type { OperationalParameters } from "../operational-parameters.js";
import type { Claim, PreAuthData } from "../pre-auth-data.js";
import type { RoleData } from "../role.js";

/**
 * A participant as the engine sees it: protocol-06 §7.5's `UserRolePair` (the MLS profile's
 * structure, `opaque user<V>; uint32 role_index;`) with the user decoded to its URI text.
 */
export interface Participant {
  readonly user: string;
  readonly role_index: number;
}

/**
 * draft-ietf-mimi-protocol-06 §7.5:
 *
 * ```tls
 * struct {
 *   uint32 user_index;
 *   uint32 role_index;
 * } UserindexRolePair;
 *
 * struct {
 *   UserindexRolePair changedRoleParticipants<V>
 *   uint32 removedIndices<V>;
 *   UserRolePair addedParticipants<V>;
 * } ParticipantListUpdate;
 * ```
 *
 * Applied in order: role changes (indexes into the current list), removals (indexes into the
 * current list), appends.
 */
export interface ParticipantListChange {
  readonly changedRoleParticipants: readonly { readonly user_index: number; readonly role_index: number }[];
  readonly removedIndices: readonly number[];
  readonly addedParticipants: readonly Participant[];
}

/** `RoomMetaData` is the MLS profile's (protocol-06 §7.6): its codec gives the JSON form and comparisons. */
export const roomMetaDataSchema: Codec<RoomMetaData> = roomMetaDataCodec;

/** A client in the room's MLS group and the user it belongs to. */
export interface MemberClient {
  readonly client: string;
  readonly user: string;
}

/** A join code the room accepts and the role it admits to (the format is left open by the draft; decision 0306). */
export interface JoinCode {
  readonly code: string;
  readonly role_index: number;
}

/** Everything the engine knows about the room before the change. */
export interface RoomState {
  /** `roles_list` (draft-ietf-mimi-room-policy-03 §3). */
  readonly roles: RoleData;
  /** `preauth_list` (§4), when the room has one. */
  readonly preauth?: PreAuthData;
  /** `base_room_policy` (§5), when the room has one. */
  readonly base?: BaseRoomPolicy;
  /** `mls_operational_policy` (§7), when the room has one. */
  readonly operational?: OperationalParameters;
  /** `participant_list` (protocol-06 §7.5). */
  readonly participants: readonly Participant[];
  /** The clients in the MLS group. */
  readonly clients: readonly MemberClient[];
  /** `room_metadata` (protocol-06 §7.6), when the room has it. */
  readonly metadata?: RoomMetaData;
  /** Join codes currently valid for the room. */
  readonly joinCodes?: readonly JoinCode[];
  /** The users of the parent room's participant list (needed when `parent_dependant`). */
  readonly parentParticipants?: readonly string[];
}

/** Who proposes or commits the change. */
export interface Actor {
  /** The user (as in the participant list). */
  readonly user: string;
  /** The client sending the proposals or the commit. */
  readonly client?: string;
  /** Verified claims of the actor's credential, matched against `preauth_list` (§4). */
  readonly claims?: readonly Claim[];
}

/**
 * A proposed change: the proposals of one commit (or one set of proposals), from one actor.
 */
export interface ProposedChange {
  readonly actor: Actor;
  /** `commit` (default): the actor commits; `proposals`: the actor only proposes. */
  readonly sentAs?: "commit" | "proposals";
  /** Set when the actor is not a member: an external commit (join) or an external proposal. */
  readonly external?: "commit" | "proposal";
  /** An AppDataUpdate of `participant_list`. */
  readonly participantList?: ParticipantListChange;
  /** MLS Add proposals (for an external commit, the joining `actor.client` is added implicitly). */
  readonly adds?: readonly MemberClient[];
  /** MLS Remove proposals, by client. */
  readonly removes?: readonly string[];
  /** A SelfRemove proposal from `actor.client`. */
  readonly selfRemove?: boolean;
  /** The join code presented for an external join. */
  readonly joinCode?: string;
  /** An AppDataUpdate of `room_metadata` (`RoomMetaUpdate`, a complete replacement). */
  readonly metadata?: RoomMetaData;
  /** `RoleUpdate`. */
  readonly roles?: RoleData;
  /** `PreAuthUpdate`. */
  readonly preauth?: PreAuthData;
  /** `BaseRoomUpdate`. */
  readonly base?: BaseRoomPolicy;
  /** `OperationalParametersUpdate`. */
  readonly operational?: OperationalParameters;
  /** Updates of the other policy components (§6), by component name. */
  readonly otherPolicy?: readonly ComponentName[];
  /** An action gated by a single capability, such as sending a message (§8.2–§8.6). */
  readonly action?: string;
}

/** Why a change is denied. */
export interface Denial {
  /** The requirement ID of the rule that denies. */
  readonly rule: string;
  /** What is not allowed, in words. */
  readonly reason: string;
  /** JSON pointer into the change (or `/` for the whole change). */
  readonly path: string;
}

/** The engine's answer. */
export type Verdict =
  | { readonly allowed: true; readonly rules: readonly string[] }
  | ({ readonly allowed: false } & Denial);
