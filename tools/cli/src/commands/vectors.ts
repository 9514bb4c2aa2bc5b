import type { CaseOutcome, VectorSuite } from "@mimi/spec-vectors";
import {
  type Command,
  EXIT,
  type Io,
  parseOptions,
  printJson,
  progress,
  progressDone,
  UsageError,
} from "../command.js";
import { vectorSuiteLoaders } from "../registry.js";

const usage = `usage: mimi vectors verify [--json] [--suite NAME]

Runs every registered vector suite and prints one row per suite with its passed and failed
counts (or JSON with --json). Exits 1 when any case fails.`;

/** Every registered suite, in registry order. */
export async function loadSuites(): Promise<VectorSuite[]> {
  const out: VectorSuite[] = [];
  for (const load of vectorSuiteLoaders) out.push(...(await load()));
  return out;
}

interface SuiteRow {
  readonly suite: string;
  readonly source: string;
  readonly passed: number;
  readonly failed: number;
  readonly failures: readonly CaseOutcome[];
}

export const vectorsCommand: Command = {
  name: "vectors",
  summary: "verify every registered vector suite",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      json: { type: "boolean" },
      suite: { type: "string" },
    });
    if (positionals[0] !== "verify" || positionals.length !== 1)
      throw new UsageError("expected: vectors verify");
    const only = values["suite"] as string | undefined;
    const suites = (await loadSuites()).filter((s) => only === undefined || s.name === only);
    if (only !== undefined && suites.length === 0) throw new UsageError(`no suite named ${only}`);
    const rows: SuiteRow[] = [];
    for (const s of suites) {
      progress(io, `verifying ${s.name} ...`);
      const outcomes = await s.run();
      const failures = outcomes.filter((o) => !o.ok);
      rows.push({
        suite: s.name,
        source: s.source,
        passed: outcomes.length - failures.length,
        failed: failures.length,
        failures,
      });
    }
    progressDone(io);
    const failed = rows.reduce((n, r) => n + r.failed, 0);
    if (values["json"] === true) {
      printJson(io, rows);
    } else {
      const w = Math.max(5, ...rows.map((r) => r.suite.length));
      io.stdout(`${"suite".padEnd(w)}  passed  failed  source\n`);
      for (const r of rows) {
        io.stdout(
          `${r.suite.padEnd(w)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${r.source}\n`,
        );
      }
      const passed = rows.reduce((n, r) => n + r.passed, 0);
      io.stdout(`${rows.length} suites: ${passed} passed, ${failed} failed\n`);
      for (const r of rows) {
        for (const f of r.failures)
          io.stderr(`error: VectorFailure: ${f.message ?? "failed"} at ${r.suite}#${f.id}\n`);
      }
    }
    return failed === 0 ? EXIT.ok : EXIT.failed;
  },
};
