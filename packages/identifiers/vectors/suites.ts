/**
 * Vector suites for MIMI identifiers:
 * - `identifiers/draft-uri-literals`: every URI literal of the drafts, classified
 *   (spec-vectors/identifiers/draft-uri-literals.json), and a check that the file covers exactly
 *   the literals of the upstream list;
 * - `identifiers/mimi-uri-grammar`: our hand-written cases, one or more per rule;
 * - `identifiers/handle-uris`: handle URIs (spec-vectors/identifiers/handle-uris.json);
 * - `identifiers/upstream-uri-tables`: every `mimi://` URI of the drafts' URI tables parses, with
 *   the kind of its table row;
 * - `identifiers/mimi-uri-forms`: the generated cross product of every kind and written form
 *   (spec-vectors/generated/identifiers/mimi-uri-forms.json, `vectors/generate.ts`).
 */
import {
  allCases,
  loadVectorFile,
  readUpstreamText,
  runCases,
  type VectorCase,
  type VectorSuite,
} from "@mimi/spec-vectors";
import {
  IdentifierError,
  type MimiUriKind,
  mimiUriOfXmpp,
  parseHandleUri,
  parseMimiUri,
} from "../src/index.js";
import { URI_FORMS_VECTORS_FILE } from "./generate.js";

export { generateVectors } from "./generate.js";

/** Compare two JSON-able values, throwing with both when they differ. */
function expectSame(what: string, actual: unknown, expected: unknown): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}

/** Check one `mimi-uri/parse` case. */
export function checkMimiUriCase(t: VectorCase): void {
  const uri = String(t["uri"]);
  if (t.result === "valid") {
    const p = parseMimiUri(uri);
    expectSame("canonical", p.uri, t["canonical"]);
    expectSame("kind", p.kind, t["kind"]);
    expectSame("domain", p.domain, t["domain"]);
    expectSame("segments", p.segments, t["segments"]);
    expectSame("canonical of canonical", parseMimiUri(p.uri).uri, p.uri);
    return;
  }
  if (t.result !== "invalid") throw new Error(`unknown result ${String(t.result)}`);
  expectRule(() => parseMimiUri(uri), t["rule"]);
}

/** Expect `fn` to throw an {@link IdentifierError} with `rule`. */
function expectRule(fn: () => unknown, rule: unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof IdentifierError)) throw e;
    expectSame("rule", e.rule, rule);
    return;
  }
  throw new Error("an invalid value was accepted");
}

/** Check one `handle-uri/parse` case. */
export function checkHandleCase(t: VectorCase): void {
  const uri = String(t["uri"]);
  if (t.result === "invalid") {
    expectRule(() => parseHandleUri(uri), t["rule"]);
    return;
  }
  if (t.result !== "valid") throw new Error(`unknown result ${String(t.result)}`);
  const h = parseHandleUri(uri) as unknown as Record<string, unknown>;
  expectSame("canonical", h["uri"], t["canonical"]);
  for (const part of ["scheme", "number", "localPart", "domain", "resource"]) {
    if (part in h || part in t) expectSame(part, h[part], t[part]);
  }
  expectSame("canonical of canonical", parseHandleUri(String(h["uri"])).uri, h["uri"]);
  if (t["mimiUri"] !== undefined) expectSame("mimiUri", mimiUriOfXmpp(uri), t["mimiUri"]);
}

/** The distinct URI literals of the upstream list (`uri<TAB>source` lines). */
export function upstreamUriLiterals(): string[] {
  const lines = readUpstreamText("identifiers/uri-literals-in-drafts.tsv").split("\n");
  const uris = lines.filter((l) => l.trim() !== "" && !l.startsWith("#")).map((l) => l.split("\t")[0]!);
  return [...new Set(uris)];
}

const tableKinds: Readonly<Record<string, MimiUriKind>> = {
  provider: "provider",
  user: "u",
  pseudonym: "p",
  client: "d",
  room: "r",
  "mls group": "g",
  team: "t",
};

/** `[uri, kind or undefined]` for every mimi:// URI printed in the drafts' URI tables and lists. */
export function upstreamTableUris(): [string, MimiUriKind | undefined][] {
  const out: [string, MimiUriKind | undefined][] = [];
  for (const file of ["identifiers/mimi-uri-examples-identity-05.md", "protocol/mimi-uri-examples.md"]) {
    for (const line of readUpstreamText(file).split("\n")) {
      const row = /^\|\s*([A-Za-z ]+?)\s*\|/.exec(line);
      const kind = row === null ? undefined : tableKinds[row[1]!.toLowerCase()];
      for (const m of line.matchAll(/mimi:\/\/[^\s|`]+/g)) out.push([m[0], kind]);
    }
  }
  return out;
}

export const vectorSuites: readonly VectorSuite[] = [
  {
    name: "identifiers/draft-uri-literals",
    source:
      "draft-ietf-mimi-protocol-06, draft-ietf-mimi-content-08, draft-mahy-mimi-identity-05 (URI literals)",
    run: async () => {
      const cases = allCases(loadVectorFile("identifiers/draft-uri-literals.json")).map(({ test }) => test);
      const coverage = await runCases(
        ["every upstream literal has exactly one case"],
        (id) => id,
        () => {
          const inFile = cases.map((t) => String(t["uri"])).sort();
          expectSame("literals", inFile, upstreamUriLiterals().sort());
        },
      );
      return [...coverage, ...(await runCases(cases, (t) => String(t.tcId), checkMimiUriCase))];
    },
  },
  {
    name: "identifiers/mimi-uri-forms",
    source: "docs/identifiers.md (spec-vectors/generated/identifiers/mimi-uri-forms.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile(URI_FORMS_VECTORS_FILE)).map(({ test }) => test),
        (t) => String(t.tcId),
        checkMimiUriCase,
      ),
  },
  {
    name: "identifiers/mimi-uri-grammar",
    source: "docs/identifiers.md (spec-vectors/identifiers/mimi-uri-grammar.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile("identifiers/mimi-uri-grammar.json")).map(({ test }) => test),
        (t) => String(t.tcId),
        checkMimiUriCase,
      ),
  },
  {
    name: "identifiers/handle-uris",
    source: "RFC 3966, RFC 6068, RFC 3862, RFC 5122/7622 (spec-vectors/identifiers/handle-uris.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile("identifiers/handle-uris.json")).map(({ test }) => test),
        (t) => String(t.tcId),
        checkHandleCase,
      ),
  },
  {
    name: "identifiers/upstream-uri-tables",
    source: "draft-mahy-mimi-identity-05 §4 Table 3, draft-ietf-mimi-protocol-06 §3",
    run: () =>
      runCases(
        upstreamTableUris(),
        ([uri]) => uri,
        ([uri, kind]) => {
          const p = parseMimiUri(uri);
          expectSame("canonical", p.uri, uri);
          if (kind !== undefined) expectSame("kind", p.kind, kind);
        },
      ),
  },
];
