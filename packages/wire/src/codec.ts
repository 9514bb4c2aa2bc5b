/**
 * Typed codec combinators over {@link TlsReader} and {@link TlsWriter}: the one schema engine of
 * every MIMI package.
 *
 * A structure of the TLS presentation language is described once as a {@link Codec}, built from
 * combinators ({@link uint8}, {@link opaque}, {@link enumeration}, {@link struct}, {@link vector},
 * {@link optional}, {@link select}, …). The codec reads strictly (every error is a
 * {@link CodecError} with the field path), writes, and maps values to and from JSON; its
 * {@link Shape} lets generic tools (property-test arbitraries, the command line) walk it. The
 * TypeScript type of a decoded value follows from the combinators: a struct's object type is
 * inferred from its field list, a select's from its arms.
 *
 * JSON mapping: integers below 2^32 are numbers, `uint64` values are decimal strings (a safe integer
 * number is accepted on input), opaque bytes are lowercase hex, UTF-8 text is a string, `bool` is a
 * boolean, enums are their names (unknown code points stay numbers), vectors are arrays,
 * `optional<T>` absent is `null` (or an omitted key, see {@link optional}), a select's arm fields are
 * flattened into the enclosing object.
 */
import { fromHex, fromUtf8, toHex, utf8 } from "./bytes.js";
import { CodecError, childPath } from "./errors.js";
import { TlsReader, TlsWriter } from "./tls.js";

/** A JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/**
 * What a codec is made of, for tools that walk codecs (property-test arbitraries, documentation of
 * JSON shapes).
 */
export type Shape =
  | { readonly kind: "uint"; readonly bits: 8 | 16 | 32 | 64 }
  | { readonly kind: "bool" }
  | { readonly kind: "opaque" }
  | { readonly kind: "fixed"; readonly length: number }
  | { readonly kind: "utf8" }
  | {
      readonly kind: "enum";
      readonly bits: 8 | 16;
      readonly names: Readonly<Record<string, number>>;
      /** True when values outside `names` are rejected. */
      readonly closed?: boolean;
      /** `names`: decoded values are the names (unknown code points numbers); `codes`: numbers. */
      readonly values: "names" | "codes";
    }
  | { readonly kind: "struct"; readonly fields: FieldList }
  | { readonly kind: "vector"; readonly item: Codec<unknown> }
  | {
      readonly kind: "optional";
      readonly item: Codec<unknown>;
      /** True when an absent value is an omitted key in its struct's JSON (else `null`). */
      readonly omitWhenAbsent?: boolean;
    }
  | { readonly kind: "select"; readonly select: SelectShape }
  /** An RFC 9420 structure (`what`, e.g. `KeyPackage`) read and written by an MLS library. */
  | { readonly kind: "mls"; readonly what: string }
  /** Anything else, read and written by hand; generic tools cannot walk it. */
  | { readonly kind: "custom" };

