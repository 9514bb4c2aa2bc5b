/**
 * A small declarative description of the TLS presentation language structures of
 * draft-ietf-mimi-room-policy-03 (Appendix "Complete TLS Presentation Language Syntax"), from which
 * one generic engine derives the strict binary codec (on `@mimi/wire`'s `TlsReader`/`TlsWriter`)
 * and the JSON form used by the command line. Each structure's own module exports the typed
 * `encodeX`/`decodeX` pair built on it.
 *
 * Value model: integers up to 32 bits are `number`, `uint64` is `bigint`, `bool` is `boolean`,
 * opaque bytes are `Uint8Array`, text (an `opaque<V>` that carries UTF-8) is `string`, enums are
 * their `number`, vectors are arrays, `optional<T>` is `T | undefined` (the key is then omitted),
 * a `select` flattens the fields of the selected case into the enclosing struct.
 */
import {
  CodecError,
  childPath,
  decodeTls,
  encodeTls,
  fromHex,
  fromUtf8,
  type TlsReader,
  type TlsWriter,
  toHex,
  utf8,
} from "@mimi/wire";

/** A field of a struct, or a `select` over an earlier enum field. */
export type FieldSchema =
  | { readonly name: string; readonly type: Schema }
  | {
      readonly select: string;
      readonly cases: Readonly<Record<number, readonly FieldSchema[]>>;
    };

/** The shape of a TLS type. */
export type Schema =
  | { readonly kind: "uint8" | "uint16" | "uint32" | "uint64" | "bool" | "opaque" | "text" }
  | {
      readonly kind: "enum";
      readonly width: 8 | 16;
      /** Names of the known values, for the JSON form. */
      readonly names: Readonly<Record<string, number>>;
      /** When set, a value outside `names` is a decoding error (the enum is closed). */
      readonly closed: boolean;
      /** Extra names accepted in JSON input (spelling variants). */
      readonly aliases?: Readonly<Record<string, number>>;
    }
  | { readonly kind: "vector"; readonly item: Schema }
  | { readonly kind: "optional"; readonly item: Schema }
  | { readonly kind: "struct"; readonly name: string; readonly fields: readonly FieldSchema[] };

/** A struct schema. */
export type StructSchema = Extract<Schema, { kind: "struct" }>;

/** Shorthands used by the structure modules. */
export const t: {
  readonly uint8: Schema;
  readonly uint16: Schema;
  readonly uint32: Schema;
  readonly uint64: Schema;
  readonly bool: Schema;
  readonly opaque: Schema;
  readonly text: Schema;
  vector(item: Schema): Schema;
  optional(item: Schema): Schema;
  struct(name: string, fields: readonly FieldSchema[]): StructSchema;
  enum8(names: Readonly<Record<string, number>>, closed: boolean): Schema;
  enum16(
    names: Readonly<Record<string, number>>,
    closed: boolean,
    aliases?: Readonly<Record<string, number>>,
  ): Schema;
} = {
  uint8: { kind: "uint8" },
  uint16: { kind: "uint16" },
  uint32: { kind: "uint32" },
  uint64: { kind: "uint64" },
  bool: { kind: "bool" },
  opaque: { kind: "opaque" },
  text: { kind: "text" },
  vector: (item) => ({ kind: "vector", item }),
  optional: (item) => ({ kind: "optional", item }),
  struct: (name, fields) => ({ kind: "struct", name, fields }),
  enum8: (names, closed) => ({ kind: "enum", width: 8, names, closed }),
  enum16: (names, closed, aliases) =>
    aliases === undefined
      ? { kind: "enum", width: 16, names, closed }
      : { kind: "enum", width: 16, names, closed, aliases },
};

type Rec = Record<string, unknown>;

function enumName(s: Extract<Schema, { kind: "enum" }>, v: number): string | undefined {
  for (const [k, n] of Object.entries(s.names)) if (n === v) return k;
  return undefined;
}

/** Read a value of `schema`. Throws only `CodecError`. */
function readSchema(r: TlsReader, schema: Schema): unknown {
  switch (schema.kind) {
    case "uint8":
      return r.uint8();
    case "uint16":
      return r.uint16();
    case "uint32":
      return r.uint32();
    case "uint64":
      return r.uint64();
    case "bool": {
      const v = r.uint8();
      // [POLICY-CODEC-01] draft-ietf-mimi-room-policy-03 §3: `bool` is the enum false(0), true(1); any other value is invalid.
      if (v > 1) r.fail(`invalid bool ${v} (must be 0 or 1)`, "POLICY-CODEC-01");
      return v === 1;
    }
    case "opaque":
      return r.opaque();
    case "text":
      return fromUtf8(r.opaque(), r.currentPath);
    case "enum": {
      const v = schema.width === 8 ? r.uint8() : r.uint16();
      // [POLICY-CODEC-02] draft-ietf-mimi-room-policy-03 §3: a closed enum value outside its definition is invalid.
      if (schema.closed && enumName(schema, v) === undefined)
        r.fail(`unknown enum value ${v}`, "POLICY-CODEC-02");
      return v;
    }
    case "vector":
      return r.vector((x) => readSchema(x, schema.item));
    case "optional":
      return r.optional((x) => readSchema(x, schema.item));
    case "struct": {
      const out: Rec = {};
      readFields(r, schema.fields, out);
      return out;
    }
  }
}

