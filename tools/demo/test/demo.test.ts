import { describe, expect, it } from "vitest";
import { runDemo } from "../src/index.js";

// The acceptance test: three `mimi serve` processes on loopback with mutual TLS, real
// clients over the client API, the whole protocol-06 §3 scenario.
describe("mimi demo (three provider processes, real HTTPS on loopback)", () => {
  it("every client shows exactly the expected conversation", { timeout: 480_000 }, async () => {
    let out = "";
    const { report } = await runDemo({ quick: true, write: (t) => (out += t) });
    expect(out).toContain("result: OK");
    expect(report.transcripts.every((t) => t.ok)).toBe(true);
    expect(report.delivered).toBe(report.expectedDeliveries);
    expect(report.sent).toBe(10);
  });
});
