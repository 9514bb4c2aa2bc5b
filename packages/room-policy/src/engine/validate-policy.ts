/**
 * Static checks of policy components (draft-ietf-mimi-room-policy-03 §3, §5, §6): what a valid
 * component looks like regardless of who changes it. Each check returns the problems found, as
 * {@link Denial}s with the rule's requirement ID and a JSON pointer into the component.
 */
import { isRoomUri } from "@mimi/identifiers";
import type { MediaType } from "@mimi/mls-profile";
import { ValidationError } from "@mimi/wire";
import type { AssetPolicy } from "../asset-policy.js";
import type { BaseRoomPolicy } from "../base-room-policy.js";
import { type CapabilityName, roleCapabilities } from "../capability-type.js";
import { optionality } from "../common.js";
import type { HistoryPolicy } from "../history-policy.js";
import type { LinkPreviewPolicy } from "../link-preview-policy.js";
import type { LoggingPolicy } from "../logging-policy.js";
import type { RoleData } from "../role.js";
import type { CapabilityCodePoints } from "./context.js";
import type { Denial } from "./room-state.js";

function holds(codePoints: CapabilityCodePoints, caps: readonly number[], name: CapabilityName): boolean {
  return caps.includes(codePoints[name]);
}

/** Problems of a `roles_list` (empty when valid). */
export function checkRoleData(
  roles: RoleData,
  codePoints: CapabilityCodePoints = roleCapabilities,
): Denial[] {
  const out: Denial[] = [];
  const seen = new Set<number>();
  roles.roles.forEach((role, i) => {
    const at = `/roles/${i}`;
    // [POLICY-ROLES-01] draft-ietf-mimi-room-policy-03 §3: role_index "is used to refer to the role elsewhere", so it names one role only.
    if (seen.has(role.role_index)) {
      out.push({
        rule: "POLICY-ROLES-01",
        reason: `role_index ${role.role_index} is defined twice`,
        path: `${at}/role_index`,
      });
    }
    seen.add(role.role_index);
    const open = holds(codePoints, role.role_capabilities, "canOpenJoin");
    // [POLICY-ROLES-02] draft-ietf-mimi-room-policy-03 §8.1.1: canOpenJoin MUST NOT appear in any non-zero role.
    if (open && role.role_index !== 0) {
      out.push({
        rule: "POLICY-ROLES-02",
        reason: "canOpenJoin on a non-zero role",
        path: `${at}/role_capabilities`,
      });
    }
    // [POLICY-ROLES-03] draft-ietf-mimi-room-policy-03 §8.1.1: with canOpenJoin on role zero, authorized_role_changes MUST have an entry from role zero.
    if (open && role.role_index === 0 && !role.authorized_role_changes.some((e) => e.from_role_index === 0)) {
      out.push({
        rule: "POLICY-ROLES-03",
        reason: "role 0 holds canOpenJoin without an authorized_role_changes entry from role 0",
        path: `${at}/authorized_role_changes`,
      });
    }
  });
  return out;
}

/** Problems of a `base_room_policy`, read together with the room's roles (empty when valid). */
export function checkBaseRoomPolicy(
  base: BaseRoomPolicy,
  roles: RoleData,
  codePoints: CapabilityCodePoints = roleCapabilities,
): Denial[] {
  const out: Denial[] = [];
  // [POLICY-BASE-06] draft-ietf-mimi-room-policy-03 §5: if parent-dependent is true, parent_room MUST be set; otherwise it is zero-length (one parent at most, decision 0301).
  if (base.parent_room.length > 1) {
    out.push({ rule: "POLICY-BASE-06", reason: "more than one parent_room", path: "/parent_room" });
  } else if (base.parent_dependant !== (base.parent_room.length === 1)) {
    out.push({
      rule: "POLICY-BASE-06",
      reason: base.parent_dependant
        ? "parent_dependant without a parent_room"
        : "parent_room set on a room that is not parent-dependent",
      path: "/parent_room",
    });
  }
  base.parent_room.forEach((room, i) => {
    // [POLICY-BASE-06] parent_room holds the room ID of the parent: a mimi: room URI.
    if (!isRoomUri(room.uri)) {
      out.push({
        rule: "POLICY-BASE-06",
        reason: `parent_room ${JSON.stringify(room.uri)} is not a canonical mimi: room URI`,
        path: `/parent_room/${i}/uri`,
      });
    }
  });
  if (base.fixed_membership) {
    roles.roles.forEach((role, i) => {
      const banned = role.role_index === 1 && role.role_name === "banned";
      // [POLICY-BASE-07] draft-ietf-mimi-room-policy-03 §5: in a fixed-membership room none of the non-zero, non-banned roles can contain canAddParticipant.
      if (
        role.role_index !== 0 &&
        !banned &&
        holds(codePoints, role.role_capabilities, "canAddParticipant")
      ) {
        out.push({
          rule: "POLICY-BASE-07",
          reason: `fixed-membership room, but role ${role.role_index} holds canAddParticipant`,
          path: `/roles/${i}/role_capabilities`,
        });
      }
    });
  }
  return out;
}

