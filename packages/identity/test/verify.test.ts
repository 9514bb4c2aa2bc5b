import { describe, expect, it } from "vitest";
import * as platform from "#platform";
import * as web from "../src/verify.web.js";

type WebCryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;
type KeyPair = { readonly publicKey: WebCryptoKey; readonly privateKey: WebCryptoKey };

/** What both variants export. */
interface Variant<K> {
  importVerifyKey(spki: Uint8Array, algorithm: web.VerifyAlgorithm): Promise<K | undefined>;
  verifyWith(
    key: K,
    algorithm: web.VerifyAlgorithm,
    signature: Uint8Array,
    data: Uint8Array,
  ): Promise<boolean>;
}

/** An ECDSA-Sig-Value (RFC 5480 §2.2.3) from WebCrypto's r ‖ s. */
function ecdsaDer(raw: Uint8Array): Uint8Array {
  const integer = (v: Uint8Array): number[] => {
    let i = 0;
    while (i < v.length - 1 && v[i] === 0) i++;
    const body = [...v.subarray(i)];
    if (body[0]! >= 0x80) body.unshift(0);
    return [0x02, body.length, ...body];
  };
  const half = raw.length / 2;
  const body = [...integer(raw.subarray(0, half)), ...integer(raw.subarray(half))];
  return new Uint8Array([0x30, body.length, ...body]);
}

const cases = [
  {
    name: "Ed25519",
    algorithm: { name: "Ed25519" },
    generate: { name: "Ed25519" },
    sign: { name: "Ed25519" },
  },
  {
    name: "P-256 with SHA-256",
    algorithm: { name: "ECDSA", curve: "P-256", hash: "SHA-256" },
    generate: { name: "ECDSA", namedCurve: "P-256" },
    sign: { name: "ECDSA", hash: "SHA-256" },
  },
  {
    name: "P-384 with SHA-384",
    algorithm: { name: "ECDSA", curve: "P-384", hash: "SHA-384" },
    generate: { name: "ECDSA", namedCurve: "P-384" },
    sign: { name: "ECDSA", hash: "SHA-384" },
  },
] as const;

describe("certificate signature verification, both #platform variants", () => {
  for (const c of cases) {
    it(`IDENTITY-PATH-01 ${c.name}: a signature verifies, a changed one or changed data does not`, async () => {
      const subtle = globalThis.crypto.subtle;
      const keys = (await subtle.generateKey(c.generate, true, ["sign", "verify"])) as KeyPair;
      const spki = new Uint8Array(await subtle.exportKey("spki", keys.publicKey));
      const data = new TextEncoder().encode(`the tbsCertificate of ${c.name}`);
      const raw = new Uint8Array(await subtle.sign(c.sign, keys.privateKey, data));
      const signature = c.algorithm.name === "Ed25519" ? raw : ecdsaDer(raw);
      const badSignature = signature.slice();
      badSignature[badSignature.length - 1] = badSignature[badSignature.length - 1]! ^ 0x01;
      const badData = data.slice();
      badData[0] = badData[0]! ^ 0x01;
      const check = async <K>(variant: Variant<K>): Promise<void> => {
        const key = await variant.importVerifyKey(spki, c.algorithm);
        expect(key).toBeDefined();
        expect(await variant.verifyWith(key!, c.algorithm, signature, data)).toBe(true);
        expect(await variant.verifyWith(key!, c.algorithm, badSignature, data)).toBe(false);
        expect(await variant.verifyWith(key!, c.algorithm, signature, badData)).toBe(false);
        expect(await variant.verifyWith(key!, c.algorithm, new Uint8Array([0x30, 0x00]), data)).toBe(false);
      };
      await check(web);
      await check(platform);
    });
  }

  it("a SubjectPublicKeyInfo that is not a key gives no key", async () => {
    expect(await web.importVerifyKey(new Uint8Array([0x30, 0x00]), { name: "Ed25519" })).toBeUndefined();
    expect(await platform.importVerifyKey(new Uint8Array([0x30, 0x00]), { name: "Ed25519" })).toBeUndefined();
  });
});
