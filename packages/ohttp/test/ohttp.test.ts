import { fc } from "@fast-check/vitest";
import { CodecError, fromHex, fromUtf8, toHex, utf8 } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  type BinaryHttpField,
  type BinaryHttpRequest,
  type BinaryHttpResponse,
  decapsulateRequest,
  decapsulateResponse,
  decodeBinaryHttpRequest,
  decodeBinaryHttpResponse,
  decodeKeyConfig,
  decodeKeyConfigs,
  encapsulateRequest,
  encapsulateResponse,
  encodeBinaryHttpRequest,
  encodeBinaryHttpResponse,
  encodeKeyConfig,
  encodeKeyConfigs,
  makeGatewayKey,
  responseKeys,
} from "../src/index.js";
import { rfc9458AppendixA } from "../vectors/suites.js";

const [
  gatewaySecret,
  keyConfigHex,
  requestHex,
  ephemeralSecret,
  ephemeralPublic,
  infoHex,
  encapsulatedRequestHex,
  responseHex,
  exportedSecret,
  saltHex,
  prkHex,
  aeadKeyHex,
  aeadNonceHex,
  encapsulatedResponseHex,
] = rfc9458AppendixA() as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];

/** Run `f` on untrusted bytes: it either succeeds or throws a CodecError. */
async function codecErrorOr<T>(f: () => T | Promise<T>): Promise<T | CodecError> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
}

/** Encodings of `valid`, each truncated or with one byte flipped. */
function mutationsOf(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(valid, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean()).map(([b, i, x, cut]) => {
    const c = b.slice();
    if (cut) return c.subarray(0, i % (c.length + 1));
    c[i % c.length]! ^= x;
    return c;
  });
}

describe("RFC 9458 Appendix A, byte for byte", () => {
  it("has the fourteen values of the example", () => {
    expect(rfc9458AppendixA()).toHaveLength(14);
    expect(infoHex).toBe(toHex(new TextEncoder().encode("message/bhttp request\0")) + "01002000010001");
  });

  it("key configuration: decodes, and the gateway key of the secret key encodes to it", () => {
    const config = decodeKeyConfig(fromHex(keyConfigHex));
    expect(config.keyId).toBe(1);
    expect(config.kemId).toBe(0x20);
    expect(config.symmetric).toEqual([
      { kdfId: 1, aeadId: 1 },
      { kdfId: 1, aeadId: 3 },
    ]);
    expect(toHex(encodeKeyConfig(config))).toBe(keyConfigHex);
    const key = makeGatewayKey(1, fromHex(gatewaySecret));
    expect(toHex(key.config.publicKey)).toBe(toHex(config.publicKey));
    // The list form (application/ohttp-keys) carries it with a 2-byte length.
    const list = encodeKeyConfigs([config]);
    expect(toHex(list)).toBe((keyConfigHex.length / 2).toString(16).padStart(4, "0") + keyConfigHex);
    expect(decodeKeyConfigs(list).map((c) => toHex(encodeKeyConfig(c)))).toEqual([keyConfigHex]);
  });

  it("binary HTTP request and response: decode and re-encode (truncated form)", () => {
    const req = decodeBinaryHttpRequest(fromHex(requestHex));
    expect(req).toMatchObject({ method: "GET", scheme: "https", authority: "example.com", path: "/" });
    expect(req.headers).toEqual([]);
    expect(req.content).toHaveLength(0);
    expect(toHex(encodeBinaryHttpRequest(req))).toBe(requestHex);
    const res = decodeBinaryHttpResponse(fromHex(responseHex));
    expect(res.status).toBe(200);
    expect(toHex(encodeBinaryHttpResponse(res))).toBe(responseHex);
  });

  it("client: the encapsulated request with the example's ephemeral key", async () => {
    const config = decodeKeyConfig(fromHex(keyConfigHex));
    const { encapsulated, context } = await encapsulateRequest(config, fromHex(requestHex), {
      secretKey: fromHex(ephemeralSecret),
    });
    expect(toHex(encapsulated)).toBe(encapsulatedRequestHex);
    expect(toHex(context.enc)).toBe(ephemeralPublic);
    expect(toHex(context.secret)).toBe(exportedSecret);
    expect(toHex(decapsulateResponse(context, fromHex(encapsulatedResponseHex)))).toBe(responseHex);
  });

  it("gateway: decapsulates the request, derives the response keys and encapsulates the response", async () => {
    const key = makeGatewayKey(1, fromHex(gatewaySecret));
    const { request, context } = await decapsulateRequest(key, fromHex(encapsulatedRequestHex));
    expect(toHex(request)).toBe(requestHex);
    expect(toHex(context.secret)).toBe(exportedSecret);
    const salt = fromHex(saltHex);
    expect(toHex(salt.subarray(0, 32))).toBe(ephemeralPublic);
    const nonce = salt.subarray(32);
    const keys = responseKeys(context, nonce);
    expect(toHex(keys.prk)).toBe(prkHex);
    expect(toHex(keys.key)).toBe(aeadKeyHex);
    expect(toHex(keys.nonce)).toBe(aeadNonceHex);
    expect(toHex(encapsulateResponse(context, fromHex(responseHex), nonce))).toBe(encapsulatedResponseHex);
  });
});

