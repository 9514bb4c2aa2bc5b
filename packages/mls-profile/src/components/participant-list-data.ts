/**
 * The `participant_list` component (draft-ietf-mimi-protocol-06 §7.5).
 */
import {
  bytesEqual,
  type Codec,
  childPath,
  decodeWith,
  encodeWith,
  opaque,
  struct,
  toHex,
  uint32,
  ValidationError,
  vector,
} from "@mimi/wire";

/**
 * draft-ietf-mimi-protocol-06 §7.5
 *
 * ```tls
 * struct {
 *   opaque user<V>;
 *   uint32 role_index;
 * } UserRolePair;
 * ```
 */
export interface UserRolePair {
  readonly user: Uint8Array;
  readonly role_index: number;
}

/**
 * draft-ietf-mimi-protocol-06 §7.5
 *
 * ```tls
 * struct {
 *   UserRolePair participants<V>;
 * } ParticipantListData;
 *
 * ParticipantListData participant_list;
 * ```
 */
export interface ParticipantListData {
  readonly participants: readonly UserRolePair[];
}

/** The `UserRolePair` codec. */
export const userRolePairCodec: Codec<UserRolePair> = struct("UserRolePair", [
  ["user", opaque],
  ["role_index", uint32],
]);

/** The `ParticipantListData` codec, without the MLS-PLIST-01 check (see {@link decodeParticipantListData}). */
const participantListDataCodec = struct("ParticipantListData", [["participants", vector(userRolePairCodec)]]);

/**
 * Check that every user appears once (and so has exactly one role).
 *
 * @throws ValidationError (`MLS-PLIST-01`) at the second entry of a user.
 */
export function checkParticipantListData(list: ParticipantListData, path = "/participants"): void {
  const seen = new Map<string, number>();
  list.participants.forEach((p, i) => {
    const key = toHex(p.user);
    const first = seen.get(key);
    // [MLS-PLIST-01] draft-ietf-mimi-protocol-06 §7.5: each user has exactly one role, so a
    // user appears at most once in the participant list.
    if (first !== undefined) {
      throw new ValidationError(`user already listed at index ${first}`, {
        path: childPath(childPath(path, i), "user"),
        rule: "MLS-PLIST-01",
      });
    }
    seen.set(key, i);
  });
}

/** Encode a `ParticipantListData`. @throws ValidationError (`MLS-PLIST-01`); CodecError. */
export function encodeParticipantListData(list: ParticipantListData): Uint8Array {
  checkParticipantListData(list);
  return encodeWith(participantListDataCodec, list);
}

/** Decode a `ParticipantListData`. @throws CodecError; ValidationError (`MLS-PLIST-01`). */
export function decodeParticipantListData(bytes: Uint8Array): ParticipantListData {
  const list = decodeWith(participantListDataCodec, bytes);
  checkParticipantListData(list);
  return list;
}

/** The index of `user` in the list, or -1. */
export function findParticipant(list: ParticipantListData, user: Uint8Array): number {
  return list.participants.findIndex((p) => bytesEqual(p.user, user));
}
