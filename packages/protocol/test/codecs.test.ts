import { fc } from "@fast-check/vitest";
import {
  type Codec,
  CodecError,
  decodeWith,
  encodeWith,
  TlsReader,
  toHex,
  ValidationError,
} from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeFanoutMessages, encodeFanoutMessages, fanoutMessageCodec } from "../src/fanout-message.js";
import { structCodecs } from "../src/structs.js";
import { arbitraryFor } from "./support/arbitraries.js";
import { type MlsFixtures, mlsFixtures } from "./support/fixtures.js";

let fx: MlsFixtures;
beforeAll(async () => {
  fx = await mlsFixtures();
});

/** Decoding never throws anything but a CodecError. */
/**
 * Decode, or the typed rejection: a CodecError, or a ValidationError naming the rule the decoded
 * structure breaks (an AppDataDictionary out of order is MLS-EXT-01 of the MLS profile).
 */
function decodeOrCodecError(codec: Codec<unknown>, bytes: Uint8Array): unknown {
  try {
    return decodeWith(codec, bytes);
  } catch (e) {
    if (e instanceof CodecError) return e;
    if (e instanceof ValidationError && e.rule === "MLS-EXT-01") return e;
    throw e;
  }
}

const names = Object.keys(structCodecs);

describe.each(names)("%s", (name) => {
  const codec = structCodecs[name] as Codec<unknown>;

  it("round-trips through bytes and JSON", () => {
    fc.assert(
      fc.property(arbitraryFor(codec, fx), (value) => {
        const bytes = encodeWith(codec, value);
        const decoded = decodeWith(codec, bytes);
        expect(toHex(encodeWith(codec, decoded))).toBe(toHex(bytes));
        const json = codec.toJson(decoded);
        expect(codec.toJson(value)).toEqual(json);
        const fromJson = codec.fromJson(JSON.parse(JSON.stringify(json)), "/");
        expect(toHex(encodeWith(codec, fromJson))).toBe(toHex(bytes));
      }),
      { numRuns: 25 },
    );
  });

  it("rejects random bytes with a CodecError only", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        decodeOrCodecError(codec, bytes);
      }),
      { numRuns: 60 },
    );
  });

  it("mutated, truncated or extended encodings give a CodecError or re-encode identically", () => {
    fc.assert(
      fc.property(
        arbitraryFor(codec, fx),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom("flip", "truncate", "append"),
        (value, at, x, how) => {
          const bytes = encodeWith(codec, value);
          let mutated: Uint8Array;
          if (how === "append") mutated = new Uint8Array([...bytes, x]);
          else if (how === "truncate") mutated = bytes.slice(0, bytes.length === 0 ? 0 : at % bytes.length);
          else {
            mutated = bytes.slice();
            if (mutated.length > 0) mutated[at % mutated.length]! ^= x;
          }
          const out = decodeOrCodecError(codec, mutated);
          if (!(out instanceof CodecError) && !(out instanceof ValidationError))
            expect(toHex(encodeWith(codec, out))).toBe(toHex(mutated));
          if (how !== "flip") expect(out).toBeInstanceOf(CodecError);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("FanoutMessage concatenation (/notify bodies, §5.5)", () => {
  it("decodes several concatenated FanoutMessages and re-encodes them", () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryFor(fanoutMessageCodec as Codec<unknown>, fx), { minLength: 1, maxLength: 4 }),
        (ms) => {
          const body = encodeFanoutMessages(ms as never);
          const back = decodeFanoutMessages(body);
          expect(back).toHaveLength(ms.length);
          expect(toHex(encodeFanoutMessages(back))).toBe(toHex(body));
        },
      ),
      { numRuns: 20 },
    );
  });

  it("rejects an empty body and names the index of a bad message", () => {
    expect(() => decodeFanoutMessages(new Uint8Array())).toThrow(CodecError);
    const one = encodeFanoutMessages([
      { timestamp: 1n, message: fx.privateMessages[0]!, frank: undefined } as never,
    ]);
    const two = new Uint8Array([...one, ...one.slice(0, one.length - 3)]);
    expect(() => decodeFanoutMessages(two)).toThrow(
      expect.objectContaining({ path: expect.stringMatching(/^\/1/) }),
    );
  });
});

describe("embedded MLS structures", () => {
  it("never let a ts-mls structure read past its enclosing vector", () => {
    // A vector of MLSMessages whose length prefix cuts the last message short.
    const msg = fx.proposals[0]!.bytes;
    const inner = new Uint8Array([...msg, ...msg]);
    const body = new Uint8Array([0x40 | ((inner.length - 1) >> 8), (inner.length - 1) & 0xff, ...inner]);
    const r = new TlsReader(body);
    expect(() => structCodecs["PendingProposal"]!.read(r, body)).toThrow(CodecError);
    const vec = structCodecs["HandshakeBundle"]!;
    expect(() => decodeWith(vec, body)).toThrow(CodecError);
  });
});

describe("AppDataDictionary in protocol bodies (the MLS profile's structure)", () => {
  const entry = (component_data: readonly { component_id: number; data: Uint8Array }[]) => ({
    component_data,
  });
  const codec = structCodecs["AppDataDictionary"] as Codec<{
    component_data: readonly { component_id: number; data: Uint8Array }[];
  }>;

  it("MLS-EXT-01 refuses entries out of order or repeated, decoding and encoding, at the entry's path", () => {
    const sorted = entry([
      { component_id: 1, data: Uint8Array.of(1) },
      { component_id: 7, data: Uint8Array.of(2) },
    ]);
    const bytes = encodeWith(codec, sorted);
    expect(decodeWith(codec, bytes)).toEqual(sorted);
    // the bytes: varint length 8, then [00 01][01][01] and [00 07][01][02]; swap the IDs: 7, then 1
    expect(toHex(bytes)).toBe("080001010100070102");
    const swapped = bytes.slice();
    swapped[2] = 7;
    swapped[6] = 1;
    const e = decodeOrCodecError(codec, swapped);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).rule).toBe("MLS-EXT-01");
    expect((e as ValidationError).path).toBe("/component_data/1/component_id");
    const repeated = entry([
      { component_id: 3, data: Uint8Array.of() },
      { component_id: 3, data: Uint8Array.of() },
    ]);
    expect(() => encodeWith(codec, repeated)).toThrow(ValidationError);
    expect(() => codec.fromJson(codec.toJson(repeated), "/")).toThrow(ValidationError);
  });
});
