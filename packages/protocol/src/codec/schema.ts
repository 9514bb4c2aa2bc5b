/**
 * A small declarative codec layer over the `@mimi/wire` TLS reader and writer.
 *
 * Every protocol-06 body is described once as a {@link Codec}: how to read it (strictly, with
 * the field path in every error), how to write it, and how to map it to and from JSON for the
 * command line. The JSON mapping is mechanical: integers below 2^32 are numbers, `uint64` values
 * are decimal strings, opaque bytes are lowercase hex, UTF-8 strings are strings, enums are their
 * names (unknown code points stay numbers), `optional<T>` absent is `null`, vectors are arrays, and
 * MLS structures carried inside a body are the hex of their TLS encoding.
 */
import { CodecError, childPath, fromHex, fromUtf8, TlsReader, TlsWriter, toHex, utf8 } from "@mimi/wire";

/** A JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/**
 * What a codec is made of, for tools that walk codecs (the property-test arbitraries, the
 * command line's documentation of JSON shapes).
 */
export type Shape =
  | { readonly kind: "uint"; readonly bits: 8 | 16 | 32 | 64 }
  | { readonly kind: "opaque" }
  | { readonly kind: "fixed"; readonly length: number }
  | { readonly kind: "utf8" }
  | {
      readonly kind: "enum";
      readonly bits: 8 | 16;
      readonly names: Readonly<Record<string, number>>;
      /** True when values outside `names` are rejected (no select arm exists for them). */
      readonly closed?: boolean;
    }
  | { readonly kind: "struct"; readonly fields: readonly Field[] }
  | { readonly kind: "vector"; readonly item: Codec<unknown> }
  | { readonly kind: "optional"; readonly item: Codec<unknown> }
  | { readonly kind: "select"; readonly select: SelectSpec }
  | { readonly kind: "mls"; readonly what: string }
  | { readonly kind: "custom" };

/**
 * A codec for one TLS presentation language type: strict reading, writing, and a JSON mapping.
 */
export interface Codec<T> {
  /** The type's name in the draft (e.g. `KeyMaterialRequest`). */
  readonly name: string;
  /** The structure, for generic tools. */
  readonly shape: Shape;
  /**
   * Read one value at the reader's position. `source` is the whole byte string the reader was made
   * over (structures decoded by ts-mls are read from it at the reader's offset).
   *
   * @throws CodecError for any malformed input, with the field path.
   */
  read(r: TlsReader, source: Uint8Array): T;
  /**
   * Append the value's encoding.
   *
   * @throws CodecError when the value cannot be encoded (out of range, wrong length).
   */
  write(w: TlsWriter, value: T): void;
  /** The value as JSON. */
  toJson(value: T): Json;
  /**
   * The value from JSON.
   *
   * @throws CodecError naming `path` when the JSON does not have the documented shape.
   */
  fromJson(json: unknown, path: string): T;
}

/** One field of a struct: its name (the draft's) and its codec. */
export type Field = readonly [name: string, codec: Codec<unknown>];

/**
 * Decode a whole byte string as one value; trailing bytes are an error.
 *
 * @throws CodecError for malformed input.
 */
export function decodeWith<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const r = new TlsReader(bytes);
  const v = codec.read(r, bytes);
  r.finish();
  return v;
}

/**
 * Encode one value.
 *
 * @throws CodecError when the value cannot be encoded.
 */
export function encodeWith<T>(codec: Codec<T>, value: T): Uint8Array {
  const w = new TlsWriter();
  codec.write(w, value);
  return w.finish();
}

function jsonFail(what: string, path: string): never {
  throw new CodecError(what, { path });
}

function describeJson(j: unknown): string {
  if (j === null) return "null";
  if (Array.isArray(j)) return "an array";
  return typeof j === "object" ? "an object" : `${typeof j} ${JSON.stringify(j)}`;
}

