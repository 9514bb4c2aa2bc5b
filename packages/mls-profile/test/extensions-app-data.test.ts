import { fc, test } from "@fast-check/vitest";
import { CodecError, isMimiError, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  type AppDataDictionary,
  type AppDataUpdate,
  applyAppDataUpdates,
  type ComponentHandlers,
  decodeAppDataDictionary,
  decodeAppDataUpdate,
  decodeAppEphemeral,
  decodeComponentData,
  defaultCodePoints,
  encodeAppDataDictionary,
  encodeAppDataUpdate,
  encodeAppEphemeral,
  encodeComponentData,
  getComponentData,
  removeComponentData,
  setComponentData,
} from "../src/index.js";

const arbBytes = fc.uint8Array({ maxLength: 24 });
const arbId = fc.integer({ min: 0, max: 0xffff });
const arbDict: fc.Arbitrary<AppDataDictionary> = fc
  .uniqueArray(fc.record({ component_id: arbId, data: arbBytes }), {
    selector: (c) => c.component_id,
    maxLength: 6,
  })
  .map((items) => ({ component_data: items.sort((a, b) => a.component_id - b.component_id) }));
const arbUpdate: fc.Arbitrary<AppDataUpdate> = fc.oneof(
  fc.record({ component_id: arbId, op: fc.constant("update" as const), update: arbBytes }),
  fc.record({ component_id: arbId, op: fc.constant("remove" as const) }),
);

function expectTyped(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isMimiError(e), String(e)).toBe(true);
  }
}

describe("AppDataDictionary", () => {
  test.prop([arbDict])("round-trips", (d) => {
    expect(decodeAppDataDictionary(encodeAppDataDictionary(d))).toEqual(d);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])("random bytes only ever give a typed error", (b) => {
    expectTyped(() => decodeAppDataDictionary(b));
    expectTyped(() => decodeComponentData(b));
  });

  it("MLS-EXT-01: rejects unsorted or duplicate component IDs, on encode and on decode", () => {
    const a = { component_id: 2, data: new Uint8Array([1]) };
    const b = { component_id: 1, data: new Uint8Array([]) };
    expect(() => encodeAppDataDictionary({ component_data: [a, b] })).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-01", path: "/component_data/1/component_id" }),
    );
    // hand-built bytes: [0x0002, 01 01] [0x0002, 00]
    const dup = new Uint8Array([7, 0, 2, 1, 1, 0, 2, 0]);
    expect(() => decodeAppDataDictionary(dup)).toThrow(ValidationError);
    expect(() => decodeAppDataDictionary(dup)).toThrow(expect.objectContaining({ rule: "MLS-EXT-01" }));
    const sorted = encodeAppDataDictionary({ component_data: [b, a] });
    expect([...sorted]).toEqual([7, 0, 1, 0, 0, 2, 1, 1]);
  });

  test.prop([arbDict, arbId, arbBytes])("set keeps order and uniqueness; remove deletes", (d, id, data) => {
    const s = setComponentData(d, id, data);
    expect(() => encodeAppDataDictionary(s)).not.toThrow();
    expect(getComponentData(s, id)).toEqual(data);
    expect(getComponentData(removeComponentData(s, id), id)).toBeUndefined();
  });

  test.prop([arbBytes, arbId])("ComponentData round-trips", (data, component_id) => {
    expect(decodeComponentData(encodeComponentData({ component_id, data }))).toEqual({ component_id, data });
    expect(decodeAppEphemeral(encodeAppEphemeral({ component_id, data }))).toEqual({ component_id, data });
  });
});

describe("AppDataUpdate", () => {
  test.prop([arbUpdate])("round-trips", (u) => {
    expect(decodeAppDataUpdate(encodeAppDataUpdate(u))).toEqual(u);
  });

  test.prop([fc.uint8Array({ maxLength: 32 })])("random bytes only ever give a typed error", (b) => {
    expectTyped(() => decodeAppDataUpdate(b));
    expectTyped(() => decodeAppEphemeral(b));
  });

  it("MLS-EXT-02: rejects the invalid(0) operation and undefined operations", () => {
    expect(() => decodeAppDataUpdate(new Uint8Array([0, 0x22, 0]))).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-02", path: "/op" }),
    );
    expect(() => decodeAppDataUpdate(new Uint8Array([0, 0x22, 3]))).toThrow(CodecError);
    expect(decodeAppDataUpdate(new Uint8Array([0, 0x22, 2]))).toEqual({ component_id: 0x22, op: "remove" });
    expect(() => decodeAppDataUpdate(new Uint8Array([0, 0x22, 2, 0]))).toThrow(CodecError);
  });
});

