/**
 * The one place where this package meets its CBOR library (cborg 6.1.5) and closes its gaps
 * (decision 0200).
 *
 * - Decoding pulls tokens from cborg's strict `Tokenizer` (shortest integer and length heads,
 *   definite lengths, no `undefined`) and adds what cborg does not check: map key order and
 *   duplicates (on the encoded key bytes), shortest floats, the single permitted NaN, strict UTF-8
 *   (cborg substitutes U+FFFD and drops a leading BOM), and unassigned simple values. Every failure,
 *   including cborg's own, becomes a `CodecError` with a path and a requirement ID.
 * - Encoding uses cborg's `encode` with its RFC 8949 §4.2.1 map sorter; floats and tags of the
 *   generic {@link CborValue} model are written through a type encoder, so a float stays a float
 *   (shortest of half, single, double) and never turns into an integer.
 *
 * draft-ietf-mimi-content-08 §6.1: "MIMI content documents MUST be encoded using CBOR
 * 'deterministic' serialization as defined in Section 4.2.1 of [RFC8949]."
 */

import { CodecError, fromUtf8, ValidationError } from "@mimi/wire";
import { encode, objectToTokens, rfc8949EncodeOptions, Token, Tokenizer, Type } from "cborg";

/** A CBOR float, kept apart from integers so that `1.0` stays a float (`f93c00`). */
export interface CborFloat {
  readonly float: number;
}

/** A CBOR tag (major type 6) and its content. */
export interface CborTag {
  readonly tag: number | bigint;
  readonly value: CborValue;
}

/** A map key allowed inside an extension value (§6.2): an integer, a text or a byte string. */
export type CborKey = number | bigint | string | Uint8Array;

/**
 * Any CBOR data item, as used for extension values (CDDL `any`). Integers are `number` when they
 * are safe integers and `bigint` otherwise; floats are {@link CborFloat}; maps keep their decoded
 * (sorted) order.
 */
export type CborValue =
  | number
  | bigint
  | string
  | Uint8Array
  | boolean
  | null
  | CborFloat
  | CborTag
  | readonly CborValue[]
  | ReadonlyMap<CborKey, CborValue>;

const TOKENIZER_OPTIONS = {
  strict: true,
  allowIndefinite: false,
  allowUndefined: false,
  allowNaN: true,
  allowInfinity: true,
  allowBigInt: true,
} as const;

/** Length of a CBOR head for a minor value (0..27). */
export function headLength(minor: number): number {
  return minor < 24 ? 1 : minor === 24 ? 2 : minor === 25 ? 3 : minor === 26 ? 5 : 9;
}

/** True when `v` is exactly representable as an IEEE 754 half-precision float. */
function fitsFloat16(v: number): boolean {
  if (!Number.isFinite(v) || v === 0) return true;
  const a = Math.abs(v);
  if (a > 65504) return false;
  if (a < 2 ** -14) return Number.isInteger(a * 2 ** 24); // subnormal
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return Number.isInteger(a * 2 ** (10 - e));
}

/**
 * A strict reader over one CBOR data item. `next()` returns cborg tokens after the checks cborg
 * does not make; callers walk the structure and check it against the CDDL.
 */
export class CborReader {
  private readonly tokens: Tokenizer;
  /** Offset of the head of the token `next()` returned last. */
  start = 0;

  readonly data: Uint8Array;

  constructor(data: Uint8Array) {
    // A Node Buffer would make cborg hand out Buffers for byte strings; read through a plain view.
    this.data = plain(data);
    this.tokens = new Tokenizer(this.data, TOKENIZER_OPTIONS);
  }

  /** Offset of the next token. */
  get pos(): number {
    return this.tokens.pos();
  }

  /** Throw a `CodecError`. */
  fail(what: string, path: string, rule: string): never {
    throw new CodecError(what, { path, rule });
  }

