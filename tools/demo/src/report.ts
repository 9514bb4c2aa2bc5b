/** The demo's output: a transcript grouped by client and a summary table. */
import type { ScenarioReport } from "./scenario.js";

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** Participants listed per client in the transcript; beyond, their count. */
const PARTICIPANTS_SHOWN = 12;

/** Human-readable report: transcripts, participants and epoch, then the summary table. */
export function formatReport(r: ScenarioReport): string {
  const out: string[] = [];
  out.push("", `Transcript of ${r.room}, per client:`);
  for (const t of r.transcripts) {
    out.push("", `${t.ok ? "✓" : "✗"} ${t.client}  (epoch ${t.epoch}${t.active ? "" : ", left the room"})`);
    // a big room's list is shown by its count and its first entries
    const shown =
      t.participants.length > PARTICIPANTS_SHOWN
        ? t.participants.slice(0, PARTICIPANTS_SHOWN)
        : t.participants;
    const more = t.participants.length - shown.length;
    out.push(
      `  participants${more > 0 ? ` (${t.participants.length})` : ""}: ${shown.join(", ")}${more > 0 ? `, … ${more} more` : ""}`,
    );
    for (const l of t.lines) out.push(`  │ ${l}`);
    if (!t.ok) {
      out.push("  expected:");
      for (const l of t.expected) out.push(`  │ ${l}`);
    }
  }
  out.push("", "Summary:");
  const width = Math.max(...r.steps.map((s) => s.name.length), 10);
  const cpu = r.steps.some((s) => s.cpuMs !== undefined);
  out.push(
    `  ${pad("step", width)}  ${"sent".padStart(4)}  ${"delivered".padStart(9)}  ${"ms".padStart(8)}${cpu ? `  ${"client cpu ms".padStart(13)}` : ""}`,
  );
  for (const s of r.steps) {
    const c = cpu ? `  ${(s.cpuMs === undefined ? "" : s.cpuMs.toFixed(0)).padStart(13)}` : "";
    out.push(
      `  ${pad(s.name, width)}  ${String(s.sent).padStart(4)}  ${String(s.delivered).padStart(9)}  ${s.ms.toFixed(1).padStart(8)}${c}`,
    );
  }
  if (cpu) {
    out.push(
      "  (client cpu: the CPU time of the process running every client, the providers in their own processes;",
      "   a message step at many members is mostly the receivers' processing, one after the other here)",
    );
  }
  const b = r.bigRoom;
  if (b !== undefined) {
    const ms = b.commits.map((c) => c.ms).sort((x, y) => x - y);
    const median = ms.length === 0 ? 0 : ms[Math.floor(ms.length / 2)]!;
    out.push(
      "",
      `  big room: ${b.members} members, ${b.real} real MLS clients, ${b.simulated} simulated; ${b.commits.length} Add commits of up to ${b.batch} users`,
      `  Add commits until every real member had them: median ${median.toFixed(0)} ms, slowest ${(ms.at(-1) ?? 0).toFixed(0)} ms; largest UpdateRequest (commit, Welcome, GroupInfo, ratchet tree) ${b.largestUpdateBytes} bytes`,
      `  simulated members that read their inbox at the end and joined from the Welcome their provider kept: ${b.simulatedChecked}`,
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
