import { describe, expect, expectTypeOf, it } from "vitest";
import {
  bool,
  type Codec,
  CodecError,
  decodeWith,
  encodeWith,
  enumCodes,
  enumeration,
  fields,
  fixed,
  fromHex,
  opaque,
  optional,
  refine,
  select,
  selectBy,
  struct,
  toHex,
  uint8,
  uint16,
  uint32,
  uint64,
  utf8String,
  ValidationError,
  vector,
} from "../src/index.js";

function caught(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error("expected a CodecError");
}

const colors = { red: 0, green: 1, blue: 2 } as const;
const openColor = enumeration("Color", colors);
const closedColor = enumeration("Color", colors, { closed: true, rule: "TEST-ENUM-01" });

const point = struct("Point", [
  ["x", uint16],
  ["y", uint32],
  ["label", utf8String],
  ["tags", vector(opaque)],
  ["note", optional(utf8String)],
  ["big", uint64],
  ["id", fixed(2)],
  ["flag", bool()],
]);

const shape = select("Shape", {
  head: [
    ["color", openColor],
    ["name", utf8String],
  ],
  on: "color",
  arms: { red: [["radius", uint8]], green: [["width", uint16]] },
  otherwise: [],
  tail: [["extra", opaque]],
});

describe("codec combinators", () => {
  it("round-trips a struct through bytes and JSON", () => {
    const v = {
      x: 513,
      y: 0xffffffff,
      label: "héllo",
      tags: [new Uint8Array([1, 2]), new Uint8Array([])],
      big: 0xffffffffffffffffn,
      id: new Uint8Array([9, 8]),
      flag: true,
    };
    const bytes = encodeWith(point, v);
    expect(toHex(bytes)).toBe("0201ffffffff0668c3a96c6c6f040201020000ffffffffffffffff090801");
    expect(decodeWith(point, bytes)).toEqual(v);
    const json = point.toJson(v);
    expect(json).toEqual({
      x: 513,
      y: 4294967295,
      label: "héllo",
      tags: ["0102", ""],
      note: null,
      big: "18446744073709551615",
      id: "0908",
      flag: true,
    });
    expect(point.fromJson(JSON.parse(JSON.stringify(json)), "/")).toEqual(v);
    const withNote = { ...v, note: "n" };
    expect(decodeWith(point, encodeWith(point, withNote))).toEqual(withNote);
  });

  it("rejects trailing bytes", () => {
    const bytes = encodeWith(uint16, 7);
    const e = caught(() => decodeWith(uint16, new Uint8Array([...bytes, 0])));
    expect(e.what).toBe("1 trailing byte(s)");
  });

  it("rejects truncation with the field path", () => {
    const bytes = encodeWith(point, {
      x: 1,
      y: 2,
      label: "a",
      tags: [new Uint8Array([1, 2, 3])],
      big: 1n,
      id: new Uint8Array(2),
      flag: false,
    });
    const e = caught(() => decodeWith(point, bytes.subarray(0, 9)));
    expect(e.path).toBe("/tags");
    expect(e.what).toMatch(/^truncated/);
    const inner = caught(() =>
      decodeWith(vector(struct("P", [["a", uint16]])), new Uint8Array([3, 0, 1, 0])),
    );
    expect(inner.path).toBe("/1/a");
  });

  it("rejects an invalid bool and an invalid optional presence octet with their rules", () => {
    const b = caught(() => decodeWith(struct("B", [["flag", bool("TEST-BOOL-01")]]), new Uint8Array([2])));
    expect([b.path, b.rule, b.what]).toEqual(["/flag", "TEST-BOOL-01", "invalid bool 2 (must be 0 or 1)"]);
    const o = caught(() => decodeWith(struct("O", [["v", optional(uint8)]]), new Uint8Array([2, 0])));
    expect([o.path, o.rule]).toEqual(["/v", "WIRE-OPT-01"]);
  });

  it("keeps unknown code points of an open enum and rejects them in a closed one", () => {
    expect(decodeWith(openColor, new Uint8Array([1]))).toBe("green");
    expect(decodeWith(openColor, new Uint8Array([7]))).toBe(7);
    expect(encodeWith(openColor, 7)).toEqual(new Uint8Array([7]));
    expect(openColor.fromJson(7, "/")).toBe(7);
    const e = caught(() => decodeWith(struct("C", [["c", closedColor]]), new Uint8Array([7])));
    expect([e.path, e.rule, e.what]).toEqual(["/c", "TEST-ENUM-01", "unknown enum value 7"]);
    expect(caught(() => closedColor.fromJson(7, "/c")).rule).toBe("TEST-ENUM-01");
    expect(caught(() => openColor.fromJson("purple", "/c")).path).toBe("/c");
  });

  it("maps code-valued enums to names in JSON and accepts aliases", () => {
    const c = enumCodes("Color", colors, { bits: 16, aliases: { grey: 9 } });
    expect(encodeWith(c, 2)).toEqual(new Uint8Array([0, 2]));
    expect(decodeWith(c, new Uint8Array([0, 2]))).toBe(2);
    expect(c.toJson(2)).toBe("blue");
    expect(c.toJson(300)).toBe(300);
    expect(c.fromJson("blue", "/")).toBe(2);
    expect(c.fromJson("grey", "/")).toBe(9);
    const closed = enumCodes("Color", colors, { closed: true });
    expect(caught(() => encodeWith(closed, 5)).what).toBe("unknown Color value 5");
  });

  it("omits an absent optional in JSON when asked and accepts both forms", () => {
    const s = struct("S", [["v", optional(uint8, { omitWhenAbsent: true })]]);
    expect(s.toJson({})).toEqual({});
    expect(s.toJson({ v: 3 })).toEqual({ v: 3 });
    expect(s.fromJson({ v: null }, "/")).toEqual({});
    expect(decodeWith(s, new Uint8Array([0]))).toEqual({});
  });

  it("reads the arm a select names, the otherwise arm, and the tail", () => {
    const red = { color: "red" as const, name: "c", radius: 5, extra: new Uint8Array([1]) };
    const bytes = encodeWith(shape, red);
    expect(toHex(bytes)).toBe("0001630501" + "01");
    expect(decodeWith(shape, bytes)).toEqual(red);
    const other = { color: 9, name: "", extra: new Uint8Array() };
    expect(decodeWith(shape, encodeWith(shape, other))).toEqual(other);
    expect(shape.toJson(red)).toEqual({ color: "red", name: "c", radius: 5, extra: "01" });
    expect(shape.fromJson({ color: "green", name: "x", width: 3, extra: "" }, "/")).toEqual({
      color: "green",
      name: "x",
      width: 3,
      extra: new Uint8Array(),
    });
    const e = caught(() => shape.fromJson({ color: "green", name: "x", radius: 3, extra: "" }, "/s"));
    expect(e.path).toBe("/s/radius");
  });

  it("rejects a value with no select arm with the given rule", () => {
    const s = selectBy("S", {
      head: [["n", uint8]],
      tag: (h) => (h.n === 0 ? "zero" : undefined),
      arms: { zero: [["z", uint8]] },
      noArm: "only zero has an arm",
      noArmRule: "TEST-SEL-01",
    });
    expect(decodeWith(s, new Uint8Array([0, 4]))).toEqual({ n: 0, z: 4 });
    const e = caught(() => decodeWith(s, new Uint8Array([1, 4])));
    expect([e.what, e.rule]).toEqual(["only zero has an arm: undefined", "TEST-SEL-01"]);
  });

  it("selects on code points of a code-valued enum", () => {
    const s = select("S", {
      head: [["k", enumCodes("K", { a: 0, b: 1 }, { closed: true })]],
      on: "k",
      arms: { 0: [], 1: [["b", uint8]] },
    });
    expect(decodeWith(s, new Uint8Array([1, 7]))).toEqual({ k: 1, b: 7 });
    expect(s.toJson({ k: 1, b: 7 })).toEqual({ k: "b", b: 7 });
    expect(s.fromJson({ k: "a" }, "/")).toEqual({ k: 0 });
  });

  it("names the field path of write and JSON errors", () => {
    const v = vector(struct("P", [["a", uint8]]));
    expect(caught(() => encodeWith(v, [{ a: 1 }, { a: 256 }])).path).toBe("/1/a");
    expect(caught(() => v.fromJson([{ a: 1 }, { b: 2 }], "/")).path).toBe("/1/b");
    expect(caught(() => v.fromJson([{}], "/")).what).toBe("missing field a");
    expect(caught(() => encodeWith(fixed(2), new Uint8Array(3))).what).toBe("expected 2 bytes, got 3");
    expect(caught(() => utf8String.fromJson("\uD800", "/t")).path).toBe("/t");
    expect(caught(() => uint64.fromJson("-1", "/n")).path).toBe("/n");
    expect(caught(() => opaque.fromJson("0g", "/h")).what).toMatch(/^expected hex/);
  });

  it("checks the runtime type of values it writes", () => {
    const s = struct("S", [
      ["b", opaque],
      ["t", utf8String],
      ["n", uint64],
      ["f", bool()],
      ["v", vector(uint8)],
    ]);
    const good = { b: new Uint8Array(), t: "", n: 0n, f: false, v: [] };
    expect(toHex(encodeWith(s, good))).toBe("000000000000000000000000");
    for (const [key, bad] of [
      ["b", "00"],
      ["t", 1],
      ["n", 1],
      ["f", 1],
      ["v", "x"],
    ] as const) {
      const e = caught(() => encodeWith(s, { ...good, [key]: bad } as never));
      expect(e.path).toBe(`/${key}`);
      expect(e.what).toMatch(/^expected /);
    }
  });

  it("runs a refinement on read, write and JSON", () => {
    const even = refine(uint8, (v, path) => {
      if (v % 2 !== 0) throw new ValidationError("odd", { path });
    });
    const s = struct("E", [["e", even]]);
    expect(() => decodeWith(s, new Uint8Array([3]))).toThrow(ValidationError);
    expect(() => encodeWith(even, 3)).toThrow(ValidationError);
    expect(() => even.fromJson(3, "/")).toThrow(ValidationError);
    expect(decodeWith(s, fromHex("04"))).toEqual({ e: 4 });
  });
});

