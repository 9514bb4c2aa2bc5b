/**
 * `mimi:` URIs: parse, normalize, format, compare (docs/identifiers.md).
 *
 * draft-ietf-mimi-protocol-06 §3 (URI form, "a more concrete [syntax] should be defined") and
 * draft-mahy-mimi-identity-05 §4 (Table 3, the type segments). The grammar, canonical form and
 * equality are ours, recorded in decisions 0101–0108.
 */
import { canonicalHost, describeChar, hostChanged, hostEnd } from "./host.js";
import { failAt, IdentifierError } from "./identifier-error.js";
import { decodeSegment, encodeSegment, lastCanonicalSegment, MAX_SEGMENT_OCTETS, PCHAR } from "./segment.js";

/**
 * The kind of a MIMI URI: `provider` for `mimi://<domain>`, otherwise its first path segment.
 *
 * draft-mahy-mimi-identity-05 §4, Table 3 "types of MIMI URI identifiers":
 * ```text
 * | Provider | mimi://a.example                  |
 * | User     | mimi://a.example/u/alice          |
 * | Pseudonym| mimi://a.example/p/crazykoala75   |
 * | Client   | mimi://a.example/d/ClientA1 or mimi://a.example/d/alice/ClientA1 |
 * | Room     | mimi://a.example/r/clubhouse      |
 * | MLS group| mimi://a.example/g/TII9t5viBrXiXc |
 * | Team     | mimi://a.example/t/engineering    |
 * ```
 */
export type MimiUriKind = "provider" | "u" | "p" | "d" | "r" | "g" | "t";

/** The kinds by name, as in identity-05 Table 3. */
export const mimiUriKinds = {
  provider: "provider",
  user: "u",
  pseudonym: "p",
  client: "d",
  room: "r",
  group: "g",
  team: "t",
} as const;

/** How many segments follow the type segment, per kind (decision 0107): `[min, max]`. */
export const segmentCounts: Readonly<Record<MimiUriKind, readonly [number, number]>> = {
  provider: [0, 0],
  u: [1, 1],
  p: [1, 1],
  d: [1, 2],
  r: [1, 1],
  g: [1, 1],
  t: [1, 1],
};

/** The ABNF rule of each kind (docs/identifiers.md), used as `rule` when the kind differs. */
export const kindRules: Readonly<Record<MimiUriKind, string>> = {
  provider: "provider-uri",
  u: "user-uri",
  p: "pseudonym-uri",
  d: "client-uri",
  r: "room-uri",
  g: "group-uri",
  t: "team-uri",
};

declare const mimiUriBrand: unique symbol;
declare const mimiKindBrand: unique symbol;

/** A MIMI URI of any kind, in canonical form (produced only by this package's parsers). */
export type MimiUri = string & { readonly [mimiUriBrand]: true };
/** A canonical MIMI URI of kind `K`. */
export type MimiUriOf<K extends MimiUriKind> = MimiUri & { readonly [mimiKindBrand]: K };
/** `mimi://<domain>`: a provider. */
export type ProviderUri = MimiUriOf<"provider">;
/** `mimi://<domain>/u/<id>`: a user. */
export type UserUri = MimiUriOf<"u">;
/** `mimi://<domain>/p/<id>`: a pseudonym. */
export type PseudonymUri = MimiUriOf<"p">;
/** `mimi://<domain>/d/<id>` or `mimi://<domain>/d/<user>/<id>`: a client (device). */
export type ClientUri = MimiUriOf<"d">;
/** `mimi://<domain>/r/<id>`: a room. */
export type RoomUri = MimiUriOf<"r">;
/** `mimi://<domain>/g/<id>`: an MLS group. */
export type GroupUri = MimiUriOf<"g">;
/** `mimi://<domain>/t/<id>`: a team. */
export type TeamUri = MimiUriOf<"t">;

/** A parsed MIMI URI. */
export interface ParsedMimiUri {
  /** The canonical form. */
  readonly uri: MimiUri;
  readonly kind: MimiUriKind;
  /** The provider's domain: lower case, A-labels, no trailing dot. */
  readonly domain: string;
  /**
   * The segments after the type segment, percent-decoded (UTF-8) — e.g. `["alice", "ClientA1"]`
   * for `mimi://a.example/d/alice/ClientA1`, `["jcapulet1583@example.com"]` for `%40` or `@`.
   * Empty for a provider.
   */
  readonly segments: readonly string[];
}

