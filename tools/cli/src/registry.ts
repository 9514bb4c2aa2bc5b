/**
 * What the `mimi` command knows about each area: its vector suites (`vectorSuiteLoaders`), its
 * deterministic vector generator (`vectorGenerators`) and its benchmark (`benchAreas`). The
 * subcommands are in `command-list.ts`. Everything is imported lazily so that `mimi --help` stays
 * fast.
 */
import type { VectorSuite } from "@mimi/spec-vectors";
import type { BenchArea, Metric } from "@mimi/testkit";

/** Vector suites of every area, run by `mimi vectors verify`. */
// biome-ignore format: one entry per line
export const vectorSuiteLoaders: readonly (() => Promise<readonly VectorSuite[]>)[] = [
  async () => (await import("@mimi/spec-vectors")).vectorSuites,
  async () => [(await import("@mimi/spec-vectors")).schemaSuite((await import("./schema-validator.js")).ajvValidator)],
  async () => (await import("@mimi/wire/vectors")).vectorSuites,
  async () => (await import("@mimi/identifiers/vectors")).vectorSuites,
  async () => (await import("@mimi/content/vectors")).vectorSuites,
  async () => (await import("@mimi/room-policy/vectors")).vectorSuites,
  async () => (await import("@mimi/mls-profile/vectors")).vectorSuites,
  async () => (await import("@mimi/identity/vectors")).vectorSuites,
  async () => (await import("@mimi/ohttp/vectors")).vectorSuites,
  async () => (await import("@mimi/protocol/vectors")).vectorSuites,
  async () => (await import("@mimi/demo/vectors")).vectorSuites,
];

/** One file written by a vector generator: `path` is relative to `spec-vectors/generated/`. */
export interface GeneratedVectorFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Deterministic vector generators by area, run by `mimi vectors generate`. Each is pure: it returns
 * the files (the same bytes on every run, from fixed seeds) and writes nothing.
 */
// biome-ignore format: one entry per line
export const vectorGenerators: Readonly<Record<string, () => Promise<readonly GeneratedVectorFile[]>>> = {
  identifiers: async () => (await import("@mimi/identifiers/vectors")).generateVectors(),
  content: async () => (await import("@mimi/content/vectors")).generateVectors(),
  "room-policy": async () => (await import("@mimi/room-policy/vectors")).generateVectors(),
  "mls-profile": async () => (await import("@mimi/mls-profile/vectors")).generateVectors(),
  protocol: async () => (await import("@mimi/protocol/vectors")).generateVectors(),
  identity: async () => (await import("@mimi/identity/vectors")).generateVectors(),
  federation: async () => (await import("@mimi/demo/vectors")).generateVectors(),
};

/** Benchmarks by area name, run by `mimi bench <area>`. */
// biome-ignore format: one entry per line
export const benchAreas: Readonly<Record<string, () => Promise<BenchArea>>> = {
  wire: async () => (await import("@mimi/wire/bench")).bench,
  identifiers: async () => (await import("@mimi/identifiers/bench")).bench,
  content: async () => (await import("@mimi/content/bench")).bench,
  "room-policy": async () => (await import("@mimi/room-policy/bench")).bench,
  // the mls area's own metrics, then ours against core-crypto (`vsCoreCrypto.*`, baselines of the same
  // run); core-crypto stays out of @mimi/mls-profile (decision 0007), so the two join here
  mls: async () =>
    joinedBench("mls", [
      { area: (await import("@mimi/mls-profile/bench")).bench },
      // joining with every member's X.509 credential validated (identity sits above mls-profile)
      { area: (await import("@mimi/identity/bench/join")).bench },
      { area: (await import("@mimi/interop/bench")).bench, prefix: "vsCoreCrypto." },
    ]),
  identity: async () => (await import("@mimi/identity/bench")).bench,
  transport: async () => (await import("@mimi/provider/bench")).bench,
  discovery: async () => (await import("@mimi/provider/bench/discovery")).bench,
  inbox: async () => (await import("@mimi/provider/bench/inbox")).bench,
};

/**
 * One bench area made of several: each runs in turn, its metrics renamed with its `prefix`, all
 * reported under `area`.
 */
export function joinedBench(
  area: string,
  parts: readonly { readonly area: BenchArea; readonly prefix?: string }[],
): BenchArea {
  return {
    area,
    async run(options) {
      const metrics: Metric[] = [];
      for (const part of parts) {
        const r = await part.area.run(options);
        const p = part.prefix ?? "";
        for (const m of r.metrics)
          metrics.push({
            ...m,
            name: `${p}${m.name}`,
            ...(m.baseline === undefined ? {} : { baseline: `${p}${m.baseline}` }),
          });
      }
      return { area, metrics };
    },
  };
}
