import { fc, test } from "@fast-check/vitest";
import { readUpstreamText } from "@mimi/spec-vectors";
import { CodecError, isMimiError, toHex, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  type ApplicationFraming,
  componentOperationLabel,
  decodeApplicationFraming,
  decodeComponentOperationLabel,
  decodeComponentsList,
  decodeMediaType,
  decodeMediaTypeList,
  decodeSafeAAD,
  decodeSelfRemove,
  decodeWireFormats,
  encodeApplicationFraming,
  encodeComponentOperationLabel,
  encodeComponentsList,
  encodeMediaType,
  encodeMediaTypeList,
  encodeSafeAAD,
  encodeSelfRemove,
  encodeWireFormats,
  formatMediaType,
  getSafeAADItem,
  isGreaseComponentId,
  isLastResort,
  isPrivateUseComponentId,
  type MediaType,
  markLastResort,
  missingComponents,
  parseMediaType,
  resolveFramedMediaType,
  type SafeAAD,
  setComponentData,
} from "../src/index.js";

function expectTyped(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isMimiError(e), String(e)).toBe(true);
  }
}

const tokenChar = fc.constantFrom(..."abcXYZ019!#$&-^_.+".split(""));
const restricted = fc
  .tuple(fc.constantFrom(..."aZ9".split("")), fc.array(tokenChar, { maxLength: 8 }))
  .map(([a, b]) => a + b.join(""));
const arbMediaType: fc.Arbitrary<MediaType> = fc.record({
  type: fc.tuple(restricted, restricted).map(([a, b]) => `${a}/${b}`),
  parameters: fc.array(
    fc.record({
      parameter_name: fc.array(tokenChar, { minLength: 1, maxLength: 6 }).map((a) => a.join("")),
      parameter_value: fc.string({
        unit: fc.constantFrom(...'aZ ="\\;\t/é'.replace("é", "~").split("")),
        maxLength: 8,
      }),
    }),
    { maxLength: 3 },
  ),
});

describe("media types (draft-ietf-mls-extensions-10 §6.2)", () => {
  it("parses every example of the draft and formats it canonically", () => {
    const lines = readUpstreamText("mls/mediatype-examples.txt")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "");
    const parsed = lines.map(parseMediaType);
    expect(parsed.map(formatMediaType)).toEqual([
      "image/png",
      "text/plain;charset=UTF-8",
      "application/json",
      "application/vnd.example.msgbus+cbor",
    ]);
    expect(parsed[1]).toEqual({
      type: "text/plain",
      parameters: [{ parameter_name: "charset", parameter_value: "UTF-8" }],
    });
    for (const mt of parsed) expect(decodeMediaType(encodeMediaType(mt))).toEqual(mt);
  });

  it("unquotes quoted-strings and quoted-pairs, and re-quotes when formatting", () => {
    const mt = parseMediaType('text/markdown; variant="GFM \\"MIMI\\""; x=y');
    expect(mt.parameters).toEqual([
      { parameter_name: "variant", parameter_value: 'GFM "MIMI"' },
      { parameter_name: "x", parameter_value: "y" },
    ]);
    expect(formatMediaType(mt)).toBe('text/markdown;variant="GFM \\"MIMI\\"";x=y');
    expect(parseMediaType(formatMediaType(mt))).toEqual(mt);
  });

  it("MLS-EXT-07: rejects strings and structs that are not type/subtype", () => {
    for (const bad of [
      "text",
      "text/",
      "/plain",
      "te xt/plain",
      "text/plain;",
      "text/plain;a",
      'a/b;c="d',
      "a/b c",
    ]) {
      expect(() => parseMediaType(bad), bad).toThrow(CodecError);
    }
    expect(() => encodeMediaType({ type: "text", parameters: [] })).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-07", path: "/type" }),
    );
    expect(() => encodeMediaType({ type: "", parameters: [] })).toThrow(ValidationError);
  });

  it("MLS-EXT-08: rejects parameter names that are not tokens and values a quoted-string cannot carry", () => {
    expect(() =>
      encodeMediaType({ type: "a/b", parameters: [{ parameter_name: "a b", parameter_value: "" }] }),
    ).toThrow(expect.objectContaining({ rule: "MLS-EXT-08", path: "/parameters/0/parameter_name" }));
    expect(() =>
      encodeMediaType({ type: "a/b", parameters: [{ parameter_name: "a", parameter_value: "\n" }] }),
    ).toThrow(expect.objectContaining({ rule: "MLS-EXT-08", path: "/parameters/0/parameter_value" }));
  });

  it("MLS-EXT-09: a MediaTypeList has at least one item", () => {
    expect(() => encodeMediaTypeList({ media_type_list: [] })).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-09" }),
    );
    expect(() => decodeMediaTypeList(new Uint8Array([0]))).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-09" }),
    );
  });

  test.prop([arbMediaType])("MediaType round-trips through TLS and through its string form", (mt) => {
    expect(decodeMediaType(encodeMediaType(mt))).toEqual(mt);
    expect(parseMediaType(formatMediaType(mt))).toEqual(mt);
  });

  test.prop([fc.array(arbMediaType, { minLength: 1, maxLength: 3 })])("MediaTypeList round-trips", (l) => {
    expect(decodeMediaTypeList(encodeMediaTypeList({ media_type_list: l }))).toEqual({ media_type_list: l });
  });

  test.prop([fc.string({ maxLength: 30 })])("random strings parse or give a CodecError", (s) => {
    try {
      const mt = parseMediaType(s);
      expect(parseMediaType(formatMediaType(mt))).toEqual(mt);
    } catch (e) {
      expect(e).toBeInstanceOf(CodecError);
    }
  });

  test.prop([fc.uint8Array({ maxLength: 48 })])("random bytes only ever give a typed error", (b) => {
    expectTyped(() => decodeMediaType(b));
    expectTyped(() => decodeMediaTypeList(b));
    expectTyped(() => decodeApplicationFraming(b));
  });
});

