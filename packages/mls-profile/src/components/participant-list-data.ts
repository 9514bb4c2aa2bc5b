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
  // users by a 32-bit hash of their bytes (no string per user: a list of 10,000 made 10,000 hex
  // strings to compare), the bytes compared within a hash
  const seen = new Map<number, number | number[]>();
  const users = list.participants;
  users.forEach((p, i) => {
    const h = fnv1a(p.user);
    const at = seen.get(h);
    const isUser = (j: number): boolean => bytesEqual(users[j]!.user, p.user);
    const first =
      at === undefined ? undefined : typeof at === "number" ? (isUser(at) ? at : undefined) : at.find(isUser);
    // [MLS-PLIST-01] draft-ietf-mimi-protocol-06 §7.5: each user has exactly one role, so a
    // user appears at most once in the participant list.
    if (first !== undefined) {
      throw new ValidationError(`user already listed at index ${first}`, {
        path: childPath(childPath(path, i), "user"),
        rule: "MLS-PLIST-01",
      });
    }
    if (at === undefined) seen.set(h, i);
    else if (typeof at === "number") seen.set(h, [at, i]);
    else at.push(i);
  });
}

/** FNV-1a, 32 bits. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
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
