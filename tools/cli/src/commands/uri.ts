import { type Command, EXIT, type Io, parseOptions, printJson, UsageError } from "../command.js";

const usage = `usage: mimi uri parse URI
       mimi uri handle URI

parse: parses a mimi: URI with the grammar of docs/identifiers.md and prints
{ "canonical", "kind", "domain", "segments" } (kind: provider, u, p, d, r, g or t; segments
decoded).
handle: parses a tel:, mailto:, im: or xmpp: handle and prints { "canonical", "scheme", ... }
with its parts, and for xmpp: the MIMI URI identity-05 maps it to ("mimiUri"), if any.

Invalid input exits 1 with the rule that failed and the character position:
  error: IdentifierError: <what> [<rule>] at @<position>`;

export const uriCommand: Command = {
  name: "uri",
  summary: "parse and normalize a mimi: URI or a handle URI",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { positionals } = parseOptions(args, {});
    const [sub, text, ...rest] = positionals;
    if ((sub !== "parse" && sub !== "handle") || text === undefined || rest.length !== 0) {
      throw new UsageError("expected: uri parse URI, or uri handle URI");
    }
    const ids = await import("@mimi/identifiers");
    if (sub === "parse") {
      const p = ids.parseMimiUri(text);
      printJson(io, { canonical: p.uri, kind: p.kind, domain: p.domain, segments: p.segments });
      return EXIT.ok;
    }
    const { uri, ...parts } = ids.parseHandleUri(text);
    let mimiUri: string | undefined;
    if (parts.scheme === "xmpp" && !(parts.localPart === undefined && parts.resource !== undefined)) {
      mimiUri = ids.mimiUriOfXmpp(text);
    }
    printJson(io, { canonical: uri, ...parts, ...(mimiUri === undefined ? {} : { mimiUri }) });
    return EXIT.ok;
  },
};
