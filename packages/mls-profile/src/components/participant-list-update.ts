/**
 * `ParticipantListUpdate`, the `update` of an AppDataUpdate for `participant_list`
 * (draft-ietf-mimi-protocol-06 §7.5).
 */
import { decodeTls, encodeTls } from "@mimi/wire";
import { readUserRolePair, type UserRolePair, writeUserRolePair } from "./participant-list-data.js";

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

/** Encode a `ParticipantListUpdate`. @throws CodecError when an index is not a uint32. */
export function encodeParticipantListUpdate(u: ParticipantListUpdate): Uint8Array {
  return encodeTls((w) => {
    w.vector(u.changedRoleParticipants, (iw, c) => {
      iw.uint32(c.user_index);
      iw.uint32(c.role_index);
    });
    w.vector(u.removedIndices, (iw, i) => iw.uint32(i));
    w.vector(u.addedParticipants, writeUserRolePair);
  });
}

/** Decode a `ParticipantListUpdate` (syntax only). @throws CodecError on malformed input. */
export function decodeParticipantListUpdate(bytes: Uint8Array): ParticipantListUpdate {
  return decodeTls(bytes, (r) => {
    const changedRoleParticipants = r.field("changedRoleParticipants", () =>
      r.vector((ir) => {
        const user_index = ir.field("user_index", () => ir.uint32());
        const role_index = ir.field("role_index", () => ir.uint32());
        return { user_index, role_index };
      }),
    );
    const removedIndices = r.field("removedIndices", () => r.vector((ir) => ir.uint32()));
    const addedParticipants = r.field("addedParticipants", () => r.vector(readUserRolePair));
    return { changedRoleParticipants, removedIndices, addedParticipants };
  });
}
