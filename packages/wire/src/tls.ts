/**
 * A strict, total codec for the TLS presentation language (RFC 8446 §3) with the conventions of
 * RFC 9420 §2.1: `<V>` vectors carry a variable-length integer length prefix (§2.1.2, minimal
 * encoding required) and `optional<T>` is a presence octet that must be 0 or 1.
 *
 * Decoding never returns `undefined` for bad input and never throws anything but {@link CodecError}:
 * truncation, trailing bytes, non-minimal varints, the reserved varint prefix `0b11`, presence
 * octets other than 0/1, and vector items that overrun their vector are all reported with the path
 * of the field being read.
 */
import { CodecError, childPath } from "./errors.js";

/** Largest value a RFC 9420 varint can hold (30 bits). */
export const MAX_VARINT = 0x3fffffff;

/**
 * A cursor over a byte range with a JSON-pointer path for error messages. The path is kept as the
 * names of the fields being read and made into a string only when asked for (an error, or
 * `currentPath`): a list of 10,000 entries would otherwise build three path strings per entry.
 */
export class TlsReader {
  private pos: number;
  private readonly end: number;
  /** The path this reader started at, and the fields entered since. */
  private base: string;
  private readonly segments: (string | number)[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    options: { readonly path?: string; readonly start?: number; readonly end?: number } = {},
  ) {
    this.pos = options.start ?? 0;
    this.end = options.end ?? bytes.length;
    this.base = options.path ?? "/";
  }

  /** Offset of the next byte to read. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left in this reader's range. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** The current path (for errors raised by callers). */
  get currentPath(): string {
    let path = this.base;
    for (const name of this.segments) path = childPath(path, name);
    return path;
  }

  /** Raise a {@link CodecError} at the current path. */
  fail(what: string, rule?: string): never {
    const path = this.currentPath;
    throw new CodecError(what, rule === undefined ? { path } : { path, rule });
  }

