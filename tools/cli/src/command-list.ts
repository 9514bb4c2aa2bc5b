/**
 * The subcommands of the published `mimi` (the `@mimi/cli` package). A package joins the command
 * line by adding its subcommand module here (and its vectors and benchmark to `registry.ts`).
 * Each is imported lazily so that `mimi --help` stays fast. The commands that need the source
 * repository (its vector suites, benchmarks, requirement scan and demo) are in
 * `repository-commands.ts`, which only `pnpm mimi` loads.
 */
import type { Command } from "./command.js";

/** A subcommand as `mimi --help` lists it, loaded only when run. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

/** Published subcommands, in the order `mimi --help` lists them (one line each, so that merges union cleanly). */
// biome-ignore format: one entry per line
export const commands: readonly CommandEntry[] = [
  { name: "uri", summary: "parse and normalize a mimi: URI or a handle URI", load: async () => (await import("./commands/uri.js")).uriCommand },
  { name: "protocol", summary: "decode or encode draft-ietf-mimi-protocol-06 bodies (JSON <-> bytes); list the §5 endpoints", load: async () => (await import("./commands/protocol.js")).protocolCommand },
  { name: "serve", summary: "run a MIMI provider server from a configuration file", load: async () => (await import("./commands/serve.js")).serveCommand },
  { name: "content", summary: "decode, encode and compute message IDs of MIMI content", load: async () => (await import("./commands/content.js")).contentCommand },
  { name: "policy", summary: "authorize room changes; decode and encode room-policy structures", load: async () => (await import("./commands/policy.js")).policyCommand },
  { name: "pki", summary: "development PKI: provider CA, mutual-TLS and client certificates, CRLs", load: async () => (await import("./commands/identity.js")).pkiCommand },
  { name: "cert", summary: "verify a certificate chain under the MIMI X.509 profile", load: async () => (await import("./commands/identity.js")).certCommand },
  { name: "discover", summary: "find a handle's MIMI identifiers at every provider of a federation (identifier query)", load: async () => (await import("./commands/discover.js")).discoverCommand },
];

/** The commands only `pnpm mimi` in the source repository has (`repository-commands.ts`). */
export const repositoryOnly: readonly string[] = ["vectors", "reqs", "bench", "demo", "conformance"];
