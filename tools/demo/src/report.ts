/** The demo's output: a transcript grouped by client and a summary table. */
import type { ScenarioReport } from "./scenario.js";

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** Human-readable report: transcripts, participants and epoch, then the summary table. */
export function formatReport(r: ScenarioReport): string {
  const out: string[] = [];
  out.push("", `Transcript of ${r.room}, per client:`);
  for (const t of r.transcripts) {
    out.push("", `${t.ok ? "✓" : "✗"} ${t.client}  (epoch ${t.epoch}${t.active ? "" : ", left the room"})`);
    out.push(`  participants: ${t.participants.join(", ")}`);
    for (const l of t.lines) out.push(`  │ ${l}`);
    if (!t.ok) {
      out.push("  expected:");
      for (const l of t.expected) out.push(`  │ ${l}`);
    }
  }
  out.push("", "Summary:");
  const width = Math.max(...r.steps.map((s) => s.name.length), 10);
  out.push(`  ${pad("step", width)}  ${"sent".padStart(4)}  ${"delivered".padStart(9)}  ${"ms".padStart(8)}`);
  for (const s of r.steps) {
    out.push(
      `  ${pad(s.name, width)}  ${String(s.sent).padStart(4)}  ${String(s.delivered).padStart(9)}  ${s.ms.toFixed(1).padStart(8)}`,
    );
  }
  out.push(
    "",
    `  messages sent: ${r.sent}; deliveries: ${r.delivered} of ${r.expectedDeliveries}; clients with the expected conversation: ${
      r.transcripts.filter((t) => t.ok).length
    } of ${r.transcripts.length}`,
    `  result: ${r.ok ? "OK" : "FAILED"}`,
  );
  return `${out.join("\n")}\n`;
}