/** An unsigned integer of 8, 16 or 32 bits (JSON: a number). */
export function uint(bits: 8 | 16 | 32): Codec<number> {
  const max = bits === 8 ? 0xff : bits === 16 ? 0xffff : 0xffffffff;
  return {
    name: `uint${bits}`,
    shape: { kind: "uint", bits },
    read: (r) => (bits === 8 ? r.uint8() : bits === 16 ? r.uint16() : r.uint32()),
    write: (w, v) => {
      if (bits === 8) w.uint8(v);
      else if (bits === 16) w.uint16(v);
      else w.uint32(v);
    },
    toJson: (v) => v,
    fromJson: (j, path) => {
      if (typeof j !== "number" || !Number.isInteger(j) || j < 0 || j > max)
        jsonFail(`expected an integer 0..${max}, got ${describeJson(j)}`, path);
      return j;
    },
  };
}

/** `uint64` (JSON: a decimal string; a safe integer number is also accepted). */
export const uint64: Codec<bigint> = {
  name: "uint64",
  shape: { kind: "uint", bits: 64 },
  read: (r) => r.uint64(),
  write: (w, v) => {
    w.uint64(v);
  },
  toJson: (v) => v.toString(),
  fromJson: (j, path) => {
    let v: bigint | undefined;
    if (typeof j === "string" && /^(0|[1-9][0-9]*)$/.test(j)) v = BigInt(j);
    else if (typeof j === "number" && Number.isSafeInteger(j) && j >= 0) v = BigInt(j);
    if (v === undefined || v > 0xffffffffffffffffn)
      jsonFail(`expected a uint64 as a decimal string, got ${describeJson(j)}`, path);
    return v;
  },
};

function hexFromJson(j: unknown, path: string): Uint8Array {
  if (typeof j !== "string") jsonFail(`expected lowercase hex, got ${describeJson(j)}`, path);
  try {
    return fromHex(j);
  } catch (e) {
    throw new CodecError(`expected hex: ${(e as CodecError).what}`, { path });
  }
}

/** `opaque x<V>` (JSON: hex). */
export const opaque: Codec<Uint8Array> = {
  name: "opaque<V>",
  shape: { kind: "opaque" },
  read: (r) => r.opaque(),
  write: (w, v) => {
    w.opaque(v);
  },
  toJson: (v) => toHex(v),
  fromJson: hexFromJson,
};

/** `opaque x[n]` / `uint8 x[n]` (JSON: hex of exactly n bytes). */
export function fixed(length: number): Codec<Uint8Array> {
  return {
    name: `opaque[${length}]`,
    shape: { kind: "fixed", length },
    read: (r) => r.fixed(length),
    write: (w, v) => {
      w.bytes(v, length);
    },
    toJson: (v) => toHex(v),
    fromJson: (j, path) => {
      const v = hexFromJson(j, path);
      if (v.length !== length) jsonFail(`expected ${length} bytes, got ${v.length}`, path);
      return v;
    },
  };
}

/** `opaque x<V>` holding UTF-8 text (JSON: a string). Invalid UTF-8 is a `CodecError`. */
export const utf8String: Codec<string> = {
  name: "opaque<V> (UTF-8)",
  shape: { kind: "utf8" },
  read: (r) => fromUtf8(r.opaque(), r.currentPath),
  write: (w, v) => {
    w.opaque(utf8(v));
  },
  toJson: (v) => v,
  fromJson: (j, path) => {
    if (typeof j !== "string") jsonFail(`expected a string, got ${describeJson(j)}`, path);
    if (/[\uD800-\uDFFF]/u.test(j.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, "")))
      jsonFail("lone surrogate cannot be encoded as UTF-8", path);
    return j;
  },
};

/**
 * A TLS enum. Values are the draft's names; code points the draft does not name are kept as
 * numbers (style rule 10), so that an unknown status still decodes where no select depends on it.
 */
export function enumeration<N extends string>(
  name: string,
  names: Readonly<Record<N, number>>,
  bits: 8 | 16 = 8,
): Codec<N | number> {
  const byValue = new Map<number, N>();
  for (const [k, v] of Object.entries(names) as [N, number][]) byValue.set(v, k);
  const base = uint(bits);
  return {
    name,
    shape: { kind: "enum", bits, names },
    read: (r, s) => {
      const v = base.read(r, s);
      return byValue.get(v) ?? v;
    },
    write: (w, v) => {
      if (typeof v === "number") base.write(w, v);
      else {
        const n = names[v];
        if (n === undefined) throw new CodecError(`unknown ${name} name ${JSON.stringify(v)}`);
        base.write(w, n);
      }
    },
    toJson: (v) => v,
    fromJson: (j, path) => {
      if (typeof j === "string") {
        if (!Object.hasOwn(names, j)) jsonFail(`unknown ${name} ${JSON.stringify(j)}`, path);
        return j as N;
      }
      const v = base.fromJson(j, path);
      return byValue.get(v) ?? v;
    },
  };
}

