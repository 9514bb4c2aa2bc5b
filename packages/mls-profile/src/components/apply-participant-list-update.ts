/**
 * ParticipantListUpdate semantics (draft-ietf-mimi-protocol-06 §7.5): role changes, then
 * removals, then appends; no user touched twice per commit; each user exactly one role.
 * Index semantics are decision 0534.
 */
import { childPath, toHex, ValidationError } from "@mimi/wire";
import type { ComponentUpdateHandler } from "../extensions/apply-app-data-updates.js";
import {
  decodeParticipantListData,
  encodeParticipantListData,
  type ParticipantListData,
  type UserRolePair,
} from "./participant-list-data.js";
import { decodeParticipantListUpdate, type ParticipantListUpdate } from "./participant-list-update.js";

/** One change a ParticipantListUpdate makes, for room policy and for events. */
export type ParticipantListChange =
  | { readonly kind: "role"; readonly user: Uint8Array; readonly from: number; readonly to: number }
  | { readonly kind: "remove"; readonly user: Uint8Array; readonly role_index: number }
  | { readonly kind: "add"; readonly user: Uint8Array; readonly role_index: number };

/** Options of {@link applyParticipantListUpdates}. */
export interface ParticipantListOptions {
  /**
   * Room policy: §7.5 authorizes each action separately. Return `false` to make the commit
   * invalid (`MLS-PLIST-06`). Absent: everything is allowed.
   */
  readonly authorize?: (change: ParticipantListChange) => boolean;
}

/** The result of applying a commit's participant-list updates. */
export interface ParticipantListResult {
  readonly list: ParticipantListData;
  readonly changes: readonly ParticipantListChange[];
}

/**
 * Apply the ParticipantListUpdates of one commit, in commit order, to `current`.
 *
 * Each update's indices refer to the list as it was before that update; its role changes are
 * applied first, then its removals (the remaining entries keep their order), then its appends at
 * the end.
 *
 * @throws ValidationError naming the update and field: `MLS-PLIST-03` index out of range,
 * `MLS-PLIST-04` a user touched twice in the commit, `MLS-PLIST-05` an appended user who is
 * already a participant, `MLS-PLIST-06` an action room policy refuses.
 */
export function applyParticipantListUpdates(
  current: ParticipantListData,
  updates: readonly ParticipantListUpdate[],
  options: ParticipantListOptions = {},
): ParticipantListResult {
  const touched = new Map<string, string>();
  const changes: ParticipantListChange[] = [];
  let list: readonly UserRolePair[] = current.participants;

  const touch = (user: Uint8Array, path: string): void => {
    const key = toHex(user);
    const first = touched.get(key);
    // [MLS-PLIST-04] draft-ietf-mimi-protocol-06 §7.5: a commit is invalid if it touches the
    // same user more than once across its participant-list updates.
    if (first !== undefined) {
      throw new ValidationError(`user already changed by ${first} in this commit`, {
        path,
        rule: "MLS-PLIST-04",
      });
    }
    touched.set(key, path);
  };
  const authorize = (change: ParticipantListChange, path: string): void => {
    // [MLS-PLIST-06] draft-ietf-mimi-protocol-06 §7.5: each action is authorized separately by
    // the room policy; an unauthorized action makes the commit invalid.
    if (options.authorize !== undefined && !options.authorize(change)) {
      throw new ValidationError(`room policy refuses this ${change.kind}`, { path, rule: "MLS-PLIST-06" });
    }
    changes.push(change);
  };
  const at = (index: number, path: string): UserRolePair => {
    const p = list[index];
    // [MLS-PLIST-03] draft-ietf-mimi-protocol-06 §7.5: user_index and removedIndices are
    // indices into the current participant list.
    if (p === undefined) {
      throw new ValidationError(`index ${index} is outside the list of ${list.length}`, {
        path,
        rule: "MLS-PLIST-03",
      });
    }
    return p;
  };

  // [MLS-PLIST-02] draft-ietf-mimi-protocol-06 §7.5: an update applies its role changes, then
  // its removals, then its appends; all indices refer to the list before the update (0534).
  updates.forEach((u, n) => {
    const base = childPath("/", n);
    // 1. role changes, by index into the list before this update
    const roles = list.map((p) => p.role_index);
    u.changedRoleParticipants.forEach((c, i) => {
      const path = childPath(childPath(childPath(base, "changedRoleParticipants"), i), "user_index");
      const p = at(c.user_index, path);
      touch(p.user, path);
      authorize({ kind: "role", user: p.user, from: p.role_index, to: c.role_index }, path);
      roles[c.user_index] = c.role_index;
    });
    // 2. removals, by index into the same list
    const removed = new Set<number>();
    u.removedIndices.forEach((index, i) => {
      const path = childPath(childPath(base, "removedIndices"), i);
      const p = at(index, path);
      touch(p.user, path);
      authorize({ kind: "remove", user: p.user, role_index: roles[index]! }, path);
      removed.add(index);
    });
    const next: UserRolePair[] = [];
    list.forEach((p, i) => {
      if (!removed.has(i)) next.push(roles[i] === p.role_index ? p : { user: p.user, role_index: roles[i]! });
    });
    // 3. appends
    const present = new Set(next.map((p) => toHex(p.user)));
    u.addedParticipants.forEach((a, i) => {
      const path = childPath(childPath(childPath(base, "addedParticipants"), i), "user");
      touch(a.user, path);
      // [MLS-PLIST-05] draft-ietf-mimi-protocol-06 §7.5: each user has exactly one role, so a
      // user already in the list cannot be appended again.
      if (present.has(toHex(a.user))) {
        throw new ValidationError("appended user is already a participant", { path, rule: "MLS-PLIST-05" });
      }
      authorize({ kind: "add", user: a.user, role_index: a.role_index }, path);
      next.push(a);
    });
    list = next;
  });
  return { list: { participants: list }, changes };
}

/**
 * The `participant_list` component logic for {@link applyAppDataUpdates}: decodes the current
 * list (empty when absent) and the commit's updates, applies them, and encodes the result.
 *
 * @throws CodecError or ValidationError (as {@link applyParticipantListUpdates}) when invalid.
 */
export function participantListHandler(options: ParticipantListOptions = {}): ComponentUpdateHandler {
  return (current, updates) => {
    const list = current === undefined ? { participants: [] } : decodeParticipantListData(current);
    const result = applyParticipantListUpdates(list, updates.map(decodeParticipantListUpdate), options);
    return encodeParticipantListData(result.list);
  };
}