function readFields(r: TlsReader, fields: readonly FieldSchema[], out: Rec): void {
  for (const f of fields) {
    if ("select" in f) {
      const tag = out[f.select] as number;
      const chosen = f.cases[tag];
      if (chosen === undefined)
        r.field(f.select, () => r.fail(`no case for ${f.select} = ${tag}`, "POLICY-CODEC-02"));
      readFields(r, chosen ?? [], out);
      continue;
    }
    const v = r.field(f.name, () => readSchema(r, f.type));
    if (v !== undefined) out[f.name] = v;
  }
}

/** Write `value` as `schema`. Throws `CodecError` when the value does not fit. */
function writeSchema(
  w: TlsWriter,
  schema: Schema,
  value: unknown,
  path: string | (() => string) = "/",
): void {
  const fail = (what: string): CodecError =>
    new CodecError(what, { path: typeof path === "string" ? path : path() });
  const bad = (what: string): never => {
    throw fail(what);
  };
  switch (schema.kind) {
    case "uint8":
    case "uint16":
    case "uint32":
      if (typeof value !== "number") bad(`expected a number for ${schema.kind}`);
      try {
        w[schema.kind](value as number);
      } catch (e) {
        if (e instanceof CodecError) bad(e.what);
        throw e;
      }
      return;
    case "uint64":
      if (typeof value !== "bigint" && typeof value !== "number") bad("expected a bigint for uint64");
      try {
        w.uint64(value as bigint | number);
      } catch (e) {
        if (e instanceof CodecError) bad(e.what);
        throw e;
      }
      return;
    case "bool":
      if (typeof value !== "boolean") bad("expected a boolean");
      w.uint8(value === true ? 1 : 0);
      return;
    case "opaque":
      if (!(value instanceof Uint8Array)) bad("expected bytes");
      w.opaque(value as Uint8Array);
      return;
    case "text":
      if (typeof value !== "string") bad("expected a string");
      w.opaque(utf8(value as string));
      return;
    case "enum": {
      if (typeof value !== "number" || !Number.isInteger(value)) throw fail("expected an enum value");
      if (schema.closed && enumName(schema, value) === undefined) bad(`unknown enum value ${value}`);
      if (schema.width === 8) {
        if (value < 0 || value > 0xff) bad(`enum value out of range: ${value}`);
        w.uint8(value);
      } else {
        if (value < 0 || value > 0xffff) bad(`enum value out of range: ${value}`);
        w.uint16(value);
      }
      return;
    }
    case "vector": {
      if (!Array.isArray(value)) throw fail("expected an array");
      const items = value as unknown[];
      w.lengthPrefixed((x) => {
        items.forEach((item, i) => {
          writeSchema(x, schema.item, item, () => childPath(resolve(path), i));
        });
      });
      return;
    }
    case "optional":
      w.optional(value, (x, v) => writeSchema(x, schema.item, v, path));
      return;
    case "struct":
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw fail(`expected ${schema.name}`);
      writeFields(w, schema.fields, value as Rec, path);
      return;
  }
}

function resolve(path: string | (() => string)): string {
  return typeof path === "string" ? path : path();
}

function writeFields(
  w: TlsWriter,
  fields: readonly FieldSchema[],
  value: Rec,
  path: string | (() => string),
): void {
  for (const f of fields) {
    if ("select" in f) {
      const chosen = f.cases[value[f.select] as number];
      if (chosen === undefined)
        throw new CodecError(`no case for ${f.select}`, { path: childPath(resolve(path), f.select) });
      writeFields(w, chosen, value, path);
      continue;
    }
    const v = value[f.name];
    if (v === undefined && f.type.kind !== "optional") {
      throw new CodecError(`missing field ${f.name}`, { path: childPath(resolve(path), f.name) });
    }
    writeSchema(w, f.type, v, () => childPath(resolve(path), f.name));
  }
}

/**
 * The JSON form of a value: bytes as lowercase hex, `uint64` as a decimal string, enums by name
 * when known (else the number), absent optionals omitted.
 */