describe("ApplicationFraming", () => {
  const group = {
    media_type_list: [parseMediaType("application/mimi-content"), parseMediaType("text/plain")],
  };

  test.prop([arbMediaType, fc.uint8Array({ maxLength: 32 })])(
    "round-trips",
    (media_type, inner_application_content) => {
      const f: ApplicationFraming = { media_type, inner_application_content };
      expect(decodeApplicationFraming(encodeApplicationFraming(f))).toEqual(f);
    },
  );

  it("MLS-EXT-10: an empty type means the first type of the GroupContext list", () => {
    const f = { media_type: { type: "", parameters: [] }, inner_application_content: new Uint8Array([1]) };
    const bytes = encodeApplicationFraming(f);
    expect(toHex(bytes)).toBe("00000101");
    expect(resolveFramedMediaType(decodeApplicationFraming(bytes), group).type).toBe(
      "application/mimi-content",
    );
    expect(() => resolveFramedMediaType(f, undefined)).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-10" }),
    );
    const own = { ...f, media_type: parseMediaType("text/plain") };
    expect(resolveFramedMediaType(own, group)).toEqual(own.media_type);
  });
});

describe("Safe AAD (draft-ietf-mls-extensions-10 §4.9)", () => {
  const arbAad: fc.Arbitrary<SafeAAD> = fc
    .uniqueArray(
      fc.record({
        component_id: fc.integer({ min: 0, max: 0xffff }),
        aad_item_data: fc.uint8Array({ maxLength: 40 }),
      }),
      {
        selector: (i) => i.component_id,
        maxLength: 4,
      },
    )
    .map((items) => ({ aad_items: items.sort((a, b) => a.component_id - b.component_id) }));

  test.prop([arbAad])("round-trips", (a) => {
    expect(decodeSafeAAD(encodeSafeAAD(a))).toEqual(a);
  });

  test.prop([fc.uint8Array({ maxLength: 48 })])("random bytes only ever give a typed error", (b) => {
    expectTyped(() => decodeSafeAAD(b));
  });

  it("MLS-AAD-01: items are sorted by component_id, one per component", () => {
    const x = { component_id: 0x20, aad_item_data: new Uint8Array(32) };
    const y = { component_id: 0x02, aad_item_data: new Uint8Array(0) };
    expect(() => encodeSafeAAD({ aad_items: [x, y] })).toThrow(
      expect.objectContaining({ rule: "MLS-AAD-01", path: "/aad_items/1/component_id" }),
    );
    expect(() => encodeSafeAAD({ aad_items: [x, x] })).toThrow(ValidationError);
    const ok = encodeSafeAAD({ aad_items: [y, x] });
    expect(getSafeAADItem(decodeSafeAAD(ok), 0x20)).toEqual(new Uint8Array(32));
    expect(getSafeAADItem(decodeSafeAAD(ok), 0x21)).toBeUndefined();
  });

  it("MLS-AAD-02: the whole authenticated_data is the SafeAAD (no unsafe trailer as in -09)", () => {
    expect(toHex(encodeSafeAAD({ aad_items: [] }))).toBe("00");
    expect(() => decodeSafeAAD(new Uint8Array([0, 0xff]))).toThrow(
      expect.objectContaining({ rule: "MLS-AAD-02" }),
    );
    expect(() => decodeSafeAAD(new Uint8Array([]))).toThrow(CodecError);
  });
});

