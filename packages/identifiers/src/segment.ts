/**
 * Path segments of a MIMI URI: the RFC 3986 §3.3 `pchar` alphabet, percent-encoding, and the
 * canonical (minimal, upper-case) encoding of decision 0105.
 */
import { failAt, IdentifierError } from "./identifier-error.js";

/** RFC 3986 §2.3 `unreserved`. */
export const UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/** The most octets a decoded segment may have (decision 0106). */
export const MAX_SEGMENT_OCTETS = 255;

/**
 * ASCII characters that stand for themselves in a segment and are never percent-encoded in the
 * canonical form: RFC 3986 `pchar` without `pct-encoded`, that is `unreserved / sub-delims / ":" / "@"`.
 */
export const PCHAR: Uint8Array = charTable(`${UNRESERVED}!$&'()*+,;=:@`);

/** An ASCII table with 1 for each character of `chars`. */
export function charTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** What {@link decodeSegment} enforces, and the rule IDs it reports. */
export interface DecodeRules {
  /** ASCII characters written as themselves in the canonical spelling; the rest are `%HH`. */
  readonly raw: Uint8Array;
  /** The most decoded octets. */
  readonly maxOctets: number;
  /** Rule reported for octets that are not UTF-8 or decode to a control character. */
  readonly badRule: string;
  /** Rule reported for too many octets. */
  readonly longRule: string;
  /** What is decoded, for messages ("segment", "local part", …). */
  readonly what: string;
}

/** The rules of a `mimi:` path segment (decisions 0105, 0106). */
const SEGMENT_RULES: DecodeRules = {
  raw: PCHAR,
  maxOctets: MAX_SEGMENT_OCTETS,
  badRule: "ID-PATH-05",
  longRule: "ID-PATH-07",
  what: "segment",
};

const HEX_DIGITS = "0123456789ABCDEF";

/** Value of a hex digit, or -1. */
export function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  if (l >= 97 && l <= 102) return l - 87;
  return -1;
}

/** True for characters a decoded segment must not contain: C0 controls, DEL and C1 controls. */
export function isControl(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

/** The canonical spelling of the segment read by the last {@link decodeSegment} call. */
let canonicalOfLast = "";

/** The canonical spelling (see {@link encodeSegment}) of the segment last decoded by {@link decodeSegment}. */
export function lastCanonicalSegment(): string {
  return canonicalOfLast;
}

/** The octet of the `%HH` at `s[i]`, or -1 when there is none. */
function octetAt(s: string, i: number, end: number): number {
  if (i + 2 >= end) return -1;
  if (s.charCodeAt(i) !== 37) return -1;
  return (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2));
}

function notUtf8(r: DecodeRules, at: number): never {
  // [ID-PATH-05] RFC 3629 §3: a segment decodes to UTF-8 text without control characters (decision 0105)
  failAt(`the ${r.what}'s percent-encoded octets are not UTF-8`, r.badRule, at);
}

/**
 * Decode the raw segment `s[start, end)` (already checked to contain only `pchar`, well-formed
 * `%HH` and whole non-ASCII code points) to its value, in one pass that also builds its canonical
 * spelling (read it with {@link lastCanonicalSegment}).
 *
 * @throws IdentifierError `ID-PATH-05` when the octets are not UTF-8 (RFC 3629 §4: no overlong
 * forms, surrogates or values above U+10FFFF) or decode to a control character, `ID-PATH-07` when
 * they are longer than {@link MAX_SEGMENT_OCTETS}.
 */
