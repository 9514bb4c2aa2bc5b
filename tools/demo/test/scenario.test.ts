import { loadCiphersuite } from "@mimi/mls-profile";
import { describe, expect, it } from "vitest";
import { formatReport } from "../src/report.js";
import { runScenario, type ScenarioClient } from "../src/scenario.js";
import { memoryFederation } from "./memory-federation.js";

describe("demo scenario logic (in-memory hub stand-in)", () => {
  it("runs every step and every client shows exactly the expected conversation", async () => {
    const cs = await loadCiphersuite();
    const lines: string[] = [];
    // a clock that advances 2 ms per reading: each step reads it when it starts and when it ends
    let readings = 0;
    const report = await runScenario(await memoryFederation(cs), {
      progress: (l) => lines.push(l),
      members: 4,
      cpuTime: () => 2 * ++readings,
    });
    const text = formatReport(report);
    if (process.env["MIMI_DEMO_PRINT"] === "1") console.log(lines.join("\n") + text);
    expect(report.transcripts.map((t) => [t.client, t.ok])).toEqual([
      ["mimi://a.example/d/alice/laptop", true],
      ["mimi://b.example/d/bob/laptop", true],
      ["mimi://c.example/d/cathy/laptop", true],
      ["mimi://a.example/d/user1/laptop", true],
      ["mimi://b.example/d/bob/phone", true],
    ]);
    expect(report.ok).toBe(true);
    expect(report.delivered).toBe(report.expectedDeliveries);
    expect(report.sent).toBe(10);
    expect(lines.length).toBe(report.steps.length);
    expect(text).toContain("result: OK");
    // each step's CPU time is the clock's advance between the step's start and end
    expect(report.steps.map((s) => s.cpuMs)).toEqual(report.steps.map(() => 2));
    expect(readings).toBe(2 * report.steps.length);
    expect(text).toContain("client cpu ms");
    expect(formatReport({ ...report, steps: report.steps.map(({ cpuMs: _, ...s }) => s) })).not.toContain(
      "client cpu",
    );
    const alice = report.transcripts[0]!;
    expect(alice.epoch).toBe("5");
    expect(alice.participants).toEqual([
      "mimi://a.example/u/alice (role 4)",
      "mimi://b.example/u/bob (role 2)",
      "mimi://a.example/u/user1 (role 2)",
    ]);
  });

  it("a commit step ends only when every member has processed the commit (the next message step is not billed for it)", async () => {
    const cs = await loadCiphersuite();
    const fed = await memoryFederation(cs);
    const clients: ScenarioClient[] = [];
    const client = fed.client.bind(fed);
    fed.client = async (domain, user, device) => {
      const c = await client(domain, user, device);
      clients.push(c);
      return c;
    };
    const room = "mimi://a.example/r/clubhouse";
    const behind: string[] = [];
    const report = await runScenario(fed, {
      members: 6,
      progress: (line) => {
        if (!line.includes("Cathy leaves") && !line.includes("phone joins")) return;
        const members = clients.filter((c) => c.core.isMember(room));
        const epoch = members[0]!.core.epoch(room);
        for (const c of members)
          if (c.core.epoch(room) !== epoch) behind.push(`${c.core.clientUri} after "${line.slice(2, 20)}"`);
      },
    });
    expect(report.ok).toBe(true);
    expect(behind).toEqual([]);
  });
});
