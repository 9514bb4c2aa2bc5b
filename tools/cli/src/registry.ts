/**
 * What the `mimi` command knows about each area. A package joins the command line by adding its
 * subcommand module to `commands`, its vector suites to `vectorSuiteLoaders`, its deterministic
 * vector generator to `vectorGenerators` and its benchmark to `benchAreas`. Everything is imported lazily so that `mimi --help` stays fast.
 */
import type { VectorSuite } from "@mimi/spec-vectors";
import type { BenchArea } from "@mimi/testkit";
import type { Command } from "./command.js";

/** A subcommand as `mimi --help` lists it, loaded only when run. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** Subcommands, in the order `mimi --help` lists them (one line each, so that merges union cleanly). */
// biome-ignore format: one entry per line
export const commands: readonly CommandEntry[] = [
  { name: "vectors", summary: "verify every registered vector suite; generate the deterministic vector files", load: async () => (await import("./commands/vectors.js")).vectorsCommand },
  { name: "reqs", summary: "list requirement IDs with their sources and test counts", load: async () => (await import("./commands/reqs.js")).reqsCommand },
  { name: "bench", summary: "run an area's benchmarks and print measured metrics", load: async () => (await import("./commands/bench.js")).benchCommand },
  { name: "uri", summary: "parse and normalize a mimi: URI or a handle URI", load: async () => (await import("./commands/uri.js")).uriCommand },
  { name: "protocol", summary: "decode or encode draft-ietf-mimi-protocol-06 bodies (JSON <-> bytes)", load: async () => (await import("./commands/protocol.js")).protocolCommand },
  { name: "serve", summary: "run a MIMI provider server from a configuration file", load: async () => (await import("./commands/serve.js")).serveCommand },
  { name: "content", summary: "decode, encode and compute message IDs of MIMI content", load: async () => (await import("./commands/content.js")).contentCommand },
  { name: "policy", summary: "authorize room changes; decode and encode room-policy structures", load: async () => (await import("./commands/policy.js")).policyCommand },
  { name: "pki", summary: "development PKI: provider CA, mutual-TLS and client certificates, CRLs", load: async () => (await import("./commands/identity.js")).pkiCommand },
  { name: "demo", summary: "run a three-provider MIMI federation with real clients (protocol-06 §3)", load: async () => (await import("./commands/demo.js")).demoCommand },
  { name: "cert", summary: "verify a certificate chain under the MIMI X.509 profile", load: async () => (await import("./commands/identity.js")).certCommand },
  { name: "discover", summary: "find a handle's MIMI identifiers at every provider of a federation (identifier query)", load: async () => (await import("./commands/discover.js")).discoverCommand },
];

/** Vector suites of every area, run by `mimi vectors verify`. */
// biome-ignore format: one entry per line
export const vectorSuiteLoaders: readonly (() => Promise<readonly VectorSuite[]>)[] = [
  async () => (await import("@mimi/spec-vectors")).vectorSuites,
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
  mls: async () => (await import("@mimi/mls-profile/bench")).bench,
  identity: async () => (await import("@mimi/identity/bench")).bench,
  transport: async () => (await import("@mimi/provider/bench")).bench,
  discovery: async () => (await import("@mimi/discovery/bench")).bench,
};
