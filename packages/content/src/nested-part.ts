import { ValidationError } from "@mimi/wire";
import { type CborReader, tokenName } from "./codec/cbor.js";
import type { cardinalities, Disposition, PartSemantics } from "./registries.js";

/** Maximum NestedPart nesting (§6.3); the body is level 1. */
export const MAX_PART_DEPTH = 4;

/** Fields common to every NestedPart form. */
export interface NestedPartHeader {
  /** `baseDispos / $extDispos / unknownDispos`: 0..255, unknown values kept. */
  readonly disposition: Disposition;
  /** "" or a comma-separated list of RFC 5646 language tags. */
  readonly language: string;
}

/** `NullPart = ( cardinality: nullpart )` (§4.4). */
export interface NullPart extends NestedPartHeader {
  readonly cardinality: typeof cardinalities.nullpart;
}

/** `SinglePart = ( cardinality: single, contentType: tstr, content: bstr )` (§4.4). */
export interface SinglePart extends NestedPartHeader {
  readonly cardinality: typeof cardinalities.single;
  readonly contentType: string;
  readonly content: Uint8Array;
}

/**
 * draft-ietf-mimi-content-08 §4.4 / A.1:
 *
 * ```cddl
 * ExternalPart = (
 *     cardinality: external,
 *     contentType: tstr,
 *     url: tstr,
 *     expires: uint .size 4,
 *     size: uint .size 8,
 *     encAlg: uint .size 2,
 *     key: bstr,
 *     nonce: bstr,
 *     aad: bstr,
 *     hashAlg: uint .size 1,
 *     contentHash: bstr,
 *     description: tstr,
 *     filename: tstr
 * )
 * ```
 *
 * `size` is a `number` up to 2^53−1 and a `bigint` above.
 */
export interface ExternalPart extends NestedPartHeader {
  readonly cardinality: typeof cardinalities.external;
  readonly contentType: string;
  readonly url: string;
  readonly expires: number;
  readonly size: number | bigint;
  readonly encAlg: number;
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
  readonly aad: Uint8Array;
  readonly hashAlg: number;
  readonly contentHash: Uint8Array;
  readonly description: string;
  readonly filename: string;
}

/**
 * `MultiPart = ( cardinality: multi, partSemantics: chooseOne / singleUnit / processAll,
 * parts: [2* NestedPart] )` (§4.4).
 */
export interface MultiPart extends NestedPartHeader {
  readonly cardinality: typeof cardinalities.multi;
  readonly partSemantics: PartSemantics;
  readonly parts: readonly NestedPart[];
}

/**
 * draft-ietf-mimi-content-08 §4.4:
 *
 * ```cddl
 * NestedPart = [
 *   disposition: baseDispos / $extDispos / unknownDispos,
 *   language: tstr,
 *   ( NullPart // SinglePart // ExternalPart // MultiPart)
 * ]
 * ```
 */
export type NestedPart = NullPart | SinglePart | ExternalPart | MultiPart;

const ARITY = [3, 5, 15, 5] as const;

function text(r: CborReader, path: string, rule: string): string {
  const t = r.field(path);
  if (t.type.major !== 3) r.fail(`expected tstr, got ${tokenName(t)}`, path, rule);
  return t.value as string;
}

function bytes(r: CborReader, path: string, rule: string): Uint8Array {
  const t = r.field(path);
  if (t.type.major !== 2) r.fail(`expected bstr, got ${tokenName(t)}`, path, rule);
  return t.value as Uint8Array;
}

function uint(r: CborReader, path: string, octets: number): number | bigint {
  const t = r.field(path);
  const v = t.value as number | bigint;
  // [CONTENT-PART-04] draft-ietf-mimi-content-08 §4.4: ExternalPart integers are `uint .size N` (expires 4, size 8, encAlg 2, hashAlg 1 octets).
  if (t.type.major !== 0)
    r.fail(`expected uint .size ${octets}, got ${tokenName(t)}`, path, "CONTENT-PART-04");
  if (octets < 8 && (typeof v === "bigint" || v >= 2 ** (8 * octets))) {
    r.fail(`integer does not fit uint .size ${octets}`, path, "CONTENT-PART-04");
  }
  return v;
}

