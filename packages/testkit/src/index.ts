/**
 * Benchmark harness. Benchmarks are never part of the test run: `pnpm bench` and
 * `pnpm mimi bench <area> [--quick] --json` run them and print machine-readable results.
 *
 * Every speed figure is reported next to a baseline measured in the same run, on the same
 * machine, so ratios stay meaningful on a shared, noisy machine.
 */

/** One measured figure. */
export interface Metric {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Name of the metric this one is compared against (measured in the same run). */
  readonly baseline?: string;
  /** value / baseline value (for throughput), or baseline value / value when `lowerIsBetter`. */
  readonly ratio?: number;
}

/** What `mimi bench <area> --json` prints. */
export interface BenchReport {
  readonly area: string;
  readonly metrics: readonly Metric[];
}

/** Options every area's benchmark accepts. */
export interface BenchOptions {
  /** Fewer and shorter runs, smaller sizes. */
  readonly quick: boolean;
  /**
   * Group or data sizes to measure, where an area measures several (`mimi bench mls --sizes
   * 100,1000,10000`); absent: the area's default sizes (smaller with `quick`).
   */
  readonly sizes?: readonly number[];
  /** Progress lines (a TTY only); never written to stdout. */
  readonly progress?: (line: string) => void;
}

/** A package's benchmark entry point (`@mimi/<area>/bench`). */
export interface BenchArea {
  readonly area: string;
  run(options: BenchOptions): Promise<BenchReport>;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Percentile (0..100) of a non-empty list, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
}

/**
 * Throughput of `fn` in operations per second: the median of `runs` runs of at least `minTimeMs`
 * each, after a warm-up run.
 */
export async function opsPerSecond(
  fn: () => unknown,
  options: { readonly minTimeMs?: number; readonly runs?: number } = {},
): Promise<number> {
  const minTime = options.minTimeMs ?? 500;
  const runs = options.runs ?? 5;
  const once = async (ms: number): Promise<number> => {
    let n = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      const r = fn();
      if (r instanceof Promise) await r;
      n++;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return (n * 1000) / elapsed;
  };
  await once(Math.min(200, minTime));
  const results: number[] = [];
  for (let i = 0; i < runs; i++) results.push(await once(minTime));
  return median(results);
}

/** Median wall time in milliseconds of `runs` calls of `fn` (after one warm-up call). */
export async function medianMs(fn: () => unknown, runs = 5): Promise<number> {
  const r0 = fn();
  if (r0 instanceof Promise) await r0;
  return medianOfRuns(fn, runs);
}

/**
 * Median wall time in ms of `fn` after a warm-up call: `runs` timed calls when the warm-up took less
 * than `fastMs`, else one. Fast operations get enough samples for their median to settle (a figure of
 * about a millisecond moves with the machine's load), slow ones keep the run short.
 */
export async function settledMs(fn: () => unknown, runs = 7, fastMs = 50): Promise<number> {
  const warmStart = performance.now();
  const r0 = fn();
  if (r0 instanceof Promise) await r0;
  const warm = performance.now() - warmStart;
  return medianOfRuns(fn, warm < fastMs ? runs : 1);
}

async function medianOfRuns(fn: () => unknown, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = fn();
    if (r instanceof Promise) await r;
    times.push(performance.now() - start);
  }
  return median(times);
}

/** A throughput metric compared against a baseline throughput (ratio = value / baseline). */
export function throughputMetric(name: string, value: number, baseline?: Metric): Metric {
  const rounded = Math.round(value);
  if (baseline === undefined) return { name, value: rounded, unit: "ops/s" };
  return {
    name,
    value: rounded,
    unit: "ops/s",
    baseline: baseline.name,
    ratio: round3(value / baseline.value),
  };
}

/** A latency metric compared against a baseline latency (ratio = baseline / value, higher is better). */
export function latencyMetric(name: string, ms: number, baseline?: Metric): Metric {
  const value = round3(ms);
  if (baseline === undefined) return { name, value, unit: "ms" };
  return { name, value, unit: "ms", baseline: baseline.name, ratio: round3(baseline.value / ms) };
}

/** Round to three decimals. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
