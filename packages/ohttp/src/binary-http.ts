/**
 * Binary HTTP messages (RFC 9292), known-length form only (framing indicators 0 and 1): what an
 * Oblivious HTTP request and response carry (RFC 9458 §4). Indeterminate-length messages
 * (framing indicators 2 and 3) are refused with a typed error (decision 0671).
 *
 * Decoding is strict and total: untrusted bytes only ever give a `CodecError` naming what is
 * wrong and where (`/headers/2/name`, `/content`, …). Variable-length integers are QUIC's
 * (RFC 9000 §16); RFC 9292 §3 lets them be non-minimal, so the decoder accepts that and the
 * encoder writes minimal ones. Truncated trailing sections (RFC 9292 §3.8) decode as empty, and
 * the encoder truncates every empty trailing section, so `encode(decode(x))` is the canonical
 * form of `x`; padding must be zero bytes.
 */
import { CodecError, childPath, concatBytes } from "@mimi/wire";

/** One field line: a lowercase name (an HTTP token) and a value. */
export interface BinaryHttpField {
  readonly name: string;
  /** The value as a byte string (each byte one character, ISO-8859-1). */
  readonly value: string;
}

/** A known-length request (RFC 9292 §3.1, framing indicator 0). */
export interface BinaryHttpRequest {
  readonly method: string;
  readonly scheme: string;
  /** Empty when absent (RFC 9292 §3.4). */
  readonly authority: string;
  readonly path: string;
  readonly headers: readonly BinaryHttpField[];
  readonly content: Uint8Array;
  readonly trailers: readonly BinaryHttpField[];
}

/** An informational (1xx) response preceding the final one. */
export interface BinaryHttpInformational {
  readonly status: number;
  readonly headers: readonly BinaryHttpField[];
}

/** A known-length response (RFC 9292 §3.1, framing indicator 1). */
export interface BinaryHttpResponse {
  readonly informational: readonly BinaryHttpInformational[];
  /** 200..599. */
  readonly status: number;
  readonly headers: readonly BinaryHttpField[];
  readonly content: Uint8Array;
  readonly trailers: readonly BinaryHttpField[];
}

/** The media type of a binary HTTP message (RFC 9292 §6). */
export const BHTTP_MEDIA_TYPE = "message/bhttp";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
const VISIBLE = /^[\x21-\x7e]*$/;

// ---------------------------------------------------------------------------------------------
// QUIC variable-length integers (RFC 9000 §16)

/** The minimal QUIC varint of `v` (0 ≤ v ≤ 2^53 - 1). */
export function encodeQuicVarint(v: number): Uint8Array {
  if (v < 0x40) return Uint8Array.of(v);
  if (v < 0x4000) return Uint8Array.of(0x40 | (v >> 8), v & 0xff);
  if (v < 0x40000000) return Uint8Array.of(0x80 | (v >>> 24), (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(v) | (0xc0n << 56n));
  return out;
}

/** Collects the pieces of an encoding. */
class Writer {
  readonly chunks: Uint8Array[] = [];
  varint(v: number): void {
    this.chunks.push(encodeQuicVarint(v));
  }
  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.chunks.push(b);
  }
  done(): Uint8Array {
    return concatBytes(...this.chunks);
  }
}

/** A cursor over untrusted bytes. */
class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  varint(path: string): number {
    const first = this.bytes[this.pos];
    if (first === undefined)
      throw new CodecError("truncated: a variable-length integer is missing", { path });
    const len = 1 << (first >> 6);
    if (this.pos + len > this.bytes.length)
      throw new CodecError(`truncated: a ${len}-byte variable-length integer runs past the end`, { path });
    let v = BigInt(first & 0x3f);
    for (let i = 1; i < len; i++) v = (v << 8n) | BigInt(this.bytes[this.pos + i]!);
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new CodecError("a variable-length integer exceeds 2^53 - 1", { path });
    this.pos += len;
    return Number(v);
  }

  take(n: number, path: string): Uint8Array {
    if (n > this.bytes.length - this.pos)
      throw new CodecError(`truncated: ${n} bytes announced, ${this.bytes.length - this.pos} left`, { path });
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  lengthPrefixed(path: string): Uint8Array {
    return this.take(this.varint(path), path);
  }
}