  /** Run `read` with `name` appended to the path. */
  field<T>(name: string | number, read: () => T): T {
    const depth = this.segments.length;
    this.segments.push(name);
    try {
      return read();
    } finally {
      this.segments.length = depth;
    }
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      this.fail(`truncated: ${what} needs ${n} byte(s), ${this.end - this.pos} left`);
    }
  }

  /** uint8 */
  uint8(): number {
    this.need(1, "uint8");
    return this.bytes[this.pos++]!;
  }

  /** uint16, big-endian */
  uint16(): number {
    this.need(2, "uint16");
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  /** uint32, big-endian */
  uint32(): number {
    this.need(4, "uint32");
    const b = this.bytes;
    const p = this.pos;
    const v = b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
    this.pos += 4;
    return v;
  }

  /** uint64, big-endian, as a bigint */
  uint64(): bigint {
    const hi = this.uint32();
    const lo = this.uint32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A RFC 9420 §2.1.2 variable-length integer; the encoding must be minimal. */
  varint(): number {
    this.need(1, "varint");
    const first = this.bytes[this.pos]!;
    const prefix = first >> 6;
    // [WIRE-VARINT-02] RFC 9420 §2.1.2: the length prefix 0b11 is invalid.
    if (prefix === 3) this.fail("invalid varint: reserved length prefix 0b11", "WIRE-VARINT-02");
    const len = 1 << prefix;
    this.need(len, "varint");
    let v = first & 0x3f;
    for (let i = 1; i < len; i++) v = v * 256 + this.bytes[this.pos + i]!;
    this.pos += len;
    // [WIRE-VARINT-01] RFC 9420 §2.1.2: a varint MUST use the minimum number of bytes.
    if ((len === 2 && v < 0x40) || (len === 4 && v < 0x4000)) {
      this.fail("invalid varint: not minimally encoded", "WIRE-VARINT-01");
    }
    return v;
  }

  /** Exactly `n` bytes (a fixed-size array such as `opaque x[32]`). Returns a copy. */
  fixed(n: number): Uint8Array {
    this.need(n, `opaque[${n}]`);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** `opaque x<V>`: a varint length then that many bytes. Returns a copy. */
  opaque(): Uint8Array {
    const n = this.varint();
    this.need(n, "opaque<V> body");
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * `T x<V>`: a varint byte length, then items decoded by `item` until the length is used up. An
   * item that reads past the vector's end is an error at `<path>/<index>`.
   */
  vector<T>(item: (r: TlsReader, index: number) => T): T[] {
    const n = this.varint();
    this.need(n, "vector body");
    const sub = new TlsReader(this.bytes, { start: this.pos, end: this.pos + n });
    // the sub-reader's path starts where this one is (made a string only if an item fails)
    sub.base = this.base;
    sub.segments.push(...this.segments);
    const out: T[] = [];
    while (sub.remaining > 0) {
      const index = out.length;
      out.push(sub.field(index, () => item(sub, index)));
    }
    this.pos += n;
    return out;
  }

  /** `optional<T>`: a presence octet (0 or 1 only), then T when present. */
  optional<T>(item: (r: TlsReader) => T): T | undefined {
    const present = this.uint8();
    if (present === 0) return undefined;
    // [WIRE-OPT-01] RFC 9420 §2.1.1: the presence octet of optional<T> is 0 or 1.
    if (present !== 1)
      this.fail(`invalid optional presence octet ${present} (must be 0 or 1)`, "WIRE-OPT-01");
    return item(this);
  }

  /** The rest of this reader's range, as a copy. */
  rest(): Uint8Array {
    const out = this.bytes.slice(this.pos, this.end);
    this.pos = this.end;
    return out;
  }

  /** Assert that nothing is left. */
  finish(): void {
    if (this.pos !== this.end) this.fail(`${this.end - this.pos} trailing byte(s)`);
  }
}

/** An append-only byte buffer for encoding. */
export class TlsWriter {
  private buf: Uint8Array = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private checkUint(v: number, max: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new CodecError(`${what} out of range: ${v}`);
  }

  /** uint8 */
  uint8(v: number): this {
    this.checkUint(v, 0xff, "uint8");
    this.reserve(1);
    this.buf[this.len++] = v;
    return this;
  }

  /** uint16, big-endian */
  uint16(v: number): this {
    this.checkUint(v, 0xffff, "uint16");
    this.reserve(2);
    this.buf[this.len++] = v >>> 8;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  /** uint32, big-endian */
  uint32(v: number): this {
    this.checkUint(v, 0xffffffff, "uint32");
    this.reserve(4);
    this.buf[this.len++] = v >>> 24;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  /** uint64, big-endian */
  uint64(v: bigint | number): this {
    const b = typeof v === "bigint" ? v : BigInt(v);
    if (b < 0n || b > 0xffffffffffffffffn) throw new CodecError(`uint64 out of range: ${b}`);
    this.uint32(Number(b >> 32n));
    this.uint32(Number(b & 0xffffffffn));
    return this;
  }

  /** RFC 9420 §2.1.2 varint, minimal encoding. */
  varint(v: number): this {
    this.checkUint(v, MAX_VARINT, "varint");
    if (v < 0x40) return this.uint8(v);
    if (v < 0x4000) return this.uint16(v | 0x4000);
    return this.uint32((v | 0x80000000) >>> 0);
  }

  /** Raw bytes, with an optional exact-length check for `opaque x[n]`. */
  bytes(v: Uint8Array, exactLength?: number): this {
    if (exactLength !== undefined && v.length !== exactLength) {
      throw new CodecError(`expected ${exactLength} bytes, got ${v.length}`);
    }
    this.reserve(v.length);
    this.buf.set(v, this.len);
    this.len += v.length;
    return this;
  }

  /** `opaque x<V>` */
  opaque(v: Uint8Array): this {
    this.varint(v.length);
    return this.bytes(v);
  }

  /** `T x<V>` */
  vector<T>(items: readonly T[], item: (w: TlsWriter, value: T) => void): this {
    return this.lengthPrefixed((w) => {
      for (const v of items) item(w, v);
    });
  }

  /**
   * Write whatever `body` writes, preceded by its length as a varint (the `<V>` framing of a
   * vector or of a struct carried in an opaque field). The body is written in place and moved
   * once its length, and so the header size, is known.
   */
  lengthPrefixed(body: (w: TlsWriter) => void): this {
    const start = this.len;
    body(this);
    const n = this.len - start;
    if (n > MAX_VARINT) throw new CodecError(`vector too long: ${n} bytes`);
    const h = n < 0x40 ? 1 : n < 0x4000 ? 2 : 4;
    this.reserve(h);
    this.buf.copyWithin(start + h, start, this.len);
    const end = this.len + h;
    this.len = start;
    this.varint(n);
    this.len = end;
    return this;
  }

  /** `optional<T>` */
  optional<T>(value: T | undefined, item: (w: TlsWriter, value: T) => void): this {
    if (value === undefined) return this.uint8(0);
    this.uint8(1);
    item(this, value);
    return this;
  }

  /** The encoded bytes (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/**
 * Decode a whole byte string with `read`, rejecting trailing bytes.
 *
 * @throws CodecError from `read`, or for trailing bytes.
 */
export function decodeTls<T>(bytes: Uint8Array, read: (r: TlsReader) => T, path = "/"): T {
  const r = new TlsReader(bytes, { path });
  const v = read(r);
  r.finish();
  return v;
}

/** Encode with `write` and return the bytes. */
export function encodeTls(write: (w: TlsWriter) => void): Uint8Array {
  const w = new TlsWriter();
  write(w);
  return w.finish();
}
