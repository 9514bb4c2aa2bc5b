/**
 * A strict, total DER reader (ITU-T X.690 §8 and §10) for the structures this package reads on its
 * hot path: certificates (RFC 5280 §4.1) and SubjectPublicKeyInfo. It builds no object model: each
 * read returns offsets into the caller's bytes, so a decoder takes only what it needs.
 *
 * Strict where DER is: low tag numbers only, definite lengths in the fewest octets, INTEGERs in
 * the fewest octets, BOOLEAN as 00 or FF, BIT STRING unused bits zero, OBJECT IDENTIFIER
 * sub-identifiers in the fewest octets. Every refusal is a `CodecError` naming the field and the
 * path of the value (`<path>/<field>`).
 */
import { CodecError } from "@mimi/wire";

/** ASN.1 tags (identifier octets) this package reads. */
export const derTags = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** One value: its identifier octet and where its contents are in `bytes`. */
export interface Tlv {
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset after the last content octet. */
  readonly end: number;
}

/** A cursor over the values inside `bytes[start, end)`, read in order. */
export class DerReader {
  private pos: number;

  /**
   * A reader over `bytes[start, end)`, at `base` (a path) or, inside another reader, at its path
   * and `field` (built only when an error names it).
   */
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly base: string | DerReader,
    private readonly field = "",
  ) {
    this.pos = start;
  }

  /** The path of the value read, for errors. */
  get path(): string {
    const base = typeof this.base === "string" ? this.base : this.base.path;
    return this.field === "" ? base : `${base}/${this.field}`;
  }

  /** A reader over the contents of `tlv`, a value read from this reader as `field`. */
  into(tlv: Tlv, field: string): DerReader {
    return new DerReader(this.bytes, tlv.contentStart, tlv.end, this, field);
  }

  /** Whether every value has been read. */
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The identifier octet of the next value, or undefined at the end. */
  peekTag(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  fail(what: string, field?: string): never {
    throw new CodecError(what, {
      path: field === undefined || field === "" ? this.path : `${this.path}/${field}`,
    });
  }

  /** Refuse an encoding that BER allows and DER does not. */
  private notDer(what: string, field: string): never {
    // [IDENTITY-DER-01] RFC 5280 §4.1.1.3: the signature is computed over the DER encoding of
    // tbsCertificate (X.690 §10): a value in another BER encoding is refused, not normalised.
    throw new CodecError(`${what} (not DER)`, {
      path: field === "" ? this.path : `${this.path}/${field}`,
      rule: "IDENTITY-DER-01",
    });
  }

  /** The next value, whatever its tag. */
  any(field: string): Tlv {
    const b = this.bytes;
    const start = this.pos;
    if (start >= this.end) this.fail("missing value", field);
    const tag = b[start]!;
    // X.690 §8.1.2.4: tag numbers above 30 take more octets; nothing read here uses them.
    if ((tag & 0x1f) === 0x1f) this.fail(`high tag number form (identifier ${hex2(tag)})`, field);
    let p = start + 1;
    if (p >= this.end) this.fail("missing length", field);
    const first = b[p++]!;
    let length: number;
    if (first < 0x80) {
      length = first;
    } else {
      // X.690 §10.1: DER uses the definite form with the fewest length octets.
      const count = first & 0x7f;
      if (count === 0) this.notDer("indefinite length", field);
      if (count > 4) this.fail(`${count} length octets`, field);
      if (p + count > this.end) this.fail("truncated length", field);
      if (b[p] === 0) this.notDer("length not in the fewest octets", field);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + b[p++]!;
      if (length < 0x80) this.notDer("long form for a short length", field);
    }
    const end = p + length;
    if (end > this.end) this.fail(`length ${length} runs past the end of the enclosing value`, field);
    this.pos = end;
    return { tag, start, contentStart: p, end };
  }

  /** The next value, which must have identifier `tag`. */
  expect(tag: number, field: string): Tlv {
    const t = this.any(field);
    if (t.tag !== tag) this.fail(`expected identifier ${hex2(tag)}, found ${hex2(t.tag)}`, field);
    return t;
  }

  /** The next value if it has identifier `tag`, else undefined (nothing read). */
  optional(tag: number, field: string): Tlv | undefined {
    return this.peekTag() === tag ? this.expect(tag, field) : undefined;
  }

  /** Refuse a DEFAULT value encoded (X.690 §11.5: DER omits it). */
  defaultEncoded(what: string, field: string): never {
    return this.notDer(`${what} encoded (DEFAULT)`, field);
  }

  /** Refuse anything left over. */
  finish(what: string): void {
    if (this.pos < this.end) this.fail(`${this.end - this.pos} unexpected bytes at the end of the ${what}`);
  }

  /** A reader over the contents of the next value, which must have identifier `tag`. */
  enter(tag: number, field: string): DerReader {
    return this.into(this.expect(tag, field), field);
  }

  contents(t: Tlv): Uint8Array {
    return this.bytes.subarray(t.contentStart, t.end);
  }

  encoded(t: Tlv): Uint8Array {
    return this.bytes.subarray(t.start, t.end);
  }

  /** BOOLEAN (X.690 §11.1: FF for TRUE in DER). */
  boolean(field: string, tlv?: Tlv): boolean {
    const t = tlv ?? this.expect(derTags.boolean, field);
    if (t.end - t.contentStart !== 1) this.fail("BOOLEAN of other than one octet", field);
    const v = this.bytes[t.contentStart]!;
    if (v !== 0 && v !== 0xff) this.notDer(`BOOLEAN octet ${hex2(v)}`, field);
    return v === 0xff;
  }

  /** INTEGER content octets, checked to be in the fewest octets (X.690 §8.3.2). */
  integerBytes(field: string, tlv?: Tlv): Uint8Array {
    const t = this.integer(field, tlv);
    return this.bytes.subarray(t.contentStart, t.end);
  }

  /** An INTEGER's value, checked to be in the fewest octets. */
  private integer(field: string, tlv?: Tlv): Tlv {
    const t = tlv ?? this.expect(derTags.integer, field);
    const b = this.bytes;
    const at = t.contentStart;
    const length = t.end - at;
    if (length === 0) this.fail("empty INTEGER", field);
    if (length > 1 && ((b[at] === 0 && b[at + 1]! < 0x80) || (b[at] === 0xff && b[at + 1]! >= 0x80))) {
      this.notDer("INTEGER not in the fewest octets", field);
    }
    return t;
  }

  /** A non-negative INTEGER that fits a safe JavaScript integer. */
  smallNonNegative(field: string, tlv?: Tlv): number {
    const t = this.integer(field, tlv);
    const b = this.bytes;
    if (b[t.contentStart]! >= 0x80) this.fail("negative INTEGER", field);
    if (t.end - t.contentStart > 7) this.fail("INTEGER too large", field);
    let v = 0;
    for (let i = t.contentStart; i < t.end; i++) v = v * 256 + b[i]!;
    return v;
  }

  /** BIT STRING: the unused-bit count and the octets (X.690 §11.2.1: unused bits zero). */
  bitString(field: string, tlv?: Tlv): { readonly unused: number; readonly bits: Uint8Array } {
    const t = tlv ?? this.expect(derTags.bitString, field);
    const c = this.contents(t);
    if (c.length === 0) this.fail("BIT STRING without its unused-bits octet", field);
    const unused = c[0]!;
    if (unused > 7) this.fail(`BIT STRING with ${unused} unused bits`, field);
    if (c.length === 1 && unused !== 0) this.fail("empty BIT STRING with unused bits", field);
    if (unused > 0 && (c[c.length - 1]! & ((1 << unused) - 1)) !== 0) {
      this.notDer("BIT STRING unused bits are not zero", field);
    }
    return { unused, bits: c.subarray(1) };
  }

  /** OBJECT IDENTIFIER in dotted form (X.690 §8.19). */
  oid(field: string, tlv?: Tlv): string {
    const t = tlv ?? this.expect(derTags.oid, field);
    const bytes = this.bytes;
    if (t.end === t.contentStart) this.fail("empty OBJECT IDENTIFIER", field);
    if ((bytes[t.end - 1]! & 0x80) !== 0) this.fail("truncated OBJECT IDENTIFIER", field);
    // the same few OIDs come in every certificate: their strings are made once (a known one's
    // encoding was checked when it was first read; the bytes are compared, not trusted to a hash)
    let h = 0x811c9dc5;
    for (let i = t.contentStart; i < t.end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    h &= 0x3fffffff; // a small integer: no number object made per lookup
    const known = oidStrings.get(h);
    if (known !== undefined && sameBytes(known.der, bytes, t.contentStart, t.end)) return known.text;
    const text = this.oidText(t, field);
    if (oidStrings.size >= OID_STRINGS) oidStrings.clear();
    oidStrings.set(h, { der: bytes.slice(t.contentStart, t.end), text });
    return text;
  }

  /** The dotted form of a non-empty OBJECT IDENTIFIER whose last octet ends a sub-identifier. */
  private oidText(t: Tlv, field: string): string {
    const bytes = this.bytes;
    const out: number[] = [];
    let v = 0;
    let fresh = true;
    for (let i = t.contentStart; i < t.end; i++) {
      const b = bytes[i]!;
      // X.690 §8.19.2: each sub-identifier in the fewest octets (no leading 0x80).
      if (fresh && b === 0x80)
        this.notDer("OBJECT IDENTIFIER sub-identifier not in the fewest octets", field);
      if (v > 0x1fffffffffff) this.fail("OBJECT IDENTIFIER sub-identifier too large", field);
      v = v * 128 + (b & 0x7f);
      fresh = (b & 0x80) === 0;
      if (fresh) {
        if (out.length === 0) {
          const x = v < 40 ? 0 : v < 80 ? 1 : 2;
          out.push(x, v - 40 * x);
        } else {
          out.push(v);
        }
        v = 0;
      }
    }
    // one flat string (not a chain of concatenations kept alive with the certificate)
    return out.join(".");
  }

  /** IA5String (ASCII) contents as a string. */
  ia5(field: string, tlv: Tlv): string {
    const bytes = this.bytes;
    for (let i = tlv.contentStart; i < tlv.end; i++) {
      if (bytes[i]! >= 0x80) this.fail(`IA5String octet ${hex2(bytes[i]!)} is not ASCII`, field);
    }
    return ascii.decode(bytes.subarray(tlv.contentStart, tlv.end));
  }

  /** UTCTime or GeneralizedTime in RFC 5280 §4.1.2.5's forms (`YYMMDDHHMMSSZ`, `YYYYMMDDHHMMSSZ`). */
  time(field: string): Date {
    const t = this.any(field);
    const c = this.contents(t);
    let year: number;
    let rest: number;
    if (t.tag === derTags.utcTime) {
      // RFC 5280 §4.1.2.5.1: YYMMDDHHMMSSZ, YY ≥ 50 is 19YY, otherwise 20YY.
      if (c.length !== 13) this.fail("UTCTime is not YYMMDDHHMMSSZ", field);
      const yy = digits(c, 0, 2);
      year = yy < 0 ? -1 : yy >= 50 ? 1900 + yy : 2000 + yy;
      rest = 2;
    } else if (t.tag === derTags.generalizedTime) {
      // RFC 5280 §4.1.2.5.2: YYYYMMDDHHMMSSZ, no fractional seconds.
      if (c.length !== 15) this.fail("GeneralizedTime is not YYYYMMDDHHMMSSZ", field);
      year = digits(c, 0, 4);
      rest = 4;
    } else {
      this.fail(`expected UTCTime or GeneralizedTime, found identifier ${hex2(t.tag)}`, field);
    }
    const month = digits(c, rest, 2);
    const day = digits(c, rest + 2, 2);
    const hour = digits(c, rest + 4, 2);
    const minute = digits(c, rest + 6, 2);
    const second = digits(c, rest + 8, 2);
    if (
      year < 0 ||
      month < 1 ||
      month > 12 ||
      day < 1 ||
      day > daysIn(year, month) ||
      hour < 0 ||
      hour > 23 ||
      minute < 0 ||
      minute > 59 ||
      second < 0 ||
      second > 59 ||
      c[rest + 10] !== 0x5a
    ) {
      this.fail("not a valid Zulu time", field);
    }
    return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  }
}

const ascii = new TextDecoder("latin1");

/**
 * Whether `c` is well-formed UTF-8 (RFC 3629 §4: no overlong forms, no surrogates, nothing above
 * U+10FFFF, no truncated sequence): what a fatal `TextDecoder` accepts, without making the string.
 */
export function isUtf8(c: Uint8Array): boolean {
  const n = c.length;
  let i = 0;
  while (i < n) {
    const b = c[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return false;
    if (i + need >= n) return false;
    const second = c[i + 1]!;
    if (second < lo || second > hi) return false;
    for (let k = 2; k <= need; k++) {
      const x = c[i + k]!;
      if (x < 0x80 || x > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

/** Dotted OIDs by a 32-bit hash of their content octets, with those octets (bounded). */
const oidStrings = new Map<number, { readonly der: Uint8Array; readonly text: string }>();
const OID_STRINGS = 512;

function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

function hex2(b: number): string {
  return `0x${b.toString(16).padStart(2, "0")}`;
}

/** The decimal number in `count` ASCII digits at `at`, or -1. */
function digits(c: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const d = c[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return DAYS_IN_MONTH[month]!;
}

/**
 * One whole DER value filling `bytes`, with identifier `tag`.
 *
 * @throws CodecError naming `path` otherwise (trailing bytes included).
 */
export function derTop(bytes: Uint8Array, tag: number, what: string, path: string): DerReader {
  const top = new DerReader(bytes, 0, bytes.length, path);
  if (bytes.length === 0) top.fail(`empty ${what}`);
  const t = top.any("");
  if (t.tag !== tag) top.fail(`a ${what} starts with identifier ${hex2(tag)}, found ${hex2(t.tag)}`);
  if (t.end !== bytes.length) top.fail(`${bytes.length - t.end} trailing bytes after the ${what}`);
  return top.into(t, "");
}