/** Problems of a `link_preview_policy` (empty when valid). */
export function checkLinkPreviewPolicy(policy: LinkPreviewPolicy): Denial[] {
  const out: Denial[] = [];
  // [POLICY-LINK-01] draft-ietf-mimi-room-policy-03 §6.3: autodetect_hyperlinks_in_text MUST NOT be mandatory.
  if (policy.autodetect_hyperlinks_in_text === optionality.required) {
    out.push({
      rule: "POLICY-LINK-01",
      reason: "autodetect_hyperlinks_in_text is required",
      path: "/autodetect_hyperlinks_in_text",
    });
  }
  // [POLICY-LINK-02] draft-ietf-mimi-room-policy-03 §6.3: link_preview_proxy MUST include a URI when link_preview_proxy_use is mandatory or optional.
  if (
    policy.link_preview_proxy_use !== optionality.forbidden &&
    (policy.link_preview_proxy ?? []).length === 0
  ) {
    out.push({
      rule: "POLICY-LINK-02",
      reason: "link preview proxy use without a proxy URI",
      path: "/link_preview_proxy",
    });
  }
  return out;
}

/** Problems of a `logging_policy` (empty when valid). */
export function checkLoggingPolicy(policy: LoggingPolicy): Denial[] {
  // [POLICY-LOG-01] draft-ietf-mimi-room-policy-03 §6.5: if logging is required, logging_clients needs to contain at least one logging URI.
  if (policy.logging === optionality.required && (policy.logging_clients ?? []).length === 0) {
    return [
      {
        rule: "POLICY-LOG-01",
        reason: "logging is required but no logging client is listed",
        path: "/logging_clients",
      },
    ];
  }
  return [];
}

/** Problems of a `chat_history_policy`, read with the room's roles (empty when valid). */
export function checkHistoryPolicy(policy: HistoryPolicy, roles: RoleData): Denial[] {
  const out: Denial[] = [];
  (policy.roles_that_can_share ?? []).forEach((index, i) => {
    const role = roles.roles.find((r) => r.role_index === index);
    // [POLICY-HIST-01] draft-ietf-mimi-room-policy-03 §6.6: role zero, role one (banned) and roles whose maximum active participants is zero cannot share history.
    if (index === 0 || index === 1 || role?.maximum_active_participants_constraint === 0) {
      out.push({
        rule: "POLICY-HIST-01",
        reason: `role ${index} cannot share history`,
        path: `/roles_that_can_share/${i}`,
      });
    }
  });
  return out;
}

function mediaTypeMatches(entry: MediaType, candidate: MediaType): boolean {
  if (entry.type.toLowerCase() !== candidate.type.toLowerCase()) return false;
  if (entry.parameters.length === 0) return true;
  return (
    entry.parameters.length === candidate.parameters.length &&
    entry.parameters.every((p) =>
      candidate.parameters.some(
        (q) =>
          q.parameter_name.toLowerCase() === p.parameter_name.toLowerCase() &&
          q.parameter_value === p.parameter_value,
      ),
    )
  );
}

/**
 * Whether an asset policy admits a media type: draft-ietf-mimi-room-policy-03 §6.4. An entry
 * without parameters matches the type with any parameters.
 */
export function isMediaTypePermitted(policy: AssetPolicy, mediaType: MediaType): boolean {
  // [POLICY-ASSET-01] draft-ietf-mimi-room-policy-03 §6.4: media types MUST NOT be in forbidden_media_types and, when permitted_media_types is present, MUST be one of its entries.
  if (policy.forbidden_media_types.some((f) => mediaTypeMatches(f, mediaType))) return false;
  if (policy.permitted_media_types === undefined) return true;
  return policy.permitted_media_types.some((p) => mediaTypeMatches(p, mediaType));
}

/**
 * Throw the first problem found by a check, as a `ValidationError`.
 *
 * @throws ValidationError with the rule and the path (prefixed with `at`).
 */
export function assertNoProblems(problems: readonly Denial[], at = ""): void {
  const first = problems[0];
  if (first !== undefined)
    throw new ValidationError(first.reason, { rule: first.rule, path: `${at}${first.path}` || "/" });
}