  /**
   * The next token, checked.
   *
   * @throws CodecError on truncation, indefinite lengths, non-shortest heads or floats, a NaN other
   * than `f97e00`, `undefined` or another simple value, reserved minor values, or invalid UTF-8.
   */
  next(path: string): Token {
    const data = this.data;
    const pos = this.tokens.pos();
    this.start = pos;
    if (pos >= data.length) {
      // [CONTENT-CBOR-01] RFC 8949 §3, draft-ietf-mimi-content-08 §6.1: the content is exactly one well-formed CBOR data item (no truncation, no trailing bytes).
      this.fail("truncated: expected a data item", path, "CONTENT-CBOR-01");
    }
    const b = data[pos]!;
    const major = b >> 5;
    const minor = b & 31;
    if (minor === 31) {
      // [CONTENT-CBOR-02] draft-ietf-mimi-content-08 §6.1: never use indefinite-length encoding.
      this.fail(
        major === 7 ? "break outside an indefinite-length item" : "indefinite-length item",
        path,
        "CONTENT-CBOR-02",
      );
    }
    if (minor >= 28) this.fail(`reserved additional information ${minor}`, path, "CONTENT-CBOR-01");
    if (major === 7 && (minor < 20 || minor === 23 || minor === 24)) {
      // [CONTENT-CBOR-08] draft-ietf-mimi-content-08 App. A.1 (decision 0203): `undefined` and unassigned simple values are not in the data model.
      this.fail(
        minor === 23 ? "undefined is not allowed" : "unassigned simple value",
        path,
        "CONTENT-CBOR-08",
      );
    }
    let t: Token;
    try {
      t = this.tokens.next();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (message.includes("more bytes than necessary")) {
        // [CONTENT-CBOR-03] draft-ietf-mimi-content-08 §6.1: shortest encoding of integers, tags and lengths.
        this.fail("integer, tag or length not in shortest form", path, "CONTENT-CBOR-03");
      }
      if (message.includes("not enough data")) this.fail("truncated data item", path, "CONTENT-CBOR-01");
      this.fail(`malformed CBOR (${message.replace(/^CBOR decode error: /, "")})`, path, "CONTENT-CBOR-01");
    }
    if (major === 3) {
      const s = t.value as string;
      const from = pos + headLength(minor);
      const to = pos + t.encodedLength!;
      if (
        s.includes("\uFFFD") ||
        (data[from] === 0xef && data[from + 1] === 0xbb && data[from + 2] === 0xbf)
      ) {
        try {
          t.value = fromUtf8(data.subarray(from, to), path);
        } catch {
          // [CONTENT-CBOR-09] draft-ietf-mimi-content-08 §6.2: text strings MUST be valid UTF-8.
          this.fail("invalid UTF-8 in text string", path, "CONTENT-CBOR-09");
        }
      }
    } else if (t.type === Type.float) {
      this.checkFloat(t.value as number, minor, pos, path);
    }
    return t;
  }

  /**
   * The next token at a position where the CDDL has no tag.
   *
   * @throws CodecError as {@link CborReader.next}, and on a tag.
   */
  field(path: string): Token {
    const t = this.next(path);
    // [CONTENT-CBOR-07] draft-ietf-mimi-content-08 App. A.1: no tags where the CDDL has none (tags are only allowed inside extension values).
    if (t.type.major === 6)
      this.fail(`tag ${String(t.value)} where the CDDL has none`, path, "CONTENT-CBOR-07");
    return t;
  }

  private checkFloat(v: number, minor: number, pos: number, path: string): void {
    if (Number.isNaN(v)) {
      if (minor !== 25 || this.data[pos + 1] !== 0x7e || this.data[pos + 2] !== 0x00) {
        // [CONTENT-CBOR-10] draft-ietf-mimi-content-08 §6.2: the only NaN permitted is the half-width quiet NaN 0xF97E00.
        this.fail("NaN other than f97e00", path, "CONTENT-CBOR-10");
      }
      return;
    }
    // [CONTENT-CBOR-04] draft-ietf-mimi-content-08 §6.1: floats use the shortest encoding that preserves the value.
    if (minor === 26 && fitsFloat16(v))
      this.fail("single-precision float fits half precision", path, "CONTENT-CBOR-04");
    if (minor === 27 && Math.fround(v) === v)
      this.fail("double-precision float fits single precision", path, "CONTENT-CBOR-04");
  }

  /** Throw unless every byte was consumed. */
  end(): void {
    if (this.tokens.pos() !== this.data.length) {
      this.fail(
        `${this.data.length - this.tokens.pos()} trailing byte(s)`,
        `@${this.tokens.pos()}`,
        "CONTENT-CBOR-01",
      );
    }
  }

