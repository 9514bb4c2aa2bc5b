/**
 * fast-check arbitraries for MIMI URIs (exported as `@mimi/identifiers/testing` for other
 * packages' tests): valid parts, canonical URIs of each kind, and many spellings of one identifier.
 */
import { fc } from "@fast-check/vitest";
import {
  formatMimiUri,
  type MimiUri,
  type MimiUriKind,
  type MimiUriOf,
  type MimiUriParts,
} from "../src/index.js";
import { isControl, PCHAR } from "../src/segment.js";

const ldh = "abcdefghijklmnopqrstuvwxyz0123456789-";

/** An LDH label (1–20 characters, no hyphen at either end). */
export const arbLabel: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom(...ldh), minLength: 1, maxLength: 20 })
  .filter((l) => !l.startsWith("-") && !l.endsWith("-") && !/^..--/.test(l));

/** A lower-case ASCII domain with a non-numeric last label. */
export const arbDomain: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(arbLabel, { minLength: 0, maxLength: 3 }),
    arbLabel.filter((l) => /[a-z-]/.test(l)),
  )
  .map(([ls, tld]) => [...ls, tld].join("."));

/** A domain with some internationalized labels (U-labels), which normalize to A-labels. */
export const arbIdnDomain: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom("bücher", "münchen", "例え", "ελλάδα", "faß", "xn--bcher-kva"), arbDomain)
  .map(([u, d]) => `${u}.${d}`);

/** A segment value: any text without control characters or lone surrogates, not '.' or '..'. */
export const arbSegment: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: fc.constantFrom(..."abcXYZ019-._~!$&'()*+,;=:@ /%?#"), minLength: 1, maxLength: 12 }),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
  )
  .filter(
    (s) =>
      s !== "." &&
      s !== ".." &&
      ![...s].some((ch) => isControl(ch.charCodeAt(0))) &&
      new TextEncoder().encode(s).length <= 255,
  );

const kinds: readonly MimiUriKind[] = ["provider", "u", "p", "d", "r", "g", "t"];

/** Valid parts of a MIMI URI of any kind. */
export const arbParts: fc.Arbitrary<MimiUriParts> = fc
  .tuple(
    fc.constantFrom(...kinds),
    fc.oneof(arbDomain, arbIdnDomain),
    fc.array(arbSegment, { minLength: 2, maxLength: 2 }),
    fc.boolean(),
  )
  .map(([kind, domain, [s1, s2], two]) => ({
    kind,
    domain,
    segments: kind === "provider" ? [] : kind === "d" && two ? [s1!, s2!] : [s1!],
  }));

const hex = "0123456789ABCDEF";

function encodeOctets(s: string, lowerHex: boolean): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) {
    const h = `%${hex[b >> 4]}${hex[b & 15]}`;
    out += lowerHex ? h.toLowerCase() : h;
  }
  return out;
}

/**
 * A spelling of the URI with these parts: random case in scheme and host, and each segment
 * character either as itself (where allowed) or percent-encoded (upper- or lower-case hex).
 */
export function arbSpelling(p: MimiUriParts): fc.Arbitrary<string> {
  const n = 4 + p.domain.length + p.segments.reduce((a, s) => a + s.length, 0);
  return fc.array(fc.nat(7), { minLength: n, maxLength: n }).map((coins) => {
    let k = 0;
    const flip = (): number => coins[k++ % coins.length]!;
    const caseOf = (s: string): string => [...s].map((ch) => (flip() & 1 ? ch.toUpperCase() : ch)).join("");
    let text = `${caseOf("mimi")}://${[...p.domain].every((ch) => ch.charCodeAt(0) < 128) ? caseOf(p.domain) : p.domain}`;
    if (p.kind === "provider") return text;
    text += `/${p.kind}`;
    for (const s of p.segments) {
      let seg = "";
      for (const ch of s) {
        const c = ch.charCodeAt(0);
        const coin = flip();
        if (c < 128 && PCHAR[c] === 1) seg += coin < 5 ? ch : encodeOctets(ch, coin === 6);
        else if (c >= 0xa0 && coin < 4) seg += ch;
        else seg += encodeOctets(ch, coin >= 6);
      }
      text += `/${seg}`;
    }
    return text;
  });
}

/** Canonical MIMI URIs of any kind. */
export const arbMimiUri: fc.Arbitrary<MimiUri> = arbParts.map(formatMimiUri);

/** Canonical MIMI URIs of kind `kind` (e.g. `arbMimiUriOfKind("u")` for user URIs). */
export function arbMimiUriOfKind<K extends MimiUriKind>(kind: K): fc.Arbitrary<MimiUriOf<K>> {
  return fc
    .tuple(
      fc.oneof(arbDomain, arbIdnDomain),
      fc.array(arbSegment, { minLength: 1, maxLength: kind === "d" ? 2 : 1 }),
    )
    .map(
      ([domain, segments]) =>
        formatMimiUri({ kind, domain, segments: kind === "provider" ? [] : segments }) as MimiUriOf<K>,
    );
}
