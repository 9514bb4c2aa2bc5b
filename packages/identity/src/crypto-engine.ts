/**
 * A pkijs crypto engine that also verifies Ed25519 signatures (RFC 8410 §6).
 *
 * pkijs 4.0.0 maps signature algorithm OIDs to WebCrypto parameters and knows no Ed25519
 * (`Unsupported signature algorithm: 1.3.101.112`), so a certificate or CRL signed with Ed25519
 * never validates. This engine answers Ed25519 itself through the global WebCrypto
 * (`crypto.subtle`, in Node 20 and in browsers) and leaves every other algorithm to pkijs.
 */
import type * as asn1js from "asn1js";
import * as pkijs from "pkijs";

/** OID of Ed25519 (RFC 8410 §3): `id-Ed25519`, used both as key and as signature algorithm. */
export const ID_ED25519 = "1.3.101.112";

/**
 * pkijs's `CryptoEngine` over the global WebCrypto, extended with Ed25519 signature verification.
 *
 * Pass it explicitly to pkijs calls (`certificate.verify(issuer, engine)`,
 * `chainEngine.verify(params, engine)`); nothing is installed globally.
 */
export class MimiCryptoEngine extends pkijs.CryptoEngine {
  constructor() {
    super({
      name: "mimi-webcrypto",
      crypto: globalThis.crypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]["crypto"],
    });
  }

  override async verifyWithPublicKey(
    data: Parameters<pkijs.CryptoEngine["verifyWithPublicKey"]>[0],
    signature: asn1js.BitString | asn1js.OctetString,
    publicKeyInfo: pkijs.PublicKeyInfo,
    signatureAlgorithm: pkijs.AlgorithmIdentifier,
    shaAlgorithm?: string | null,
  ): Promise<boolean> {
    if (signatureAlgorithm.algorithmId !== ID_ED25519) {
      return super.verifyWithPublicKey(
        data as ArrayBuffer,
        signature,
        publicKeyInfo,
        signatureAlgorithm,
        shaAlgorithm ?? undefined,
      );
    }
    // RFC 8410 §3: the parameters MUST be absent, in the signature algorithm and in the key.
    if (signatureAlgorithm.algorithmParams !== undefined) return false;
    if (publicKeyInfo.algorithm.algorithmId !== ID_ED25519) return false;
    if (publicKeyInfo.algorithm.algorithmParams !== undefined) return false;
    const raw = publicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    if (raw.length !== 32) return false;
    const sig = signature.valueBlock.valueHexView;
    if (sig.length !== 64) return false;
    // copies: WebCrypto takes ArrayBuffer-backed views
    const key = await globalThis.crypto.subtle.importKey(
      "raw",
      new Uint8Array(raw),
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    return globalThis.crypto.subtle.verify({ name: "Ed25519" }, key, new Uint8Array(sig), data);
  }
}

let shared: MimiCryptoEngine | undefined;

/** The package's engine (one instance, created on first use). */
export function mimiCryptoEngine(): MimiCryptoEngine {
  shared ??= new MimiCryptoEngine();
  return shared;
}
