/**
 * Seeded random interop runs: a sequence of operations split between the two implementations
 * (adds of members of either kind, removes, updates, application messages), with a hub view
 * (`bootstrapHubView`/`processHubMessage`) following every commit. After every epoch every member
 * agrees on epoch, exporter secret and member list, and the hub view's GroupContext and members
 * equal theirs (and core-crypto's GroupInfo's). A failure names the seed, the failing step (the
 * shortest failing prefix of that seed's run) and the operations up to it.
 *
 * Another seed: MIMI_INTEROP_SEED=<n> npx vitest run --project node tools/interop/test/core-crypto-random.test.ts
 */
import { testEnv } from "@mimi/testkit/env";
import { prng } from "@mimi/testkit/seeded";
import { describe, expect, it } from "vitest";
import { type Implementation, type Member, MixedGroup, nameOf } from "./mixed-group.js";

/** Epochs per run (two runs: 300 epochs in all, about 15 s on a quiet machine). */
const EPOCHS = 150;
const MAX_MEMBERS = 6;
const envSeed = testEnv("MIMI_INTEROP_SEED");
const runs: readonly { seed: number; creator: Implementation }[] =
  envSeed === undefined
    ? [
        { seed: 22, creator: "ours" },
        { seed: 2022, creator: "core-crypto" },
      ]
    : [{ seed: Number(envSeed), creator: "ours" }];

/** Drive one run; returns undefined when every epoch agreed, or what went wrong and where. */
async function run(
  seed: number,
  creator: Implementation,
): Promise<{ failure?: string; counts: Record<string, number> }> {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const g = await MixedGroup.start(0x0001, creator, { hub: true, label: `random-${seed}` });
  const log: string[] = [];
  const counts: Record<string, number> = {};
  const exporters = new Set<string>();
  let epochs = 0;
  let step = 0;
  while (epochs < EPOCHS) {
    step++;
    const by = pick(g.members);
    const n = g.members.length;
    const r = rand();
    let desc: string;
    let op: string;
    let advances = true;
    let action: () => Promise<unknown>;
    if (n < 2 || (n < MAX_MEMBERS && r < 0.35)) {
      const kind: Implementation = rand() < 0.5 ? "ours" : "core-crypto";
      op = "adds";
      desc = `${nameOf(by)} adds a ${kind} member`;
      action = () => g.add(by, kind);
    } else if (r < 0.6) {
      const target = pick(g.members.filter((m) => m !== by)) as Member;
      op = "removes";
      desc = `${nameOf(by)} removes ${nameOf(target)}`;
      action = () => g.remove(by, target);
    } else if (r < 0.85) {
      op = "updates";
      desc = `${nameOf(by)} updates`;
      action = () => g.update(by);
    } else {
      op = "sends";
      desc = `${nameOf(by)} sends a message`;
      advances = false;
      const data = new TextEncoder().encode(`seed ${seed} step ${step}`);
      action = async () => {
        const seen = await g.message(by, data);
        if (seen.some((s) => s.data !== [...data].map((x) => x.toString(16).padStart(2, "0")).join("")))
          throw new Error(`a member read other data: ${JSON.stringify(seen)}`);
      };
    }
    log.push(`${step}. ${desc}`);
    const kind = `${by.kind}: ${op}`;
    counts[kind] = (counts[kind] ?? 0) + 1;
    const fail = (what: string) => ({
      failure: `seed ${seed} (creator ${creator}), step ${step} failed: ${what}\nthe operations up to it:\n${log.join("\n")}`,
      counts,
    });
    try {
      await action();
    } catch (e) {
      return fail(`${desc}: ${(e as Error).message}`);
    }
    if (!advances) continue;
    epochs++;
    const a = await g.agreement();
    if (a.distinct.length !== 1)
      return fail(
        `the members disagree:\n${JSON.stringify(a.views, (_k, v) => (typeof v === "bigint" ? String(v) : v), 1)}`,
      );
    const view = a.distinct[0];
    if (JSON.stringify(view?.members) !== JSON.stringify(a.expected))
      return fail(`members ${view?.members.join(",")} != expected ${a.expected.join(",")}`);
    if (exporters.has(view?.exporter ?? "")) return fail("an exporter secret of an earlier epoch came back");
    exporters.add(view?.exporter ?? "");
    const hub = g.hubDisagreements();
    if (hub.length > 0) return fail(`the hub view: ${hub.join("; ")}`);
  }
  return { counts };
}

describe("seeded random interop runs with core-crypto, followed by a hub view", () => {
  it.each(runs)(
    "seed $seed, created by $creator: every epoch agrees",
    async ({ seed, creator }) => {
      const r = await run(seed, creator);
      expect(r.failure).toBeUndefined();
      // the run exercised every operation from both implementations
      for (const impl of ["ours", "core-crypto"])
        for (const op of ["adds", "removes", "updates", "sends"])
          expect(r.counts[`${impl}: ${op}`] ?? 0, `${impl} ${op} in seed ${seed}`).toBeGreaterThan(0);
    },
    120_000,
  );
});
