/**
 * A stable JSON form of MIMI content, used by the `mimi content` command line (decision 0204).
 *
 * - byte strings are lowercase hex strings; `size` above 2^53−1 is a decimal string;
 * - `mimiExtensions` is a list of `{ "key": int | text, "value": CborJson }` in wire order;
 * - extension values (CDDL `any`) use {@link CborJson}: safe integers and text as themselves,
 *   `{"bigint":"<decimal>"}`, `{"bytes":"<hex>"}`, `{"float": number | "NaN" | "Infinity" |
 *   "-Infinity" | "-0"}`, `{"tag": n, "value": …}`, `{"map": [[key, value], …]}`, arrays, booleans
 *   and null.
 */
import { fromHex, toHex, ValidationError } from "@mimi/wire";
import type { CborKey, CborValue } from "./codec/cbor.js";
import type { ExtensionKey } from "./extensions.js";
import type { MimiContent } from "./mimi-content.js";
import type { NestedPart } from "./nested-part.js";
import type { PartSemantics } from "./registries.js";

/** JSON form of any CBOR value (see the module summary). */
export type CborJson =
  | number
  | string
  | boolean
  | null
  | readonly CborJson[]
  | { readonly bigint: string }
  | { readonly bytes: string }
  | { readonly float: number | string }
  | { readonly tag: number | string; readonly value: CborJson }
  | { readonly map: readonly (readonly [CborJson, CborJson])[] };

/** JSON form of a CBOR value. */
export function cborToJson(v: CborValue): CborJson {
  if (typeof v === "bigint") return { bigint: v.toString() };
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Uint8Array) return { bytes: toHex(v) };
  if (Array.isArray(v)) return v.map(cborToJson);
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [cborToJson(k), cborToJson(x)] as const) };
  if ("float" in v) {
    const f = v.float;
    return { float: Number.isFinite(f) ? (Object.is(f, -0) ? "-0" : f) : String(f) };
  }
  const t = v as { tag: number | bigint; value: CborValue };
  return { tag: typeof t.tag === "bigint" ? t.tag.toString() : t.tag, value: cborToJson(t.value) };
}

/**
 * A CBOR value from its JSON form.
 *
 * @throws ValidationError naming the path of a value that is not in the JSON form.
 */
export function cborFromJson(j: unknown, path = "/"): CborValue {
  const bad = (what: string): never => {
    // [CONTENT-JSON-01] draft-ietf-mimi-content-08 §4 (our decision 0204): the JSON form of content is exactly the documented shape.
    throw new ValidationError(what, { path, rule: "CONTENT-JSON-01" });
  };
  if (j === null || typeof j === "boolean" || typeof j === "string") return j;
  if (typeof j === "number") return Number.isSafeInteger(j) ? j : bad("number is not a safe integer");
  if (Array.isArray(j)) return j.map((x, i) => cborFromJson(x, `${path}/${i}`));
  if (typeof j !== "object") return bad("not a JSON value");
  const o = j as Record<string, unknown>;
  if (typeof o["bigint"] === "string") return BigInt(o["bigint"]);
  if (typeof o["bytes"] === "string") return fromHex(o["bytes"]);
  if ("float" in o) {
    const f = o["float"];
    if (typeof f === "number") return { float: f };
    const map: Record<string, number> = {
      NaN: Number.NaN,
      Infinity: Infinity,
      "-Infinity": -Infinity,
      "-0": -0,
    };
    return typeof f === "string" && f in map ? { float: map[f]! } : bad("bad float");
  }
  if ("tag" in o) {
    const t = o["tag"];
    const tag = typeof t === "number" ? t : typeof t === "string" ? BigInt(t) : bad("bad tag");
    return { tag, value: cborFromJson(o["value"], `${path}/value`) };
  }
  if (Array.isArray(o["map"])) {
    const m = new Map<CborKey, CborValue>();
    (o["map"] as unknown[]).forEach((e, i) => {
      if (!Array.isArray(e) || e.length !== 2) bad("map entry is not [key, value]");
      const entry = e as unknown[];
      m.set(
        cborFromJson(entry[0], `${path}/map/${i}/0`) as CborKey,
        cborFromJson(entry[1], `${path}/map/${i}/1`),
      );
    });
    return m;
  }
  return bad("unknown JSON form");
}

/** JSON form of a NestedPart. */
function partToJson(p: NestedPart): Record<string, unknown> {
  const head = { disposition: p.disposition, language: p.language, cardinality: p.cardinality };
  switch (p.cardinality) {
    case 0:
      return head;
    case 1:
      return { ...head, contentType: p.contentType, content: toHex(p.content) };
    case 2:
      return {
        ...head,
        contentType: p.contentType,
        url: p.url,
        expires: p.expires,
        size: typeof p.size === "bigint" ? p.size.toString() : p.size,
        encAlg: p.encAlg,
        key: toHex(p.key),
        nonce: toHex(p.nonce),
        aad: toHex(p.aad),
        hashAlg: p.hashAlg,
        contentHash: toHex(p.contentHash),
        description: p.description,
        filename: p.filename,
      };
    default:
      return { ...head, partSemantics: p.partSemantics, parts: p.parts.map(partToJson) };
  }
}

