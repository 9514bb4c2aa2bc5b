import type { BenchReport } from "@mimi/testkit";
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
import { benchAreas } from "../registry.js";

const usage = `usage: mimi bench <area|all> [--quick] [--sizes N,N,...] [--json]

Runs an area's benchmarks (areas: ${Object.keys(benchAreas).join(", ")}) and prints
{ "area", "metrics": [{ "name", "value", "unit", "baseline"?, "ratio"? }] }, where every
baseline is measured in the same run. "all" prints one report per area.

--sizes   the group sizes to measure, for the areas that measure several (mls: default
          10,100,1000, --quick 10,100; e.g. --sizes 1000,10000 for the big-room figures,
          with the growth ratios n10000/n1000); the core-crypto comparison runs at the
          given sizes up to 100.`;

/** The `--sizes` option: a comma-separated list of distinct positive integers, in increasing order. */
export function parseSizes(text: string): number[] {
  const parts = text.split(",");
  const sizes: number[] = [];
  for (const part of parts) {
    if (!/^[1-9][0-9]{0,6}$/.test(part)) throw new UsageError(`--sizes: "${part}" is not a positive integer`);
    const n = Number(part);
    if (n < 2) throw new UsageError(`--sizes: a group has at least 2 members, got ${n}`);
    sizes.push(n);
  }
  return [...new Set(sizes)].sort((a, b) => a - b);
}

export const benchCommand: Command = {
  name: "bench",
  summary: "run an area's benchmarks and print measured metrics",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      quick: { type: "boolean" },
      json: { type: "boolean" },
      sizes: { type: "string" },
    });
    const sizesText = values["sizes"];
    const sizes = typeof sizesText === "string" ? parseSizes(sizesText) : undefined;
    const area = positionals[0];
    if (area === undefined || positionals.length !== 1) throw new UsageError("expected one area");
    const names = area === "all" ? Object.keys(benchAreas) : [area];
    const reports: BenchReport[] = [];
    for (const name of names) {
      const load = benchAreas[name];
      if (load === undefined) throw new UsageError(`unknown area ${name}`);
      const bench = await load();
      reports.push(
        await bench.run({
          quick: values["quick"] === true,
          ...(sizes === undefined ? {} : { sizes }),
          progress: (line) => progress(io, `${name}: ${line}`),
        }),
      );
      progressDone(io);
    }
    if (values["json"] === true) {
      printJson(io, area === "all" ? reports : reports[0]);
    } else {
      for (const r of reports) {
        io.stdout(`${r.area}\n`);
        for (const m of r.metrics) {
          const vs = m.baseline === undefined ? "" : `  (${m.ratio}× ${m.baseline})`;
          io.stdout(`  ${m.name.padEnd(28)} ${String(m.value).padStart(12)} ${m.unit}${vs}\n`);
        }
      }
    }
    return EXIT.ok;
  },
};