/** The numeric code point of an enum value (a name or an unknown number). */
export function enumValue<N extends string>(names: Readonly<Record<N, number>>, v: N | number): number {
  return typeof v === "number" ? v : names[v];
}

/** `T x<V>` (JSON: an array). */
export function vector<T>(item: Codec<T>): Codec<readonly T[]> {
  return {
    name: `${item.name}<V>`,
    shape: { kind: "vector", item: item as Codec<unknown> },
    read: (r, s) => r.vector((sub) => item.read(sub, s)),
    write: (w, v) => {
      w.vector(v, (x, e) => item.write(x, e));
    },
    toJson: (v) => v.map((e) => item.toJson(e)),
    fromJson: (j, path) => {
      if (!Array.isArray(j)) jsonFail(`expected an array, got ${describeJson(j)}`, path);
      return j.map((e, i) => item.fromJson(e, childPath(path, i)));
    },
  };
}

/** `optional<T>` (JSON: the value, or `null` when absent). */
export function optional<T>(item: Codec<T>): Codec<T | undefined> {
  return {
    name: `optional<${item.name}>`,
    shape: { kind: "optional", item: item as Codec<unknown> },
    read: (r, s) => r.optional((x) => item.read(x, s)),
    write: (w, v) => {
      w.optional(v, (x, e) => item.write(x, e));
    },
    toJson: (v) => (v === undefined ? null : item.toJson(v)),
    fromJson: (j, path) => (j === null || j === undefined ? undefined : item.fromJson(j, path)),
  };
}

type Obj = Record<string, unknown>;

function readFields(fields: readonly Field[], r: TlsReader, s: Uint8Array, out: Obj): void {
  for (const [name, codec] of fields) out[name] = r.field(name, () => codec.read(r, s));
}

function writeFields(fields: readonly Field[], w: TlsWriter, v: Obj, path: string): void {
  for (const [name, codec] of fields) {
    const x = v[name];
    if (x === undefined && codec.shape.kind !== "optional")
      throw new CodecError(`missing field ${name}`, { path: childPath(path, name) });
    try {
      codec.write(w, x);
    } catch (e) {
      if (e instanceof CodecError && e.path === "/")
        throw new CodecError(e.what, { path: childPath(path, name) });
      throw e;
    }
  }
}

function fieldsToJson(fields: readonly Field[], v: Obj, out: Record<string, Json>): void {
  for (const [name, codec] of fields) out[name] = codec.toJson(v[name]);
}

function fieldsFromJson(fields: readonly Field[], j: Obj, path: string, out: Obj): void {
  for (const [name, codec] of fields) {
    const p = childPath(path, name);
    if (!Object.hasOwn(j, name) && codec.shape.kind !== "optional") jsonFail(`missing field ${name}`, p);
    const v = codec.fromJson(j[name], p);
    if (v !== undefined) out[name] = v;
  }
}

function asObject(j: unknown, path: string): Obj {
  if (j === null || typeof j !== "object" || Array.isArray(j))
    jsonFail(`expected an object, got ${describeJson(j)}`, path);
  return j as Obj;
}

function rejectExtraKeys(j: Obj, known: ReadonlySet<string>, path: string): void {
  for (const k of Object.keys(j)) if (!known.has(k)) jsonFail(`unknown field ${k}`, childPath(path, k));
}

/**
 * A struct: its fields in order. The TypeScript value is an object with the draft's field names.
 * Fields whose codec is `optional` may be absent from the object.
 */
