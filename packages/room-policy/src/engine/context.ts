/**
 * The facts the rules of the authorization engine read, derived once from the room state and the
 * proposed change. Building the context never throws: indexes out of range and other malformed
 * parts of a change are left out here and reported by the structural rules.
 */
import { bytesEqual } from "@mimi/wire";
import { type CapabilityName, roleCapabilities } from "../capability-type.js";
import type { Claim } from "../pre-auth-data.js";
import type { Role } from "../role.js";
import type { MemberClient, ProposedChange, RoomState } from "./room-state.js";

/** Capability code points by name; the registry's values by default. */
export type CapabilityCodePoints = Readonly<Record<CapabilityName, number>>;

/** Options of the engine. */
export interface EngineOptions {
  /** The capability code points in use (default: the registry's values of §10.2). */
  readonly capabilities?: CapabilityCodePoints;
}

/** A role change in the participant-list update, resolved to users and roles. */
export interface RoleChangeFact {
  readonly at: number;
  readonly user: string;
  readonly from: number;
  readonly to: number;
}

/** A removal in the participant-list update, resolved to the user and its role. */
export interface RemovalFact {
  readonly at: number;
  readonly user: string;
  readonly from: number;
}

/** An append in the participant-list update. */
export interface AdditionFact {
  readonly at: number;
  readonly user: string;
  readonly to: number;
}

/** Everything the rules need. */
export interface Context {
  readonly state: RoomState;
  readonly change: ProposedChange;
  /** The role with this index in the current `roles_list`. */
  role(index: number): Role | undefined;
  /** The capability names held by the role with this index (empty for an unknown role). */
  caps(index: number): ReadonlySet<CapabilityName>;
  /** Role of each user listed before the change. */
  readonly roleBefore: ReadonlyMap<string, number>;
  /** Role of each user listed after the change (valid parts only). */
  readonly roleAfter: ReadonlyMap<string, number>;
  /** The actor's role before the change, or 0 when not listed. */
  readonly actorListedRole: number;
  /** The role the actor acts with: listed role, else (external) first matching preauth role, else 0. */
  readonly actorRole: number;
  /** First preauth entry matching the actor's claims: its role index (undefined when none). */
  readonly preauthRole: number | undefined;
  /** First preauth entry with a non-zero role matching the actor's claims. */
  readonly preauthNonZeroRole: number | undefined;
  readonly roleChanges: readonly RoleChangeFact[];
  readonly removals: readonly RemovalFact[];
  readonly additions: readonly AdditionFact[];
  /** Owner of every client in the group before the change. */
  readonly clientsBefore: ReadonlyMap<string, string>;
  /** Owner of every client in the group after the change. */
  readonly clientsAfter: ReadonlyMap<string, string>;
  /** Clients removed by the change (Remove proposals and SelfRemove), with their owners. */
  readonly removedClients: readonly { readonly at: string; readonly client: string; readonly user: string }[];
  /** Clients added by the change (Add proposals and an external commit's joiner). */
  readonly addedClients: readonly { readonly at: string; readonly client: MemberClient }[];
  /** Participants per role before and after the change (computed once). */
  participantCounts(): {
    readonly before: ReadonlyMap<number, number>;
    readonly after: ReadonlyMap<number, number>;
  };
  /** Active participants (users with a client) per role before and after; unlisted users count for role 0. */
  activeCounts(): {
    readonly before: ReadonlyMap<number, number>;
    readonly after: ReadonlyMap<number, number>;
  };
  /** True when the change updates the participant list at all. */
  readonly touchesParticipantList: boolean;
}

function claimMatches(wanted: Claim, have: readonly Claim[]): boolean {
  return have.some(
    (c) =>
      c.claim_id.credential_type === wanted.claim_id.credential_type &&
      bytesEqual(c.claim_id.id, wanted.claim_id.id) &&
      bytesEqual(c.claim_value, wanted.claim_value),
  );
}

/**
 * The first preauthorized entry whose claims all match (draft-ietf-mimi-room-policy-03 §4: "the
 * requesting client receives the first role which matches its claims").
 */
export function firstPreauthorizedRole(
  state: RoomState,
  claims: readonly Claim[],
  nonZero = false,
): number | undefined {
  for (const entry of state.preauth?.preauthorized_entries ?? []) {
    if (nonZero && entry.target_role.role_index === 0) continue;
    if (entry.claimset.every((c) => claimMatches(c, claims))) return entry.target_role.role_index;
  }
  return undefined;
}

