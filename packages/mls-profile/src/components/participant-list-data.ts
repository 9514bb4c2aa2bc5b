/**
 * The `participant_list` component (draft-ietf-mimi-protocol-06 §7.5).
 */
import {
  bytesEqual,
  childPath,
  decodeTls,
  encodeTls,
  type TlsReader,
  type TlsWriter,
  toHex,
  ValidationError,
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

/** Read a `UserRolePair`. @throws CodecError. */
export function readUserRolePair(r: TlsReader): UserRolePair {
  const user = r.field("user", () => r.opaque());
  const role_index = r.field("role_index", () => r.uint32());
  return { user, role_index };
}

/** Write a `UserRolePair`. @throws CodecError when `role_index` is not a uint32. */
export function writeUserRolePair(w: TlsWriter, p: UserRolePair): void {
  w.opaque(p.user);
  w.uint32(p.role_index);
}

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
  return encodeTls((w) => w.vector(list.participants, writeUserRolePair));
}

/** Decode a `ParticipantListData`. @throws CodecError; ValidationError (`MLS-PLIST-01`). */
export function decodeParticipantListData(bytes: Uint8Array): ParticipantListData {
  const list = decodeTls(bytes, (r) => ({
    participants: r.field("participants", () => r.vector(readUserRolePair)),
  }));
  checkParticipantListData(list);
  return list;
}

/** The index of `user` in the list, or -1. */
export function findParticipant(list: ParticipantListData, user: Uint8Array): number {
  return list.participants.findIndex((p) => bytesEqual(p.user, user));
}
