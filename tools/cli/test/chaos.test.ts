import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("mimi chaos: usage", () => {
  it.each([
    [["--storage", "mysql://x"], "--storage"],
    [["extra"], "unexpected argument"],
    [["--fast"], "--fast"],
  ])("%j is a usage error (exit 2)", async (args, message) => {
    const r = await runCli(["chaos", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

interface Report {
  readonly ok: boolean;
  readonly faults: readonly {
    fault: string;
    lost: number;
    duplicates: number;
    orderViolations: number;
    serverErrors: number;
    catchUpMs: number | null;
    acknowledged: number;
  }[];
  readonly totals: { acknowledged: number; deliveries: number };
}

// The quick profile: three provider processes under load, the hub killed and restarted, the
// hub-follower link dropping connections and reset in the middle of bodies, the follower
// answering 503. Every goal is a count: nothing acknowledged lost, nothing twice, no order
// violation, no 5xx; every client caught up.
describe("mimi chaos --quick", () => {
  it("survives the quick profile's faults with every goal at 0", { timeout: 600_000 }, async () => {
    const r = await runCli(["chaos", "--quick", "--json"]);
    const report = JSON.parse(r.stdout) as Report;
    const failures = report.faults.filter((f) => !("ok" in f) || (f as { ok: boolean }).ok !== true);
    expect(failures, r.stderr).toEqual([]);
    expect(report.faults.map((f) => f.fault)).toEqual([
      "steady load, no fault",
      "hub a.example killed (SIGKILL) and restarted",
      "hub–follower link: connections dropped",
      "hub–follower link: reset in the middle of a body",
      "follower b.example answers 503",
    ]);
    for (const f of report.faults) {
      expect([f.lost, f.duplicates, f.orderViolations, f.serverErrors]).toEqual([0, 0, 0, 0]);
      expect(f.catchUpMs).not.toBeNull();
    }
    expect(report.totals.acknowledged).toBeGreaterThan(0);
    expect(report.ok).toBe(true);
    expect(r.code).toBe(0);
  });
});