/** ISO-8859-1 text of bytes (each byte one character). */
function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x2000) s += String.fromCharCode(...b.subarray(i, i + 0x2000));
  return s;
}

function latin1Bytes(s: string, path: string): Uint8Array {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the point
  if (/[^\u0000-\u00ff]/.test(s))
    throw new CodecError("a character outside ISO-8859-1 cannot be encoded", { path });
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation shared by the encoder and the decoder

function checkField(f: BinaryHttpField, path: string, trailer: boolean): void {
  // RFC 9292 §3.6: names are HTTP tokens, lowercase as in HTTP/2 (RFC 9113 §8.2.1); pseudo-fields
  // (`:…`) are refused, we define none.
  if (f.name.startsWith(":"))
    throw new CodecError(
      `pseudo-field ${JSON.stringify(f.name.slice(0, 40))} in ${trailer ? "trailers" : "headers"}`,
      {
        path: childPath(path, "name"),
      },
    );
  if (!TOKEN.test(f.name))
    throw new CodecError("a field name is not a lowercase HTTP token", { path: childPath(path, "name") });
  // RFC 9113 §8.2.1: no NUL, CR or LF, and no leading or trailing whitespace.
  if (/[\0\r\n]/.test(f.value))
    throw new CodecError("a field value contains NUL, CR or LF", { path: childPath(path, "value") });
  if (/^[ \t]|[ \t]$/.test(f.value))
    throw new CodecError("a field value starts or ends with whitespace", { path: childPath(path, "value") });
}

function checkControl(r: Pick<BinaryHttpRequest, "method" | "scheme" | "authority" | "path">): void {
  if (!METHOD.test(r.method)) throw new CodecError("the method is not an HTTP token", { path: "/method" });
  if (!SCHEME.test(r.scheme)) throw new CodecError("the scheme is not a URI scheme", { path: "/scheme" });
  if (!VISIBLE.test(r.authority))
    throw new CodecError("the authority has a byte outside visible ASCII", { path: "/authority" });
  if (r.path === "" || !VISIBLE.test(r.path))
    throw new CodecError("the path is empty or has a byte outside visible ASCII", { path: "/path" });
}

// ---------------------------------------------------------------------------------------------
// Decoding

function decodeFieldSection(bytes: Uint8Array, path: string, trailer: boolean): BinaryHttpField[] {
  const r = new Reader(bytes);
  const out: BinaryHttpField[] = [];
  while (!r.done) {
    const at = childPath(path, out.length);
    const nameBytes = r.lengthPrefixed(childPath(at, "name"));
    if (nameBytes.length === 0)
      throw new CodecError("a field name is empty", { path: childPath(at, "name") });
    const value = latin1(r.lengthPrefixed(childPath(at, "value")));
    const f = { name: latin1(nameBytes), value };
    checkField(f, at, trailer);
    out.push(f);
  }
  return out;
}

function framing(r: Reader, want: 0 | 1): void {
  const f = r.varint("/framingIndicator");
  if (f === want) return;
  if (f === 2 || f === 3)
    throw new CodecError("indeterminate-length binary HTTP messages are not supported (decision 0671)", {
      path: "/framingIndicator",
    });
  throw new CodecError(
    f === 0 || f === 1
      ? `a known-length ${f === 0 ? "request" : "response"} where a ${want === 0 ? "request" : "response"} was expected`
      : `unknown framing indicator ${f}`,
    { path: "/framingIndicator" },
  );
}

/** The optional trailing sections (RFC 9292 §3.8) and the padding after them. */
function tail(r: Reader): { headers: BinaryHttpField[]; content: Uint8Array; trailers: BinaryHttpField[] } {
  const headers = r.done ? [] : decodeFieldSection(r.lengthPrefixed("/headers"), "/headers", false);
  const content = r.done ? new Uint8Array(0) : r.lengthPrefixed("/content").slice();
  const trailers = r.done ? [] : decodeFieldSection(r.lengthPrefixed("/trailers"), "/trailers", true);
  for (let i = r.pos; i < r.bytes.length; i++)
    if (r.bytes[i] !== 0) throw new CodecError(`non-zero padding byte at offset ${i}`, { path: "/padding" });
  return { headers, content, trailers };
}

/**
 * Decode a known-length binary HTTP request.
 *
 * @throws CodecError for anything else (truncated, trailing non-zero bytes, invalid fields, another
 * framing indicator).
 */
export function decodeBinaryHttpRequest(bytes: Uint8Array): BinaryHttpRequest {
  const r = new Reader(bytes);
  framing(r, 0);
  const method = latin1(r.lengthPrefixed("/method"));
  const scheme = latin1(r.lengthPrefixed("/scheme"));
  const authority = latin1(r.lengthPrefixed("/authority"));
  const path = latin1(r.lengthPrefixed("/path"));
  const control = { method, scheme, authority, path };
  checkControl(control);
  return { ...control, ...tail(r) };
}

/**
 * Decode a known-length binary HTTP response.
 *
 * @throws CodecError for anything else.
 */
export function decodeBinaryHttpResponse(bytes: Uint8Array): BinaryHttpResponse {
  const r = new Reader(bytes);
  framing(r, 1);
  const informational: BinaryHttpInformational[] = [];
  for (;;) {
    const status = r.varint("/status");
    if (status >= 100 && status <= 199) {
      const p = childPath(childPath("/informational", informational.length), "headers");
      informational.push({ status, headers: decodeFieldSection(r.lengthPrefixed(p), p, false) });
      continue;
    }
    if (status < 200 || status > 599)
      throw new CodecError(`status ${status} is not 100..599`, { path: "/status" });
    return { informational, status, ...tail(r) };
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

function encodeFieldSection(fields: readonly BinaryHttpField[], path: string, trailer: boolean): Uint8Array {
  const out = new Writer();
  fields.forEach((f, i) => {
    const at = childPath(path, i);
    checkField(f, at, trailer);
    out.bytes(latin1Bytes(f.name, childPath(at, "name")));
    out.bytes(latin1Bytes(f.value, childPath(at, "value")));
  });
  return out.done();
}

function pushTail(
  out: Writer,
  m: {
    readonly headers: readonly BinaryHttpField[];
    readonly content: Uint8Array;
    readonly trailers: readonly BinaryHttpField[];
  },
): void {
  const sections = [
    encodeFieldSection(m.headers, "/headers", false),
    m.content,
    encodeFieldSection(m.trailers, "/trailers", true),
  ];
  // RFC 9292 §3.8: empty trailing sections are truncated.
  while (sections.length > 0 && sections[sections.length - 1]!.length === 0) sections.pop();
  for (const s of sections) out.bytes(s);
}

/**
 * Encode a request in known-length form, empty trailing sections truncated.
 *
 * @throws CodecError for invalid control data or fields.
 */
export function encodeBinaryHttpRequest(req: BinaryHttpRequest): Uint8Array {
  checkControl(req);
  const out = new Writer();
  out.varint(0);
  for (const [k, v] of [
    ["/method", req.method],
    ["/scheme", req.scheme],
    ["/authority", req.authority],
    ["/path", req.path],
  ] as const)
    out.bytes(latin1Bytes(v, k));
  pushTail(out, req);
  return out.done();
}

/**
 * Encode a response in known-length form, empty trailing sections truncated.
 *
 * @throws CodecError for a status out of range or invalid fields.
 */
export function encodeBinaryHttpResponse(res: BinaryHttpResponse): Uint8Array {
  const out = new Writer();
  out.varint(1);
  res.informational.forEach((i, n) => {
    if (!Number.isInteger(i.status) || i.status < 100 || i.status > 199)
      throw new CodecError(`informational status ${i.status} is not 100..199`, {
        path: childPath(childPath("/informational", n), "status"),
      });
    out.varint(i.status);
    out.bytes(encodeFieldSection(i.headers, childPath(childPath("/informational", n), "headers"), false));
  });
  if (!Number.isInteger(res.status) || res.status < 200 || res.status > 599)
    throw new CodecError(`status ${res.status} is not 200..599`, { path: "/status" });
  out.varint(res.status);
  pushTail(out, res);
  return out.done();
}

/** The first value of header `name` (lowercase), if any. */
export function headerValue(fields: readonly BinaryHttpField[], name: string): string | undefined {
  return fields.find((f) => f.name === name)?.value;
}
