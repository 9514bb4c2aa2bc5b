import { describe, expect, it } from "vitest";
import { runDemo } from "../src/index.js";

// The big-room mode (decision 0684) at a small size: three provider processes, 6 real MLS
// clients, 54 simulated members added 20 users per commit at most through the hub. What must
// hold: every real member ends at one epoch with the whole roster (the simulated members in it),
// every message reached every real member, and the simulated members' providers kept their
// Welcome and everything fanned out after it (three of them open their inbox at the end).
describe("mimi demo --members 60 --real 6 --batch 20 (the big-room mode)", () => {
  it("real members agree on the roster and epoch; simulated members join from what their providers kept", {
    timeout: 600_000,
  }, async () => {
    let out = "";
    const { report } = await runDemo({
      members: 60,
      real: 6,
      batch: 20,
      quick: true,
      write: (t) => (out += t),
    });
    expect(out).toContain("result: OK");
    const big = report.bigRoom!;
    expect(big).toMatchObject({ members: 60, real: 6, simulated: 54, batch: 20, simulatedChecked: 3 });
    // 18 simulated users per provider: one commit per provider
    expect(big.commits.map((c) => c.users)).toEqual([18, 18, 18]);
    expect(big.largestUpdateBytes).toBeGreaterThan(0);

    // the messages: 10 sent, each to every real member in the room at the time
    expect(report.sent).toBe(10);
    expect(report.delivered).toBe(report.expectedDeliveries);
    expect(report.transcripts.every((t) => t.ok)).toBe(true);

    // every member still in the room, real or one of the simulated that read its inbox, is at the
    // same epoch with the same roster: 60 users less Cathy (left) and sim1 (removed)
    const active = report.transcripts.filter((t) => t.active);
    expect(active).toHaveLength(6 - 1 + 1 + 3); // real less Cathy, Bob's phone, three simulated
    expect(new Set(active.map((t) => t.epoch)).size).toBe(1);
    const roster = active[0]!.participants;
    expect(roster).toHaveLength(58);
    for (const t of active) expect(t.participants).toEqual(roster);
    const users = roster.map((p) => p.split(" ")[0]);
    for (let i = 2; i <= 54; i++)
      expect(users).toContain(`mimi://${["a", "b", "c"][(i - 1) % 3]}.example/u/sim${i}`);
    expect(users).not.toContain("mimi://a.example/u/sim1");
    expect(users).not.toContain("mimi://c.example/u/cathy");

    // the simulated members that opened their inbox: one per provider, from the last commit
    const simulated = active.filter((t) => t.client.includes("/d/sim"));
    expect(simulated.map((t) => t.client.split("/")[2])).toEqual(["a.example", "b.example", "c.example"]);
  });
});