export function struct<T>(name: string, fields: readonly Field[]): Codec<T> {
  const known = new Set(fields.map(([n]) => n));
  return {
    name,
    shape: { kind: "struct", fields },
    read: (r, s) => {
      const out: Obj = {};
      readFields(fields, r, s, out);
      for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
      return out as T;
    },
    write: (w, v) => writeFields(fields, w, v as Obj, "/"),
    toJson: (v) => {
      const out: Record<string, Json> = {};
      fieldsToJson(fields, v as Obj, out);
      return out;
    },
    fromJson: (j, path) => {
      const o = asObject(j, path);
      rejectExtraKeys(o, known, path);
      const out: Obj = {};
      fieldsFromJson(fields, o, path, out);
      return out as T;
    },
  };
}

/**
 * A struct with a `select`: fields `head`, then the fields of the arm chosen by `tag` (computed
 * from the head fields already read), then `tail`. The arms' fields are flattened into the same
 * object. A tag with no arm is an error unless `otherwise` names the fields to use (usually none:
 * the draft's enums leave other values with an empty arm).
 */
export interface SelectSpec {
  readonly head: readonly Field[];
  /** The arm key for a value (from its head fields). `undefined` means "no arm exists". */
  readonly tag: (value: Record<string, unknown>) => string | undefined;
  readonly arms: Readonly<Record<string, readonly Field[]>>;
  /** Fields for tags without an arm; when absent, such tags are a `CodecError`. */
  readonly otherwise?: readonly Field[];
  readonly tail?: readonly Field[];
  /** What to say when no arm exists (e.g. `unsupported protocol`). */
  readonly noArm?: string;
  /** The requirement ID a missing arm breaks, if any. */
  readonly noArmRule?: string;
}

function armFor(spec: SelectSpec, name: string, v: Obj, path: string): readonly Field[] {
  const key = spec.tag(v);
  const arm = key === undefined ? undefined : spec.arms[key];
  if (arm !== undefined) return arm;
  if (spec.otherwise !== undefined) return spec.otherwise;
  const what = `${spec.noArm ?? `no select arm in ${name}`}: ${String(key)}`;
  throw new CodecError(what, spec.noArmRule === undefined ? { path } : { path, rule: spec.noArmRule });
}

/** The codec of a struct with one `select` (see {@link SelectSpec}). */
export function select<T>(name: string, spec: SelectSpec): Codec<T> {
  const tail = spec.tail ?? [];
  const allNames = new Set<string>([
    ...spec.head.map(([n]) => n),
    ...Object.values(spec.arms).flatMap((a) => a.map(([n]) => n)),
    ...(spec.otherwise ?? []).map(([n]) => n),
    ...tail.map(([n]) => n),
  ]);
  return {
    name,
    shape: { kind: "select", select: spec },
    read: (r, s) => {
      const out: Obj = {};
      readFields(spec.head, r, s, out);
      readFields(armFor(spec, name, out, r.currentPath), r, s, out);
      readFields(tail, r, s, out);
      for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
      return out as T;
    },
    write: (w, v) => {
      const o = v as Obj;
      writeFields(spec.head, w, o, "/");
      writeFields(armFor(spec, name, o, "/"), w, o, "/");
      writeFields(tail, w, o, "/");
    },
    toJson: (v) => {
      const o = v as Obj;
      const out: Record<string, Json> = {};
      fieldsToJson(spec.head, o, out);
      fieldsToJson(armFor(spec, name, o, "/"), o, out);
      fieldsToJson(tail, o, out);
      return out;
    },
    fromJson: (j, path) => {
      const o = asObject(j, path);
      rejectExtraKeys(o, allNames, path);
      const out: Obj = {};
      fieldsFromJson(spec.head, o, path, out);
      const arm = armFor(spec, name, out, path);
      const armNames = new Set(arm.map(([n]) => n));
      for (const k of Object.keys(o)) {
        const inHead = spec.head.some(([n]) => n === k) || tail.some(([n]) => n === k);
        if (!inHead && !armNames.has(k))
          jsonFail(`field ${k} does not belong to this select arm`, childPath(path, k));
      }
      fieldsFromJson(arm, o, path, out);
      fieldsFromJson(tail, o, path, out);
      return out as T;
    },
  };
}

/** Rename a codec (for a typedef such as `RoomId`). */
export function named<T>(name: string, codec: Codec<T>): Codec<T> {
  return { ...codec, name };
}