/** The structured form {@link formatMimiUri} accepts. */
export interface MimiUriParts {
  readonly kind: MimiUriKind;
  /** A domain name; upper case and U-labels are accepted and normalized. */
  readonly domain: string;
  /** Decoded segment values (any characters; they are percent-encoded as needed). */
  readonly segments: readonly string[];
}

/** The longest text the parser reads (decision 0106). */
export const MAX_URI_INPUT_LENGTH = 4096;

/** Type-segment letters: u p d r g t. */
function kindFromCode(c: number): MimiUriKind | undefined {
  switch (c) {
    case 117:
      return "u";
    case 112:
      return "p";
    case 100:
      return "d";
    case 114:
      return "r";
    case 103:
      return "g";
    case 116:
      return "t";
    default:
      return undefined;
  }
}

function failQueryOrFragment(c: number, at: number): never {
  if (c === 63) {
    // [ID-URI-04] draft-ietf-mimi-protocol-06 §3: a MIMI URI names a resource by authority and path only; a query (RFC 3986 §3.4) is forbidden
    failAt("a query is not allowed", "ID-URI-04", at);
  }
  // [ID-URI-05] draft-ietf-mimi-protocol-06 §3: a fragment (RFC 3986 §3.5) is forbidden
  failAt("a fragment is not allowed", "ID-URI-05", at);
}

/** Check the fixed prefix `mimi://` (scheme case-insensitive); returns whether it is lower case. */
function readScheme(text: string): boolean {
  let lower = true;
  const scheme = "mimi";
  for (let i = 0; i < 4; i++) {
    const c = text.charCodeAt(i);
    const want = scheme.charCodeAt(i);
    if (c !== want) {
      if ((c | 0x20) !== want) {
        // [ID-URI-01] draft-ietf-mimi-protocol-06 §3: a MIMI URI has the scheme `mimi` (case-insensitive, RFC 3986 §3.1) and an authority (`//` host)
        failAt(
          i < text.length ? "the scheme is not 'mimi'" : "the text ends inside the scheme",
          "ID-URI-01",
          i,
        );
      }
      lower = false;
    }
  }
  if (text.charCodeAt(4) !== 58 || text.charCodeAt(5) !== 47 || text.charCodeAt(6) !== 47) {
    failAt("expected '://' after the scheme 'mimi'", "ID-URI-01", 4);
  }
  return lower;
}

/**
 * Parse and normalize a MIMI URI in one pass.
 *
 * @example
 * ```ts
 * parseMimiUri("MIMI://A.Example/d/alice/ClientA1");
 * // { uri: "mimi://a.example/d/alice/ClientA1", kind: "d", domain: "a.example", segments: ["alice", "ClientA1"] }
 * ```
 * @throws IdentifierError naming the failed requirement (`rule`, e.g. `ID-PATH-02`) and the
 * character position (`path`, e.g. `@17`).
 */
