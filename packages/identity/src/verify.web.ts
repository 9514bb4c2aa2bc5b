/**
 * Certificate signature verification in browsers (and wherever `#platform` is not `verify.node.ts`):
 * WebCrypto, with the issuer's key imported once as a `CryptoKey`.
 */
import { DerReader, derTags } from "./der.js";

/** The verification algorithms of the fast path. */
export type VerifyAlgorithm =
  | { readonly name: "Ed25519" }
  | {
      readonly name: "ECDSA";
      readonly curve: "P-256" | "P-384";
      readonly hash: "SHA-256" | "SHA-384" | "SHA-512";
    };

/** An issuer's public key, imported once (opaque outside this module). */
export type VerifyKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/** The key of a DER SubjectPublicKeyInfo, or undefined when WebCrypto refuses it. */
export async function importVerifyKey(
  spki: Uint8Array,
  algorithm: VerifyAlgorithm,
): Promise<VerifyKey | undefined> {
  const params =
    algorithm.name === "Ed25519" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: algorithm.curve };
  try {
    return await globalThis.crypto.subtle.importKey("spki", spki.slice(), params, false, ["verify"]);
  } catch {
    return undefined;
  }
}

/**
 * An ECDSA-Sig-Value (RFC 5480 §2.2.3: SEQUENCE { r INTEGER, s INTEGER }) as WebCrypto's fixed
 * size r ‖ s, or undefined when it is not one with 0 ≤ r, s < 2^(8·size).
 */
function ecdsaRaw(der: Uint8Array, size: number): Uint8Array<ArrayBuffer> | undefined {
  try {
    const top = new DerReader(der, 0, der.length, "/signatureValue");
    const seq = top.enter(derTags.sequence, "");
    top.finish("signature");
    const out = new Uint8Array(2 * size);
    for (const [i, field] of ["r", "s"].entries()) {
      let v = seq.integerBytes(field);
      if (v[0]! >= 0x80) return undefined;
      if (v[0] === 0 && v.length > 1) v = v.subarray(1);
      if (v.length > size) return undefined;
      out.set(v, (i + 1) * size - v.length);
    }
    seq.finish("ECDSA-Sig-Value");
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Whether `signature` over `data` verifies with `key`: an Ed25519 signature's 64 octets, or an
 * ECDSA-Sig-Value's DER (RFC 5480 §2.2.3).
 */
export async function verifyWith(
  key: VerifyKey,
  algorithm: VerifyAlgorithm,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  const subtle = globalThis.crypto.subtle;
  try {
    if (algorithm.name === "Ed25519") {
      return await subtle.verify({ name: "Ed25519" }, key, signature.slice(), data.slice());
    }
    const raw = ecdsaRaw(signature, algorithm.curve === "P-256" ? 32 : 48);
    if (raw === undefined) return false;
    return await subtle.verify({ name: "ECDSA", hash: algorithm.hash }, key, raw, data.slice());
  } catch {
    return false;
  }
}
