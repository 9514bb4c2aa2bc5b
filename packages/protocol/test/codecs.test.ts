import { fc } from "@fast-check/vitest";
import { CodecError, TlsReader, toHex } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { type Codec, decodeWith, encodeWith } from "../src/codec/schema.js";
import { decodeFanoutMessages, encodeFanoutMessages, fanoutMessageCodec } from "../src/fanout-message.js";
import { structCodecs } from "../src/structs.js";
import { arbitraryFor } from "./support/arbitraries.js";
import { type MlsFixtures, mlsFixtures } from "./support/fixtures.js";

let fx: MlsFixtures;
beforeAll(async () => {
  fx = await mlsFixtures();
});

/** Decoding never throws anything but a CodecError. */
function decodeOrCodecError(codec: Codec<unknown>, bytes: Uint8Array): unknown {
  try {
    return decodeWith(codec, bytes);
  } catch (e) {
    if (e instanceof CodecError) return e;
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
          if (!(out instanceof CodecError)) expect(toHex(encodeWith(codec, out))).toBe(toHex(mutated));
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
