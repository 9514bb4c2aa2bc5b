import { type Command, EXIT, type Io, parseOptions, printJson, UsageError } from "../command.js";

const usage = `usage: mimi uri parse URI

Parses a mimi: URI with the grammar of docs/identifiers.md and prints
{ "canonical", "kind", "domain", "segments" } (kind: provider, u, p, d, r, g or t; segments
decoded). An invalid URI exits 1 with the rule that failed and the character position:
  error: IdentifierError: <what> [<rule>] at @<position>`;

export const uriCommand: Command = {
  name: "uri",
  summary: "parse and normalize a mimi: URI",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { positionals } = parseOptions(args, {});
    const [sub, text, ...rest] = positionals;
    if (sub !== "parse" || text === undefined || rest.length !== 0)
      throw new UsageError("expected: uri parse URI");
    const { parseMimiUri } = await import("@mimi/identifiers");
    const p = parseMimiUri(text);
    printJson(io, { canonical: p.uri, kind: p.kind, domain: p.domain, segments: p.segments });
    return EXIT.ok;
  },
};
