/**
 * A new user joining a MIMI room by external commit appends itself to the participant list in the
 * same commit (draft-ietf-mimi-protocol-06 §3.6, §7.5; decision 0576).
 */

import type { Credential, LeafNode } from "@mimi/ts-mls";
import { bytesEqual, ValidationError } from "@mimi/wire";
import { type AppDataDictionary, getComponentData } from "../extensions/app-data-dictionary.js";
import type { ExternalCommitAppDataPolicy } from "../extensions/app-data-proposal-handler.js";
import { type CodePoints, defaultCodePoints } from "../extensions/code-points.js";
import { decodeParticipantListData, type UserRolePair } from "./participant-list-data.js";

/** Options of {@link mimiExternalJoinPolicy}. */
export interface ExternalJoinPolicyOptions {
  /** The user (URI bytes, as in the participant list) a client credential belongs to. */
  readonly userOf: (credential: Credential) => Uint8Array;
  readonly codePoints?: CodePoints;
  /**
   * Room policy: may `user` join by external commit with role `role_index`? (draft-ietf-mimi-room-policy
   * `canOpenJoin`, `canJoinIfPreauthorized`, `canUseJoinCode`.) Default: yes.
   */
  readonly authorize?: (user: Uint8Array, role_index: number, joiner: LeafNode) => boolean;
}

function participants(dict: AppDataDictionary, codePoints: CodePoints): readonly UserRolePair[] {
  const data = getComponentData(dict, codePoints.componentIds.participant_list);
  return data === undefined ? [] : decodeParticipantListData(data).participants;
}

/**
 * The external-commit policy of a MIMI room: the commit's AppDataUpdates may only append the
 * joiner's own user (`userOf(joiner.credential)`) at the end of the participant list, with a
 * non-zero role that room policy allows; nothing else in the `app_data_dictionary` may change.
 *
 * @throws ValidationError (`MLS-XJOIN-01`: another change; `MLS-XJOIN-02`: role 0;
 *   `MLS-PLIST-06`: room policy refuses).
 */
export function mimiExternalJoinPolicy(options: ExternalJoinPolicyOptions): ExternalCommitAppDataPolicy {
  const codePoints = options.codePoints ?? defaultCodePoints;
  const listId = codePoints.componentIds.participant_list;
  return (before, after, joiner) => {
    const fail = (what: string, rule = "MLS-XJOIN-01"): never => {
      throw new ValidationError(what, { path: "/proposals", rule });
    };
    const others = (d: AppDataDictionary): AppDataDictionary["component_data"] =>
      d.component_data.filter((c) => c.component_id !== listId);
    const a = others(before);
    const b = others(after);
    if (
      a.length !== b.length ||
      a.some((c, i) => c.component_id !== b[i]?.component_id || !bytesEqual(c.data, b[i].data))
    ) {
      fail("an external commit may change only the participant list");
    }
    const old = participants(before, codePoints);
    const now = participants(after, codePoints);
    const user = options.userOf(joiner.credential);
    const added = now[old.length];
    const unchanged =
      now.length === old.length + 1 &&
      old.every(
        (p, i) => bytesEqual(p.user, now[i]?.user ?? new Uint8Array()) && p.role_index === now[i]?.role_index,
      );
    if (!unchanged || added === undefined || !bytesEqual(added.user, user)) {
      fail("an external commit may only append the joining user to the participant list");
    }
    const appended = added as UserRolePair;
    // [MLS-XJOIN-02] draft-ietf-mimi-room-policy-03 §8: role index 0 means "not in the participant list"; a joiner appends itself with a non-zero role
    if (appended.role_index === 0) fail("the joining user appended with role 0", "MLS-XJOIN-02");
    if (options.authorize !== undefined && !options.authorize(user, appended.role_index, joiner)) {
      fail(`room policy refuses an external join with role ${appended.role_index}`, "MLS-PLIST-06");
    }
  };
}
