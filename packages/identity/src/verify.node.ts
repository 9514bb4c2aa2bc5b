/**
 * Certificate signature verification in Node (package.json maps `#platform` here under the `node`
 * condition; `verify.web.ts` everywhere else): `node:crypto`, synchronous, with the issuer's key
 * as a `KeyObject` made once. No round trip through WebCrypto's thread pool per signature, the
 * cost that dominated a new leaf's validation once its decoding was cheap.
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";

/** The verification algorithms of the fast path. */
export type VerifyAlgorithm =
  | { readonly name: "Ed25519" }
  | {
      readonly name: "ECDSA";
      readonly curve: "P-256" | "P-384";
      readonly hash: "SHA-256" | "SHA-384" | "SHA-512";
    };

/** An issuer's public key, made once (opaque outside this module). */
export type VerifyKey = KeyObject;

/** The key of a DER SubjectPublicKeyInfo, or undefined when Node refuses it. */
export async function importVerifyKey(
  spki: Uint8Array,
  _algorithm: VerifyAlgorithm,
): Promise<VerifyKey | undefined> {
  try {
    return createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    return undefined;
  }
}

const nodeHash = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" } as const;

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
  try {
    if (algorithm.name === "Ed25519") return verify(null, data, key, signature);
    return verify(nodeHash[algorithm.hash], data, { key, dsaEncoding: "der" }, signature);
  } catch {
    return false;
  }
}