const fieldName = fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const fieldValue = fc
  .uint8Array({ maxLength: 20 })
  .map((b) => String.fromCharCode(...b.map((x) => (x === 0 || x === 10 || x === 13 ? 0x41 : x))))
  .map((s) => s.replace(/^[ \t]+|[ \t]+$/g, ""));
const fields: fc.Arbitrary<BinaryHttpField[]> = fc.array(fc.record({ name: fieldName, value: fieldValue }), {
  maxLength: 4,
});
const request: fc.Arbitrary<BinaryHttpRequest> = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "X-CUSTOM"),
  scheme: fc.constantFrom("https", "http"),
  authority: fc.stringMatching(/^[a-z0-9.:-]{0,20}$/),
  path: fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/),
  headers: fields,
  content: fc.uint8Array({ maxLength: 64 }),
  trailers: fields,
});
const response: fc.Arbitrary<BinaryHttpResponse> = fc.record({
  informational: fc.array(fc.record({ status: fc.integer({ min: 100, max: 199 }), headers: fields }), {
    maxLength: 2,
  }),
  status: fc.integer({ min: 200, max: 599 }),
  headers: fields,
  content: fc.uint8Array({ maxLength: 64 }),
  trailers: fields,
});

const norm = <T extends { content: Uint8Array }>(m: T) => ({ ...m, content: toHex(m.content) });

describe("binary HTTP (RFC 9292 known-length)", () => {
  it("round-trips requests and responses, also padded", () => {
    fc.assert(
      fc.property(request, response, fc.nat(8), (req, res, pad) => {
        const a = encodeBinaryHttpRequest(req);
        expect(norm(decodeBinaryHttpRequest(a))).toEqual(norm(req));
        const padded = new Uint8Array(a.length + pad);
        padded.set(a);
        expect(toHex(encodeBinaryHttpRequest(decodeBinaryHttpRequest(padded)))).toBe(toHex(a));
        const b = encodeBinaryHttpResponse(res);
        expect(norm(decodeBinaryHttpResponse(b))).toEqual(norm(res));
      }),
    );
  });

  it("accepts non-minimal integers (RFC 9292 §3) and re-encodes minimally", () => {
    // Framing indicator 0 as a 2-byte varint, then GET https example.com / truncated.
    const r = decodeBinaryHttpRequest(fromHex(`4000${requestHex.slice(2)}`));
    expect(toHex(encodeBinaryHttpRequest(r))).toBe(requestHex);
  });

  it.each([
    ["non-zero padding", `${requestHex}0000000001`, "/padding"],
    ["indeterminate-length framing", `02${requestHex.slice(2)}`, "/framingIndicator"],
    ["a response where a request is expected", responseHex, "/framingIndicator"],
    ["an unknown framing indicator", "05", "/framingIndicator"],
    ["a truncated path", requestHex.slice(0, -2), "/path"],
    ["a field section cut inside a field", `${requestHex}0301610162`, "/headers/0/value"],
    ["an uppercase field name", `${requestHex}0401410162`, "/headers/0/name"],
    ["a pseudo-field", `${requestHex}05033a616200`, "/headers/0/name"],
    ["an empty field name", `${requestHex}020000`, "/headers/0/name"],
    ["a field value with CR", `${requestHex}0401610162`.replace(/0162$/, "010d"), "/headers/0/value"],
    ["an empty path", "00034745540568747470730b6578616d706c652e636f6d00", "/path"],
    ["a space in the method", "0003472054056874747073" + "00012f", "/method"],
  ])("rejects %s", (_what, hex, path) => {
    const e = (() => {
      try {
        decodeBinaryHttpRequest(fromHex(hex));
      } catch (x) {
        return x;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(CodecError);
    expect((e as CodecError).path).toBe(path);
  });

  it("rejects responses with a status out of range or a missing final status", () => {
    for (const hex of ["01", "014258", "014064", "0140630001"]) {
      expect(() => decodeBinaryHttpResponse(fromHex(hex)), hex).toThrow(CodecError);
    }
  });

  it("decoders give only CodecError on random and mutated bytes", async () => {
    const valid = fc.oneof(request.map(encodeBinaryHttpRequest), response.map(encodeBinaryHttpResponse));
    const mutated = mutationsOf(valid);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 80 }), mutated), async (bytes) => {
        await codecErrorOr(() => decodeBinaryHttpRequest(bytes));
        await codecErrorOr(() => decodeBinaryHttpResponse(bytes));
      }),
      { numRuns: 500 },
    );
  });
});

