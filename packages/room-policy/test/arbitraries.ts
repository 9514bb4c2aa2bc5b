/** fast-check arbitraries derived from the structures' TLS shapes (test helper, not a test file). */
import { fc } from "@fast-check/vitest";
import type { FieldSchema, Schema } from "../src/index.js";

type Rec = Record<string, unknown>;

/** An arbitrary value of `schema`, in the package's value model. */
export function arbitraryOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const maxLength = depth > 2 ? 1 : 3;
  switch (schema.kind) {
    case "uint8":
      return fc.integer({ min: 0, max: 0xff });
    case "uint16":
      return fc.integer({ min: 0, max: 0xffff });
    case "uint32":
      return fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 0xffffffff }));
    case "uint64":
      return fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
    case "bool":
      return fc.boolean();
    case "opaque":
      return fc.uint8Array({ maxLength: 12 });
    case "text":
      return fc.string({ unit: "binary", maxLength: 8 });
    case "enum":
      return schema.closed
        ? fc.constantFrom(...Object.values(schema.names))
        : fc.integer({ min: 0, max: schema.width === 8 ? 0xff : 0xffff });
    case "vector":
      return fc.array(arbitraryOf(schema.item, depth + 1), { maxLength });
    case "optional":
      return fc.option(arbitraryOf(schema.item, depth + 1), { nil: undefined });
    case "struct":
      return fieldsArbitrary(schema.fields, depth, {});
  }
}

function fieldsArbitrary(fields: readonly FieldSchema[], depth: number, prefix: Rec): fc.Arbitrary<Rec> {
  const [first, ...rest] = fields;
  if (first === undefined) return fc.constant(prefix);
  if ("select" in first) {
    const chosen = first.cases[prefix[first.select] as number] ?? [];
    return fieldsArbitrary([...chosen, ...rest], depth, prefix);
  }
  return arbitraryOf(first.type, depth + 1).chain((v) => {
    const next = { ...prefix };
    if (v !== undefined) next[first.name] = v;
    return fieldsArbitrary(rest, depth, next);
  });
}
