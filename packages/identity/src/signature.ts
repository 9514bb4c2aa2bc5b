/**
 * Certificate signature verification on the fast path of path validation, with each issuer's key
 * made once: Ed25519 (RFC 8410 §6) and ECDSA with SHA-2 on P-256 and P-384 (RFC 5758 §3.2,
 * RFC 5480). `#platform` verifies: `node:crypto` in Node (`verify.node.ts`), WebCrypto elsewhere
 * (`verify.web.ts`). For any other algorithm or key this module answers `undefined`, and the caller
 * falls back to pkijs's engine.
 */
import * as platform from "#platform";
import { type CertificateParts, publicKeyOids, signatureAlgorithmOids } from "./certificate.js";

const ecdsaHash: Readonly<Record<string, "SHA-256" | "SHA-384" | "SHA-512">> = {
  [signatureAlgorithmOids["ecdsa-with-SHA256"]]: "SHA-256",
  [signatureAlgorithmOids["ecdsa-with-SHA384"]]: "SHA-384",
  [signatureAlgorithmOids["ecdsa-with-SHA512"]]: "SHA-512",
};

/** The named curve of an ecPublicKey, by the DER (hex) of its parameters (RFC 5480 §2.1.1.1). */
const curves: Readonly<Record<string, "P-256" | "P-384">> = {
  "06082a8648ce3d030107": "P-256", // secp256r1
  "06052b81040022": "P-384", // secp384r1
};

function hexOf(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function curveOf(issuer: CertificateParts): "P-256" | "P-384" | undefined {
  const a = issuer.publicKeyAlgorithm;
  if (a.oid !== publicKeyOids.ecPublicKey || a.params === undefined) return undefined;
  return curves[hexOf(a.params)];
}

/**
 * Issuers' keys, made once each: kept as long as the issuer's decoded certificate is (the decoding
 * cache holds it), so a CA's key is imported once, not per certificate it signed.
 */
const keys = new WeakMap<CertificateParts, Promise<platform.VerifyKey | undefined>>();

function keyOf(
  issuer: CertificateParts,
  spki: Uint8Array,
  algorithm: platform.VerifyAlgorithm,
): Promise<platform.VerifyKey | undefined> {
  let key = keys.get(issuer);
  if (key === undefined) {
    key = platform.importVerifyKey(spki, algorithm);
    keys.set(issuer, key);
  }
  return key;
}

/** The algorithm that verifies `subject`'s signature with `issuer`'s key, when the fast path has it. */
function algorithmOf(
  subject: CertificateParts,
  issuer: CertificateParts,
): platform.VerifyAlgorithm | undefined {
  const alg = subject.signatureAlgorithm;
  if (alg.oid === signatureAlgorithmOids.Ed25519) {
    // RFC 8410 §3: the parameters MUST be absent, in the signature algorithm and in the key.
    const key = issuer.publicKeyAlgorithm;
    if (key.oid !== publicKeyOids.Ed25519 || key.params !== undefined || alg.params !== undefined)
      return undefined;
    return { name: "Ed25519" };
  }
  const hash = ecdsaHash[alg.oid];
  const curve = curveOf(issuer);
  // RFC 5758 §3.2: the parameters MUST be omitted.
  if (hash === undefined || curve === undefined || alg.params !== undefined) return undefined;
  return { name: "ECDSA", curve, hash };
}

/**
 * Whether `subject`'s signature verifies with `issuer`'s public key (`issuerSpki`, its DER): true
 * or false, or undefined when this module does not handle the algorithm or key (the caller then
 * asks pkijs).
 */
export async function verifyCertificateSignature(
  subject: CertificateParts,
  issuer: CertificateParts,
  issuerSpki: Uint8Array,
): Promise<boolean | undefined> {
  const algorithm = algorithmOf(subject, issuer);
  if (algorithm === undefined) return undefined;
  const key = await keyOf(issuer, issuerSpki, algorithm);
  if (key === undefined) return undefined;
  if (subject.signatureUnusedBits !== 0) return false;
  // RFC 8410 §3: an Ed25519 signature is 64 octets.
  if (algorithm.name === "Ed25519" && subject.signature.length !== 64) return false;
  return platform.verifyWith(key, algorithm, subject.signature, subject.tbs);
}
