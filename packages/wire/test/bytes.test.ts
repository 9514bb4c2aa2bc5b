import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  bytesEqualConstantTime,
  CodecError,
  compareBytes,
  concatBytes,
  fromBase64,
  fromHex,
  fromUtf8,
  MimiError,
  toBase64,
  toHex,
  ValidationError,
} from "../src/index.js";

describe("bytes", () => {
  test.prop([fc.uint8Array()])("hex round-trips", (b) => {
    expect(fromHex(toHex(b))).toEqual(b);
    expect(fromHex(toHex(b).toUpperCase())).toEqual(b);
  });

  test.prop([fc.uint8Array({ maxLength: 70_000 })])("base64 round-trips and agrees with RFC 4648", (b) => {
    const text = toBase64(b);
    expect(text).toBe(btoa(String.fromCharCode(...b))); // the platform's RFC 4648 encoder
    expect(fromBase64(text)).toEqual(b);
  });

  it("base64: the RFC 4648 §10 vectors; no whitespace, missing padding, other alphabet or stray bits", () => {
    const rfc = ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"];
    expect(rfc.map((t) => new TextDecoder().decode(fromBase64(t)))).toEqual([
      "",
      "f",
      "fo",
      "foo",
      "foob",
      "fooba",
      "foobar",
    ]);
    for (const bad of ["Zg", "Zg=", "Zm9v\n", "Zm 9v", "Zm9v-_==", "Zh==", "Zm9=", "===="])
      expect(() => fromBase64(bad, "/pem"), JSON.stringify(bad)).toThrow(
        expect.objectContaining({ path: "/pem" }),
      );
  });

  it("rejects odd-length and non-hex input with the offset", () => {
    expect(() => fromHex("abc")).toThrow(CodecError);
    expect(() => fromHex("0g")).toThrow(expect.objectContaining({ path: "@1" }));
    expect(fromHex("01 02\n03", { lenient: true })).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => fromHex("01 02")).toThrow(CodecError);
  });

  it("rejects invalid UTF-8 instead of replacing it", () => {
    expect(() => fromUtf8(new Uint8Array([0xc3, 0x28]), "/name")).toThrow(
      expect.objectContaining({ path: "/name" }),
    );
    expect(fromUtf8(new Uint8Array([0xe2, 0x9d, 0xa4]))).toBe("\u2764");
  });

  it("compares and concatenates", () => {
    expect(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBeLessThan(0);
    expect(compareBytes(new Uint8Array([2]), new Uint8Array([1, 9]))).toBeGreaterThan(0);
    expect(concatBytes(new Uint8Array([1]), new Uint8Array([2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    expect(bytesEqualConstantTime(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqualConstantTime(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
  });
});

describe("errors", () => {
  it("carry what, path and rule, and describe themselves in the house format", () => {
    const e = new ValidationError("salt must be 16 bytes", { path: "/salt", rule: "CONTENT-SALT-01" });
    expect(e).toBeInstanceOf(MimiError);
    expect(e.name).toBe("ValidationError");
    expect(e.message).toBe("salt must be 16 bytes at /salt");
    expect(e.describe()).toBe("ValidationError: salt must be 16 bytes [CONTENT-SALT-01] at /salt");
  });
});