describe("codec types", () => {
  it("infers a struct's object type from its fields", () => {
    expectTypeOf(point).toEqualTypeOf<
      Codec<{
        readonly x: number;
        readonly y: number;
        readonly label: string;
        readonly tags: readonly Uint8Array[];
        readonly note?: string;
        readonly big: bigint;
        readonly id: Uint8Array;
        readonly flag: boolean;
      }>
    >();
  });

  it("types enum values by names, closed or open", () => {
    expectTypeOf(openColor).toEqualTypeOf<Codec<"red" | "green" | "blue" | number>>();
    expectTypeOf(closedColor).toEqualTypeOf<Codec<"red" | "green" | "blue">>();
  });

  it("types a select as a union discriminated by its field", () => {
    type Value = ReturnType<typeof shape.read>;
    expectTypeOf<Extract<Value, { color: "red" }>>().toEqualTypeOf<{
      readonly color: "red";
      readonly name: string;
      readonly radius: number;
      readonly extra: Uint8Array;
    }>();
    expectTypeOf<Exclude<Value, { color: "red" | "green" }>>().toEqualTypeOf<{
      readonly color: "blue" | number;
      readonly name: string;
      readonly extra: Uint8Array;
    }>();
  });

  it("reuses named field lists with their types", () => {
    const head = fields([["a", uint8]]);
    const s = struct("S", [...head, ["b", optional(opaque)]]);
    expectTypeOf(s).toEqualTypeOf<Codec<{ readonly a: number; readonly b?: Uint8Array }>>();
    // @ts-expect-error a string is not a uint8
    expect(() => encodeWith(s, { a: "1" })).toThrow(CodecError);
  });
});
