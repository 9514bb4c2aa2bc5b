/**
 * Certificate signature verification straight through WebCrypto, with each issuer's key imported
 * once: Ed25519 (RFC 8410 §6) and ECDSA with SHA-2 on P-256 and P-384 (RFC 5758 §3.2, RFC 5480).
 * The fast path of path validation uses it; anything else it answers `undefined` for, and the
 * caller falls back to pkijs's engine.
 */
import { type CertificateParts, publicKeyOids, signatureAlgorithmOids } from "./certificate.js";
import { DerReader, derTags } from "./der.js";

type CryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

const ecdsaHash: Readonly<Record<string, string>> = {
  [signatureAlgorithmOids["ecdsa-with-SHA256"]]: "SHA-256",
  [signatureAlgorithmOids["ecdsa-with-SHA384"]]: "SHA-384",
  [signatureAlgorithmOids["ecdsa-with-SHA512"]]: "SHA-512",
};

/** The named curve of an ecPublicKey, with its scalar size, from the DER of its parameters. */
const curves: Readonly<Record<string, { readonly name: string; readonly size: number }>> = {
  // OBJECT IDENTIFIER secp256r1, secp384r1 (RFC 5480 §2.1.1.1)
  "06082a8648ce3d030107": { name: "P-256", size: 32 },
  "06052b81040022": { name: "P-384", size: 48 },
};

function hexOf(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function curveOf(issuer: CertificateParts): { readonly name: string; readonly size: number } | undefined {
  const a = issuer.publicKeyAlgorithm;
  if (a.oid !== publicKeyOids.ecPublicKey || a.params === undefined) return undefined;
  return curves[hexOf(a.params)];
}

async function importKey(issuer: CertificateParts, spki: Uint8Array): Promise<CryptoKey | undefined> {
  const subtle = globalThis.crypto.subtle;
  try {
    if (issuer.publicKeyAlgorithm.oid === publicKeyOids.Ed25519) {
      // RFC 8410 §3: the parameters MUST be absent; the key is 32 octets.
      if (issuer.publicKeyAlgorithm.params !== undefined) return undefined;
      if (issuer.publicKeyUnusedBits !== 0 || issuer.publicKey.length !== 32) return undefined;
      return await subtle.importKey("raw", issuer.publicKey.slice(), { name: "Ed25519" }, false, ["verify"]);
    }
    const curve = curveOf(issuer);
    if (curve === undefined) return undefined;
    return await subtle.importKey("spki", spki.slice(), { name: "ECDSA", namedCurve: curve.name }, false, [
      "verify",
    ]);
  } catch {
    return undefined;
  }
}

/**
 * Issuers' keys, imported once each: kept as long as the issuer's decoded certificate is (the
 * decoding cache holds it), so a CA's key is imported once, not per certificate it signed.
 */
const keys = new WeakMap<CertificateParts, Promise<CryptoKey | undefined>>();

function keyOf(issuer: CertificateParts, spki: Uint8Array): Promise<CryptoKey | undefined> {
  let key = keys.get(issuer);
  if (key === undefined) {
    key = importKey(issuer, spki);
    keys.set(issuer, key);
  }
  return key;
}

/**
 * An ECDSA-Sig-Value (RFC 5480 §2.2.3: SEQUENCE { r INTEGER, s INTEGER }) as WebCrypto's fixed
 * size r ‖ s, or undefined when it is not one with 0 < r, s < 2^(8·size).
 */
function ecdsaRaw(der: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const top = new DerReader(der, 0, der.length, "/signatureValue");
    const t = top.expect(derTags.sequence, "");
    top.finish("signature");
    const seq = DerReader.inside(der, t, "/signatureValue");
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
 * Whether `subject`'s signature verifies with `issuer`'s public key: true or false, or undefined
 * when this module does not handle the algorithm or key (the caller then asks pkijs).
 */
export async function verifyCertificateSignature(
  subject: CertificateParts,
  issuer: CertificateParts,
  issuerSpki: Uint8Array,
): Promise<boolean | undefined> {
  const alg = subject.signatureAlgorithm;
  if (alg.oid === signatureAlgorithmOids.Ed25519) {
    if (issuer.publicKeyAlgorithm.oid !== publicKeyOids.Ed25519) return undefined;
    const key = await keyOf(issuer, issuerSpki);
    if (key === undefined) return undefined;
    // RFC 8410 §3, §6: the parameters MUST be absent; the signature is 64 octets.
    if (alg.params !== undefined || subject.signatureUnusedBits !== 0 || subject.signature.length !== 64)
      return false;
    return globalThis.crypto.subtle.verify(
      { name: "Ed25519" },
      key,
      subject.signature.slice(),
      subject.tbs.slice(),
    );
  }
  const hash = ecdsaHash[alg.oid];
  if (hash === undefined) return undefined;
  const curve = curveOf(issuer);
  if (curve === undefined) return undefined;
  const key = await keyOf(issuer, issuerSpki);
  if (key === undefined) return undefined;
  // RFC 5758 §3.2: the parameters MUST be omitted.
  if (alg.params !== undefined || subject.signatureUnusedBits !== 0) return false;
  const raw = ecdsaRaw(subject.signature, curve.size);
  if (raw === undefined) return false;
  return globalThis.crypto.subtle.verify({ name: "ECDSA", hash }, key, raw, subject.tbs.slice());
}