describe("applyAppDataUpdates (draft-ietf-mls-extensions-10 §4.7)", () => {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  // A counter component: each update appends its payload to the data; "bad" is rejected.
  const append: ComponentHandlers = new Map([
    [
      0x8001,
      (current: Uint8Array | undefined, updates: readonly Uint8Array[]) => {
        let s = current === undefined ? "" : dec.decode(current);
        for (const u of updates) {
          if (dec.decode(u) === "bad") throw new ValidationError("bad update");
          s += dec.decode(u);
        }
        return enc.encode(s);
      },
    ],
    [0x8002, (_c: Uint8Array | undefined, u: readonly Uint8Array[]) => u[u.length - 1]!],
  ]);
  const upd = (component_id: number, s: string): AppDataUpdate => ({
    component_id,
    op: "update",
    update: enc.encode(s),
  });
  const rm = (component_id: number): AppDataUpdate => ({ component_id, op: "remove" });

  it("creates, updates in commit order and inserts in sort order", () => {
    let d = applyAppDataUpdates(
      { component_data: [] },
      [upd(0x8002, "x"), upd(0x8001, "a"), upd(0x8001, "b")],
      append,
    );
    expect(d.component_data.map((c) => c.component_id)).toEqual([0x8001, 0x8002]);
    expect(dec.decode(getComponentData(d, 0x8001))).toBe("ab");
    d = applyAppDataUpdates(d, [upd(0x8001, "c")], append);
    expect(dec.decode(getComponentData(d, 0x8001))).toBe("abc");
    d = applyAppDataUpdates(d, [rm(0x8002)], append);
    expect(getComponentData(d, 0x8002)).toBeUndefined();
    expect(applyAppDataUpdates(d, [], append)).toEqual(d);
  });

  it("MLS-EXT-03: an update for an unknown component is invalid", () => {
    expect(() =>
      applyAppDataUpdates({ component_data: [] }, [upd(0x8001, "a"), upd(7, "a")], append),
    ).toThrow(expect.objectContaining({ rule: "MLS-EXT-03", path: "/1/component_id" }));
  });

  it("MLS-EXT-04: removing a component with no data is invalid", () => {
    expect(() => applyAppDataUpdates({ component_data: [] }, [rm(0x8001)], append)).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-04" }),
    );
  });

  it("MLS-EXT-05: exactly one remove, or only updates, per component", () => {
    const d = applyAppDataUpdates({ component_data: [] }, [upd(0x8001, "a")], append);
    expect(() => applyAppDataUpdates(d, [rm(0x8001), rm(0x8001)], append)).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-05", path: "/1/op" }),
    );
    expect(() => applyAppDataUpdates(d, [upd(0x8001, "b"), rm(0x8001)], append)).toThrow(
      expect.objectContaining({ rule: "MLS-EXT-05" }),
    );
    // a remove of one component next to updates of another is fine
    const both = applyAppDataUpdates(
      setComponentData(d, 0x8002, new Uint8Array([1])),
      [rm(0x8002), upd(0x8001, "b")],
      append,
    );
    expect(both.component_data.map((c) => c.component_id)).toEqual([0x8001]);
  });

  it("MLS-EXT-06: the component logic's rejection makes the list invalid", () => {
    expect(() =>
      applyAppDataUpdates({ component_data: [] }, [upd(0x8001, "a"), upd(0x8001, "bad")], append),
    ).toThrow(expect.objectContaining({ rule: "MLS-EXT-06", name: "ValidationError" }));
  });

  it("does not swallow bugs in component logic", () => {
    const buggy: ComponentHandlers = new Map([
      [
        1,
        () => {
          throw new TypeError("bug");
        },
      ],
    ]);
    expect(() => applyAppDataUpdates({ component_data: [] }, [upd(1, "a")], buggy)).toThrow(TypeError);
  });

  test.prop([arbDict, fc.array(arbUpdate, { maxLength: 6 })])(
    "random proposal lists give a sorted dictionary or a ValidationError",
    (d, ups) => {
      const handlers: ComponentHandlers = new Map(
        [...d.component_data.map((c) => c.component_id), ...ups.map((u) => u.component_id)].map((id) => [
          id,
          (_c: Uint8Array | undefined, u: readonly Uint8Array[]) => u[0]!,
        ]),
      );
      try {
        const out = applyAppDataUpdates(d, ups, handlers);
        expect(decodeAppDataDictionary(encodeAppDataDictionary(out))).toEqual(out);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
      }
    },
  );

  it("has the suggested code points by default", () => {
    expect(defaultCodePoints.extensionTypes.app_data_dictionary).toBe(6);
    expect(defaultCodePoints.proposalTypes.app_data_update).toBe(8);
    expect(defaultCodePoints.componentIds.participant_list).toBe(0x22);
  });
});