/** Read a NestedPart at nesting `depth` (the body is depth 1). */
export function readNestedPart(r: CborReader, path: string, depth: number): NestedPart {
  const head = r.field(path);
  if (head.type.major !== 4 || (head.value as number) < 3) {
    // [CONTENT-PART-01] draft-ietf-mimi-content-08 §4.4: NestedPart is an array of 3 (NullPart), 5 (SinglePart), 15 (ExternalPart) or 5 (MultiPart) elements.
    r.fail(
      `expected NestedPart array, got ${tokenName(head)}${head.type.major === 4 ? `(${head.value as number})` : ""}`,
      path,
      "CONTENT-PART-01",
    );
  }
  const d = r.field(`${path}/disposition`);
  if (d.type.major !== 0 || (d.value as number) > 255) {
    // [CONTENT-PART-02] draft-ietf-mimi-content-08 §4.4, §8.2.2: disposition is an integer 0..255.
    r.fail("disposition is not an integer in 0..255", `${path}/disposition`, "CONTENT-PART-02");
  }
  // [CONTENT-PART-03] draft-ietf-mimi-content-08 §4.4: language, contentType, url, description and filename are tstr; content, key, nonce, aad and contentHash are bstr.
  const language = text(r, `${path}/language`, "CONTENT-PART-03");
  const c = r.field(`${path}/cardinality`);
  if (c.type.major !== 0 || (c.value as number) > 3) {
    // [CONTENT-PART-08] draft-ietf-mimi-content-08 §4.4: cardinality is nullpart 0, single 1, external 2 or multi 3.
    r.fail("cardinality is not 0..3", `${path}/cardinality`, "CONTENT-PART-08");
  }
  const cardinality = c.value as 0 | 1 | 2 | 3;
  if (head.value !== ARITY[cardinality]) {
    r.fail(
      `NestedPart with cardinality ${cardinality} has ${head.value as number} elements, expected ${ARITY[cardinality]}`,
      path,
      "CONTENT-PART-01",
    );
  }
  const disposition = d.value as number;
  switch (cardinality) {
    case 0:
      return { disposition, language, cardinality };
    case 1:
      return {
        disposition,
        language,
        cardinality,
        contentType: text(r, `${path}/contentType`, "CONTENT-PART-03"),
        content: bytes(r, `${path}/content`, "CONTENT-PART-03"),
      };
    case 2:
      return {
        disposition,
        language,
        cardinality,
        contentType: text(r, `${path}/contentType`, "CONTENT-PART-03"),
        url: text(r, `${path}/url`, "CONTENT-PART-03"),
        expires: uint(r, `${path}/expires`, 4) as number,
        size: uint(r, `${path}/size`, 8),
        encAlg: uint(r, `${path}/encAlg`, 2) as number,
        key: bytes(r, `${path}/key`, "CONTENT-PART-03"),
        nonce: bytes(r, `${path}/nonce`, "CONTENT-PART-03"),
        aad: bytes(r, `${path}/aad`, "CONTENT-PART-03"),
        hashAlg: uint(r, `${path}/hashAlg`, 1) as number,
        contentHash: bytes(r, `${path}/contentHash`, "CONTENT-PART-03"),
        description: text(r, `${path}/description`, "CONTENT-PART-03"),
        filename: text(r, `${path}/filename`, "CONTENT-PART-03"),
      };
    default: {
      const s = r.field(`${path}/partSemantics`);
      if (s.type.major !== 0 || (s.value as number) > 2) {
        // [CONTENT-PART-06] draft-ietf-mimi-content-08 §4.4, §9.1: partSemantics is chooseOne 0, singleUnit 1 or processAll 2.
        r.fail("partSemantics is not 0..2", `${path}/partSemantics`, "CONTENT-PART-06");
      }
      const a = r.field(`${path}/parts`);
      if (a.type.major !== 4)
        r.fail(`expected parts array, got ${tokenName(a)}`, `${path}/parts`, "CONTENT-PART-05");
      const n = a.value as number;
      // [CONTENT-PART-05] draft-ietf-mimi-content-08 §4.4: `parts: [2* NestedPart]`, a MultiPart has at least 2 parts.
      if (n < 2)
        r.fail(`MultiPart with ${n} part(s), at least 2 required`, `${path}/parts`, "CONTENT-PART-05");
      if (depth + 1 > MAX_PART_DEPTH) {
        // [CONTENT-PART-07] draft-ietf-mimi-content-08 §6.3: NestedParts MUST NOT be nested more than 4 levels deep.
        r.fail(`NestedPart nested deeper than ${MAX_PART_DEPTH} levels`, `${path}/parts`, "CONTENT-PART-07");
      }
      const parts: NestedPart[] = new Array(n);
      for (let i = 0; i < n; i++) parts[i] = readNestedPart(r, `${path}/parts/${i}`, depth + 1);
      return { disposition, language, cardinality, partSemantics: s.value as PartSemantics, parts };
    }
  }
}