/** A codec for one TLS presentation language type: strict reading, writing, and a JSON mapping. */
export interface Codec<T> {
  /** The type's name in its specification (e.g. `KeyMaterialRequest`). */
  readonly name: string;
  /** The structure, for generic tools. */
  readonly shape: Shape;
  /**
   * Read one value at the reader's position. `source` is the whole byte string the reader was made
   * over (for structures decoded by other libraries at the reader's offset).
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

/** The type of the values a codec reads and writes. */
export type ValueOf<C> = C extends Codec<infer T> ? T : never;

/** One field of a struct: its name (the specification's) and its codec. */
export type Field = readonly [name: string, codec: Codec<unknown>];

/** A struct's fields, in order. */
export type FieldList = readonly Field[];

/** An intersection of object types, as one object type (for readable inferred types). */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The object type of a field list: a field whose codec can yield `undefined` (an `optional`) is an
 * optional key, every other field a required one.
 */
export type FieldsValue<F extends FieldList> = Simplify<
  {
    readonly [E in F[number] as undefined extends ValueOf<E[1]> ? never : E[0]]: ValueOf<E[1]>;
  } & {
    readonly [E in F[number] as undefined extends ValueOf<E[1]> ? E[0] : never]?: Exclude<
      ValueOf<E[1]>,
      undefined
    >;
  }
>;

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

/** Writers check the runtime type too: values can come from untyped JavaScript. */
function expectType(ok: boolean, what: string, v: unknown): void {
  if (!ok) throw new CodecError(`expected ${what}, got ${describeJson(v)}`);
}

function uintCodec(bits: 8 | 16 | 32): Codec<number> {
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

/** `uint8` (JSON: a number). */
export const uint8: Codec<number> = uintCodec(8);
/** `uint16` (JSON: a number). */
export const uint16: Codec<number> = uintCodec(16);
/** `uint32` (JSON: a number). */
export const uint32: Codec<number> = uintCodec(32);

/** `uint64` (JSON: a decimal string; a safe integer number is also accepted). */
export const uint64: Codec<bigint> = {
  name: "uint64",
  shape: { kind: "uint", bits: 64 },
  read: (r) => r.uint64(),
  write: (w, v) => {
    expectType(typeof v === "bigint", "a bigint", v);
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

/**
 * `bool`, the enum `false(0), true(1)` (JSON: a boolean). Any other octet is a `CodecError`
 * carrying `rule`, the requirement ID of the profile that reads it.
 */
export function bool(rule?: string): Codec<boolean> {
  return {
    name: "bool",
    shape: { kind: "bool" },
    read: (r) => {
      const v = r.uint8();
      if (v > 1) r.fail(`invalid bool ${v} (must be 0 or 1)`, rule);
      return v === 1;
    },
    write: (w, v) => {
      expectType(typeof v === "boolean", "a boolean", v);
      w.uint8(v ? 1 : 0);
    },
    toJson: (v) => v,
    fromJson: (j, path) => {
      if (typeof j !== "boolean") jsonFail(`expected true or false, got ${describeJson(j)}`, path);
      return j;
    },
  };
}

function hexFromJson(j: unknown, path: string): Uint8Array {
  if (typeof j !== "string") jsonFail(`expected lowercase hex, got ${describeJson(j)}`, path);
  try {
    return fromHex(j);
  } catch (e) {
    if (e instanceof CodecError) throw new CodecError(`expected hex: ${e.what}`, { path });
    throw e;
  }
}

/** `opaque x<V>`: a RFC 9420 varint length, then the bytes (JSON: hex). */
export const opaque: Codec<Uint8Array> = {
  name: "opaque<V>",
  shape: { kind: "opaque" },
  read: (r) => r.opaque(),
  write: (w, v) => {
    expectType(v instanceof Uint8Array, "bytes", v);
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
      expectType(v instanceof Uint8Array, "bytes", v);
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
    expectType(typeof v === "string", "a string", v);
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

/** Options of {@link enumeration} and {@link enumCodes}. */
export interface EnumOptions {
  /** Width of the code point (default 8). */
  readonly bits?: 8 | 16;
  /** Reject code points outside the names (reading, writing and JSON). Default: open. */
  readonly closed?: boolean;
  /** The requirement ID a value outside a closed enum breaks. */
  readonly rule?: string;
  /** Extra names accepted in JSON input (spelling variants); never produced. */
  readonly aliases?: Readonly<Record<string, number>>;
}

interface EnumParts {
  readonly byValue: ReadonlyMap<number, string>;
  readonly base: Codec<number>;
  readonly bits: 8 | 16;
  readonly closed: boolean;
}

function enumParts(names: Readonly<Record<string, number>>, options: EnumOptions): EnumParts {
  const byValue = new Map<number, string>();
  for (const [k, v] of Object.entries(names)) if (!byValue.has(v)) byValue.set(v, k);
  const bits = options.bits ?? 8;
  return { byValue, base: bits === 8 ? uint8 : uint16, bits, closed: options.closed === true };
}

function readCode(p: EnumParts, options: EnumOptions, r: TlsReader, s: Uint8Array): number {
  const v = p.base.read(r, s);
  if (p.closed && !p.byValue.has(v)) r.fail(`unknown enum value ${v}`, options.rule);
  return v;
}

function codeFromJson(
  name: string,
  names: Readonly<Record<string, number>>,
  p: EnumParts,
  options: EnumOptions,
  j: unknown,
  path: string,
): number {
  if (typeof j === "string") {
    const v = Object.hasOwn(names, j) ? names[j] : options.aliases?.[j];
    if (v === undefined) jsonFail(`unknown ${name} ${JSON.stringify(j)}`, path);
    return v;
  }
  const v = p.base.fromJson(j, path);
  if (p.closed && !p.byValue.has(v))
    throw new CodecError(
      `unknown enum value ${v}`,
      options.rule === undefined ? { path } : { path, rule: options.rule },
    );
  return v;
}

function checkWritable(name: string, p: EnumParts, options: EnumOptions, v: number): void {
  if (p.closed && !p.byValue.has(v))
    throw new CodecError(
      `unknown ${name} value ${v}`,
      options.rule === undefined ? {} : { rule: options.rule },
    );
}

/** The values of a name-valued enum: a name, or (when open) an unnamed code point. */
export type EnumValue<N extends string, O extends EnumOptions> = O extends { readonly closed: true }
  ? N
  : N | number;

/**
 * A TLS enum whose values are the specification's names; code points it does not name are kept as
 * numbers unless the enum is closed (style rule 10: an unknown status still decodes where no select
 * depends on it). JSON: the name, or the number.
 */
export function enumeration<N extends string, const O extends EnumOptions = EnumOptions>(
  name: string,
  names: Readonly<Record<N, number>>,
  options?: O,
): Codec<EnumValue<N, O>> {
  const opts: EnumOptions = options ?? {};
  const all: Readonly<Record<string, number>> = names;
  const p = enumParts(all, opts);
  const toValue = (v: number): EnumValue<N, O> => (p.byValue.get(v) ?? v) as EnumValue<N, O>;
  return {
    name,
    shape: { kind: "enum", bits: p.bits, names: all, closed: p.closed, values: "names" },
    read: (r, s) => toValue(readCode(p, opts, r, s)),
    write: (w, v) => {
      const given: string | number = v;
      let code: number;
      if (typeof given === "number") code = given;
      else {
        const n = Object.hasOwn(all, given) ? all[given] : undefined;
        if (n === undefined) throw new CodecError(`unknown ${name} name ${JSON.stringify(given)}`);
        code = n;
      }
      checkWritable(name, p, opts, code);
      p.base.write(w, code);
    },
    toJson: (v) => v,
    fromJson: (j, path) => toValue(codeFromJson(name, all, p, opts, j, path)),
  };
}

/**
 * A TLS enum whose values are its code points (numbers); JSON uses the names where known and
 * accepts names, aliases or numbers.
 */
export function enumCodes<
  const M extends Readonly<Record<string, number>>,
  const O extends EnumOptions = EnumOptions,
>(name: string, names: M, options?: O): Codec<EnumCode<M, O>> {
  const opts: EnumOptions = options ?? {};
  return retypeCodes(codesCodec(name, names, opts));
}

function codesCodec(
  name: string,
  names: Readonly<Record<string, number>>,
  options: EnumOptions,
): Codec<number> {
  const p = enumParts(names, options);
  return {
    name,
    shape: { kind: "enum", bits: p.bits, names, closed: p.closed, values: "codes" },
    read: (r, s) => readCode(p, options, r, s),
    write: (w, v) => {
      checkWritable(name, p, options, v);
      p.base.write(w, v);
    },
    toJson: (v) => p.byValue.get(v) ?? v,
    fromJson: (j, path) => codeFromJson(name, names, p, options, j, path),
  };
}

/** The values of a code-valued enum: its code points when closed, any number when open. */
export type EnumCode<M extends Readonly<Record<string, number>>, O extends EnumOptions> = O extends {
  readonly closed: true;
}
  ? M[keyof M]
  : number;

/** The codec reads only the code points the enum names when it is closed (checked above). */
function retypeCodes<T extends number>(codec: Codec<number>): Codec<T> {
  return codec as Codec<T>;
}

/** The numeric code point of an enum value (a name or an unknown number). */
export function enumValue<N extends string>(names: Readonly<Record<N, number>>, v: N | number): number {
  return typeof v === "number" ? v : names[v];
}

/** `T x<V>`: a varint byte length, then the items (JSON: an array). */
export function vector<T>(item: Codec<T>): Codec<readonly T[]> {
  return {
    name: `${item.name}<V>`,
    shape: { kind: "vector", item },
    read: (r, s) => r.vector((sub) => item.read(sub, s)),
    write: (w, v) => {
      expectType(Array.isArray(v), "an array", v);
      w.lengthPrefixed((x) => {
        v.forEach((e, i) => {
          withPath(i, () => item.write(x, e));
        });
      });
    },
    toJson: (v) => v.map((e) => item.toJson(e)),
    fromJson: (j, path) => {
      if (!Array.isArray(j)) jsonFail(`expected an array, got ${describeJson(j)}`, path);
      return j.map((e, i) => item.fromJson(e, childPath(path, i)));
    },
  };
}

/** Options of {@link optional}. */
export interface OptionalOptions {
  /**
   * When true, an absent value is an omitted key in the enclosing struct's JSON; otherwise it is
   * `null`. Both are accepted on input.
   */
  readonly omitWhenAbsent?: boolean;
}

/** `optional<T>`: a presence octet (0 or 1), then T when present (JSON: see {@link OptionalOptions}). */
export function optional<T>(item: Codec<T>, options: OptionalOptions = {}): Codec<T | undefined> {
  return {
    name: `optional<${item.name}>`,
    shape:
      options.omitWhenAbsent === true
        ? { kind: "optional", item, omitWhenAbsent: true }
        : { kind: "optional", item },
    read: (r, s) => r.optional((x) => item.read(x, s)),
    write: (w, v) => {
      w.optional(v, (x, e) => item.write(x, e));
    },
    toJson: (v) => (v === undefined ? null : item.toJson(v)),
    fromJson: (j, path) => (j === null || j === undefined ? undefined : item.fromJson(j, path)),
  };
}

/** Run `write`; a `CodecError` without a path gets `key` prepended to its path. */
function withPath(key: string | number, write: () => void): void {
  try {
    write();
  } catch (e) {
    if (e instanceof CodecError) {
      const path = e.path === "/" ? childPath("/", key) : `${childPath("/", key)}${e.path}`;
      throw new CodecError(
        e.what,
        e.rule === undefined ? { path, cause: e } : { path, rule: e.rule, cause: e },
      );
    }
    throw e;
  }
}

type Obj = Record<string, unknown>;

function isOptional(codec: Codec<unknown>): boolean {
  return codec.shape.kind === "optional";
}

function readFields(fields: FieldList, r: TlsReader, s: Uint8Array, out: Obj): void {
  for (const [name, codec] of fields) {
    const v = r.field(name, () => codec.read(r, s));
    if (v !== undefined) out[name] = v;
  }
}

function writeFields(fields: FieldList, w: TlsWriter, v: Obj): void {
  for (const [name, codec] of fields) {
    const x = v[name];
    if (x === undefined && !isOptional(codec))
      throw new CodecError(`missing field ${name}`, { path: childPath("/", name) });
    withPath(name, () => codec.write(w, x));
  }
}

function fieldsToJson(fields: FieldList, v: Obj, out: Record<string, Json>): void {
  for (const [name, codec] of fields) {
    const x = v[name];
    if (x === undefined && codec.shape.kind === "optional" && codec.shape.omitWhenAbsent === true) continue;
    out[name] = codec.toJson(x);
  }
}

function fieldsFromJson(fields: FieldList, j: Obj, path: string, out: Obj): void {
  for (const [name, codec] of fields) {
    const p = childPath(path, name);
    if (!Object.hasOwn(j, name) && !isOptional(codec)) jsonFail(`missing field ${name}`, p);
    const v = codec.fromJson(j[name], p);
    if (v !== undefined) out[name] = v;
  }
}

function asObject(j: unknown, path: string): Obj {
  if (j === null || typeof j !== "object" || Array.isArray(j))
    jsonFail(`expected an object, got ${describeJson(j)}`, path);
  const o: Obj = {};
  for (const [k, v] of Object.entries(j)) o[k] = v;
  return o;
}

function asFields(v: unknown): Obj {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new CodecError(`expected an object, got ${describeJson(v)}`);
  const o: Obj = {};
  for (const [k, x] of Object.entries(v)) o[k] = x;
  return o;
}

function rejectExtraKeys(j: Obj, known: ReadonlySet<string>, path: string): void {
  for (const k of Object.keys(j)) if (!known.has(k)) jsonFail(`unknown field ${k}`, childPath(path, k));
}

/** Name a field list (so it can be reused and spread) with its precise tuple type. */
export function fields<const F extends FieldList>(list: F): F {
  return list;
}

/**
 * A struct: its fields in order. The value is an object with the fields' names; fields whose codec
 * is an {@link optional} are optional keys, absent when the value is absent.
 */
export function struct<const F extends FieldList>(name: string, list: F): Codec<FieldsValue<F>> {
  const known = new Set(list.map(([n]) => n));
  const codec: Codec<Obj> = {
    name,
    shape: { kind: "struct", fields: list },
    read: (r, s) => {
      const out: Obj = {};
      readFields(list, r, s, out);
      return out;
    },
    write: (w, v) => writeFields(list, w, asFields(v)),
    toJson: (v) => {
      const out: Record<string, Json> = {};
      fieldsToJson(list, asFields(v), out);
      return out;
    },
    fromJson: (j, path) => {
      const o = asObject(j, path);
      rejectExtraKeys(o, known, path);
      const out: Obj = {};
      fieldsFromJson(list, o, path, out);
      return out;
    },
  };
  return retype(codec);
}

/**
 * The engine builds values as plain records; their static type is the one the schema describes
 * (the field list or select arms a combinator was given). This is the engine's single point where
 * that correspondence is asserted.
 */
function retype<T>(codec: Codec<Obj>): Codec<T> {
  return codec as unknown as Codec<T>;
}

/** What tools see of a select (see {@link select}, {@link selectBy}). */
export interface SelectShape {
  readonly head: FieldList;
  /** The arm key for a value (from its head fields); `undefined` means "no arm exists". */
  readonly tag: (head: Readonly<Record<string, unknown>>) => string | undefined;
  readonly arms: Readonly<Record<string, FieldList>>;
  /** Fields for tags without an arm; when absent, such tags are a `CodecError`. */
  readonly otherwise?: FieldList;
  readonly tail: FieldList;
}

/** Options shared by {@link select} and {@link selectBy}. */
export interface SelectOptions<H extends FieldList, A extends Readonly<Record<string, FieldList>>> {
  /** The fields before the select. */
  readonly head: H;
  /** The arms, by tag. */
  readonly arms: A;
  /** What to say when no arm exists (e.g. `unsupported protocol`); the tag follows after `: `. */
  readonly noArm?: string;
  /** The requirement ID a missing arm breaks, if any. */
  readonly noArmRule?: string;
}

/** The tag values an arm key stands for: the name itself, or the code point it spells. */
export type ArmKey<K> = K extends number ? K : K extends `${infer N extends number}` ? N | K : K;

/** The discriminant's type in the arm `K`: the enum name `K`, or the code point `K`. */
export type ArmTag<V, K> = Extract<V, ArmKey<K>> | (number extends V ? Extract<ArmKey<K>, number> : never);

/** The value of a {@link select} on the head field `On`. */
export type SelectOnValue<
  H extends FieldList,
  On extends keyof FieldsValue<H>,
  A extends Readonly<Record<string, FieldList>>,
  O extends FieldList | undefined,
  T extends FieldList,
> =
  | {
      [K in keyof A]: Simplify<
        Omit<FieldsValue<H>, On> & {
          readonly [P in On]: ArmTag<FieldsValue<H>[On], K>;
        } & FieldsValue<A[K]> &
          FieldsValue<T>
      >;
    }[keyof A]
  | (O extends FieldList
      ? Simplify<
          Omit<FieldsValue<H>, On> & {
            readonly [P in On]: Exclude<FieldsValue<H>[On], ArmKey<keyof A>>;
          } & FieldsValue<O> &
            FieldsValue<T>
        >
      : never);

/** The value of a {@link selectBy}: the head, one arm's fields, the tail. */
export type SelectByValue<
  H extends FieldList,
  A extends Readonly<Record<string, FieldList>>,
  O extends FieldList | undefined,
  T extends FieldList,
> =
  | { [K in keyof A]: Simplify<FieldsValue<H> & FieldsValue<A[K]> & FieldsValue<T>> }[keyof A]
  | (O extends FieldList ? Simplify<FieldsValue<H> & FieldsValue<O> & FieldsValue<T>> : never);

/**
 * A struct with a `select` on one of its enum fields: fields `head`, then the fields of the arm
 * named by the value of the head field `on`, then `tail`. The arms' fields are flattened into the
 * same object, whose type is a union discriminated by `on`. A value with no arm is an error unless
 * `otherwise` names the fields to use (often none: the enum's other values have an empty arm).
 * Arms are keyed by the enum's names (or by code points, for {@link enumCodes}).
 */
export function select<
  const H extends FieldList,
  const On extends keyof FieldsValue<H> & string,
  const A extends Readonly<Record<string, FieldList>>,
  const O extends FieldList | undefined = undefined,
  const T extends FieldList = readonly [],
>(
  name: string,
  spec: SelectOptions<H, A> & { readonly on: On; readonly otherwise?: O; readonly tail?: T },
): Codec<SelectOnValue<H, On, A, O, T>> {
  const on: string = spec.on;
  return retype(
    selectCodec(name, spec, (head) => {
      const v = head[on];
      return typeof v === "number" ? String(v) : typeof v === "string" ? v : undefined;
    }),
  );
}

/**
 * A struct with a `select` whose arm `tag` computes from the head fields (for a select on
 * something other than one enum field, e.g. the content type of an embedded MLS message). See
 * {@link select}.
 */
export function selectBy<
  const H extends FieldList,
  const A extends Readonly<Record<string, FieldList>>,
  const O extends FieldList | undefined = undefined,
  const T extends FieldList = readonly [],
>(
  name: string,
  spec: SelectOptions<H, A> & {
    readonly tag: (head: FieldsValue<H>) => (keyof A & string) | string | undefined;
    readonly otherwise?: O;
    readonly tail?: T;
  },
): Codec<SelectByValue<H, A, O, T>> {
  const tag = spec.tag as (head: Readonly<Record<string, unknown>>) => string | undefined;
  return retype(selectCodec(name, spec, tag));
}

function selectCodec(
  name: string,
  spec: {
    readonly head: FieldList;
    readonly arms: Readonly<Record<string, FieldList>>;
    readonly otherwise?: FieldList | undefined;
    readonly tail?: FieldList;
    readonly noArm?: string;
    readonly noArmRule?: string;
  },
  tag: (head: Readonly<Record<string, unknown>>) => string | undefined,
): Codec<Obj> {
  const tail = spec.tail ?? [];
  const shape: SelectShape =
    spec.otherwise === undefined
      ? { head: spec.head, tag, arms: spec.arms, tail }
      : { head: spec.head, tag, arms: spec.arms, otherwise: spec.otherwise, tail };
  const fixedNames = new Set<string>([...spec.head.map(([n]) => n), ...tail.map(([n]) => n)]);
  const allNames = new Set<string>([
    ...fixedNames,
    ...Object.values(spec.arms).flatMap((a) => a.map(([n]) => n)),
    ...(spec.otherwise ?? []).map(([n]) => n),
  ]);
  const armFor = (v: Obj, path: string): FieldList => {
    const key = tag(v);
    const arm = key === undefined || !Object.hasOwn(spec.arms, key) ? undefined : spec.arms[key];
    if (arm !== undefined) return arm;
    if (spec.otherwise !== undefined) return spec.otherwise;
    const what = `${spec.noArm ?? `no select arm in ${name}`}: ${String(key)}`;
    throw new CodecError(what, spec.noArmRule === undefined ? { path } : { path, rule: spec.noArmRule });
  };
  return {
    name,
    shape: { kind: "select", select: shape },
    read: (r, s) => {
      const out: Obj = {};
      readFields(spec.head, r, s, out);
      readFields(armFor(out, r.currentPath), r, s, out);
      readFields(tail, r, s, out);
      return out;
    },
    write: (w, v) => {
      const o = asFields(v);
      writeFields(spec.head, w, o);
      writeFields(armFor(o, "/"), w, o);
      writeFields(tail, w, o);
    },
    toJson: (v) => {
      const o = asFields(v);
      const out: Record<string, Json> = {};
      fieldsToJson(spec.head, o, out);
      fieldsToJson(armFor(o, "/"), o, out);
      fieldsToJson(tail, o, out);
      return out;
    },
    fromJson: (j, path) => {
      const o = asObject(j, path);
      rejectExtraKeys(o, allNames, path);
      const out: Obj = {};
      fieldsFromJson(spec.head, o, path, out);
      const arm = armFor(out, path);
      const armNames = new Set(arm.map(([n]) => n));
      for (const k of Object.keys(o))
        if (!fixedNames.has(k) && !armNames.has(k))
          jsonFail(`field ${k} does not belong to this select arm`, childPath(path, k));
      fieldsFromJson(arm, o, path, out);
      fieldsFromJson(tail, o, path, out);
      return out;
    },
  };
}

/** Rename a codec (for a typedef such as `RoomId`). */
export function named<T>(name: string, codec: Codec<T>): Codec<T> {
  return { ...codec, name };
}

/**
 * A codec that also checks a rule on every value it reads, writes or takes from JSON. `check`
 * receives the value and the path of the value (for reads, the reader's path) and throws the
 * error of the rule it enforces.
 */
export function refine<T>(codec: Codec<T>, check: (value: T, path: string) => void): Codec<T> {
  return {
    ...codec,
    read: (r, s) => {
      const at = r.currentPath;
      const v = codec.read(r, s);
      check(v, at);
      return v;
    },
    write: (w, v) => {
      check(v, "/");
      codec.write(w, v);
    },
    fromJson: (j, path) => {
      const v = codec.fromJson(j, path);
      check(v, path);
      return v;
    },
  };
}
