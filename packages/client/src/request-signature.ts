/**
 * Signing client API requests with the client's MLS signature key (decision 0810): RFC 9421 HTTP
 * Message Signatures (`@mimi/protocol`'s `signClientRequest`), for runtimes that cannot present a
 * TLS client certificate (browsers).
 */
import type { MlsCiphersuite } from "@mimi/mls-profile";
import { type HttpSignatureAlgorithm, signClientRequest } from "@mimi/protocol";
import { CodecError, ValidationError } from "@mimi/wire";
import type { ProvisionedClient } from "./client-identity.js";

/**
 * The RFC 9421 algorithm of a suite's signature scheme.
 *
 * @throws ValidationError for a suite whose signature scheme has none (Ed448, P-521).
 */
export function httpSignatureAlgorithmOf(cs: MlsCiphersuite): HttpSignatureAlgorithm {
  if (cs.name.endsWith("_Ed25519")) return "ed25519";
  if (cs.name.endsWith("_P256")) return "ecdsa-p256-sha256";
  if (cs.name.endsWith("_P384")) return "ecdsa-p384-sha384";
  throw new ValidationError(`${cs.name}'s signature scheme has no HTTP signature algorithm`, {
    path: "/cs",
  });
}

/** r‖s, each `n` bytes, of a DER ECDSA-Sig-Value (RFC 3279 §2.2.3). */
function ecdsaRaw(der: Uint8Array, n: number): Uint8Array {
  const fail = (): never => {
    throw new CodecError("not a DER ECDSA signature", { path: "/signature" });
  };
  let at = 0;
  const byte = (): number => der[at++] ?? fail();
  const length = (): number => {
    const first = byte();
    if (first < 0x80) return first;
    if (first !== 0x81) return fail();
    return byte();
  };
  if (byte() !== 0x30) fail();
  if (length() !== der.length - at) fail();
  const out = new Uint8Array(2 * n);
  for (let i = 0; i < 2; i++) {
    if (byte() !== 0x02) fail();
    const len = length();
    let v = der.subarray(at, at + len);
    at += len;
    while (v.length > n && v[0] === 0) v = v.subarray(1);
    if (v.length > n || at > der.length) fail();
    out.set(v, (i + 1) * n - v.length);
  }
  if (at !== der.length) fail();
  return out;
}

/**
 * Sign `data` with an MLS signature key, in the form RFC 9421 uses: Ed25519's 64 bytes, ECDSA's
 * r‖s (ts-mls signs ECDSA in DER, RFC 9420's form).
 *
 * @throws ValidationError for a suite without an HTTP signature algorithm.
 */
export async function signForHttp(
  cs: MlsCiphersuite,
  signKey: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  const alg = httpSignatureAlgorithmOf(cs);
  const sig = await cs.impl.signature.sign(signKey, data);
  if (alg === "ed25519") return sig;
  return ecdsaRaw(sig, alg === "ecdsa-p256-sha256" ? 32 : 48);
}

/**
 * The headers that sign a request of `identity` (its MLS credential's certificate and key).
 *
 * @throws ValidationError for a credential without a certificate or a suite without an algorithm.
 */
export function signRequest(
  identity: ProvisionedClient,
  cs: MlsCiphersuite,
  method: string,
  url: URL,
  body?: Uint8Array,
  now?: number,
): Promise<Record<string, string>> {
  const certificate =
    identity.credential.credentialType === "x509" ? identity.credential.certificates[0] : undefined;
  if (certificate === undefined)
    throw new ValidationError("signing a request needs an x509 credential", { path: "/credential" });
  return signClientRequest({
    method,
    url,
    ...(body === undefined ? {} : { body }),
    certificate,
    keyid: identity.clientUri,
    alg: httpSignatureAlgorithmOf(cs),
    sign: (base) => signForHttp(cs, identity.signatureKeyPair.signKey, base),
    ...(now === undefined ? {} : { now }),
  });
}
