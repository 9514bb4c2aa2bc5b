/**
 * Path segments of a MIMI URI: the RFC 3986 §3.3 `pchar` alphabet, percent-encoding, and the
 * canonical (minimal, upper-case) encoding of decision 0105.
 */
import { failAt, IdentifierError } from "./identifier-error.js";

/** The most octets a decoded segment may have (decision 0106). */
export const MAX_SEGMENT_OCTETS = 255;

/**
 * ASCII characters that stand for themselves in a segment and are never percent-encoded in the
 * canonical form: RFC 3986 `pchar` without `pct-encoded`, that is `unreserved / sub-delims / ":" / "@"`.
 */
export const PCHAR: Uint8Array = (() => {
  const t = new Uint8Array(128);
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@";
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
})();

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

const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decode the raw segment `s[start, end)` (already checked to contain only `pchar`, well-formed
 * `%HH` and non-ASCII characters forming whole code points) to its string value.
 *
 * @throws IdentifierError `ID-PATH-05` when the octets are not UTF-8 or decode to a control
 * character, `ID-PATH-07` when they are longer than {@link MAX_SEGMENT_OCTETS}.
 */
export function decodeSegment(s: string, start: number, end: number): string {
  const bytes: number[] = [];
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */) {
      const b = (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2));
      if (b < 0x20 || b === 0x7f) {
        // [ID-PATH-05] RFC 3629 §3: a segment decodes to UTF-8 text without control characters (decision 0105)
        failAt(`the segment encodes the control character ${formatOctet(b)}`, "ID-PATH-05", i);
      }
      bytes.push(b);
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) i++;
      pushUtf8(bytes, cp);
    }
  }
  if (bytes.length > MAX_SEGMENT_OCTETS) {
    // [ID-PATH-07] draft-ietf-mimi-protocol-06 §3: a segment decodes to at most 255 octets (decision 0106)
    failAt(`the segment is longer than ${MAX_SEGMENT_OCTETS} octets`, "ID-PATH-07", start);
  }
  let decoded: string;
  try {
    decoded = utf8Decoder.decode(new Uint8Array(bytes));
  } catch {
    failAt("the segment's percent-encoded octets are not UTF-8", "ID-PATH-05", start);
  }
  for (let i = 0; i < decoded.length; i++) {
    if (isControl(decoded.charCodeAt(i)))
      failAt("the segment decodes to a control character", "ID-PATH-05", start);
  }
  return decoded;
}

function formatOctet(b: number): string {
  return `%${HEX_DIGITS[b >> 4]}${HEX_DIGITS[b & 15]}`;
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
}

/**
 * The canonical encoding of a decoded segment: `pchar` ASCII characters as themselves, every other
 * character as the upper-case percent-encoding of its UTF-8 octets (RFC 3986 §2.1, §6.2.2.1–2).
 *
 * @throws IdentifierError `ID-PATH-05` (with `path` = `where`) for a lone surrogate, which has no
 * UTF-8 encoding.
 */
export function encodeSegment(value: string, where = "/"): string {
  let i = 0;
  const n = value.length;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c >= 128 || PCHAR[c] === 0) break;
    i++;
  }
  if (i === n) return value;
  let out = value.slice(0, i);
  const bytes: number[] = [];
  for (; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && PCHAR[c] === 1) {
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
    bytes.length = 0;
    pushUtf8(bytes, cp);
    for (const b of bytes) out += formatOctet(b);
  }
  return out;
}
