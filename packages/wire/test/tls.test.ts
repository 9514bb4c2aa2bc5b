import { fc, test } from "@fast-check/vitest";
import { allCases, loadVectorFile } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import { CodecError, decodeTls, encodeTls, MAX_VARINT, TlsReader } from "../src/index.js";
import { checkTlsCodecCase, vectorSuites } from "../vectors/suites.js";

describe("RFC 9420 vector suites", () => {
  for (const suite of vectorSuites) {
    it(`${suite.name} passes every case`, async () => {
      const outcomes = await suite.run();
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    });
  }
});

describe("spec-vectors/wire/tls-codec.json", () => {
  const cases = allCases(loadVectorFile("wire/tls-codec.json")).map(({ test }) => test);
  it.each(cases)("tcId $tcId: $comment ($result)", (t) => {
    checkTlsCodecCase(t);
  });
});

describe("TLS codec", () => {
  it("WIRE-VARINT-01 rejects a non-minimal varint with the rule and the field path", () => {
    const bytes = new Uint8Array([0x40, 0x01]);
    let caught: unknown;
    try {
      decodeTls(bytes, (r) => r.field("length", () => r.varint()));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CodecError);
    expect((caught as CodecError).rule).toBe("WIRE-VARINT-01");
    expect((caught as CodecError).path).toBe("/length");
  });

  it("WIRE-VARINT-02 rejects the reserved prefix", () => {
    expect(() => decodeTls(new Uint8Array([0xc0, 0, 0, 0, 0, 0, 0, 0]), (r) => r.varint())).toThrow(/0b11/);
  });

  it("WIRE-OPT-01 rejects a presence octet other than 0 or 1", () => {
    expect(() => decodeTls(new Uint8Array([2, 0]), (r) => r.optional((x) => x.uint8()))).toThrow(CodecError);
  });

  it("reports the index of a vector item that overruns its vector", () => {
    // vector of 3 bytes holding two opaque items: [01 aa] [05 ...] where the second overruns
    const bytes = new Uint8Array([0x03, 0x01, 0xaa, 0x05]);
    expect(() => decodeTls(bytes, (r) => r.field("items", () => r.vector((x) => x.opaque())))).toThrow(
      expect.objectContaining({ path: "/items/1" }),
    );
  });

  it("names the path through fields and vectors from a reader's starting path, escaped, and restores it after each field", () => {
    // a reader at /body: field "a/b" holding a vector of items { x: uint8, y: opaque }; the second item's y overruns
    const bytes = new Uint8Array([0x06, 0x07, 0x01, 0xaa, 0x08, 0x05, 0xbb]);
    const r = new TlsReader(bytes, { path: "/body" });
    const paths: string[] = [];
    const read = () =>
      r.field("a/b", () =>
        r.vector((item) => {
          item.field("x", () => item.uint8());
          paths.push(item.currentPath);
          return item.field("y", () => item.opaque());
        }),
      );
    expect(read).toThrow(expect.objectContaining({ path: "/body/a~1b/1/y" }));
    expect(paths).toEqual(["/body/a~1b/0", "/body/a~1b/1"]);
    expect(r.currentPath).toBe("/body");
  });

  it("refuses to encode out-of-range integers", () => {
    expect(() => encodeTls((w) => w.uint8(256))).toThrow(CodecError);
    expect(() => encodeTls((w) => w.varint(MAX_VARINT + 1))).toThrow(CodecError);
    expect(() => encodeTls((w) => w.uint64(-1n))).toThrow(CodecError);
    expect(() => encodeTls((w) => w.bytes(new Uint8Array(3), 4))).toThrow(CodecError);
  });

  test.prop([fc.integer({ min: 0, max: MAX_VARINT })])("varint round-trips minimally", (n) => {
    const bytes = encodeTls((w) => w.varint(n));
    expect(bytes.length).toBe(n < 0x40 ? 1 : n < 0x4000 ? 2 : 4);
    expect(decodeTls(bytes, (r) => r.varint())).toBe(n);
  });

  test.prop([fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), fc.array(fc.uint8Array({ maxLength: 80 }))])(
    "structs of uint64 and vectors of opaque round-trip",
    (n, items) => {
      const bytes = encodeTls((w) => w.uint64(n).vector(items, (x, v) => x.opaque(v)));
      const [m, back] = decodeTls(bytes, (r) => [r.uint64(), r.vector((x) => x.opaque())] as const);
      expect(m).toBe(n);
      expect(back).toEqual(items);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 64 })])("random bytes only ever give a CodecError", (bytes) => {
    const read = (r: TlsReader): unknown => [
      r.optional((x) => x.uint16()),
      r.vector((x) => x.opaque()),
      r.uint32(),
      r.varint(),
    ];
    try {
      decodeTls(bytes, read);
    } catch (e) {
      expect(e).toBeInstanceOf(CodecError);
    }
  });
});
