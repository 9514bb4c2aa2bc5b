/**
 * The strict reader of an embedded `MLSMessage` holding a `PrivateMessage` (RFC 9420 §6.3.1),
 * which checks canonicality on the bytes instead of encoding the value again: it must accept and
 * refuse exactly what ts-mls's decoder followed by the re-encoding comparison does, with the same
 * value and length.
 */
import { fc, test } from "@fast-check/vitest";
import { decodeMlsMessage as tsDecodeMlsMessage, encodeMlsMessage as tsEncodeMlsMessage } from "@mimi/ts-mls";
import { bytesEqual, CodecError, toHex } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { readMlsStructure } from "../src/index.js";

/** The generic strict read: ts-mls decodes a prefix, and encoding the value gives it back. */
function reference(bytes: Uint8Array): { value: unknown; n: number } | "refused" {
  let r: ReturnType<typeof tsDecodeMlsMessage>;
  try {
    r = tsDecodeMlsMessage(bytes, 0);
  } catch {
    return "refused";
  }
  if (r === undefined || r[1] <= 0 || r[1] > bytes.length) return "refused";
  let again: Uint8Array;
  try {
    again = tsEncodeMlsMessage(r[0]);
  } catch {
    return "refused";
  }
  return bytesEqual(again, bytes.subarray(0, r[1])) ? { value: r[0], n: r[1] } : "refused";
}

function read(bytes: Uint8Array): { value: unknown; n: number } | "refused" {
  try {
    const [value, n] = readMlsStructure("MLSMessage", bytes, "/m");
    return { value, n };
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    expect(e.rule).toBe("MLS-CODEC-01");
    expect(e.path).toBe("/m");
    return "refused";
  }
}

type Prefix = "minimal" | 1 | 2 | 4;

/** An opaque<V> with the length prefix of `size` bytes (minimal: the smallest that fits). */
function opaque(data: Uint8Array, prefix: Prefix): number[] {
  const n = data.length;
  const size = prefix === "minimal" ? (n < 0x40 ? 1 : n < 0x4000 ? 2 : 4) : prefix;
  const head =
    size === 1
      ? [n & 0x3f]
      : size === 2
        ? [0x40 | ((n >> 8) & 0x3f), n & 0xff]
        : [0x80 | ((n >> 24) & 0x3f), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return [...head, ...data];
}

const field = fc.oneof(
  { weight: 30, arbitrary: fc.uint8Array({ maxLength: 80 }) },
  { weight: 1, arbitrary: fc.integer({ min: 16380, max: 16390 }).map((n) => new Uint8Array(n).fill(7)) },
);
const prefix = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Prefix>("minimal") },
  { weight: 1, arbitrary: fc.constantFrom<Prefix>(1, 2, 4) },
);

const privateMessageBytes = fc
  .record({
    version: fc.oneof(
      { weight: 8, arbitrary: fc.constant(1) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }) },
    ),
    wireformat: fc.oneof(
      { weight: 8, arbitrary: fc.constant(2) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 6 }) },
    ),
    groupId: fc.tuple(field, prefix),
    epoch: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    contentType: fc.integer({ min: 0, max: 5 }),
    aad: fc.tuple(field, prefix),
    senderData: fc.tuple(field, prefix),
    ciphertext: fc.tuple(field, prefix),
    // cut the bytes short at a fraction of their length, or add bytes after them
    cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })),
    trailing: fc.uint8Array({ maxLength: 3 }),
  })
  .map((m) => {
    const epoch = new Uint8Array(8);
    new DataView(epoch.buffer).setBigUint64(0, m.epoch);
    const whole = Uint8Array.from([
      m.version >> 8,
      m.version & 0xff,
      m.wireformat >> 8,
      m.wireformat & 0xff,
      ...opaque(...m.groupId),
      ...epoch,
      m.contentType,
      ...opaque(...m.aad),
      ...opaque(...m.senderData),
      ...opaque(...m.ciphertext),
      ...m.trailing,
    ]);
    return m.cut === null ? whole : whole.subarray(0, Math.floor(m.cut * whole.length));
  });

describe("readMlsStructure: an MLSMessage holding a PrivateMessage", () => {
  test.prop([privateMessageBytes], { numRuns: 1000 })(
    "[MLS-CODEC-01] accepts and refuses exactly what decoding and encoding again does, with the same value",
    (bytes) => {
      const expected = reference(bytes);
      const got = read(bytes);
      if (expected === "refused") expect(got).toBe("refused");
      else {
        expect(got).not.toBe("refused");
        expect(got).toEqual(expected);
      }
    },
  );

  test.prop([fc.uint8Array({ maxLength: 120 })], { numRuns: 1000 })(
    "[MLS-CODEC-01] random bytes after the PrivateMessage head: the same verdict as the generic read",
    (tail) => {
      const bytes = Uint8Array.of(0, 1, 0, 2, ...tail);
      const expected = reference(bytes);
      const got = read(bytes);
      expect(got === "refused").toBe(expected === "refused");
      if (expected !== "refused") expect(got).toEqual(expected);
    },
  );

  it("[MLS-CODEC-01] a length prefix longer than needed is refused as non-canonical", () => {
    const epoch = [0, 0, 0, 0, 0, 0, 0, 9];
    const canonical = Uint8Array.of(0, 1, 0, 2, 1, 0xaa, ...epoch, 1, 0, 1, 0xbb, 2, 0xcc, 0xdd);
    const [value, n] = readMlsStructure("MLSMessage", Uint8Array.of(...canonical, 0xee));
    expect(n).toBe(canonical.length);
    expect(toHex(tsEncodeMlsMessage(value))).toBe(toHex(canonical));
    expect(value).toMatchObject({
      version: "mls10",
      wireformat: "mls_private_message",
      privateMessage: { epoch: 9n, contentType: "application" },
    });
    // the ciphertext's length 2 written on two bytes (0x4002): ts-mls reads it, and writes 0x02
    const padded = Uint8Array.of(0, 1, 0, 2, 1, 0xaa, ...epoch, 1, 0, 1, 0xbb, 0x40, 2, 0xcc, 0xdd);
    expect(() => readMlsStructure("MLSMessage", padded, "/m")).toThrow(/non-canonical MLSMessage/);
  });
});