  /**
   * Check that the map key just read (bytes `[start, end)`) sorts after the previous key
   * (`[prevStart, prevEnd)`), bytewise on the encoded keys.
   */
  checkKeyOrder(
    prevStart: number,
    prevEnd: number,
    start: number,
    end: number,
    path: string,
    dupRule: string,
  ): void {
    const d = this.data;
    const n1 = prevEnd - prevStart;
    const n2 = end - start;
    const n = Math.min(n1, n2);
    for (let i = 0; i < n; i++) {
      const diff = d[prevStart + i]! - d[start + i]!;
      if (diff < 0) return;
      if (diff > 0) {
        // [CONTENT-CBOR-05] draft-ietf-mimi-content-08 §6.1: map keys sorted bytewise by their deterministic encoding (RFC 8949 §4.2.1).
        this.fail("map keys not in bytewise order", path, "CONTENT-CBOR-05");
      }
    }
    if (n1 < n2) return;
    if (n1 === n2) this.fail("duplicate map key", path, dupRule);
    this.fail("map keys not in bytewise order", path, "CONTENT-CBOR-05");
  }
}

/** Human name of a token's type, for error messages. */
export function tokenName(t: Token): string {
  return t.type.name === "uint" || t.type.name === "negint" ? "int" : t.type.name;
}

/** Maximum depth of nested tags, maps and arrays in extensions (§6.3; the extensions map is level 1). */
const MAX_EXTENSION_DEPTH = 4;

/**
 * Read any data item (CDDL `any`) at nesting `level` (the level of the container holding it).
 *
 * @throws CodecError as {@link CborReader.next}, and for containers deeper than level 4, map keys
 * other than int/tstr/bstr, integer keys beyond ±(2^53−1), unsorted or duplicate keys.
 */
