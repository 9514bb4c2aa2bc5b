import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import {
  actionCapabilities,
  authorize,
  evaluateRules,
  type ProposedChange,
  type RoomState,
  reservedCapabilities,
  roleExamples,
} from "../src/index.js";
import { base, meta, U, utf8Claim } from "./helpers.js";

const names = ["ann", "bob", "cat", "dan", "eve", "fay"];

const arbState: fc.Arbitrary<RoomState> = fc
  .record({
    roles: fc.constantFrom(...Object.values(roleExamples)),
    members: fc.subarray(names, { minLength: 1 }),
    roleSeed: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
    clientSeed: fc.array(fc.nat({ max: 2 }), { minLength: 6, maxLength: 6 }),
    base: fc.option(
      fc.record({
        fixed_membership: fc.boolean(),
        multi_device: fc.boolean(),
        max_clients: fc.option(fc.nat({ max: 10 }), { nil: undefined }),
        max_users: fc.option(fc.nat({ max: 6 }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    codes: fc.boolean(),
  })
  .map(({ roles, members, roleSeed, clientSeed, base: b, codes }) => {
    const defined = roles.roles.map((r) => r.role_index).filter((i) => i !== 0);
    const participants = members.map((n, i) => ({
      user: U(n),
      role_index: defined[roleSeed[i]! % defined.length]!,
    }));
    const clients = names.flatMap((n, i) =>
      Array.from({ length: clientSeed[i]! }, (_, k) => ({ client: `${n}${k}`, user: U(n) })),
    );
    const state: RoomState = {
      roles,
      participants,
      clients,
      metadata: meta(),
      preauth: {
        preauthorized_entries: [{ claimset: [utf8Claim("org", "x")], target_role: roles.roles[2]! }],
      },
      ...(codes ? { joinCodes: [{ code: "c", role_index: 2 }] } : {}),
    };
    if (b === undefined) return state;
    const { max_clients, max_users, ...rest } = b;
    return {
      ...state,
      base: base({
        ...rest,
        ...(max_clients === undefined ? {} : { max_clients }),
        ...(max_users === undefined ? {} : { max_users }),
      }),
    };
  });

type Op = Partial<Record<string, unknown>>;

/** Changes that fit a state: one or two operations by a (mostly listed) actor. */
function arbChangeFor(state: RoomState): fc.Arbitrary<ProposedChange> {
  const listed = state.participants.map((p) => p.user);
  const roleIndexes = [0, ...state.roles.roles.map((r) => r.role_index), 42];
  const clientsOf = (user: string): string[] =>
    state.clients.filter((c) => c.user === user).map((c) => c.client);
  const index = fc.nat({ max: Math.max(0, listed.length) });
  const role = fc.constantFrom(...roleIndexes);
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc
      .constantFrom(...actionCapabilities.slice(0, 8), "canBan", reservedCapabilities[0]!)
      .map((action) => ({ action })),
    fc.tuple(fc.constantFrom("gus", "hal"), role, fc.boolean()).map(([n, r, withClient]) => ({
      added: [[U(n), r]],
      ...(withClient ? { adds: [{ client: `${n}0`, user: U(n) }] } : {}),
    })),
    fc.tuple(index, fc.boolean()).map(([i, all]) => {
      const user = listed[i];
      const cs = user === undefined ? [] : clientsOf(user);
      return { removed: [i], removes: all ? cs : cs.slice(1) };
    }),
    fc.tuple(index, role).map(([i, r]) => {
      const user = listed[i];
      return { changed: [[i, r]], ...(r === 1 && user !== undefined ? { removes: clientsOf(user) } : {}) };
    }),
    fc.constantFrom(...state.clients.map((c) => c.client), "zz").map((c) => ({ removes: [c] })),
    fc.constant({ addOwn: true }),
    fc.constant({ selfRemove: true, sentAs: "proposals" }),
    fc.constant({ metadata: meta({ room_name: { string: "renamed" } }) }),
    fc.constantFrom<Op>(
      { roles: roleExamples.strict },
      { preauth: { preauthorized_entries: [] } },
      { base: base() },
      { otherPolicy: ["bot_policy"] },
    ),
  );
  const join = fc
    .tuple(fc.constantFrom("gus", "hal"), role, fc.constantFrom(undefined, "c", "d"), fc.boolean())
    .map(
      ([n, r, code, claims]): ProposedChange => ({
        actor: { user: U(n), client: `${n}9`, ...(claims ? { claims: [utf8Claim("org", "x")] } : {}) },
        external: "commit",
        participantList: {
          changedRoleParticipants: [],
          removedIndices: [],
          addedParticipants: [{ user: U(n), role_index: r }],
        },
        ...(code === undefined ? {} : { joinCode: code }),
      }),
    );
  const actor = fc.constantFrom(...listed, U("zed"));
  const member = fc
    .tuple(actor, fc.array(op, { minLength: 1, maxLength: 2 }), fc.constantFrom("commit", "proposals"))
    .map(([user, ops, sentAs]): ProposedChange => {
      const own = clientsOf(user);
      const merged: Record<string, unknown> = {
        actor: { user, ...(own[0] === undefined ? {} : { client: own[0] }) },
        sentAs,
      };
      const pl = {
        changedRoleParticipants: [] as unknown[],
        removedIndices: [] as unknown[],
        addedParticipants: [] as unknown[],
      };
      let touched = false;
      for (const o of ops) {
        for (const [k, v] of Object.entries(o)) {
          if (k === "added") {
            touched = true;
            for (const [u, r] of v as [string, number][])
              pl.addedParticipants.push({ user: u, role_index: r });
          } else if (k === "removed") {
            touched = true;
            pl.removedIndices.push(...(v as number[]));
          } else if (k === "changed") {
            touched = true;
            for (const [i, r] of v as [number, number][])
              pl.changedRoleParticipants.push({ user_index: i, role_index: r });
          } else if (k === "addOwn") {
            merged["adds"] = [...((merged["adds"] as unknown[]) ?? []), { client: `${user}-new`, user }];
          } else if (k === "adds" || k === "removes") {
            merged[k] = [...((merged[k] as unknown[]) ?? []), ...(v as unknown[])];
          } else {
            merged[k] = v;
          }
        }
      }
      if (touched) merged["participantList"] = pl;
      return merged as unknown as ProposedChange;
    });
  return fc.oneof({ arbitrary: member, weight: 4 }, { arbitrary: join, weight: 1 });
}

const arbCase: fc.Arbitrary<[RoomState, ProposedChange]> = arbState.chain((state) =>
  arbChangeFor(state).map((change): [RoomState, ProposedChange] => [state, change]),
);

test.prop([arbCase], { numRuns: 300 })(
  "the engine never allows a change that any single rule denies, and a denial is the first rule's",
  ([state, change]) => {
    const verdict = authorize(state, change);
    const denials = evaluateRules(state, change);
    expect(verdict.allowed).toBe(denials.length === 0);
    if (!verdict.allowed) expect(verdict).toEqual({ allowed: false, ...denials[0] });
  },
);

test.prop([arbCase], { numRuns: 200 })(
  "the verdict is deterministic and independent of object identity",
  ([state, change]) => {
    const clone = <T>(v: T): T => structuredClone(v);
    expect(authorize(clone(state), clone(change))).toEqual(authorize(state, change));
  },
);

test.prop([arbCase, fc.nat()], { numRuns: 200 })(
  "taking a capability away from every role never turns a denial into an allowance",
  ([state, change], pick) => {
    const all = [...new Set(state.roles.roles.flatMap((r) => r.role_capabilities))];
    if (all.length === 0) return;
    const gone = all[pick % all.length];
    const weaker: RoomState = {
      ...state,
      roles: {
        roles: state.roles.roles.map((r) => ({
          ...r,
          role_capabilities: r.role_capabilities.filter((c) => c !== gone),
        })),
      },
    };
    if (!authorize(state, change).allowed) expect(authorize(weaker, change).allowed).toBe(false);
  },
);

test("the generated cases cover both verdicts and many rules", () => {
  const pairs = fc.sample(arbCase, { numRuns: 400, seed: 7 });
  const verdicts = pairs.map(([s, c]) => authorize(s, c));
  const allowedCount = verdicts.filter((v) => v.allowed).length;
  const deniedRules = new Set(verdicts.flatMap((v) => (v.allowed ? [] : [v.rule])));
  expect(allowedCount).toBeGreaterThan(40);
  expect(allowedCount).toBeLessThan(360);
  expect(deniedRules.size).toBeGreaterThan(20);
});
