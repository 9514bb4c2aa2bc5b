/**
 * The subcommands of `pnpm mimi` that need the source repository: the vector suites and
 * generators, the requirement scan, the benchmarks and the demo run the packages' test and
 * benchmark code, which is not published. `repository-main.ts` adds them to the published list.
 */
import type { CommandEntry } from "./command-list.js";

/** Repository subcommands, in the order `pnpm mimi --help` lists them (one line each). */
// biome-ignore format: one entry per line
export const repositoryCommands: readonly CommandEntry[] = [
  { name: "vectors", summary: "verify every registered vector suite; generate the deterministic vector files", load: async () => (await import("./commands/vectors.js")).vectorsCommand },
  { name: "reqs", summary: "list requirement IDs with their sources and test counts", load: async () => (await import("./commands/reqs.js")).reqsCommand },
  { name: "bench", summary: "run an area's benchmarks and print measured metrics", load: async () => (await import("./commands/bench.js")).benchCommand },
  { name: "demo", summary: "run a three-provider MIMI federation with real clients (protocol-06 §3)", load: async () => (await import("./commands/demo.js")).demoCommand },
  { name: "conformance", summary: "test a MIMI provider against protocol-06 as a black box, acting as a peer provider", load: async () => (await import("./commands/conformance.js")).conformanceCommand },
  { name: "chaos", summary: "inject faults into a three-provider federation under load and check every client's view", load: async () => (await import("./commands/chaos.js")).chaosCommand },
];
