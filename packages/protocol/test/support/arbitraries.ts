/**
 * fast-check arbitraries derived from a codec's {@link Shape}: any value the codec can encode.
 * Embedded MLS structures come from real ts-mls objects ({@link mlsFixtures}).
 */
import { fc } from "@fast-check/vitest";
import type { Codec, FieldList, SelectShape } from "@mimi/wire";
import type { MlsFixtures } from "./fixtures.js";

type Arb = fc.Arbitrary<unknown>;
type Obj = Record<string, unknown>;

function mlsPool(what: string, fx: MlsFixtures): readonly unknown[] {
  switch (what) {
    case "KeyPackage":
      return fx.keyPackages;
    case "MLSMessage":
      return [...fx.commits, ...fx.proposals, ...fx.privateMessages, ...fx.welcomeMessages];
    case "Welcome":
      return fx.welcomes;
    case "GroupInfo":
      return fx.groupInfos;
    case "Credential":
      return fx.credentials;
    case "Capabilities":
      return fx.capabilities;
    case "RequiredCapabilities":
      return fx.requiredCapabilities;
    case "ExternalSender":
      return fx.externalSenders;
    case "HPKECiphertext":
      return fx.hpkeCiphertexts;
    case "RatchetTree":
      return fx.ratchetTrees;
    case "Extension":
      return fx.extensions;
    default:
      throw new Error(`no fixtures for ${what}`);
  }
}

function fieldsArb(fields: FieldList, fx: MlsFixtures): fc.Arbitrary<Obj> {
  const rec: Record<string, Arb> = {};
  for (const [name, codec] of fields) rec[name] = arbitraryFor(codec, fx);
  return fc.record(rec).map((o) => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
    return out;
  });
}

function selectArb(spec: SelectShape, fx: MlsFixtures): Arb {
  return fieldsArb(spec.head, fx)
    .filter((head) => {
      const key = spec.tag(head);
      return (key !== undefined && spec.arms[key] !== undefined) || spec.otherwise !== undefined;
    })
    .chain((head) => {
      const key = spec.tag(head);
      const arm = (key === undefined ? undefined : spec.arms[key]) ?? spec.otherwise ?? [];
      return fc
        .tuple(fieldsArb(arm, fx), fieldsArb(spec.tail, fx))
        .map(([a, t]) => ({ ...head, ...a, ...t }));
    });
}

/** An arbitrary of every value `codec` can encode. */
export function arbitraryFor(codec: Codec<unknown>, fx: MlsFixtures): Arb {
  // MLS-EXT-01 (draft-ietf-mls-extensions-10 §4.6): a dictionary's entries are sorted by
  // component_id, one per ID; the shape alone cannot say so.
  if (codec.name === "AppDataDictionary")
    return fc
      .uniqueArray(fc.integer({ min: 0, max: 0xffff }), { maxLength: 3 })
      .chain((ids) =>
        fc.tuple(
          ...[...ids]
            .sort((a, b) => a - b)
            .map((id) =>
              fc.record({ component_id: fc.constant(id), data: fc.uint8Array({ maxLength: 40 }) }),
            ),
        ),
      )
      .map((component_data) => ({ component_data }));
  const s = codec.shape;
  switch (s.kind) {
    case "uint":
      return s.bits === 64
        ? fc.bigInt({ min: 0n, max: 0xffffffffffffffffn })
        : fc.integer({ min: 0, max: 2 ** s.bits - 1 });
    case "opaque":
      return fc.uint8Array({ maxLength: 40 });
    case "fixed":
      return fc.uint8Array({ minLength: s.length, maxLength: s.length });
    case "utf8":
      return fc.string({ unit: "binary", maxLength: 12 });
    case "bool":
      return fc.boolean();
    case "enum": {
      const names =
        s.values === "names"
          ? fc.constantFrom<string | number>(...Object.keys(s.names))
          : fc.constantFrom<string | number>(...Object.values(s.names));
      if (s.closed === true) return names;
      const known = new Set(Object.values(s.names));
      const unknown = fc.integer({ min: 0, max: 2 ** s.bits - 1 }).filter((n) => !known.has(n));
      return fc.oneof({ arbitrary: names, weight: 4 }, { arbitrary: unknown, weight: 1 });
    }
    case "struct":
      return fieldsArb(s.fields, fx);
    case "vector":
      return fc.array(arbitraryFor(s.item, fx), { maxLength: 3 });
    case "optional":
      return fc.option(arbitraryFor(s.item, fx), { nil: undefined });
    case "select":
      return selectArb(s.select, fx);
    case "mls":
      return fc.constantFrom(...mlsPool(s.what, fx));
    case "custom":
      throw new Error(`no arbitrary for ${codec.name}`);
  }
}
