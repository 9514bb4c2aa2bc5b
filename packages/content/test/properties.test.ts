import { fc, test } from "@fast-check/vitest";
import { readUpstreamHex } from "@mimi/spec-vectors";
import { bytesEqual, CodecError } from "@mimi/wire";
import { decode as cbor2Decode, cdeDecodeOptions } from "cbor2";
import { expect } from "vitest";
import {
  decodeMimiContent,
  encodeMimiContent,
  mimiContentFromJson,
  mimiContentToJson,
} from "../src/index.js";
import { decodeMessageStatusReport, encodeMessageStatusReport } from "../src/message-status.js";
import { arbMimiContent } from "./arbitraries.js";

const examples = ["original", "attachment", "multipart-3", "expiring"].map((n) =>
  readUpstreamHex(`content/${n}.hex`),
);

/** True when `v` holds a float with an integral value (or an infinity), anywhere. */
function hasIntegralFloat(v: unknown): boolean {
  if (typeof v !== "object" || v === null || v instanceof Uint8Array) return false;
  if (Array.isArray(v)) return v.some(hasIntegralFloat);
  if (v instanceof Map) return [...v].some(([k, x]) => hasIntegralFloat(k) || hasIntegralFloat(x));
  if ("float" in v) return Number.isInteger(v.float) || !Number.isFinite(v.float);
  return hasIntegralFloat((v as { value: unknown }).value);
}

/** Decode, allowing only success or a CodecError. */
function decodeOrCodecError(bytes: Uint8Array): void {
  try {
    decodeMimiContent(bytes);
  } catch (e) {
    if (!(e instanceof CodecError)) throw e;
    expect(e.rule).toMatch(/^CONTENT-/);
  }
}

test.prop([arbMimiContent], { numRuns: 300 })(
  "CONTENT-CBOR-05 random valid content round-trips byte-exact",
  (c) => {
    const bytes = encodeMimiContent(c);
    const back = decodeMimiContent(bytes);
    expect(back).toEqual(c);
    expect(bytesEqual(encodeMimiContent(back), bytes)).toBe(true);
  },
);

test.prop([arbMimiContent], { numRuns: 200 })(
  "CONTENT-CBOR-03 CONTENT-CBOR-04 everything we encode is accepted by cbor2's strict deterministic decoder",
  (c) => {
    // cbor2's rejectLongFloats also demands numeric reduction (an integral float written as an
    // int), which RFC 8949 §4.2.1 does not; such values are left to our own vectors (DI-CONTENT-10).
    fc.pre(!hasIntegralFloat([...c.mimiExtensions.values()]));
    const bytes = encodeMimiContent(c);
    expect(() =>
      cbor2Decode(bytes, {
        ...cdeDecodeOptions,
        rejectLongFloats: true,
        rejectStreaming: true,
        rejectDuplicateKeys: true,
        rejectUndefined: true,
        preferMap: true,
        tags: new Map(),
      } as never),
    ).not.toThrow();
  },
);

test.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 500 })(
  "CONTENT-CBOR-01 random bytes only give CodecError",
  (b) => {
    decodeOrCodecError(b);
  },
);

test.prop([fc.nat(3), fc.nat(), fc.nat(255), fc.nat(3)], { numRuns: 1000 })(
  "CONTENT-CBOR-01 mutated draft examples only give CodecError",
  (which, at, value, op) => {
    const src = examples[which]!;
    const i = at % src.length;
    let b: Uint8Array;
    if (op === 0) {
      b = src.slice();
      b[i] = value;
    } else if (op === 1) b = src.subarray(0, i);
    else if (op === 2) b = new Uint8Array([...src.subarray(0, i), value, ...src.subarray(i)]);
    else b = new Uint8Array([...src.subarray(0, i), ...src.subarray(i + 1)]);
    decodeOrCodecError(b);
  },
);

test.prop([arbMimiContent, fc.nat(), fc.nat(255)], { numRuns: 300 })(
  "CONTENT-CBOR-01 mutated random content only gives CodecError",
  (c, at, value) => {
    const b = encodeMimiContent(c).slice();
    b[at % b.length] = value;
    decodeOrCodecError(b);
  },
);

test.prop([arbMimiContent], { numRuns: 200 })(
  "CONTENT-JSON-01 the JSON form round-trips random content",
  (c) => {
    const json = JSON.parse(JSON.stringify(mimiContentToJson(c))) as unknown;
    expect(bytesEqual(encodeMimiContent(mimiContentFromJson(json)), encodeMimiContent(c))).toBe(true);
  },
);

const arbReport = fc.array(
  fc.record({
    messageId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    status: fc.integer({ min: 0, max: 255 }),
  }),
  { maxLength: 5 },
);

test.prop([arbReport], { numRuns: 200 })("CONTENT-STATUS-01 random status reports round-trip", (r) => {
  expect(decodeMessageStatusReport(encodeMessageStatusReport(r))).toEqual(r);
});

test.prop([fc.uint8Array({ maxLength: 120 })], { numRuns: 300 })(
  "CONTENT-STATUS-01 random bytes only give CodecError from the status decoder",
  (b) => {
    try {
      decodeMessageStatusReport(b);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
    }
  },
);