export function toJsonValue(schema: Schema, value: unknown): unknown {
  switch (schema.kind) {
    case "uint64":
      return String(value);
    case "opaque":
      return toHex(value as Uint8Array);
    case "enum":
      return enumName(schema, value as number) ?? value;
    case "vector":
      return (value as unknown[]).map((v) => toJsonValue(schema.item, v));
    case "optional":
      return value === undefined ? undefined : toJsonValue(schema.item, value);
    case "struct": {
      const out: Rec = {};
      const rec = value as Rec;
      const walk = (fields: readonly FieldSchema[]): void => {
        for (const f of fields) {
          if ("select" in f) walk(f.cases[rec[f.select] as number] ?? []);
          else if (rec[f.name] !== undefined) out[f.name] = toJsonValue(f.type, rec[f.name]);
        }
      };
      walk(schema.fields);
      return out;
    }
    default:
      return value;
  }
}

/**
 * Parse the JSON form of `schema` (see {@link toJsonValue}); enum names or numbers are accepted.
 * Unknown keys are rejected.
 *
 * @throws CodecError naming the JSON pointer of the offending value.
 */
export function fromJsonValue(schema: Schema, json: unknown, path = "/"): unknown {
  const bad = (what: string): never => {
    throw new CodecError(what, { path });
  };
  const uint = (max: number): number => {
    if (typeof json !== "number" || !Number.isInteger(json) || json < 0 || json > max) {
      return bad(`expected an integer in 0..${max}`);
    }
    return json;
  };
  switch (schema.kind) {
    case "uint8":
      return uint(0xff);
    case "uint16":
      return uint(0xffff);
    case "uint32":
      return uint(0xffffffff);
    case "uint64": {
      const s = typeof json === "number" && Number.isSafeInteger(json) ? String(json) : json;
      if (typeof s !== "string" || !/^(0|[1-9][0-9]*)$/.test(s))
        return bad("expected a decimal uint64 string");
      const v = BigInt(s);
      if (v > 0xffffffffffffffffn) bad("uint64 out of range");
      return v;
    }
    case "bool":
      if (typeof json !== "boolean") bad("expected true or false");
      return json;
    case "opaque":
      if (typeof json !== "string") return bad("expected a hex string");
      try {
        return fromHex(json);
      } catch (e) {
        return bad(e instanceof CodecError ? e.what : "bad hex");
      }
    case "text":
      if (typeof json !== "string") bad("expected a string");
      return json;
    case "enum": {
      if (typeof json === "string") {
        const v = schema.names[json] ?? schema.aliases?.[json];
        if (v === undefined) bad(`unknown name ${JSON.stringify(json)}`);
        return v;
      }
      const v = uint(schema.width === 8 ? 0xff : 0xffff);
      if (schema.closed && enumName(schema, v) === undefined) bad(`unknown enum value ${v}`);
      return v;
    }
    case "vector":
      if (!Array.isArray(json)) return bad("expected an array");
      return json.map((v, i) => fromJsonValue(schema.item, v, childPath(path, i)));
    case "optional":
      return json === undefined || json === null ? undefined : fromJsonValue(schema.item, json, path);
    case "struct": {
      if (typeof json !== "object" || json === null || Array.isArray(json))
        return bad(`expected a ${schema.name} object`);
      const src = json as Rec;
      const out: Rec = {};
      const seen = new Set<string>();
      const walk = (fields: readonly FieldSchema[]): void => {
        for (const f of fields) {
          if ("select" in f) {
            const chosen = f.cases[out[f.select] as number];
            if (chosen === undefined) bad(`no case for ${f.select}`);
            walk(chosen ?? []);
            continue;
          }
          seen.add(f.name);
          const at = childPath(path, f.name);
          if (!(f.name in src) && f.type.kind !== "optional")
            throw new CodecError(`missing field ${f.name}`, { path: at });
          const v = fromJsonValue(f.type, src[f.name], at);
          if (v !== undefined) out[f.name] = v;
        }
      };
      walk(schema.fields);
      for (const k of Object.keys(src)) {
        if (!seen.has(k)) throw new CodecError(`unknown field ${k}`, { path: childPath(path, k) });
      }
      return out;
    }
  }
}

/**
 * Encode `value` as the structure `schema`.
 *
 * @throws CodecError when the value does not fit the structure.
 */
export function encodeWithSchema(schema: Schema, value: unknown): Uint8Array {
  return encodeTls((w) => writeSchema(w, schema, value));
}

/**
 * Decode a whole byte string as `schema` (no trailing bytes).
 *
 * @throws CodecError naming the field path of the first problem.
 */
export function decodeWithSchema(schema: Schema, bytes: Uint8Array): unknown {
  return decodeTls(bytes, (r) => readSchema(r, schema));
}