export function readAny(r: CborReader, path: string, level: number): CborValue {
  const t = r.next(path);
  switch (t.type.major) {
    case 1: {
      const v = t.value as number | bigint;
      return typeof v === "number" && !Number.isSafeInteger(v) ? BigInt(v) : v;
    }
    case 0:
    case 2:
    case 3:
      return t.value as number | bigint | string | Uint8Array;
    case 4: {
      checkDepth(r, level + 1, path);
      const n = t.value as number;
      const out: CborValue[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readAny(r, `${path}/${i}`, level + 1);
      return out;
    }
    case 5: {
      checkDepth(r, level + 1, path);
      return readMapEntries(r, t.value as number, path, level + 1);
    }
    case 6: {
      checkDepth(r, level + 1, path);
      return { tag: t.value as number | bigint, value: readAny(r, `${path}/tag`, level + 1) };
    }
    default:
      if (t.type === Type.float) return { float: t.value as number };
      return t.value as boolean | null;
  }
}

function checkDepth(r: CborReader, level: number, path: string): void {
  // [CONTENT-EXT-05] draft-ietf-mimi-content-08 §6.3: extensions MUST NOT contain tags, maps or arrays at more than 4 levels of depth (the extensions map is level 1).
  if (level > MAX_EXTENSION_DEPTH)
    r.fail(`tags, maps and arrays nested deeper than ${MAX_EXTENSION_DEPTH} levels`, path, "CONTENT-EXT-05");
}

function readMapEntries(r: CborReader, n: number, path: string, level: number): Map<CborKey, CborValue> {
  const m = new Map<CborKey, CborValue>();
  let prevStart = -1;
  let prevEnd = -1;
  for (let i = 0; i < n; i++) {
    const keyPath = `${path}/${i}`;
    const k = r.next(`${keyPath}/key`);
    const major = k.type.major;
    if (major > 3) {
      // [CONTENT-EXT-03] draft-ietf-mimi-content-08 §6.2: keys of maps inside an extension MUST only be integers, text strings or byte strings.
      r.fail(`map key is ${tokenName(k)}, not int, tstr or bstr`, `${keyPath}/key`, "CONTENT-EXT-03");
    }
    if (major <= 1) checkIntKey(r, k.value as number | bigint, `${keyPath}/key`);
    const start = r.start;
    const end = r.pos;
    // [CONTENT-CBOR-06] RFC 8949 §5.6, draft-ietf-mimi-content-08 §6.2: maps inside extension values have no duplicate keys.
    if (prevStart >= 0) r.checkKeyOrder(prevStart, prevEnd, start, end, `${keyPath}/key`, "CONTENT-CBOR-06");
    prevStart = start;
    prevEnd = end;
    m.set(k.value as CborKey, readAny(r, `${keyPath}/value`, level));
  }
  return m;
}

/** Integer map keys must be representable as doubles without loss. */
export function checkIntKey(r: CborReader, v: number | bigint, path: string): void {
  if (typeof v === "bigint" || !Number.isSafeInteger(v)) {
    // [CONTENT-EXT-04] draft-ietf-mimi-content-08 §6.2: integer keys MUST be within -(2^53-1)..2^53-1.
    r.fail("integer map key beyond ±(2^53−1)", path, "CONTENT-EXT-04");
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function isFloat(v: object): v is CborFloat {
  return "float" in v;
}

const ENCODE_OPTIONS = {
  ...rfc8949EncodeOptions,
  typeEncoders: {
    Object: (obj: unknown, _typ: string, options: object): unknown => {
      const o = obj as CborFloat | CborTag;
      if (isFloat(o)) return new Token(Type.float, o.float);
      return [new Token(Type.tag, o.tag), objectToTokens(o.value, options)];
    },
  },
};

/**
 * Encode a value that is already shaped as CBOR (arrays, `Map`s, `Uint8Array`s, safe integers,
 * bigints, strings, booleans, null, {@link CborFloat}, {@link CborTag}) with RFC 8949 §4.2.1
 * deterministic encoding. Callers validate the value first.
 *
 * @throws InternalError never; a value outside the model is a bug in the caller.
 */
export function encodeCbor(value: unknown): Uint8Array {
  return plain(encode(value, ENCODE_OPTIONS as never));
}

/** `bytes` as a plain `Uint8Array` (not a Node `Buffer`), without copying. */
function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function invalid(what: string, path: string, rule: string): never {
  throw new ValidationError(what, { path, rule });
}

/**
 * Check that `v` is inside the {@link CborValue} model and the §6.2/§6.3 extension limits.
 *
 * @throws ValidationError naming the path and rule.
 */
export function validateAny(v: unknown, path: string, level: number): void {
  const type = typeof v;
  if (type === "string" || type === "boolean" || v === null) return;
  if (type === "number") {
    if (!Number.isSafeInteger(v))
      invalid("number is not a safe integer (use { float } for floats)", path, "CONTENT-CBOR-01");
    return;
  }
  if (type === "bigint") {
    const b = v as bigint;
    if (b < -(2n ** 64n) || b >= 2n ** 64n) invalid("integer beyond 64 bits", path, "CONTENT-CBOR-01");
    return;
  }
  if (type !== "object") invalid(`${type} is not a CBOR value`, path, "CONTENT-CBOR-08");
  if (v instanceof Uint8Array) return;
  const o = v as Record<string, unknown>;
  if (typeof o["float"] === "number" && Object.keys(o).length === 1) return;
  if (level + 1 > MAX_EXTENSION_DEPTH) {
    invalid(`tags, maps and arrays nested deeper than ${MAX_EXTENSION_DEPTH} levels`, path, "CONTENT-EXT-05");
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) validateAny(v[i], `${path}/${i}`, level + 1);
    return;
  }
  if (v instanceof Map) {
    let i = 0;
    for (const [k, x] of v) {
      if (typeof k === "number" || typeof k === "bigint") {
        if (typeof k === "bigint" || !Number.isSafeInteger(k)) {
          invalid("integer map key beyond ±(2^53−1)", `${path}/${i}/key`, "CONTENT-EXT-04");
        }
      } else if (typeof k !== "string" && !(k instanceof Uint8Array)) {
        invalid("map key is not int, tstr or bstr", `${path}/${i}/key`, "CONTENT-EXT-03");
      }
      validateAny(x, `${path}/${i}/value`, level + 1);
      i++;
    }
    return;
  }
  const tag = o["tag"];
  if ((typeof tag === "number" || typeof tag === "bigint") && "value" in o) {
    if (typeof tag === "number" ? !Number.isSafeInteger(tag) || tag < 0 : tag < 0n || tag >= 2n ** 64n) {
      invalid("tag number out of range", path, "CONTENT-CBOR-01");
    }
    validateAny(o["value"], `${path}/tag`, level + 1);
    return;
  }
  invalid("not a CBOR value", path, "CONTENT-CBOR-01");
}
