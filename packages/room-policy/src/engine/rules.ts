/**
 * The rules of the authorization engine, one per requirement of draft-ietf-mimi-room-policy-03
 * §3–§5 and §8 (and the participant-list rules of draft-ietf-mimi-protocol-06 §7.5). Each rule is
 * independent of the others: it reads the {@link Context} and answers `undefined` (it does not
 * apply), `"pass"` (it applies and allows) or a {@link Denial}.
 */

import type { RoomMetaData } from "@mimi/mls-profile";
import { bytesEqual, encodeWith } from "@mimi/wire";
import { type CapabilityName, isCapabilityName, reservedCapabilities } from "../capability-type.js";
import { allowsTransition, type Context } from "./context.js";
import type { Denial } from "./room-state.js";
import { roomMetaDataSchema } from "./room-state.js";
import { checkBaseRoomPolicy, checkRoleData } from "./validate-policy.js";

/** A rule's answer: not applicable, passed, or denied. */
export type RuleResult = Denial | "pass" | undefined;

/** One rule of the engine. */
export interface PolicyRule {
  /** Requirement ID. */
  readonly id: string;
  /** The section the rule comes from. */
  readonly section: string;
  /** The rule in one line. */
  readonly summary: string;
  readonly check: (ctx: Context) => RuleResult;
}

function deny(rule: string, reason: string, path: string): Denial {
  return { rule, reason, path };
}

/** Run `each` over `items`; the first denial wins; "pass" if any applied. */
function every<T>(items: readonly T[], each: (item: T) => RuleResult): RuleResult {
  let applied = false;
  for (const item of items) {
    const r = each(item);
    if (r === undefined) continue;
    if (r !== "pass") return r;
    applied = true;
  }
  return applied ? "pass" : undefined;
}

function holds(ctx: Context, role: number, cap: CapabilityName): boolean {
  return ctx.caps(role).has(cap);
}

const PL = "/participantList";

/** A component update (`field` of the change) needs `cap` in the actor's role. */
function componentGate(
  ctx: Context,
  rule: string,
  field: "roles" | "preauth" | "base" | "operational",
  cap: CapabilityName,
): RuleResult {
  if (ctx.change[field] === undefined) return undefined;
  return holds(ctx, ctx.actorRole, cap)
    ? "pass"
    : deny(rule, `role ${ctx.actorRole} does not hold ${cap}`, `/${field}`);
}

/** Is role 1 the special banned role (§8.1.3)? */
function bannedRoleExists(ctx: Context): boolean {
  return ctx.role(1)?.role_name === "banned";
}

function clientsPerUser(clients: ReadonlyMap<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const u of clients.values()) out.set(u, (out.get(u) ?? 0) + 1);
  return out;
}

type Bound = "minimum_participants_constraint" | "minimum_active_participants_constraint";
type Ceiling = "maximum_participants_constraint" | "maximum_active_participants_constraint";

function checkCounts(
  ctx: Context,
  rule: string,
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
  field: Bound | Ceiling,
  what: string,
): RuleResult {
  const lower = field.startsWith("minimum");
  let applied = false;
  for (const index of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(index) ?? 0;
    const a = after.get(index) ?? 0;
    if (lower ? a >= b : a <= b) continue;
    const role = ctx.role(index);
    if (role === undefined) continue;
    applied = true;
    const limit = role[field];
    if (limit === undefined) continue;
    if (lower ? a < limit : a > limit) {
      return deny(
        rule,
        `role ${index} (${role.role_name}) would have ${a} ${what}, ${lower ? "below its minimum" : "above its maximum"} of ${limit}`,
        PL,
      );
    }
  }
  return applied ? "pass" : undefined;
}

function metaChanged(a: RoomMetaData, b: RoomMetaData, field: keyof RoomMetaData): boolean {
  const enc = (m: RoomMetaData): Uint8Array => encodeWith(roomMetaDataSchema, { ...m });
  const pick = (m: RoomMetaData): RoomMetaData => ({ ...a, [field]: m[field] });
  return !bytesEqual(enc(pick(a)), enc(pick(b)));
}

const metadataCapabilities: readonly [keyof RoomMetaData, CapabilityName][] = [
  ["room_name", "canChangeRoomName"],
  ["room_descriptions", "canChangeRoomDescription"],
  ["room_avatar", "canChangeRoomAvatar"],
  ["room_subject", "canChangeRoomSubject"],
  ["room_mood", "canChangeRoomMood"],
];

/** Capabilities that a single action can exercise (§8.3–§8.6), as opposed to membership and policy changes. */
export const actionCapabilities: readonly CapabilityName[] = [
  "canSendMessage",
  "canReceiveMessage",
  "canCopyMessage",
  "canReportAbuse",
  "canReplyToMessage",
  "canReactToMessage",
  "canEditReaction",
  "canDeleteOwnReaction",
  "canDeleteOtherReaction",
  "canEditOwnMessage",
  "canDeleteOwnMessage",
  "canDeleteOtherMessage",
  "canStartTopic",
  "canReplyInTopic",
  "canEditOwnTopic",
  "canEditOtherTopic",
  "canUploadImage",
  "canUploadAudio",
  "canUploadVideo",
  "canUploadAttachment",
  "canDownloadImage",
  "canDownloadAudio",
  "canDownloadVideo",
  "canDownloadAttachment",
  "canSendLink",
  "canSendLinkPreview",
  "canFollowLink",
  "canCopyLink",
  "canStartCall",
  "canJoinCall",
  "canSendAudio",
  "canReceiveAudio",
  "canSendVideo",
  "canReceiveVideo",
  "canShareScreen",
  "canViewSharedScreen",
  "canDestroyRoom",
  "canSendMLSReinitProposal",
];