export function decodeSegment(s: string, start: number, end: number, r: DecodeRules = SEGMENT_RULES): string {
  const raw = r.raw;
  let decoded = "";
  let canonical = "";
  let octets = 0;
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 37 /* % */) {
      if (c < 0x80) {
        if (raw[c] !== 1) {
          decoded += s[i];
          canonical += formatOctet(c);
          octets++;
          i++;
          continue;
        }
        let j = i + 1;
        while (j < end) {
          const d = s.charCodeAt(j);
          if (d === 37 || d >= 0x80 || raw[d] !== 1) break;
          j++;
        }
        const run = s.slice(i, j);
        decoded += run;
        canonical += run;
        octets += j - i;
        i = j;
      } else {
        const cp = s.codePointAt(i)!;
        const w = cp > 0xffff ? 2 : 1;
        decoded += s.slice(i, i + w);
        const from = canonical.length;
        canonical = appendUtf8(canonical, cp);
        octets += (canonical.length - from) / 3;
        i += w;
      }
      continue;
    }
    const b = (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2));
    if (b < 0x80) {
      if (b < 0x20 || b === 0x7f) {
        failAt(`the ${r.what} encodes the control character ${formatOctet(b)}`, r.badRule, i);
      }
      const ch = String.fromCharCode(b);
      decoded += ch;
      canonical += raw[b] === 1 ? ch : formatOctet(b);
      octets++;
      i += 3;
      continue;
    }
    let need: number;
    let cp: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else {
      notUtf8(r, i);
    }
    const at = i;
    i += 3;
    for (let k = 0; k < need; k++) {
      const t = octetAt(s, i, end);
      if (t < lo || t > hi) notUtf8(r, at);
      cp = (cp << 6) | (t & 0x3f);
      lo = 0x80;
      hi = 0xbf;
      i += 3;
    }
    if (cp < 0xa0) failAt(`the ${r.what} decodes to a control character`, r.badRule, at);
    decoded += String.fromCodePoint(cp);
    canonical = appendUtf8(canonical, cp);
    octets += need + 1;
  }
  if (octets > r.maxOctets) {
    // [ID-PATH-07] draft-ietf-mimi-protocol-06 §3: a segment decodes to at most 255 octets (decision 0106)
    failAt(`the ${r.what} is longer than ${r.maxOctets} octets`, r.longRule, start);
  }
  canonicalOfLast = canonical;
  return decoded;
}

/** Append the upper-case percent-encoded UTF-8 octets of `cp` to `out`. */
function appendUtf8(out: string, cp: number): string {
  if (cp < 0x80) return out + formatOctet(cp);
  if (cp < 0x800) return out + formatOctet(0xc0 | (cp >> 6)) + formatOctet(0x80 | (cp & 63));
  if (cp < 0x10000) {
    return (
      out +
      formatOctet(0xe0 | (cp >> 12)) +
      formatOctet(0x80 | ((cp >> 6) & 63)) +
      formatOctet(0x80 | (cp & 63))
    );
  }
  return (
    out +
    formatOctet(0xf0 | (cp >> 18)) +
    formatOctet(0x80 | ((cp >> 12) & 63)) +
    formatOctet(0x80 | ((cp >> 6) & 63)) +
    formatOctet(0x80 | (cp & 63))
  );
}

function formatOctet(b: number): string {
  return `%${HEX_DIGITS[b >> 4]}${HEX_DIGITS[b & 15]}`;
}

/**
 * The canonical encoding of a decoded segment: `pchar` ASCII characters as themselves, every other
 * character as the upper-case percent-encoding of its UTF-8 octets (RFC 3986 §2.1, §6.2.2.1–2).
 *
 * @throws IdentifierError `ID-PATH-05` (with `path` = `where`) for a lone surrogate, which has no
 * UTF-8 encoding.
 */
export function encodeSegment(value: string, where = "/", raw: Uint8Array = PCHAR): string {
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c >= 128 || raw[c] !== 1) break;
    i++;
  }
  if (i === n) return value;
  let out = value.slice(0, i);
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && raw[c] === 1) {
      out += value[i];
      continue;
    }
    let cp = c;
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = value.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) {
        throw new IdentifierError("the segment contains a lone surrogate", {
          rule: "ID-PATH-05",
          path: where,
        });
      }
      cp = value.codePointAt(i)!;
      i++;
    }
    out = appendUtf8(out, cp);
  }
  return out;
}
