/**
 * The hash a client knows its own messages' echoes by (and keeps in its snapshots): the hex SHA-256
 * of the MLSMessage, whichever implementation computes it.
 */
import { fc, test } from "@fast-check/vitest";
import { toHex } from "@mimi/wire";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import { hashOf } from "../src/core/state.js";

describe("hashOf", () => {
  it("is the hex SHA-256 of the bytes (FIPS 180-4 vectors)", () => {
    expect(hashOf(new TextEncoder().encode("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    expect(hashOf(new Uint8Array())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  test.prop([fc.uint8Array({ maxLength: 1000 }), fc.nat({ max: 7 })], { numRuns: 100 })(
    "gives the digest @noble/hashes gives, for a view into a larger buffer too",
    (bytes, at) => {
      const big = new Uint8Array(bytes.length + 8);
      big.set(bytes, at);
      expect(hashOf(big.subarray(at, at + bytes.length))).toBe(toHex(sha256(bytes)));
    },
  );
});