describe("other mls-extensions structures", () => {
  it("ComponentOperationLabel has the base label 'MLS Component'", () => {
    const l = componentOperationLabel(0x20, "FrankingTag");
    const bytes = encodeComponentOperationLabel(l);
    expect(toHex(bytes)).toBe(
      `0d${toHex(new TextEncoder().encode("MLS Component"))}00200b${toHex(new TextEncoder().encode("FrankingTag"))}`,
    );
    expect(decodeComponentOperationLabel(bytes)).toEqual(l);
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 8 })])(
    "ComponentsList and WireFormats round-trip",
    (ids) => {
      expect(decodeComponentsList(encodeComponentsList({ component_ids: ids }))).toEqual({
        component_ids: ids,
      });
      expect(decodeWireFormats(encodeWireFormats({ wire_formats: ids }))).toEqual({ wire_formats: ids });
    },
  );

  test.prop([fc.uint8Array({ maxLength: 32 })])("random bytes only ever give a typed error", (b) => {
    expectTyped(() => decodeComponentsList(b));
    expectTyped(() => decodeWireFormats(b));
    expectTyped(() => decodeComponentOperationLabel(b));
    expectTyped(() => decodeSelfRemove(b));
  });

  it("SelfRemove is the empty struct", () => {
    expect(encodeSelfRemove()).toEqual(new Uint8Array(0));
    expect(decodeSelfRemove(new Uint8Array(0))).toEqual({});
    expect(() => decodeSelfRemove(new Uint8Array([0]))).toThrow(CodecError);
  });

  it("GREASE and private-use IDs; missing required components ignore GREASE", () => {
    const grease = [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a];
    expect(grease.every(isGreaseComponentId)).toBe(true);
    expect([0x8a8a, 0x0a1a, 0x0b0b, 0x0022].some(isGreaseComponentId)).toBe(false);
    expect(isPrivateUseComponentId(0x8000)).toBe(true);
    expect(isPrivateUseComponentId(0x7fff)).toBe(false);
    expect(missingComponents({ component_ids: [0x22, 0x2a2a, 0x23] }, { component_ids: [0x22] })).toEqual([
      0x23,
    ]);
  });

  it("MLS-EXT-11: the last-resort marker is the component with empty data", () => {
    const d = markLastResort({ component_data: [] });
    expect(isLastResort(d)).toBe(true);
    expect(isLastResort({ component_data: [] })).toBe(false);
    expect(isLastResort(undefined)).toBe(false);
    expect(() => isLastResort(setComponentData(d, 4, new Uint8Array([1])))).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-11" }),
    );
  });
});