describe("key configurations and encapsulation", () => {
  it("skips key configurations of unknown KEMs in a list, refuses a lone one", () => {
    const ours = fromHex(keyConfigHex);
    const other = fromHex("0700100000000100010001");
    const list = encodeKeyConfigs([decodeKeyConfig(ours)]);
    const both = new Uint8Array([0, other.length, ...other, ...list]);
    expect(decodeKeyConfigs(both)).toHaveLength(1);
    expect(() => decodeKeyConfig(other)).toThrow(CodecError);
    expect(() => decodeKeyConfigs(Uint8Array.from([0, other.length, ...other]))).toThrow(CodecError);
    expect(() => decodeKeyConfig(fromHex(`${keyConfigHex}00`))).toThrow(CodecError);
    expect(() => decodeKeyConfig(fromHex(keyConfigHex.replace(/0008(0001)/, "0007$1")))).toThrow(CodecError);
  });

  it("round-trips requests and responses with a fresh key", async () => {
    const key = makeGatewayKey(7);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), async (q, s) => {
        const { encapsulated, context } = await encapsulateRequest(key.config, q);
        const got = await decapsulateRequest(key, encapsulated);
        expect(toHex(got.request)).toBe(toHex(q));
        expect(toHex(decapsulateResponse(context, encapsulateResponse(got.context, s)))).toBe(toHex(s));
      }),
      { numRuns: 20 },
    );
  });

  it("opens a request with the key of a rotating gateway's set whose identifier it names", async () => {
    const keys = [makeGatewayKey(4), makeGatewayKey(5)];
    for (const k of keys) {
      const { encapsulated } = await encapsulateRequest(k.config, utf8("q"));
      expect(fromUtf8((await decapsulateRequest(keys, encapsulated)).request)).toBe("q");
    }
    const retired = makeGatewayKey(3);
    const { encapsulated } = await encapsulateRequest(retired.config, utf8("q"));
    expect(((await codecErrorOr(() => decapsulateRequest(keys, encapsulated))) as CodecError).path).toBe(
      "/keyId",
    );
    // the same identifier with another secret (a key replaced by rotation) does not open
    const reused = makeGatewayKey(4);
    const old = await encapsulateRequest(reused.config, utf8("q"));
    expect(((await codecErrorOr(() => decapsulateRequest(keys, old.encapsulated))) as CodecError).path).toBe(
      "/ciphertext",
    );
  });

  it("refuses another key identifier, suite, a tampered request and a tampered response", async () => {
    const key = makeGatewayKey(1, fromHex(gatewaySecret));
    const req = fromHex(encapsulatedRequestHex);
    const at = async (bytes: Uint8Array) =>
      ((await codecErrorOr(() => decapsulateRequest(key, bytes))) as CodecError).path;
    const edit = (i: number, v: number) => {
      const c = req.slice();
      c[i] = v;
      return c;
    };
    expect(await at(edit(0, 2))).toBe("/keyId");
    expect(await at(edit(2, 0x21))).toBe("/kemId");
    expect(await at(edit(4, 2))).toBe("/kdfId");
    expect(await at(edit(6, 3))).toBe("/aeadId");
    expect(await at(edit(req.length - 1, req[req.length - 1]! ^ 1))).toBe("/ciphertext");
    expect(await at(req.subarray(0, 40))).toBe("/");
    const { context } = await decapsulateRequest(key, req);
    const res = fromHex(encapsulatedResponseHex);
    res[20]! ^= 1;
    expect(() => decapsulateResponse(context, res)).toThrow(CodecError);
    expect(() => decapsulateResponse(context, res.subarray(0, 31))).toThrow(CodecError);
  });

  it("decoders and decapsulation give only CodecError on random and mutated bytes", async () => {
    const key = makeGatewayKey(1, fromHex(gatewaySecret));
    const { context } = await decapsulateRequest(key, fromHex(encapsulatedRequestHex));
    const seeds = [keyConfigHex, encapsulatedRequestHex, encapsulatedResponseHex].map((h) => fromHex(h));
    const mutated = mutationsOf(fc.constantFrom(...seeds));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 120 }), mutated), async (bytes) => {
        await codecErrorOr(() => decodeKeyConfig(bytes));
        await codecErrorOr(() => decodeKeyConfigs(bytes));
        await codecErrorOr(() => decapsulateRequest(key, bytes));
        await codecErrorOr(() => decapsulateResponse(context, bytes));
      }),
      { numRuns: 300 },
    );
  });
});