function isUint(v: unknown, octets: number): boolean {
  if (typeof v === "bigint") return octets === 8 && v >= 0n && v < 2n ** 64n;
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && (octets >= 8 || v < 2 ** (8 * octets));
}

function invalid(what: string, path: string, rule: string): never {
  throw new ValidationError(what, { path, rule });
}

function str(v: unknown, path: string, name: string): void {
  if (typeof v !== "string") invalid(`${name} is not a string`, `${path}/${name}`, "CONTENT-PART-03");
}

function bin(v: unknown, path: string, name: string): void {
  if (!(v instanceof Uint8Array)) invalid(`${name} is not bytes`, `${path}/${name}`, "CONTENT-PART-03");
}

function uintOf(v: unknown, path: string, name: string, octets: number): void {
  if (!isUint(v, octets))
    invalid(`${name} is not uint .size ${octets}`, `${path}/${name}`, "CONTENT-PART-04");
}

/**
 * Validate a NestedPart for encoding and return its CBOR shape (an array).
 *
 * @throws ValidationError naming the path and the rule.
 */
export function nestedPartToCbor(p: NestedPart, path: string, depth: number): unknown[] {
  const d = p.disposition;
  if (typeof d !== "number" || !Number.isInteger(d) || d < 0 || d > 255) {
    invalid("disposition is not an integer in 0..255", `${path}/disposition`, "CONTENT-PART-02");
  }
  str(p.language, path, "language");
  switch (p.cardinality) {
    case 0:
      return [d, p.language, 0];
    case 1:
      str(p.contentType, path, "contentType");
      bin(p.content, path, "content");
      return [d, p.language, 1, p.contentType, p.content];
    case 2: {
      str(p.contentType, path, "contentType");
      str(p.url, path, "url");
      uintOf(p.expires, path, "expires", 4);
      uintOf(p.size, path, "size", 8);
      uintOf(p.encAlg, path, "encAlg", 2);
      uintOf(p.hashAlg, path, "hashAlg", 1);
      bin(p.key, path, "key");
      bin(p.nonce, path, "nonce");
      bin(p.aad, path, "aad");
      bin(p.contentHash, path, "contentHash");
      str(p.description, path, "description");
      str(p.filename, path, "filename");
      const size =
        typeof p.size === "bigint" && p.size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(p.size) : p.size;
      return [
        d,
        p.language,
        2,
        p.contentType,
        p.url,
        p.expires,
        size,
        p.encAlg,
        p.key,
        p.nonce,
        p.aad,
        p.hashAlg,
        p.contentHash,
        p.description,
        p.filename,
      ];
    }
    case 3: {
      if (p.partSemantics !== 0 && p.partSemantics !== 1 && p.partSemantics !== 2) {
        invalid("partSemantics is not 0..2", `${path}/partSemantics`, "CONTENT-PART-06");
      }
      if (!Array.isArray(p.parts) || p.parts.length < 2) {
        invalid("MultiPart needs at least 2 parts", `${path}/parts`, "CONTENT-PART-05");
      }
      if (depth + 1 > MAX_PART_DEPTH) {
        invalid(`NestedPart nested deeper than ${MAX_PART_DEPTH} levels`, `${path}/parts`, "CONTENT-PART-07");
      }
      const parts = new Array<unknown>(p.parts.length);
      for (let i = 0; i < p.parts.length; i++)
        parts[i] = nestedPartToCbor(p.parts[i]!, `${path}/parts/${i}`, depth + 1);
      return [d, p.language, 3, p.partSemantics, parts];
    }
    default:
      return invalid("cardinality is not 0..3", `${path}/cardinality`, "CONTENT-PART-08");
  }
}
