/**
 * `ParticipantListUpdate`, the `update` of an AppDataUpdate for `participant_list`
 * (draft-ietf-mimi-protocol-06 §7.5).
 */
import { decodeWith, encodeWith, struct, uint32, vector } from "@mimi/wire";
import { type UserRolePair, userRolePairCodec } from "./participant-list-data.js";

/**
 * draft-ietf-mimi-protocol-06 §7.5
 *
 * ```tls
 * struct {
 *   uint32 user_index;
 *   uint32 role_index;
 * } UserindexRolePair;
 * ```
 */
export interface UserindexRolePair {
  readonly user_index: number;
  readonly role_index: number;
}

/**
 * draft-ietf-mimi-protocol-06 §7.5 (the draft omits the `;` after `changedRoleParticipants<V>`)
 *
 * ```tls
 * struct {
 *   UserindexRolePair changedRoleParticipants<V>
 *   uint32 removedIndices<V>;
 *   UserRolePair addedParticipants<V>;
 * } ParticipantListUpdate;
 * ```
 */
export interface ParticipantListUpdate {
  readonly changedRoleParticipants: readonly UserindexRolePair[];
  readonly removedIndices: readonly number[];
  readonly addedParticipants: readonly UserRolePair[];
}

const participantListUpdateCodec = struct("ParticipantListUpdate", [
  [
    "changedRoleParticipants",
    vector(
      struct("UserindexRolePair", [
        ["user_index", uint32],
        ["role_index", uint32],
      ]),
    ),
  ],
  ["removedIndices", vector(uint32)],
  ["addedParticipants", vector(userRolePairCodec)],
]);

/** Encode a `ParticipantListUpdate`. @throws CodecError when an index is not a uint32. */
export function encodeParticipantListUpdate(u: ParticipantListUpdate): Uint8Array {
  return encodeWith(participantListUpdateCodec, u);
}

/** Decode a `ParticipantListUpdate` (syntax only). @throws CodecError on malformed input. */
export function decodeParticipantListUpdate(bytes: Uint8Array): ParticipantListUpdate {
  return decodeWith(participantListUpdateCodec, bytes);
}