/** Build the context. Never throws. */
export function buildContext(state: RoomState, change: ProposedChange, options: EngineOptions = {}): Context {
  const codePoints = options.capabilities ?? roleCapabilities;
  const nameOf = new Map<number, CapabilityName>();
  for (const [name, value] of Object.entries(codePoints) as [CapabilityName, number][])
    nameOf.set(value, name);
  const roles = new Map<number, Role>();
  for (const r of state.roles.roles) if (!roles.has(r.role_index)) roles.set(r.role_index, r);
  const capCache = new Map<number, ReadonlySet<CapabilityName>>();
  const caps = (index: number): ReadonlySet<CapabilityName> => {
    let s = capCache.get(index);
    if (s === undefined) {
      const names = new Set<CapabilityName>();
      for (const v of roles.get(index)?.role_capabilities ?? []) {
        const n = nameOf.get(v);
        if (n !== undefined) names.add(n);
      }
      s = names;
      capCache.set(index, s);
    }
    return s;
  };

  const list = state.participants;
  const roleBefore = new Map<string, number>();
  for (const p of list) if (!roleBefore.has(p.user)) roleBefore.set(p.user, p.role_index);

  const update = change.participantList;
  const roleChanges: RoleChangeFact[] = [];
  const removals: RemovalFact[] = [];
  const additions: AdditionFact[] = [];
  const roleAfter = new Map(roleBefore);
  (update?.changedRoleParticipants ?? []).forEach((c, at) => {
    const p = list[c.user_index];
    if (p === undefined) return;
    roleChanges.push({ at, user: p.user, from: p.role_index, to: c.role_index });
    roleAfter.set(p.user, c.role_index);
  });
  (update?.removedIndices ?? []).forEach((i, at) => {
    const p = list[i];
    if (p === undefined) return;
    removals.push({ at, user: p.user, from: p.role_index });
    roleAfter.delete(p.user);
  });
  (update?.addedParticipants ?? []).forEach((a, at) => {
    additions.push({ at, user: a.user, to: a.role_index });
    if (!roleAfter.has(a.user)) roleAfter.set(a.user, a.role_index);
  });

  const clientsBefore = new Map<string, string>();
  for (const c of state.clients) clientsBefore.set(c.client, c.user);
  const removedClients: { at: string; client: string; user: string }[] = [];
  const clientsAfter = new Map(clientsBefore);
  (change.removes ?? []).forEach((client, i) => {
    const user = clientsBefore.get(client);
    if (user === undefined) return;
    removedClients.push({ at: `/removes/${i}`, client, user });
    clientsAfter.delete(client);
  });
  const actorClient = change.actor.client;
  if (change.selfRemove === true && actorClient !== undefined && clientsBefore.has(actorClient)) {
    removedClients.push({
      at: "/selfRemove",
      client: actorClient,
      user: clientsBefore.get(actorClient) ?? "",
    });
    clientsAfter.delete(actorClient);
  }
  const addedClients: { at: string; client: MemberClient }[] = [];
  if (change.external === "commit" && actorClient !== undefined) {
    addedClients.push({ at: "/actor/client", client: { client: actorClient, user: change.actor.user } });
  }
  (change.adds ?? []).forEach((client, i) => {
    addedClients.push({ at: `/adds/${i}`, client });
  });
  for (const { client } of addedClients) clientsAfter.set(client.client, client.user);

  const claims = change.actor.claims ?? [];
  const preauthRole = firstPreauthorizedRole(state, claims);
  const preauthNonZeroRole = firstPreauthorizedRole(state, claims, true);
  const actorListedRole = roleBefore.get(change.actor.user) ?? 0;
  const actorRole = roleBefore.has(change.actor.user)
    ? actorListedRole
    : change.external !== undefined
      ? (preauthRole ?? 0)
      : 0;

  const once = <T>(f: () => T): (() => T) => {
    let v: T | undefined;
    return () => {
      if (v === undefined) v = f();
      return v;
    };
  };
  return {
    state,
    change,
    participantCounts: once(() => ({ before: countByRole(roleBefore), after: countByRole(roleAfter) })),
    activeCounts: once(() => ({
      before: activeByRole(clientsBefore, roleBefore),
      after: activeByRole(clientsAfter, roleAfter),
    })),
    role: (index) => roles.get(index),
    caps,
    roleBefore,
    roleAfter,
    actorListedRole,
    actorRole,
    preauthRole,
    preauthNonZeroRole,
    roleChanges,
    removals,
    additions,
    clientsBefore,
    clientsAfter,
    removedClients,
    addedClients,
    touchesParticipantList:
      update !== undefined &&
      update.changedRoleParticipants.length + update.removedIndices.length + update.addedParticipants.length >
        0,
  };
}

/** Number of users per role, among `roles` (user → role). */
function countByRole(roles: ReadonlyMap<string, number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of roles.values()) out.set(r, (out.get(r) ?? 0) + 1);
  return out;
}

/** Number of active users (users with at least one client) per role; unlisted users count for role 0. */
function activeByRole(
  clients: ReadonlyMap<string, string>,
  roles: ReadonlyMap<string, number>,
): Map<number, number> {
  const users = new Set(clients.values());
  const out = new Map<number, number>();
  for (const u of users) {
    const r = roles.get(u) ?? 0;
    out.set(r, (out.get(r) ?? 0) + 1);
  }
  return out;
}

/** The entry of `role.authorized_role_changes` from `from` lists `to`. */
export function allowsTransition(role: Role | undefined, from: number, to: number): boolean {
  return (role?.authorized_role_changes ?? []).some(
    (e) => e.from_role_index === from && e.target_role_indexes.includes(to),
  );
}