export function parseMimiUri(text: string): ParsedMimiUri {
  if (typeof text !== "string") failAt("a MIMI URI must be a string", "ID-URI-01", 0);
  const n = text.length;
  if (n > MAX_URI_INPUT_LENGTH) {
    // [ID-URI-06] draft-ietf-mimi-protocol-06 §3: a MIMI URI is at most 4096 characters long as written (decision 0106)
    failAt(`the text is longer than ${MAX_URI_INPUT_LENGTH} characters`, "ID-URI-06", MAX_URI_INPUT_LENGTH);
  }
  let same = text.startsWith("mimi://") || readScheme(text);
  const domain = canonicalHost(text, 7);
  let i = hostEnd();
  if (hostChanged()) same = false;
  if (i === n) {
    return { uri: (same ? text : `mimi://${domain}`) as MimiUri, kind: "provider", domain, segments: [] };
  }
  let c = text.charCodeAt(i);
  if (c !== 47) failQueryOrFragment(c, i);
  i++;
  const kind = kindFromCode(text.charCodeAt(i));
  const after = text.charCodeAt(i + 1);
  if (kind === undefined || !(i + 1 === n || after === 47 || after === 63 || after === 35)) {
    if (i === n || text.charCodeAt(i) === 47) {
      // [ID-PATH-03] draft-mahy-mimi-identity-05 §4: the path has no empty segments (so no trailing '/')
      failAt("empty path segment", "ID-PATH-03", i);
    }
    let j = i;
    while (j < n && text.charCodeAt(j) !== 47 && text.charCodeAt(j) !== 63 && text.charCodeAt(j) !== 35) j++;
    // [ID-PATH-01] draft-mahy-mimi-identity-05 §4: the first path segment is the type: one of u, p, d, r, g, t (lower case)
    failAt(`unknown type segment '${text.slice(i, j)}' (expected u, p, d, r, g or t)`, "ID-PATH-01", i);
  }
  const max = kind === "d" ? 2 : 1;
  let count = 0;
  let value0 = "";
  let value1 = "";
  let canonical0 = "";
  let canonical1 = "";
  const pchar = PCHAR;
  i++;
  while (i < n) {
    c = text.charCodeAt(i);
    if (c !== 47) failQueryOrFragment(c, i);
    const next = text.charCodeAt(i + 1);
    if (i + 1 === n || next === 47 || next === 63 || next === 35)
      failAt("empty path segment", "ID-PATH-03", i + 1);
    if (count === max) {
      // [ID-PATH-02] draft-mahy-mimi-identity-05 §4: one segment follows u, p, r, g and t; one or two follow d
      failAt(`too many segments for a '${kind}' URI (at most ${max})`, "ID-PATH-02", i);
    }
    const start = i + 1;
    let j = start;
    let plain = true;
    for (; j < n; j++) {
      const d = text.charCodeAt(j);
      if (d < 128) {
        if (pchar[d] === 1) continue;
        if (d === 47 || d === 63 || d === 35) break;
        if (d === 37) {
          if (!isHex(text.charCodeAt(j + 1)) || !isHex(text.charCodeAt(j + 2))) {
            // [ID-PATH-04] RFC 3986 §3.3: a segment consists of pchar: unreserved, sub-delims, ':', '@' and '%' HEXDIG HEXDIG
            failAt("'%' is not followed by two hex digits", "ID-PATH-04", j);
          }
          plain = false;
          j += 2;
          continue;
        }
        failAt(`character ${describeChar(d)} is not allowed in a path segment`, "ID-PATH-04", j);
      }
      if (d < 0xa0) failAt(`character ${describeChar(d)} is not allowed in a path segment`, "ID-PATH-04", j);
      if (d >= 0xd800 && d <= 0xdfff) {
        const e = text.charCodeAt(j + 1);
        if (d > 0xdbff || !(e >= 0xdc00 && e <= 0xdfff)) {
          failAt("a lone surrogate is not a character", "ID-PATH-05", j);
        }
        j++;
      }
      plain = false;
    }
    let value: string;
    if (plain) {
      value = text.slice(start, j);
      if (value.length > MAX_SEGMENT_OCTETS) {
        failAt(`the segment is longer than ${MAX_SEGMENT_OCTETS} octets`, "ID-PATH-07", start);
      }
      if (count === 0) canonical0 = value;
      else canonical1 = value;
    } else {
      value = decodeSegment(text, start, j);
      const spelled = lastCanonicalSegment();
      if (same && (spelled.length !== j - start || spelled !== text.slice(start, j))) same = false;
      if (count === 0) canonical0 = spelled;
      else canonical1 = spelled;
    }
    if (value === "." || value === "..") {
      // [ID-PATH-06] RFC 3986 §3.3: the dot-segments '.' and '..' (also percent-encoded) are not identifiers
      failAt(`the dot-segment '${value}' is not allowed`, "ID-PATH-06", start);
    }
    if (count === 0) value0 = value;
    else value1 = value;
    count++;
    i = j;
  }
  if (count === 0) {
    failAt(
      `a '${kind}' URI needs ${kind === "d" ? "one or two segments" : "one segment"} after /${kind}`,
      "ID-PATH-02",
      n,
    );
  }
  let uri: string;
  if (same) {
    uri = text;
  } else {
    // [ID-NORM-01] RFC 3986 §6.2.2: the canonical form has a lower-case scheme and host (A-labels), and each segment minimally percent-encoded with upper-case hex digits (decision 0105)
    uri = `mimi://${domain}/${kind}/${canonical0}`;
    if (count === 2) uri += `/${canonical1}`;
  }
  return { uri: uri as MimiUri, kind, domain, segments: count === 1 ? [value0] : [value0, value1] };
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

/**
 * The canonical form of a MIMI URI.
 *
 * @throws IdentifierError when `text` is not a MIMI URI.
 */
export function normalizeMimiUri(text: string): MimiUri {
  return parseMimiUri(text).uri;
}

/**
 * True when `x` is a MIMI URI in canonical form (what the {@link MimiUri} brand promises).
 * A valid but non-canonical spelling gives `false`: normalize it first.
 */
export function isMimiUri(x: unknown): x is MimiUri {
  if (typeof x !== "string") return false;
  try {
    return parseMimiUri(x).uri === x;
  } catch (e) {
    if (e instanceof IdentifierError) return false;
    throw e;
  }
}

/**
 * Assert that `x` is a MIMI URI in canonical form.
 *
 * @throws IdentifierError when it is not a MIMI URI, or (`ID-NORM-01`) when it is one but not in
 * canonical form.
 */
export function assertMimiUri(x: unknown): asserts x is MimiUri {
  if (typeof x !== "string") failAt("a MIMI URI must be a string", "ID-URI-01", 0);
  const p = parseMimiUri(x);
  if (p.uri !== x) {
    throw new IdentifierError(`not in canonical form (canonical: ${p.uri})`, {
      rule: "ID-NORM-01",
      path: "@0",
    });
  }
}

/**
 * Whether two MIMI URIs name the same identifier: their canonical forms are equal, character for
 * character (decision 0108).
 *
 * @throws IdentifierError when either is not a MIMI URI.
 */
export function mimiUriEquals(a: string, b: string): boolean {
  if (a === b) {
    parseMimiUri(a);
    return true;
  }
  // [ID-EQ-01] RFC 3986 §6.2.2: two MIMI URIs are equal when their canonical forms are equal; nothing else is compared (no case folding of segments)
  return parseMimiUri(a).uri === parseMimiUri(b).uri;
}

/**
 * Build a MIMI URI from its parts, percent-encoding the segments.
 *
 * @example
 * ```ts
 * formatMimiUri({ kind: "u", domain: "Bücher.example", segments: ["jo smith"] });
 * // "mimi://xn--bcher-kva.example/u/jo%20smith"
 * ```
 * @throws IdentifierError with `path` `/kind`, `/domain`, `/segments` or `/segments/N` when a part
 * breaks the grammar.
 */
export function formatMimiUri(p: MimiUriParts): MimiUri {
  const range = segmentCounts[p.kind] as readonly [number, number] | undefined;
  if (range === undefined || !Object.hasOwn(segmentCounts, p.kind)) {
    throw new IdentifierError(`unknown kind ${JSON.stringify(p.kind)}`, {
      rule: "ID-PATH-01",
      path: "/kind",
    });
  }
  const count = p.segments.length;
  if (count < range[0] || count > range[1]) {
    const want = range[0] === range[1] ? `${range[0]}` : `${range[0]} or ${range[1]}`;
    throw new IdentifierError(`a '${p.kind}' URI has ${want} segments, not ${count}`, {
      rule: "ID-PATH-02",
      path: "/segments",
    });
  }
  for (let i = 0; i < p.domain.length; i++) {
    const c = p.domain.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      throw new IdentifierError(`character ${describeChar(c)} is not allowed in a host`, {
        rule: "ID-HOST-01",
        path: "/domain",
      });
    }
  }
  let text = `mimi://${p.domain}`;
  const starts: number[] = [];
  if (p.kind !== "provider") {
    text += `/${p.kind}`;
    p.segments.forEach((s, k) => {
      if (typeof s !== "string") {
        throw new IdentifierError("a segment is not a string", {
          rule: "ID-PATH-04",
          path: `/segments/${k}`,
        });
      }
      starts.push(text.length + 1);
      text += `/${encodeSegment(s, `/segments/${k}`)}`;
    });
  }
  try {
    return parseMimiUri(text).uri;
  } catch (e) {
    if (!(e instanceof IdentifierError) || !e.path.startsWith("@")) throw e;
    const at = Number(e.path.slice(1));
    let k = starts.length - 1;
    while (k >= 0 && at < starts[k]!) k--;
    throw new IdentifierError(e.what, {
      rule: e.rule ?? "ID-URI-01",
      path: k < 0 ? "/domain" : `/segments/${k}`,
    });
  }
}
