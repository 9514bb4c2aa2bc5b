/**
 * Deterministic generator of `generated/identifiers/mimi-uri-forms.json`: every kind of `mimi://`
 * URI (provider, user, pseudonym, client, room, group, team), each written in a systematic set of
 * forms (canonical, case changes, percent-encodings, an internationalized host, a trailing dot,
 * and forms the grammar forbids), with what `parseMimiUri` makes of each: the canonical URI, kind,
 * domain and segments, or the requirement ID of the rule that refuses it.
 *
 * `pnpm mimi vectors generate` rewrites the file; `--check` and a test check that the committed
 * file is exactly what this module produces. The hand-written cases stay in
 * `spec-vectors/identifiers/mimi-uri-grammar.json`; these complement them with the cross product.
 */
import type { VectorFile } from "@mimi/spec-vectors";
import { IdentifierError, type MimiUriKind, parseMimiUri } from "../src/index.js";

/** Where the file goes, relative to the spec-vectors folder. */
export const URI_FORMS_VECTORS_FILE = "generated/identifiers/mimi-uri-forms.json";

/** One canonical URI per kind. */
const bases: readonly (readonly [MimiUriKind, string])[] = [
  ["provider", "mimi://a.example"],
  ["u", "mimi://a.example/u/alice"],
  ["p", "mimi://a.example/p/Xk3sQ9"],
  ["d", "mimi://a.example/d/alice/phone-1"],
  ["r", "mimi://a.example/r/clubhouse"],
  ["g", "mimi://a.example/g/clubhouse"],
  ["t", "mimi://a.example/t/engineering"],
];

const upperHex = (c: string): string => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;

/** A form: how it rewrites a canonical URI (undefined when it does not apply), and its flags. */
interface Form {
  readonly name: string;
  readonly flags: readonly string[];
  readonly apply: (uri: string, hasPath: boolean) => string | undefined;
}

const hostOf = (uri: string): string => uri.slice("mimi://".length).split("/")[0]!;
const withHost = (uri: string, host: string): string => uri.replace(`//${hostOf(uri)}`, `//${host}`);
const path = (uri: string): string => uri.slice(`mimi://${hostOf(uri)}`.length);

const forms: readonly Form[] = [
  { name: "canonical", flags: [], apply: (u) => u },
  { name: "upper-case scheme", flags: ["NonCanonical"], apply: (u) => `MIMI${u.slice(4)}` },
  { name: "upper-case host", flags: ["NonCanonical"], apply: (u) => withHost(u, hostOf(u).toUpperCase()) },
  { name: "host with a trailing dot", flags: ["TrailingDot"], apply: (u) => withHost(u, `${hostOf(u)}.`) },
  {
    name: "internationalized host (U-label)",
    flags: ["Idn", "NonCanonical"],
    apply: (u) => withHost(u, "bücher.example"),
  },
  {
    name: "internationalized host (A-label)",
    flags: ["Idn"],
    apply: (u) => withHost(u, "xn--bcher-kva.example"),
  },
  {
    name: "first character of the last segment percent-encoded",
    flags: ["NonCanonical"],
    apply: (u, p) => {
      if (!p) return undefined;
      const i = u.lastIndexOf("/") + 1;
      return `${u.slice(0, i)}${upperHex(u[i]!)}${u.slice(i + 1)}`;
    },
  },
  {
    name: "a space in the last segment, percent-encoded",
    flags: [],
    apply: (u, p) => (p ? `${u}%20x` : undefined),
  },
  {
    name: "a raw non-ASCII character in the last segment",
    flags: ["Iri"],
    apply: (u, p) => (p ? `${u}é` : undefined),
  },
  { name: "trailing slash", flags: [], apply: (u) => `${u}/` },
  { name: "an empty segment", flags: [], apply: (u, p) => (p ? u.replace(/\/([^/]+)$/, "//$1") : undefined) },
  { name: "one segment too many", flags: [], apply: (u, p) => (p ? `${u}/extra` : undefined) },
  { name: "a port", flags: [], apply: (u) => withHost(u, `${hostOf(u)}:443`) },
  { name: "userinfo", flags: [], apply: (u) => withHost(u, `user@${hostOf(u)}`) },
  { name: "a query", flags: [], apply: (u) => `${u}?x=1` },
  { name: "a fragment", flags: [], apply: (u) => `${u}#top` },
  { name: "an IPv4 host", flags: [], apply: (u) => withHost(u, "192.0.2.1") },
  { name: "a host label starting with a hyphen", flags: [], apply: (u) => withHost(u, "-a.example") },
  {
    name: "an unknown kind letter",
    flags: [],
    apply: (u, p) => (p ? u.replace(/^(mimi:\/\/[^/]+\/)[a-z]/, "$1x") : undefined),
  },
  { name: "no authority", flags: [], apply: (u) => `mimi:${path(u) || "/"}` },
  { name: "bad percent-encoding", flags: [], apply: (u, p) => (p ? `${u}%G1` : undefined) },
];

const notes: Readonly<Record<string, string>> = {
  NonCanonical: "valid, but not written in canonical form",
  Idn: "the host is or contains an internationalized label",
  Iri: "the text has raw non-ASCII characters in a segment (IRI form, RFC 3987 §3.1)",
  TrailingDot: "a fully qualified name with a trailing dot (decision 0102)",
};

/** The URI forms vector file. */
function buildUriFormVectors(): VectorFile {
  let tcId = 0;
  const groups = bases.map(([kind, base]) => {
    const hasPath = kind !== "provider";
    const tests: Record<string, unknown>[] = [];
    for (const form of forms) {
      const uri = form.apply(base, hasPath);
      if (uri === undefined) continue;
      const common = { tcId: ++tcId, comment: `${kind}: ${form.name}`, uri };
      try {
        const p = parseMimiUri(uri);
        tests.push({
          ...common,
          result: "valid",
          flags: [...form.flags],
          canonical: p.uri,
          kind: p.kind,
          domain: p.domain,
          segments: p.segments,
        });
      } catch (e) {
        if (!(e instanceof IdentifierError) || e.rule === undefined) throw e;
        tests.push({ ...common, result: "invalid", flags: [...form.flags], reqs: [e.rule], rule: e.rule });
      }
    }
    return { type: "MimiUriParse", kind, tests };
  });
  return {
    $schema: "../../schema/mimi-uri-parse.schema.json",
    algorithm: "mimi-uri/parse",
    source:
      "docs/identifiers.md (our grammar for draft-ietf-mimi-protocol-06 §3 and draft-mahy-mimi-identity-05 §4): systematic forms of every kind",
    generator: "pnpm mimi vectors generate (packages/identifiers/vectors/generate.ts)",
    numberOfTests: tcId,
    header: [
      "Each case parses `uri` as a mimi: URI; groups hold the forms of one kind's canonical URI.",
      "valid: parsing succeeds and gives `canonical`, `kind`, `domain` and the decoded `segments`; parsing `canonical` gives `canonical` again.",
      "invalid: parsing fails with a typed error; `rule` is the requirement ID that fails.",
    ],
    notes,
    testGroups: groups as unknown as VectorFile["testGroups"],
  };
}

/** The identifiers package's generated vector files, for `mimi vectors generate`. */
export async function generateVectors(): Promise<
  readonly { readonly path: string; readonly content: string }[]
> {
  return [
    {
      path: URI_FORMS_VECTORS_FILE.slice("generated/".length),
      content: `${JSON.stringify(buildUriFormVectors(), null, 2)}\n`,
    },
  ];
}
