/** fast-check arbitraries derived from the structures' codecs (test helper, not a test file). */
import { fc } from "@fast-check/vitest";
import type { Codec, FieldList } from "@mimi/wire";

type Rec = Record<string, unknown>;

/** An arbitrary value of `codec`, in the package's value model. */
export function arbitraryOf(codec: Codec<unknown>, depth = 0): fc.Arbitrary<unknown> {
  const maxLength = depth > 2 ? 1 : 3;
  const s = codec.shape;
  switch (s.kind) {
    case "uint":
      if (s.bits === 64) return fc.bigInt({ min: 0n, max: 0xffffffffffffffffn });
      if (s.bits === 32)
        return fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 0xffffffff }));
      return fc.integer({ min: 0, max: 2 ** s.bits - 1 });
    case "bool":
      return fc.boolean();
    case "opaque":
      return fc.uint8Array({ maxLength: 12 });
    case "fixed":
      return fc.uint8Array({ minLength: s.length, maxLength: s.length });
    case "utf8":
      return fc.string({ unit: "binary", maxLength: 8 });
    case "enum":
      return s.closed === true
        ? fc.constantFrom(...Object.values(s.names))
        : fc.integer({ min: 0, max: s.bits === 8 ? 0xff : 0xffff });
    case "vector":
      return fc.array(arbitraryOf(s.item, depth + 1), { maxLength });
    case "optional":
      return fc.option(arbitraryOf(s.item, depth + 1), { nil: undefined });
    case "struct":
      return fieldsArbitrary(s.fields, depth, {});
    case "select": {
      const { head, tag, arms, otherwise, tail } = s.select;
      return fieldsArbitrary(head, depth, {}).chain((h) => {
        const key = tag(h);
        const arm = (key === undefined ? undefined : arms[key]) ?? otherwise ?? [];
        return fieldsArbitrary([...arm, ...tail], depth, h);
      });
    }
    case "mls":
    case "custom":
      throw new Error(`no arbitrary for ${codec.name}`);
  }
}

function fieldsArbitrary(fields: FieldList, depth: number, prefix: Rec): fc.Arbitrary<Rec> {
  const [first, ...rest] = fields;
  if (first === undefined) return fc.constant(prefix);
  const [name, codec] = first;
  return arbitraryOf(codec, depth + 1).chain((v) => {
    const next = { ...prefix };
    if (v !== undefined) next[name] = v;
    return fieldsArbitrary(rest, depth, next);
  });
}
