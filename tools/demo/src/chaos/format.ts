/** The text table of a chaos run, and the house error lines of its failed goals. */
import type { ChaosReport } from "./run.js";

/** One row per fault: the goals, then the figures. */
export function formatChaosReport(r: ChaosReport): string {
  const head = [
    "fault",
    "inject ms",
    "held ms",
    "sent",
    "acked",
    "lost",
    "dup",
    "order",
    "5xx",
    "502/504",
    "503 inj",
    "catch-up ms",
  ];
  const rows = r.faults.map((f) => [
    `${f.ok ? "✓" : "✗"} ${f.fault}`,
    String(f.injectMs),
    String(f.heldMs),
    String(f.sent),
    String(f.acknowledged),
    String(f.lost),
    String(f.duplicates),
    String(f.orderViolations),
    String(f.serverErrors),
    String(f.gatewayAnswers),
    String(f.injected503),
    String(f.unreachable),
    f.catchUpMs === null ? "never" : String(f.catchUpMs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`;
  const t = r.totals;
  return `${[
    "",
    `Chaos run (${r.profile} profile, ${r.storage}): ${r.rooms} rooms, ${r.clients} clients, about ${r.rate} messages/s, ${(r.ms / 1000).toFixed(0)} s`,
    "",
    line(head),
    ...rows.map(line),
    "",
    `  in all: ${t.sent} sent, ${t.acknowledged} acknowledged, ${t.deliveries} deliveries; lost ${t.lost}, duplicates ${t.duplicates}, order violations ${t.orderViolations}, 5xx ${t.serverErrors}`,
    `  result: ${r.ok ? "OK, every goal holds" : "FAILED"}`,
    ...(r.providerErrors.length === 0
      ? []
      : [
          "",
          "  errors the providers logged:",
          ...r.providerErrors.map(
            (e) => `  ${e.domain}: ${e.msg}: ${e.error}${e.at === undefined ? "" : ` (at ${e.at})`}`,
          ),
        ]),
  ].join("\n")}\n`;
}

/** `error: ChaosGoalFailed: <what> at /faults/<i>` for each failed goal. */
export function chaosFailures(r: ChaosReport): string[] {
  const out: string[] = [];
  r.faults.forEach((f, i) => {
    const at = `/faults/${i} (${f.fault})`;
    const say = (what: string) => out.push(`error: ChaosGoalFailed: ${what} at ${at}`);
    if (f.lost > 0) say(`${f.lost} acknowledged messages lost`);
    if (f.duplicates > 0) say(`${f.duplicates} messages delivered twice`);
    if (f.orderViolations > 0) say(`${f.orderViolations} per-room order violations`);
    if (f.serverErrors > 0) say(`${f.serverErrors} 5xx answers to well-formed requests`);
    if (f.catchUpMs === null) say("not every client caught up");
    for (const p of f.problems) out.push(`  ${p}`);
  });
  return out;
}