/** The JSON form of MIMI content (see the module summary). */
export function mimiContentToJson(c: MimiContent): Record<string, unknown> {
  return {
    salt: toHex(c.salt),
    replaces: c.replaces === null ? null : toHex(c.replaces),
    topicId: toHex(c.topicId),
    expires: c.expires === null ? null : { relative: c.expires.relative, time: c.expires.time },
    inReplyTo: c.inReplyTo === null ? null : toHex(c.inReplyTo),
    mimiExtensions: [...c.mimiExtensions].map(([key, value]) => ({ key, value: cborToJson(value) })),
    nestedPart: partToJson(c.nestedPart),
  };
}

function obj(j: unknown, path: string): Record<string, unknown> {
  if (typeof j !== "object" || j === null || Array.isArray(j)) {
    throw new ValidationError("expected a JSON object", { path, rule: "CONTENT-JSON-01" });
  }
  return j as Record<string, unknown>;
}

function hexOrNull(v: unknown, path: string): Uint8Array | null {
  if (v === null) return null;
  return hex(v, path);
}

function hex(v: unknown, path: string): Uint8Array {
  if (typeof v !== "string")
    throw new ValidationError("expected a hex string", { path, rule: "CONTENT-JSON-01" });
  try {
    return fromHex(v);
  } catch {
    throw new ValidationError("not hex", { path, rule: "CONTENT-JSON-01" });
  }
}

function partFromJson(j: unknown, path: string): NestedPart {
  const o = obj(j, path);
  const head = { disposition: o["disposition"] as number, language: o["language"] as string };
  switch (o["cardinality"]) {
    case 0:
      return { ...head, cardinality: 0 };
    case 1:
      return {
        ...head,
        cardinality: 1,
        contentType: o["contentType"] as string,
        content: hex(o["content"], `${path}/content`),
      };
    case 2: {
      const size = o["size"];
      return {
        ...head,
        cardinality: 2,
        contentType: o["contentType"] as string,
        url: o["url"] as string,
        expires: o["expires"] as number,
        size: typeof size === "string" ? BigInt(size) : (size as number),
        encAlg: o["encAlg"] as number,
        key: hex(o["key"], `${path}/key`),
        nonce: hex(o["nonce"], `${path}/nonce`),
        aad: hex(o["aad"], `${path}/aad`),
        hashAlg: o["hashAlg"] as number,
        contentHash: hex(o["contentHash"], `${path}/contentHash`),
        description: o["description"] as string,
        filename: o["filename"] as string,
      };
    }
    case 3: {
      const parts = o["parts"];
      if (!Array.isArray(parts))
        throw new ValidationError("parts is not an array", {
          path: `${path}/parts`,
          rule: "CONTENT-PART-05",
        });
      return {
        ...head,
        cardinality: 3,
        partSemantics: o["partSemantics"] as PartSemantics,
        parts: parts.map((p, i) => partFromJson(p, `${path}/parts/${i}`)),
      };
    }
    default:
      throw new ValidationError("cardinality is not 0..3", {
        path: `${path}/cardinality`,
        rule: "CONTENT-PART-08",
      });
  }
}

/**
 * MIMI content from its JSON form. Field values are checked by `encodeMimiContent`.
 *
 * @throws ValidationError naming the path of a malformed field.
 */
export function mimiContentFromJson(j: unknown): MimiContent {
  const o = obj(j, "/");
  const exp = o["expires"];
  const ext = o["mimiExtensions"];
  if (!Array.isArray(ext)) {
    throw new ValidationError("mimiExtensions is not a list", {
      path: "/mimiExtensions",
      rule: "CONTENT-JSON-01",
    });
  }
  const mimiExtensions = new Map<ExtensionKey, CborValue>();
  ext.forEach((e, i) => {
    const entry = obj(e, `/mimiExtensions/${i}`);
    const key = entry["key"];
    if (typeof key !== "number" && typeof key !== "string") {
      throw new ValidationError("key is not int or text", {
        path: `/mimiExtensions/${i}/key`,
        rule: "CONTENT-EXT-02",
      });
    }
    if (mimiExtensions.has(key)) {
      throw new ValidationError("duplicate extension key", {
        path: `/mimiExtensions/${i}/key`,
        rule: "CONTENT-EXT-01",
      });
    }
    mimiExtensions.set(key, cborFromJson(entry["value"], `/mimiExtensions/${i}/value`));
  });
  const e = exp === null ? null : obj(exp, "/expires");
  return {
    salt: hex(o["salt"], "/salt"),
    replaces: hexOrNull(o["replaces"], "/replaces"),
    topicId: hex(o["topicId"], "/topicId"),
    expires: e === null ? null : { relative: e["relative"] as boolean, time: e["time"] as number },
    inReplyTo: hexOrNull(o["inReplyTo"], "/inReplyTo"),
    mimiExtensions,
    nestedPart: partFromJson(o["nestedPart"], "/nestedPart"),
  };
}
