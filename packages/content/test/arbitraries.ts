/** fast-check arbitraries for MIMI content (valid values only). */

import { toHex, utf8 } from "@mimi/wire";
import fc from "fast-check";
import type { CborKey, CborValue, ExtensionKey, MimiContent, NestedPart } from "../src/index.js";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const text = fc.string({ unit: "grapheme", maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 24 });

const scalar: fc.Arbitrary<CborValue> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.integer({ min: -MAX_SAFE, max: MAX_SAFE }),
  fc
    .bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n })
    .filter((b) => b > BigInt(MAX_SAFE) || b < -BigInt(MAX_SAFE)),
  text,
  bytes,
  fc.boolean(),
  fc.constant(null),
  fc.double().map((float) => ({ float })),
);

const mapKey: fc.Arbitrary<CborKey> = fc.oneof(fc.integer({ min: -MAX_SAFE, max: MAX_SAFE }), text, bytes);
const keyId = (k: unknown): string => (k instanceof Uint8Array ? `b${toHex(k)}` : `${typeof k}${String(k)}`);

/** Tag numbers are drawn from 65536 up, which cbor2 (the oracle) has no semantics for. Any CBOR value whose containers sit at most at level 4 when the value is at `level`. */
function arbCborValue(level: number): fc.Arbitrary<CborValue> {
  if (level >= 4) return scalar;
  const inner = arbCborValue(level + 1);
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc
        .uniqueArray(fc.tuple(mapKey, inner), { maxLength: 3, selector: ([k]) => keyId(k) })
        .map((e) => new Map<CborKey, CborValue>(e)),
    },
    { weight: 1, arbitrary: fc.record({ tag: fc.integer({ min: 65536, max: 1_000_000 }), value: inner }) },
  );
}

const extKey: fc.Arbitrary<ExtensionKey> = fc.oneof(
  fc.integer({ min: -MAX_SAFE, max: MAX_SAFE }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).filter((s) => utf8(s).length <= 255),
);

/** A valid extensions map (keys 1 and 2 carry text). */
const arbExtensions: fc.Arbitrary<Map<ExtensionKey, CborValue>> = fc
  .uniqueArray(fc.tuple(extKey, arbCborValue(1)), { maxLength: 4, selector: ([k]) => keyId(k) })
  .chain((entries) =>
    fc.tuple(fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined })).map(([s, r]) => {
      const m = new Map<ExtensionKey, CborValue>(entries.filter(([k]) => k !== 1 && k !== 2));
      if (s !== undefined) m.set(1, s);
      if (r !== undefined) m.set(2, r);
      return m;
    }),
  );

const u = (bits: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** bits - 1 });

/** A valid NestedPart at `depth` (1 = the body). */
function arbNestedPart(depth: number): fc.Arbitrary<NestedPart> {
  const head = { disposition: u(8), language: text };
  const leaves = fc.oneof(
    fc.record({ ...head, cardinality: fc.constant(0 as const) }),
    fc.record({ ...head, cardinality: fc.constant(1 as const), contentType: text, content: bytes }),
    fc.record({
      ...head,
      cardinality: fc.constant(2 as const),
      contentType: text,
      url: text,
      expires: u(32),
      size: fc.oneof(
        fc.integer({ min: 0, max: MAX_SAFE }),
        fc.bigInt({ min: BigInt(MAX_SAFE) + 1n, max: 2n ** 64n - 1n }),
      ),
      encAlg: u(16),
      key: bytes,
      nonce: bytes,
      aad: bytes,
      hashAlg: u(8),
      contentHash: bytes,
      description: text,
      filename: text,
    }),
  );
  if (depth >= 4) return leaves;
  return fc.oneof(
    { weight: 3, arbitrary: leaves },
    {
      weight: 1,
      arbitrary: fc.record({
        ...head,
        cardinality: fc.constant(3 as const),
        partSemantics: fc.constantFrom(0 as const, 1 as const, 2 as const),
        parts: fc.array(arbNestedPart(depth + 1), { minLength: 2, maxLength: 3 }),
      }),
    },
  );
}

const id = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** A valid MimiContent. */
export const arbMimiContent: fc.Arbitrary<MimiContent> = fc.record({
  salt: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  replaces: fc.option(id, { nil: null }),
  topicId: bytes,
  expires: fc.option(fc.record({ relative: fc.boolean(), time: u(32) }), { nil: null }),
  inReplyTo: fc.option(id, { nil: null }),
  mimiExtensions: arbExtensions,
  nestedPart: arbNestedPart(1),
});