/** Every rule, in the order the engine applies them. */
export const policyRules: readonly PolicyRule[] = [
  {
    id: "POLICY-PL-01",
    section: "draft-ietf-mimi-protocol-06 §7.5",
    summary: "user_index and removedIndices refer to entries of the current participant list",
    check: (ctx) => {
      const u = ctx.change.participantList;
      if (u === undefined) return undefined;
      const n = ctx.state.participants.length;
      const ok = (i: number): boolean => Number.isInteger(i) && i >= 0 && i < n;
      // [POLICY-PL-01] draft-ietf-mimi-protocol-06 §7.5: changedRoleParticipants and removedIndices index the current participant list.
      for (const [i, c] of u.changedRoleParticipants.entries()) {
        if (!ok(c.user_index)) {
          return deny(
            "POLICY-PL-01",
            `user_index ${c.user_index} is not in the participant list (${n} entries)`,
            `${PL}/changedRoleParticipants/${i}/user_index`,
          );
        }
      }
      for (const [i, r] of u.removedIndices.entries()) {
        if (!ok(r))
          return deny(
            "POLICY-PL-01",
            `removed index ${r} is not in the participant list (${n} entries)`,
            `${PL}/removedIndices/${i}`,
          );
      }
      return "pass";
    },
  },
  {
    id: "POLICY-PL-02",
    section: "draft-ietf-mimi-protocol-06 §7.5",
    summary: "a change touches each user at most once, and appends only users not yet listed",
    check: (ctx) => {
      if (ctx.change.participantList === undefined) return undefined;
      const seen = new Set<string>();
      const touch = (user: string, path: string): Denial | undefined => {
        // [POLICY-PL-02] draft-ietf-mimi-protocol-06 §7.5: a commit is invalid if it touches the same user more than once across participant-list updates.
        if (seen.has(user)) return deny("POLICY-PL-02", `${user} is changed more than once`, path);
        seen.add(user);
        return undefined;
      };
      for (const c of ctx.roleChanges) {
        const d = touch(c.user, `${PL}/changedRoleParticipants/${c.at}`);
        if (d) return d;
      }
      for (const r of ctx.removals) {
        const d = touch(r.user, `${PL}/removedIndices/${r.at}`);
        if (d) return d;
      }
      for (const a of ctx.additions) {
        const path = `${PL}/addedParticipants/${a.at}`;
        if (ctx.roleBefore.has(a.user))
          return deny("POLICY-PL-02", `${a.user} is already in the participant list`, path);
        const d = touch(a.user, path);
        if (d) return d;
      }
      return "pass";
    },
  },
  {
    id: "POLICY-PL-03",
    section: "draft-ietf-mimi-room-policy-03 §3",
    summary: "roles assigned by the participant list are defined and non-zero",
    check: (ctx) => {
      const assigned = [
        ...ctx.roleChanges.map((c) => ({
          role: c.to,
          path: `${PL}/changedRoleParticipants/${c.at}/role_index`,
        })),
        ...ctx.additions.map((a) => ({ role: a.to, path: `${PL}/addedParticipants/${a.at}/role_index` })),
      ];
      return every(assigned, ({ role, path }) => {
        // [POLICY-PL-03] draft-ietf-mimi-room-policy-03 §3: role_index zero means "not in the participant list", so a listed user holds a defined, non-zero role (decision 0303).
        if (role === 0)
          return deny("POLICY-PL-03", "role 0 cannot be assigned; remove the user instead", path);
        if (ctx.role(role) === undefined)
          return deny("POLICY-PL-03", `role ${role} is not defined in roles_list`, path);
        return "pass";
      });
    },
  },
  {
    id: "POLICY-ADD-01",
    section: "draft-ietf-mimi-room-policy-03 §8.1.1",
    summary: "canAddParticipant, with an authorized_role_changes entry from 0 to the target role",
    check: (ctx) =>
      every(
        ctx.additions.filter((a) => a.user !== ctx.change.actor.user),
        (a) => {
          const path = `${PL}/addedParticipants/${a.at}`;
          // [POLICY-ADD-01] draft-ietf-mimi-room-policy-03 §8.1.1: adding another user needs canAddParticipant and an authorized_role_changes entry from role zero whose targets include the target role.
          if (!holds(ctx, ctx.actorRole, "canAddParticipant")) {
            return deny("POLICY-ADD-01", `role ${ctx.actorRole} does not hold canAddParticipant`, path);
          }
          if (!allowsTransition(ctx.role(ctx.actorRole), 0, a.to)) {
            return deny("POLICY-ADD-01", `role ${ctx.actorRole} may not add users with role ${a.to}`, path);
          }
          return "pass";
        },
      ),
  },
  {
    id: "POLICY-JOIN-01",
    section: "draft-ietf-mimi-room-policy-03 §8.1.1",
    summary: "a user adds itself only externally, by canOpenJoin, canJoinIfPreauthorized or canUseJoinCode",
    check: (ctx) =>
      every(
        ctx.additions.filter((a) => a.user === ctx.change.actor.user),
        (a) => {
          const path = `${PL}/addedParticipants/${a.at}`;
          // [POLICY-JOIN-01] draft-ietf-mimi-room-policy-03 §8.1.1: a user not in the participant list adds itself externally, as allowed by canOpenJoin on role zero (entry from zero), canJoinIfPreauthorized on its first matching preauthorized role, or canUseJoinCode with a valid code for a valid target role (one of role zero's targets from zero, decision 0306).
          if (ctx.change.external === undefined) {
            return deny("POLICY-JOIN-01", "a user adds itself only by an external commit or proposal", path);
          }
          if (a.to === 0) return deny("POLICY-JOIN-01", "cannot join with role 0", path);
          const open = holds(ctx, 0, "canOpenJoin") && allowsTransition(ctx.role(0), 0, a.to);
          const preauthorized = ctx.preauthRole === a.to && holds(ctx, a.to, "canJoinIfPreauthorized");
          const code = ctx.change.joinCode;
          const byCode =
            code !== undefined &&
            holds(ctx, 0, "canUseJoinCode") &&
            allowsTransition(ctx.role(0), 0, a.to) &&
            (ctx.state.joinCodes ?? []).some((j) => j.code === code && j.role_index === a.to);
          if (open || preauthorized || byCode) return "pass";
          return deny(
            "POLICY-JOIN-01",
            `no open join, preauthorization or join code admits ${a.user} with role ${a.to}`,
            path,
          );
        },
      ),
  },
  {
    id: "POLICY-JOIN-02",
    section: "draft-ietf-mimi-room-policy-03 §7",
    summary: "external commits and proposals only where mls_operational_policy allows them",
    check: (ctx) => {
      const op = ctx.state.operational;
      const ext = ctx.change.external;
      if (ext === undefined || op === undefined) return undefined;
      // [POLICY-JOIN-02] draft-ietf-mimi-room-policy-03 §7: external_commit_allowed / external_proposal_allowed say whether external joiners and external proposals are allowed.
      if (ext === "commit" && !op.external_commit_allowed) {
        return deny("POLICY-JOIN-02", "the room's operational policy forbids external commits", "/external");
      }
      if (ext === "proposal" && !op.external_proposal_allowed) {
        return deny(
          "POLICY-JOIN-02",
          "the room's operational policy forbids external proposals",
          "/external",
        );
      }
      return "pass";
    },
  },
  {
    id: "POLICY-ADD-02",
    section: "draft-ietf-mimi-room-policy-03 §8.1.1",
    summary: "another user's clients are added only together with that user's addition",
    check: (ctx) => {
      const addedNow = new Set(
        ctx.additions.filter((a) => a.user !== ctx.change.actor.user).map((a) => a.user),
      );
      return every(
        ctx.addedClients.filter(({ client }) => client.user !== ctx.change.actor.user),
        ({ at, client }) =>
          // [POLICY-ADD-02] draft-ietf-mimi-room-policy-03 §8.1.1: when the participant-list addition is authorized, the holder is also authorized to add the added user's clients; nothing else authorizes adding another user's clients.
          addedNow.has(client.user)
            ? "pass"
            : deny(
                "POLICY-ADD-02",
                `${client.user} is not being added to the participant list by this change`,
                at,
              ),
      );
    },
  },
  {
    id: "POLICY-ADD-03",
    section: "draft-ietf-mimi-room-policy-03 §8.1.1",
    summary:
      "canAddOwnClient: a listed holder adds its own clients (externally, or by Add from a member client)",
    check: (ctx) => {
      const actor = ctx.change.actor;
      const joining = ctx.additions.some((a) => a.user === actor.user);
      return every(
        ctx.addedClients.filter(({ client }) => client.user === actor.user),
        ({ at }) => {
          // [POLICY-ADD-03] draft-ietf-mimi-room-policy-03 §8.1.1: canAddOwnClient lets a holder in the participant list add its own client externally, or other clients of its user by Add proposals when its client is already a member.
          if (!ctx.roleBefore.has(actor.user)) {
            return joining
              ? "pass"
              : deny("POLICY-ADD-03", `${actor.user} is not in the participant list`, at);
          }
          if (!holds(ctx, ctx.actorListedRole, "canAddOwnClient")) {
            return deny("POLICY-ADD-03", `role ${ctx.actorListedRole} does not hold canAddOwnClient`, at);
          }
          if (
            ctx.change.external === undefined &&
            (actor.client === undefined || !ctx.clientsBefore.has(actor.client))
          ) {
            return deny(
              "POLICY-ADD-03",
              "Add proposals for own clients need a client that is already a member",
              at,
            );
          }
          return "pass";
        },
      );
    },
  },
  {
    id: "POLICY-REM-01",
    section: "draft-ietf-mimi-room-policy-03 §8.1.2",
    summary: "canRemoveParticipant, with an entry from the target's role to 0",
    check: (ctx) =>
      every(
        ctx.removals.filter((r) => r.user !== ctx.change.actor.user),
        (r) => {
          const path = `${PL}/removedIndices/${r.at}`;
          // [POLICY-REM-01] draft-ietf-mimi-room-policy-03 §8.1.2: removing another user needs canRemoveParticipant and an authorized_role_changes entry from the target's role whose targets contain zero.
          if (!holds(ctx, ctx.actorRole, "canRemoveParticipant")) {
            return deny("POLICY-REM-01", `role ${ctx.actorRole} does not hold canRemoveParticipant`, path);
          }
          if (!allowsTransition(ctx.role(ctx.actorRole), r.from, 0)) {
            return deny(
              "POLICY-REM-01",
              `role ${ctx.actorRole} may not remove users with role ${r.from}`,
              path,
            );
          }
          return "pass";
        },
      ),
  },
  {
    id: "POLICY-REM-02",
    section: "draft-ietf-mimi-room-policy-03 §8.1.2",
    summary: "a removed, leaving or banned user keeps no client in the group",
    check: (ctx) => {
      const gone = [
        ...ctx.removals.map((r) => ({ user: r.user, path: `${PL}/removedIndices/${r.at}` })),
        ...ctx.roleChanges
          .filter((c) => c.to === 1 && c.from !== 1)
          .map((c) => ({ user: c.user, path: `${PL}/changedRoleParticipants/${c.at}` })),
      ];
      const remaining = new Set(ctx.clientsAfter.values());
      return every(gone, ({ user, path }) =>
        // [POLICY-REM-02] draft-ietf-mimi-room-policy-03 §8.1.2–§8.1.3: there MUST NOT be any clients of a removed user after the commit; a leaving user MUST propose the removal of all its clients; a ban removes all the banned user's clients.
        remaining.has(user) ? deny("POLICY-REM-02", `${user} would keep clients in the group`, path) : "pass",
      );
    },
  },
  {
    id: "POLICY-REM-03",
    section: "draft-ietf-mimi-room-policy-03 §8.1.2",
    summary: "canRemoveOwnClient: removing an own client while staying in the participant list",
    check: (ctx) => {
      const actor = ctx.change.actor.user;
      if (ctx.removals.some((r) => r.user === actor)) return undefined;
      return every(
        ctx.removedClients.filter((c) => c.user === actor),
        ({ at }) =>
          // [POLICY-REM-03] draft-ietf-mimi-room-policy-03 §8.1.2: canRemoveOwnClient authorizes a Remove or SelfRemove of the holder's own client without a participant-list change.
          holds(ctx, ctx.actorRole, "canRemoveOwnClient")
            ? "pass"
            : deny("POLICY-REM-03", `role ${ctx.actorRole} does not hold canRemoveOwnClient`, at),
      );
    },
  },
  {
    id: "POLICY-REM-04",
    section: "draft-ietf-mimi-room-policy-03 §8.1.2",
    summary: "canRemoveSelf, with an entry from the holder's role to 0",
    check: (ctx) =>
      every(
        ctx.removals.filter((r) => r.user === ctx.change.actor.user),
        (r) => {
          const path = `${PL}/removedIndices/${r.at}`;
          // [POLICY-REM-04] draft-ietf-mimi-room-policy-03 §8.1.2: leaving needs canRemoveSelf and an authorized_role_changes entry from the holder's role whose targets contain zero.
          if (!holds(ctx, ctx.actorListedRole, "canRemoveSelf")) {
            return deny("POLICY-REM-04", `role ${ctx.actorListedRole} does not hold canRemoveSelf`, path);
          }
          if (!allowsTransition(ctx.role(ctx.actorListedRole), r.from, 0)) {
            return deny("POLICY-REM-04", `role ${r.from} has no authorized_role_changes entry to 0`, path);
          }
          return "pass";
        },
      ),
  },
  {
    id: "POLICY-REM-05",
    section: "draft-ietf-mimi-room-policy-03 §8.1.2",
    summary: "a client's own removal is not committed by that client",
    check: (ctx) => {
      const own = ctx.change.actor.client;
      if (
        (ctx.change.sentAs ?? "commit") !== "commit" ||
        own === undefined ||
        ctx.removedClients.length === 0
      )
        return undefined;
      const hit = ctx.removedClients.find((c) => c.client === own);
      // [POLICY-REM-05] draft-ietf-mimi-room-policy-03 §8.1.2: removing one's own client or leaving "cannot be committed by the leaving user".
      return hit === undefined
        ? "pass"
        : deny("POLICY-REM-05", "a client cannot commit its own removal", hit.at);
    },
  },
  {
    id: "POLICY-REM-06",
    section: "draft-ietf-mimi-room-policy-03 §8.1.2",
    summary: "canKick: removing another participant's clients without a participant-list change",
    check: (ctx) => {
      const actor = ctx.change.actor.user;
      const leaving = new Set([
        ...ctx.removals.map((r) => r.user),
        ...ctx.roleChanges.filter((c) => c.to === 1 && c.from !== 1).map((c) => c.user),
      ]);
      return every(
        ctx.removedClients.filter((c) => c.user !== actor && !leaving.has(c.user)),
        ({ at }) =>
          // [POLICY-REM-06] draft-ietf-mimi-room-policy-03 §8.1.2: removing another participant's clients without changing the participant list needs canKick.
          holds(ctx, ctx.actorRole, "canKick")
            ? "pass"
            : deny("POLICY-REM-06", `role ${ctx.actorRole} does not hold canKick`, at),
      );
    },
  },
  {
    id: "POLICY-ROLE-01",
    section: "draft-ietf-mimi-room-policy-03 §8.1.3",
    summary: "canChangeUserRole, with an entry from the target's role to the new role",
    check: (ctx) =>
      every(
        ctx.roleChanges.filter((c) => c.user !== ctx.change.actor.user && c.from !== 1 && c.to !== 1),
        (c) => {
          const path = `${PL}/changedRoleParticipants/${c.at}`;
          // [POLICY-ROLE-01] draft-ietf-mimi-room-policy-03 §8.1.3: changing another participant's role needs canChangeUserRole and an entry from the target's current role listing the new (non-zero) role.
          if (!holds(ctx, ctx.actorRole, "canChangeUserRole")) {
            return deny("POLICY-ROLE-01", `role ${ctx.actorRole} does not hold canChangeUserRole`, path);
          }
          if (!allowsTransition(ctx.role(ctx.actorRole), c.from, c.to)) {
            return deny(
              "POLICY-ROLE-01",
              `role ${ctx.actorRole} may not move users from role ${c.from} to ${c.to}`,
              path,
            );
          }
          return "pass";
        },
      ),
  },
  {
    id: "POLICY-ROLE-02",
    section: "draft-ietf-mimi-room-policy-03 §8.1.3",
    summary: "canChangeOwnRole: only to the first non-zero preauthorized role",
    check: (ctx) =>
      every(
        ctx.roleChanges.filter((c) => c.user === ctx.change.actor.user),
        (c) => {
          const path = `${PL}/changedRoleParticipants/${c.at}`;
          // [POLICY-ROLE-02] draft-ietf-mimi-room-policy-03 §8.1.3, §4: a participant changes its own role only with canChangeOwnRole, and only to the first non-zero role its claims match in preauth_list.
          if (!holds(ctx, ctx.actorListedRole, "canChangeOwnRole")) {
            return deny("POLICY-ROLE-02", `role ${ctx.actorListedRole} does not hold canChangeOwnRole`, path);
          }
          if (ctx.preauthNonZeroRole !== c.to) {
            return deny(
              "POLICY-ROLE-02",
              `role ${c.to} is not the first preauthorized role matching the actor`,
              path,
            );
          }
          return "pass";
        },
      ),
  },
  {
    id: "POLICY-BAN-01",
    section: "draft-ietf-mimi-room-policy-03 §8.1.3",
    summary: "canBan: to role 1 named banned, with an entry from the target's role to 1",
    check: (ctx) =>
      every(
        ctx.roleChanges.filter((c) => c.user !== ctx.change.actor.user && c.to === 1 && c.from !== 1),
        (c) => {
          const path = `${PL}/changedRoleParticipants/${c.at}`;
          // [POLICY-BAN-01] draft-ietf-mimi-room-policy-03 §8.1.3: a ban needs canBan, a role 1 named "banned", and an entry from the target's role whose targets contain 1.
          if (!holds(ctx, ctx.actorRole, "canBan"))
            return deny("POLICY-BAN-01", `role ${ctx.actorRole} does not hold canBan`, path);
          if (!bannedRoleExists(ctx)) return deny("POLICY-BAN-01", 'role 1 is not the "banned" role', path);
          if (!allowsTransition(ctx.role(ctx.actorRole), c.from, 1)) {
            return deny("POLICY-BAN-01", `role ${ctx.actorRole} may not ban users with role ${c.from}`, path);
          }
          return "pass";
        },
      ),
  },
  {
    id: "POLICY-BAN-02",
    section: "draft-ietf-mimi-room-policy-03 §8.1.3",
    summary: "canUnban: from role 1 named banned to a non-zero role of an entry from 1",
    check: (ctx) =>
      every(
        ctx.roleChanges.filter((c) => c.user !== ctx.change.actor.user && c.from === 1),
        (c) => {
          const path = `${PL}/changedRoleParticipants/${c.at}`;
          // [POLICY-BAN-02] draft-ietf-mimi-room-policy-03 §8.1.3: an unban needs canUnban, role 1 MUST be named "banned", and an entry from 1 listing the new non-zero role.
          if (!holds(ctx, ctx.actorRole, "canUnBan"))
            return deny("POLICY-BAN-02", `role ${ctx.actorRole} does not hold canUnBan`, path);
          if (!bannedRoleExists(ctx)) return deny("POLICY-BAN-02", 'role 1 is not the "banned" role', path);
          if (!allowsTransition(ctx.role(ctx.actorRole), 1, c.to)) {
            return deny("POLICY-BAN-02", `role ${ctx.actorRole} may not unban users to role ${c.to}`, path);
          }
          return "pass";
        },
      ),
  },
  {
    id: "POLICY-CONS-01",
    section: "draft-ietf-mimi-room-policy-03 §3, §8.1",
    summary: "minimum_participants_constraint of every role whose count falls",
    // [POLICY-CONS-01] draft-ietf-mimi-room-policy-03 §8.1.2–§8.1.3: removals and role changes are authorized only if the minimum_participants_constraint is satisfied.
    check: (ctx) =>
      checkCounts(
        ctx,
        "POLICY-CONS-01",
        ctx.participantCounts().before,
        ctx.participantCounts().after,
        "minimum_participants_constraint",
        "participants",
      ),
  },
  {
    id: "POLICY-CONS-02",
    section: "draft-ietf-mimi-room-policy-03 §3, §8.1",
    summary: "maximum_participants_constraint of every role whose count grows",
    // [POLICY-CONS-02] draft-ietf-mimi-room-policy-03 §8.1.1, §8.1.3: additions, joins and role changes MUST respect the target role's maximum_participants_constraint.
    check: (ctx) =>
      checkCounts(
        ctx,
        "POLICY-CONS-02",
        ctx.participantCounts().before,
        ctx.participantCounts().after,
        "maximum_participants_constraint",
        "participants",
      ),
  },
  {
    id: "POLICY-CONS-03",
    section: "draft-ietf-mimi-room-policy-03 §3, §8.1",
    summary: "minimum_active_participants_constraint of every role whose active count falls",
    // [POLICY-CONS-03] draft-ietf-mimi-room-policy-03 §8.1.2–§8.1.3: removals, kicks and role changes are authorized only if the minimum_active_participants_constraint is satisfied.
    check: (ctx) =>
      checkCounts(
        ctx,
        "POLICY-CONS-03",
        ctx.activeCounts().before,
        ctx.activeCounts().after,
        "minimum_active_participants_constraint",
        "active participants",
      ),
  },
  {
    id: "POLICY-CONS-04",
    section: "draft-ietf-mimi-room-policy-03 §3, §8.1",
    summary:
      "maximum_active_participants_constraint (0: no clients at all) of every role whose active count grows",
    // [POLICY-CONS-04] draft-ietf-mimi-room-policy-03 §3, §8.1.1: the maximum_active_participants_constraint MUST be respected; zero means no participant of the role may have clients in the group.
    check: (ctx) =>
      checkCounts(
        ctx,
        "POLICY-CONS-04",
        ctx.activeCounts().before,
        ctx.activeCounts().after,
        "maximum_active_participants_constraint",
        "active participants",
      ),
  },
  {
    id: "POLICY-BASE-01",
    section: "draft-ietf-mimi-room-policy-03 §5",
    summary: "fixed_membership: no user is added, leaves or is removed",
    check: (ctx) => {
      if (ctx.state.base?.fixed_membership !== true) return undefined;
      const first = ctx.additions[0];
      // [POLICY-BASE-01] draft-ietf-mimi-room-policy-03 §5: in a fixed-membership room other users cannot be added, and users cannot leave or be removed (clients can still be added and removed).
      if (first !== undefined)
        return deny(
          "POLICY-BASE-01",
          "fixed-membership room: users cannot be added",
          `${PL}/addedParticipants/${first.at}`,
        );
      const gone = ctx.removals[0];
      if (gone !== undefined)
        return deny(
          "POLICY-BASE-01",
          "fixed-membership room: users cannot leave or be removed",
          `${PL}/removedIndices/${gone.at}`,
        );
      return "pass";
    },
  },
  {
    id: "POLICY-BASE-02",
    section: "draft-ietf-mimi-room-policy-03 §5",
    summary: "multi_device false: one client per user",
    check: (ctx) => {
      if (ctx.state.base === undefined || ctx.state.base.multi_device) return undefined;
      const before = clientsPerUser(ctx.clientsBefore);
      // [POLICY-BASE-02] draft-ietf-mimi-room-policy-03 §5: if multi_device is false only a single client of a user can be an MLS member at one time.
      for (const [user, n] of clientsPerUser(ctx.clientsAfter)) {
        if (n > 1 && n > (before.get(user) ?? 0))
          return deny("POLICY-BASE-02", `${user} would have ${n} clients in a single-device room`, "/adds");
      }
      return "pass";
    },
  },
  {
    id: "POLICY-BASE-03",
    section: "draft-ietf-mimi-room-policy-03 §5",
    summary: "max_clients: the group never has more clients",
    check: (ctx) => {
      const max = ctx.state.base?.max_clients;
      if (max === undefined) return undefined;
      const n = ctx.clientsAfter.size;
      // [POLICY-BASE-03] draft-ietf-mimi-room-policy-03 §5: when max_clients has a value, the MLS group MUST NOT have more clients.
      if (n > max && n > ctx.clientsBefore.size)
        return deny("POLICY-BASE-03", `${n} clients would exceed max_clients ${max}`, "/adds");
      return "pass";
    },
  },
  {
    id: "POLICY-BASE-04",
    section: "draft-ietf-mimi-room-policy-03 §5",
    summary: "max_users: non-banned participant-list entries never exceed it",
    check: (ctx) => {
      const max = ctx.state.base?.max_users;
      if (max === undefined) return undefined;
      const count = (m: ReadonlyMap<string, number>): number => [...m.values()].filter((r) => r !== 1).length;
      const n = count(ctx.roleAfter);
      // [POLICY-BASE-04] draft-ietf-mimi-room-policy-03 §5: when max_users has a value, the room MUST NOT have more non-banned entries in the participant list.
      if (n > max && n > count(ctx.roleBefore))
        return deny("POLICY-BASE-04", `${n} non-banned users would exceed max_users ${max}`, PL);
      return "pass";
    },
  },
  {
    id: "POLICY-BASE-05",
    section: "draft-ietf-mimi-room-policy-03 §5",
    summary: "parent_dependant: participants are drawn from the parent room",
    check: (ctx) => {
      if (ctx.state.base?.parent_dependant !== true) return undefined;
      const parent = new Set(ctx.state.parentParticipants ?? []);
      return every(ctx.additions, (a) =>
        // [POLICY-BASE-05] draft-ietf-mimi-room-policy-03 §5: the participants of a parent-dependent room MUST be a strict subset of the parent room's participants.
        parent.has(a.user)
          ? "pass"
          : deny(
              "POLICY-BASE-05",
              `${a.user} is not a participant of the parent room`,
              `${PL}/addedParticipants/${a.at}`,
            ),
      );
    },
  },
  {
    id: "POLICY-META-01",
    section: "draft-ietf-mimi-room-policy-03 §8.2",
    summary: "each changed room metadata field needs its capability",
    check: (ctx) => {
      const next = ctx.change.metadata;
      const prev = ctx.state.metadata;
      if (next === undefined) return undefined;
      return every(metadataCapabilities, ([field, cap]) => {
        if (prev !== undefined && !metaChanged(prev, next, field)) return undefined;
        // [POLICY-META-01] draft-ietf-mimi-room-policy-03 §8.2: canChangeRoomName, canChangeRoomDescription, canChangeRoomAvatar, canChangeRoomSubject and canChangeRoomMood each authorize changing the relevant room metadata field.
        return holds(ctx, ctx.actorRole, cap)
          ? "pass"
          : deny("POLICY-META-01", `role ${ctx.actorRole} does not hold ${cap}`, `/metadata/${field}`);
      });
    },
  },
  {
    id: "POLICY-META-02",
    section: "draft-ietf-mimi-room-policy-03 §8.2",
    summary: "no capability changes room_uri",
    check: (ctx) => {
      const next = ctx.change.metadata;
      const prev = ctx.state.metadata;
      if (next === undefined || prev === undefined) return undefined;
      // [POLICY-META-02] draft-ietf-mimi-room-policy-03 §8.2: only the fields named by a capability can be changed; none names room_uri.
      return next.room_uri.uri === prev.room_uri.uri
        ? "pass"
        : deny("POLICY-META-02", "room_uri cannot change", "/metadata/room_uri");
    },
  },
  {
    id: "POLICY-POL-01",
    section: "draft-ietf-mimi-room-policy-03 §8.6",
    summary: "RoleUpdate needs canChangeRoleDefinitions",
    // [POLICY-POL-01] draft-ietf-mimi-room-policy-03 §3, §8.6: an update of roles_list is valid only if the proposer holds canChangeRoleDefinitions.
    check: (ctx) => componentGate(ctx, "POLICY-POL-01", "roles", "canChangeRoleDefinitions"),
  },
  {
    id: "POLICY-POL-02",
    section: "draft-ietf-mimi-room-policy-03 §3",
    summary: "RoleUpdate is not valid together with a participant-list change",
    check: (ctx) => {
      if (ctx.change.roles === undefined) return undefined;
      // [POLICY-POL-02] draft-ietf-mimi-room-policy-03 §3: a roles_list update is not valid in the same commit as any participant-list change.
      return ctx.touchesParticipantList
        ? deny("POLICY-POL-02", "role definitions cannot change together with the participant list", "/roles")
        : "pass";
    },
  },
  {
    id: "POLICY-POL-03",
    section: "draft-ietf-mimi-room-policy-03 §8.6",
    summary: "PreAuthUpdate needs canChangePreauthorizedUserList",
    // [POLICY-POL-03] draft-ietf-mimi-room-policy-03 §4, §8.6: an update of preauth_list is valid only if the proposer holds canChangePreauthorizedUserList.
    check: (ctx) => componentGate(ctx, "POLICY-POL-03", "preauth", "canChangePreauthorizedUserList"),
  },
  {
    id: "POLICY-POL-04",
    section: "draft-ietf-mimi-room-policy-03 §4",
    summary: "PreAuthUpdate is not valid with participant-list changes other than removals",
    check: (ctx) => {
      if (ctx.change.preauth === undefined) return undefined;
      const u = ctx.change.participantList;
      const other = (u?.changedRoleParticipants.length ?? 0) + (u?.addedParticipants.length ?? 0) > 0;
      // [POLICY-POL-04] draft-ietf-mimi-room-policy-03 §4: a preauth_list update is not valid in the same commit as any participant-list change except user removals.
      return other
        ? deny(
            "POLICY-POL-04",
            "preauthorization cannot change together with participant-list changes other than removals",
            "/preauth",
          )
        : "pass";
    },
  },
  {
    id: "POLICY-POL-05",
    section: "draft-ietf-mimi-room-policy-03 §8.6",
    summary: "BaseRoomUpdate needs canChangeRoomMembershipStyle",
    // [POLICY-POL-05] draft-ietf-mimi-room-policy-03 §8.6: canChangeRoomMembershipStyle authorizes modifying the base room membership style (the base_room_policy component).
    check: (ctx) => componentGate(ctx, "POLICY-POL-05", "base", "canChangeRoomMembershipStyle"),
  },
  {
    id: "POLICY-POL-06",
    section: "draft-ietf-mimi-room-policy-03 §8.7",
    summary: "OperationalParametersUpdate needs canChangeMlsOperationalPolicies",
    // [POLICY-POL-06] draft-ietf-mimi-room-policy-03 §8.7: canChangeMlsOperationalPolicies (reserved; decision 0304) gates updates of mls_operational_policy.
    check: (ctx) => componentGate(ctx, "POLICY-POL-06", "operational", "canChangeMlsOperationalPolicies"),
  },
  {
    id: "POLICY-POL-07",
    section: "draft-ietf-mimi-room-policy-03 §8.7",
    summary: "updates of the other policy components need canChangeOtherPolicyAttribute",
    check: (ctx) =>
      every(ctx.change.otherPolicy ?? [], (name) =>
        // [POLICY-POL-07] draft-ietf-mimi-room-policy-03 §6, §8.7: canChangeOtherPolicyAttribute (reserved; decision 0304) gates updates of the §6 policy components.
        holds(ctx, ctx.actorRole, "canChangeOtherPolicyAttribute")
          ? "pass"
          : deny(
              "POLICY-POL-07",
              `role ${ctx.actorRole} does not hold canChangeOtherPolicyAttribute (${name})`,
              "/otherPolicy",
            ),
      ),
  },
  {
    id: "POLICY-POL-08",
    section: "draft-ietf-mimi-room-policy-03 §3, §5",
    summary: "updated roles and base policy are valid, and every listed user's role stays defined",
    check: (ctx) => {
      const { roles, base } = ctx.change;
      if (roles === undefined && base === undefined) return undefined;
      const newRoles = roles ?? ctx.state.roles;
      // [POLICY-POL-08] draft-ietf-mimi-room-policy-03 §3: "If the contents of the update field are valid …": an update must be a valid component, and every participant's role must exist in it.
      const problem = roles === undefined ? undefined : checkRoleData(roles)[0];
      if (problem !== undefined) return deny(problem.rule, problem.reason, `/roles${problem.path}`);
      if (roles !== undefined) {
        const defined = new Set(newRoles.roles.map((r) => r.role_index));
        for (const [user, r] of ctx.roleAfter) {
          if (!defined.has(r))
            return deny("POLICY-POL-08", `${user}'s role ${r} is not defined by the update`, "/roles");
        }
      }
      const newBase = base ?? ctx.state.base;
      const baseProblem = newBase === undefined ? undefined : checkBaseRoomPolicy(newBase, newRoles)[0];
      if (baseProblem !== undefined) {
        const at = baseProblem.path.startsWith("/roles") ? baseProblem.path : `/base${baseProblem.path}`;
        return deny(baseProblem.rule, baseProblem.reason, at);
      }
      return "pass";
    },
  },
  {
    id: "POLICY-CAP-02",
    section: "draft-ietf-mimi-room-policy-03 §8.7",
    summary: "reserved capabilities authorize no action",
    check: (ctx) => {
      const action = ctx.change.action;
      if (action === undefined) return undefined;
      // [POLICY-CAP-02] draft-ietf-mimi-room-policy-03 §8.7: reserved capability names are kept for future use and authorize nothing (decision 0304).
      return (reservedCapabilities as readonly string[]).includes(action)
        ? deny("POLICY-CAP-02", `${action} is reserved`, "/action")
        : "pass";
    },
  },
  {
    id: "POLICY-CAP-01",
    section: "draft-ietf-mimi-room-policy-03 §8",
    summary: "a single action needs its capability in the actor's role",
    check: (ctx) => {
      const action = ctx.change.action;
      if (action === undefined) return undefined;
      // [POLICY-CAP-01] draft-ietf-mimi-room-policy-03 §8: the holder of a capability is an entity whose role (listed or preauthorized) has it in role_capabilities.
      if (!isCapabilityName(action) || !actionCapabilities.includes(action)) {
        return deny("POLICY-CAP-01", `${action} is not a capability exercised by a single action`, "/action");
      }
      return holds(ctx, ctx.actorRole, action)
        ? "pass"
        : deny("POLICY-CAP-01", `role ${ctx.actorRole} does not hold ${action}`, "/action");
    },
  },
];
