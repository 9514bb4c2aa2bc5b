import { CodecError } from "./errors.js";

const HEX_DIGITS = "0123456789abcdef";
const HEX_TABLE: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => HEX_DIGITS[i >> 4]! + HEX_DIGITS[i & 15]!,
);

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX_TABLE[b]!;
  return out;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

/**
 * Parse hex (either case). Whitespace is allowed between byte pairs when `lenient` is set, so
 * that files with line breaks can be read; otherwise the string must be exactly hex digits.
 *
 * @throws CodecError on odd length or a non-hex character, with the character offset as path.
 */
export function fromHex(text: string, options: { readonly lenient?: boolean } = {}): Uint8Array {
  const s = options.lenient === true ? text.replace(/\s+/g, "") : text;
  if (s.length % 2 !== 0) throw new CodecError("odd number of hex digits", { path: `@${s.length}` });
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(s.charCodeAt(2 * i));
    const lo = nibble(s.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      const at = hi < 0 ? 2 * i : 2 * i + 1;
      throw new CodecError(`not a hex digit ${JSON.stringify(s[at])}`, { path: `@${at}` });
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Constant-time equality for secrets of equal public length. */
export function bytesEqualConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Concatenate byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Lexicographic comparison of byte strings (shorter prefix first). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

const utf8Encoder = new TextEncoder();
const utf8StrictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Standard base64 (RFC 4648 §4, with padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Parse standard base64 (RFC 4648 §4) strictly: padding required, no whitespace, no other
 * alphabet, and no non-zero bits in the padding (§3.5), so that every byte string has exactly one
 * text.
 *
 * @throws CodecError naming `path` when the text is not such base64.
 */
export function fromBase64(text: string, path = "/"): Uint8Array {
  if (!BASE64.test(text)) throw new CodecError("not padded standard base64", { path });
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  if (toBase64(out) !== text) throw new CodecError("base64 with non-zero padding bits", { path });
  return out;
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/**
 * Strictly decode UTF-8 (no replacement characters).
 *
 * @throws CodecError naming `path` when the bytes are not valid UTF-8.
 */
export function fromUtf8(bytes: Uint8Array, path = "/"): string {
  try {
    return utf8StrictDecoder.decode(bytes);
  } catch {
    throw new CodecError("invalid UTF-8", { path });
  }
}
