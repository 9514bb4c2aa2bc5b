import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ValidationError } from "@mimi/wire";
import { type Command, EXIT, type Io, parseOptions, UsageError } from "../command.js";

const usage = `usage: mimi discover HANDLE --providers FILE [--as USER]

Finds the MIMI identifiers of HANDLE (tel:, mailto:, im:, xmpp: or a mimi: user or pseudonym URI)
at every provider of FILE with the identifier query of draft-ietf-mimi-protocol-06 §5.8, over
HTTPS with mutual TLS as the peer provider of FILE. FILE is JSON (PEM values inline, or file
names relative to FILE), as \`mimi demo --keep-running\` writes it:

  { "providers": [ { "domain": "a.example", "url": "https://127.0.0.1:8443", "ca": "<PEM>" } ],
    "peer": { "domain": "d.example", "cert": "<PEM>", "key": "<PEM>", "ca": "<PEM>" } }

--as USER names the asking user (a mimi: user URI of the peer's domain), which only a handle the
target shows to its contacts needs; without it the providers learn the handle, not who asks.

Prints the result as JSON: { handle, outcome, mappings, rejected, failed }; outcome is none,
oneProviderOneIdentifier, oneProviderManyIdentifiers or manyProviders. Exit 1 when nothing is
found (every miss prints the same shape).`;

/** A PEM value: inline, or read from a file relative to `dir`. */
function pemOf(value: unknown, dir: string, path: string): string {
  if (typeof value !== "string") throw new ValidationError("expected a PEM string or a file name", { path });
  if (value.includes("-----BEGIN")) return value;
  try {
    return readFileSync(resolve(dir, value), "utf8");
  } catch (e) {
    throw new ValidationError(`cannot read ${value}: ${(e as Error).message}`, { path });
  }
}

export const discoverCommand: Command = {
  name: "discover",
  summary: "find a handle's MIMI identifiers at every provider of a federation (identifier query)",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      providers: { type: "string" },
      as: { type: "string" },
    });
    if (positionals.length !== 1) throw new UsageError("expected one HANDLE");
    const file = values["providers"];
    if (typeof file !== "string") throw new UsageError("missing --providers FILE");
    const path = resolve(io.root, file);
    let json: { providers?: unknown; peer?: Record<string, unknown> };
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new ValidationError(`cannot read the providers file: ${(e as Error).message}`, { path: file });
    }
    const dir = dirname(path);
    const { discover, parseDiscoveryProviders } = await import("@mimi/discovery");
    const { httpsQueryClient } = await import("@mimi/provider");
    const { parseUserUri } = await import("@mimi/identifiers");
    const providers = parseDiscoveryProviders(
      Array.isArray(json.providers)
        ? json.providers.map((p: unknown, i) => {
            const e = p as Record<string, unknown> | null;
            return typeof e === "object" && e !== null && e["ca"] !== undefined
              ? { ...e, ca: pemOf(e["ca"], dir, `/providers/${i}/ca`) }
              : p;
          })
        : json.providers,
    );
    const peer = json.peer;
    if (typeof peer !== "object" || peer === null || typeof peer["domain"] !== "string")
      throw new ValidationError("the providers file needs a peer with a domain", { path: "/peer" });
    const as = typeof values["as"] === "string" ? parseUserUri(values["as"]) : undefined;
    const client = httpsQueryClient(
      {
        domain: peer["domain"],
        key: pemOf(peer["key"], dir, "/peer/key"),
        cert: pemOf(peer["cert"], dir, "/peer/cert"),
        ...(peer["ca"] === undefined ? {} : { ca: pemOf(peer["ca"], dir, "/peer/ca") }),
      },
      providers,
    );
    try {
      const result = await discover(positionals[0] as string, providers, client.query, {
        from: peer["domain"],
        ...(as === undefined ? {} : { as }),
      });
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return result.outcome === "none" ? EXIT.failed : EXIT.ok;
    } finally {
      client.close();
    }
  },
};
