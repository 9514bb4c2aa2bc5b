/**
 * Running the suite and its reports: the JSON report (`--json`), JUnit XML (`--junit FILE`) and
 * the text table (default). Formats: docs/conformance.md.
 */
import type { Check, Level } from "./check.js";
import { CheckContext, CheckFailed, CheckSkipped, type RunnerConfig } from "./context.js";

/** The verdict of one check. */
export type Verdict = "pass" | "fail" | "skip";

/** One row of the report. */
export interface CheckResult {
  readonly id: string;
  readonly requirement: string | null;
  readonly section: string;
  readonly level: Level;
  readonly title: string;
  readonly verdict: Verdict;
  /** Why it failed or was skipped (null when it passed). */
  readonly reason: string | null;
  /** How long the check took (ms). */
  readonly ms: number;
}

/** The whole report (the `--json` output). */
export interface ConformanceReport {
  /** The report format (docs/conformance.md). */
  readonly format: "mimi-conformance/1";
  readonly draft: "draft-ietf-mimi-protocol-06";
  readonly target: { readonly domain: string; readonly address: string };
  readonly runner: { readonly domain: string; readonly user: string };
  readonly startedAt: string;
  readonly results: readonly CheckResult[];
  readonly summary: {
    readonly total: number;
    readonly pass: number;
    readonly fail: number;
    readonly skip: number;
    /** Failed MUST checks: the run fails when this is not 0. */
    readonly mustFailed: number;
    readonly shouldFailed: number;
  };
}

/** Options of {@link runConformance}. */
export interface RunOptions {
  /** Run only these checks (IDs); default all. */
  readonly only?: readonly string[];
  /** Called after each check (progress). */
  readonly onResult?: (r: CheckResult) => void;
}

/** Run `checks` against the target of `config`; never throws for a target's behaviour. */
export async function runConformance(
  config: RunnerConfig,
  checks: readonly Check[],
  options: RunOptions = {},
): Promise<ConformanceReport> {
  const ctx = new CheckContext(config);
  const startedAt = new Date().toISOString();
  const results: CheckResult[] = [];
  const chosen = options.only === undefined ? checks : checks.filter((c) => options.only?.includes(c.id));
  for (const c of chosen) {
    const t0 = performance.now();
    let verdict: Verdict = "pass";
    let reason: string | null = null;
    try {
      await c.run(ctx);
    } catch (e) {
      if (e instanceof CheckSkipped) {
        verdict = "skip";
        reason = e.message;
      } else {
        verdict = "fail";
        reason =
          e instanceof CheckFailed
            ? e.message
            : `the check could not run: ${(e as Error).name}: ${(e as Error).message}`;
      }
    }
    const r: CheckResult = {
      id: c.id,
      requirement: c.requirement ?? null,
      section: c.section,
      level: c.level,
      title: c.title,
      verdict,
      reason,
      ms: Math.round(performance.now() - t0),
    };
    results.push(r);
    options.onResult?.(r);
  }
  const count = (v: Verdict, level?: Level) =>
    results.filter((r) => r.verdict === v && (level === undefined || r.level === level)).length;
  return {
    format: "mimi-conformance/1",
    draft: "draft-ietf-mimi-protocol-06",
    target: { domain: config.target.domain, address: `${config.target.host}:${config.target.port}` },
    runner: { domain: config.runner.domain, user: ctx.runnerUser },
    startedAt,
    results,
    summary: {
      total: results.length,
      pass: count("pass"),
      fail: count("fail"),
      skip: count("skip"),
      mustFailed: count("fail", "MUST"),
      shouldFailed: count("fail", "SHOULD"),
    },
  };
}

/** True when no MUST failed. */
export function conformant(report: ConformanceReport): boolean {
  return report.summary.mustFailed === 0;
}

/** One line per check, then the summary. */
export function textReport(report: ConformanceReport): string {
  const lines = report.results.map((r) => {
    const tag = r.verdict === "pass" ? "PASS" : r.verdict === "fail" ? "FAIL" : "SKIP";
    const req = r.requirement === null ? "" : ` [${r.requirement}]`;
    return `${tag} ${r.id} ${r.level} ${r.section}${req} ${r.title}${r.reason === null ? "" : `\n     ${r.reason}`}`;
  });
  const s = report.summary;
  lines.push(
    "",
    `${report.target.domain} (${report.target.address}): ${s.pass} passed, ${s.fail} failed (${s.mustFailed} MUST, ${s.shouldFailed} SHOULD), ${s.skip} skipped of ${s.total}`,
  );
  return `${lines.join("\n")}\n`;
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      // characters XML 1.0 cannot carry
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "?")
  );
}

/**
 * JUnit XML: one `testsuite` per draft section, one `testcase` per check (`classname` the
 * section, `name` the ID, level and title); a failed check has a `failure`, a skipped one
 * `skipped`, each with the reason as `message`.
 */
export function junitReport(report: ConformanceReport): string {
  const sections = [...new Set(report.results.map((r) => r.section))];
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = report.summary;
  out.push(
    `<testsuites name="mimi conformance ${xml(report.target.domain)}" tests="${s.total}" failures="${s.fail}" skipped="${s.skip}" errors="0" time="${(report.results.reduce((a, r) => a + r.ms, 0) / 1000).toFixed(3)}">`,
  );
  for (const section of sections) {
    const rows = report.results.filter((r) => r.section === section);
    const fails = rows.filter((r) => r.verdict === "fail").length;
    const skips = rows.filter((r) => r.verdict === "skip").length;
    out.push(
      `  <testsuite name="draft-ietf-mimi-protocol-06 ${xml(section)}" tests="${rows.length}" failures="${fails}" skipped="${skips}" errors="0" timestamp="${xml(report.startedAt)}">`,
    );
    for (const r of rows) {
      const name = `${r.id} ${r.level}${r.requirement === null ? "" : ` ${r.requirement}`}: ${r.title}`;
      const open = `    <testcase classname="${xml(section)}" name="${xml(name)}" time="${(r.ms / 1000).toFixed(3)}"`;
      if (r.verdict === "pass") out.push(`${open}/>`);
      else if (r.verdict === "skip")
        out.push(`${open}>`, `      <skipped message="${xml(r.reason ?? "")}"/>`, "    </testcase>");
      else
        out.push(
          `${open}>`,
          `      <failure message="${xml(r.reason ?? "")}" type="${r.level}">${xml(r.reason ?? "")}</failure>`,
          "    </testcase>",
        );
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}
