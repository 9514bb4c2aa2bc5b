/**
 * The MLS binding: an Authentication Service (RFC 9420 §5.3.1) for ts-mls that accepts an `x509`
 * credential only when its chain validates under the MIMI profile, the leaf's public key is the
 * MLS signature key, and the certificate proves well-formed MIMI identifiers (decision 0406).
 *
 * RFC 9420 §5.3:
 * ```tls
 * struct {
 *     CredentialType credential_type;
 *     select (Credential.credential_type) {
 *         case basic: opaque identity<V>;
 *         case x509:  Certificate certificates<V>;
 *     };
 * } Credential;
 * ```
 */

import {
  type AuthenticationService,
  type ClientConfig,
  type Credential,
  makeClientConfig,
} from "@mimi/mls-profile";
import { bytesEqual, CodecError, concatBytes, fromHex, type MimiError, toHex } from "@mimi/wire";
import { p256, p384 } from "@noble/curves/nist.js";
import { byteKey } from "./byte-key.js";
import { decodeCertificate, publicKeyOids, readSubjectPublicKeyInfo } from "./certificate.js";
import { CertificateValidationError } from "./errors.js";
import {
  type ClientIdentity,
  clientIdentityOf,
  type ProviderIdentity,
  providerIdentityOf,
} from "./identity.js";
import type { TrustStore } from "./trust-store.js";
import { validateClientChain, validateServerChain } from "./validate-chain.js";

/** The identity an accepted credential stands for. */
export type CredentialIdentity =
  | {
      /**
       * An `x509` credential whose chain validated: the identifiers are proven. `subject` is a
       * client, or a provider when provider credentials are allowed (the hub as external sender,
       * the franking agent).
       */
      readonly authenticated: true;
      readonly credentialType: "x509";
      readonly subject: ClientIdentity | ProviderIdentity;
    }
  | {
      /** A `basic` credential, accepted only by explicit opt-in: nothing is proven. */
      readonly authenticated: false;
      readonly credentialType: "basic";
      readonly identity: Uint8Array;
    };

/** Options of the authentication service. */
export interface CredentialValidationOptions {
  readonly trust: TrustStore;
  /** The validation time (default: now, read at each validation). */
  readonly now?: () => Date;
  /** DER CRLs to consult (read at each validation). */
  readonly crls?: () => readonly Uint8Array[];
  /**
   * Accept `basic` credentials, marked unauthenticated (decision 0406). Off unless set to true:
   * for tests and local demos only.
   */
  readonly allowUnauthenticatedBasic?: boolean;
  /**
   * Accept `x509` credentials of providers (a provider certificate: dNSName and provider URI), as
   * the hub's external-sender credential and the franking agent's credential are (protocol-06
   * §5.4.1, §7.4). Off unless set to true: a LeafNode of a member must be a client.
   */
  readonly allowProviderCredentials?: boolean;
}

const SPKI_PREFIX = {
  Ed25519: fromHex("302a300506032b6570032100"),
  "P-256": fromHex("3059301306072a8648ce3d020106082a8648ce3d030107034200"),
  "P-384": fromHex("3076301006072a8648ce3d020106052b81040022036200"),
} as const;

function uncompressed(curve: typeof p256 | typeof p384, point: Uint8Array, path: string): Uint8Array {
  try {
    return curve.Point.fromBytes(point).toBytes(false);
  } catch (e) {
    throw new CodecError(`not a point on the curve: ${(e as Error).message}`, { path, cause: e });
  }
}

/**
 * The DER SubjectPublicKeyInfo of an MLS signature public key, for issuing its certificate:
 * 32 bytes is Ed25519 (RFC 8410 §4), 33 or 65 bytes a P-256 point, 49 or 97 bytes a P-384 point
 * (RFC 5480 §2; compressed points, as ts-mls 1.6.4 generates them, are written uncompressed).
 *
 * @throws CodecError when the key has none of these lengths or is not a point on its curve.
 */
export function spkiFromMlsSignatureKey(publicKey: Uint8Array): Uint8Array {
  switch (publicKey.length) {
    case 32:
      return concatBytes(SPKI_PREFIX.Ed25519, publicKey);
    case 33:
    case 65:
      return concatBytes(SPKI_PREFIX["P-256"], uncompressed(p256, publicKey, "/signaturePublicKey"));
    case 49:
    case 97:
      return concatBytes(SPKI_PREFIX["P-384"], uncompressed(p384, publicKey, "/signaturePublicKey"));
    default:
      throw new CodecError(`a ${publicKey.length}-byte signature key is not Ed25519, P-256 or P-384`, {
        path: "/signaturePublicKey",
      });
  }
}

/**
 * Whether a certificate's SubjectPublicKeyInfo holds the same key as an MLS signature public key
 * (points compared uncompressed).
 */
export function spkiMatchesSignatureKey(spki: Uint8Array, signaturePublicKey: Uint8Array): boolean {
  let info: ReturnType<typeof readSubjectPublicKeyInfo>;
  try {
    info = readSubjectPublicKeyInfo(spki, "/spki");
  } catch {
    return false;
  }
  const raw = info.key;
  const alg = info.algorithm.oid;
  if (alg === publicKeyOids.Ed25519) return bytesEqual(raw, signaturePublicKey);
  if (alg !== publicKeyOids.ecPublicKey || info.algorithm.params === undefined) return false;
  const params = toHex(info.algorithm.params);
  const curve =
    params === CURVE_PARAMS.secp256r1 ? p256 : params === CURVE_PARAMS.secp384r1 ? p384 : undefined;
  if (curve === undefined) return false;
  try {
    return bytesEqual(
      uncompressed(curve, raw, "/spki"),
      uncompressed(curve, signaturePublicKey, "/signaturePublicKey"),
    );
  } catch {
    return false;
  }
}

/** The DER (hex) of the named-curve OIDs as ecPublicKey parameters (RFC 5480 §2.1.1.1). */
const CURVE_PARAMS = {
  secp256r1: "06082a8648ce3d030107",
  secp384r1: "06052b81040022",
} as const;

/**
 * Authenticate an MLS credential presented with `signaturePublicKey` (a LeafNode's or an external
 * sender's), returning the identity it stands for.
 *
 * @throws CertificateValidationError with a `reason`: the chain or identity is invalid,
 *   `key-mismatch` when the leaf certificate's key is not the signature key, `unsupported-credential`
 *   for a basic credential without opt-in or another credential type.
 * @throws CodecError when a certificate does not decode.
 */
export async function authenticateCredential(
  credential: Credential,
  signaturePublicKey: Uint8Array,
  options: CredentialValidationOptions,
): Promise<CredentialIdentity> {
  if (credential.credentialType === "basic") {
    // [IDENTITY-MLS-03] RFC 9420 §5.3.1: a basic credential proves nothing, the AS MUST be able to
    // validate the binding; we accept it only on explicit opt-in, marked unauthenticated.
    if (options.allowUnauthenticatedBasic === true) {
      return { authenticated: false, credentialType: "basic", identity: credential.identity };
    }
    throw new CertificateValidationError("basic credentials are not accepted (no opt-in)", {
      reason: "unsupported-credential",
      path: "/credential",
      rule: "IDENTITY-MLS-03",
    });
  }
  if (credential.credentialType !== "x509") {
    throw new CertificateValidationError(
      `credential type ${String((credential as { credentialType: unknown }).credentialType)} is not accepted`,
      {
        reason: "unsupported-credential",
        path: "/credential",
        rule: "IDENTITY-MLS-03",
      },
    );
  }
  const chainOptions = {
    trust: options.trust,
    at: options.now?.() ?? new Date(),
    crls: options.crls?.() ?? [],
  };
  const isProvider =
    credential.certificates.length > 0 &&
    decodeCertificate(credential.certificates[0]!, "/credential/certificates/0").facts.sanDnsNames.length > 0;
  if (isProvider && options.allowProviderCredentials !== true) {
    throw new CertificateValidationError("provider credentials are not accepted here (no opt-in)", {
      reason: "unsupported-credential",
      path: "/credential/certificates/0",
      rule: "IDENTITY-MLS-03",
    });
  }
  const validated = isProvider
    ? await validateServerChain(credential.certificates, chainOptions)
    : await validateClientChain(credential.certificates, chainOptions);
  // [IDENTITY-MLS-01] RFC 9420 §5.3.1: the AS MUST verify that the credential's public key
  // (the end-entity certificate's) corresponds to the signature key presented with it.
  if (!spkiMatchesSignatureKey(validated.leafPublicKey, signaturePublicKey)) {
    throw new CertificateValidationError("the end-entity certificate's key is not the MLS signature key", {
      reason: "key-mismatch",
      path: "/credential/certificates/0",
      rule: "IDENTITY-MLS-01",
    });
  }
  return { authenticated: true, credentialType: "x509", subject: validated.identity };
}

/** What the service decided about one credential (for logs and tests). */
export type CredentialDecision =
  | { readonly accepted: true; readonly identity: CredentialIdentity }
  | { readonly accepted: false; readonly error: MimiError };

/**
 * A ts-mls `AuthenticationService` over {@link authenticateCredential}: `validateCredential`
 * resolves true only for an accepted credential; `onDecision` sees every decision with its reason.
 *
 * @example
 * ```ts
 * const authService = createX509AuthenticationService({ trust });
 * const clientConfig = makeClientConfig({ authService });
 * ```
 */
export function createX509AuthenticationService(
  options: CredentialValidationOptions & { readonly onDecision?: (d: CredentialDecision) => void },
): AuthenticationService {
  return {
    async validateCredential(credential: Credential, signaturePublicKey: Uint8Array): Promise<boolean> {
      try {
        const identity = await authenticateCredential(credential, signaturePublicKey, options);
        options.onDecision?.({ accepted: true, identity });
        return true;
      } catch (e) {
        if (e instanceof CertificateValidationError || e instanceof CodecError) {
          options.onDecision?.({ accepted: false, error: e });
          return false;
        }
        throw e;
      }
    },
  };
}

/**
 * The project's MLS client configuration (`makeClientConfig` of `@mimi/mls-profile`: lifetimes
 * checked on receive) with the X.509 authentication service.
 *
 * @example
 * ```ts
 * const state = await createGroup(cs, { groupId, keyPackage, config: x509ClientConfig({ trust }) });
 * ```
 */
export function x509ClientConfig(
  options: CredentialValidationOptions & { readonly onDecision?: (d: CredentialDecision) => void },
): ClientConfig {
  return makeClientConfig({ authService: createX509AuthenticationService(options) });
}

/**
 * The identity a credential claims, without validating it (for a credential that was validated
 * when it was accepted, e.g. the one a successor replaces).
 *
 * @throws CodecError or CertificateValidationError when it names no well-formed identity.
 */
export function claimedIdentity(credential: Credential): CredentialIdentity {
  if (credential.credentialType === "basic") {
    return { authenticated: false, credentialType: "basic", identity: credential.identity };
  }
  if (credential.credentialType !== "x509" || credential.certificates.length === 0) {
    throw new CertificateValidationError("not an x509 credential with a certificate", {
      reason: "unsupported-credential",
      path: "/credential",
      rule: "IDENTITY-MLS-03",
    });
  }
  const der = credential.certificates[0]!;
  const byObject = claimedByObject.get(der);
  if (byObject !== undefined) return byObject;
  const key = byteKey(der);
  const byBytes = claimedByBytes.get(key);
  if (byBytes !== undefined && bytesEqual(byBytes.der, der)) {
    claimedByObject.set(der, byBytes.identity);
    return byBytes.identity;
  }
  const path = "/credential/certificates/0";
  const leaf = decodeCertificate(der, path).facts;
  const subject = leaf.sanDnsNames.length > 0 ? providerIdentityOf(leaf, path) : clientIdentityOf(leaf, path);
  const identity: CredentialIdentity = Object.freeze({
    authenticated: true,
    credentialType: "x509",
    subject: Object.freeze(subject),
  });
  claimedByObject.set(der, identity);
  claimedByBytes.delete(key);
  if (claimedByBytes.size >= CLAIMED_CACHE_SIZE) claimedByBytes.delete(claimedByBytes.keys().next().value!);
  claimedByBytes.set(key, { der: der.slice(), identity });
  return identity;
}

/**
 * The identities {@link claimedIdentity} derived, by end-entity certificate: a member's identity
 * is derived once per leaf credential, not again for every message that maps members to users
 * (which decoded every member's certificate per message: n² work across a room). The result is a
 * pure function of the certificate's bytes. Keyed by the bytes object (the same credential object
 * seen again) and, bounded, by the bytes themselves ({@link byteKey}, the bytes compared on a hit).
 */
const claimedByObject = new WeakMap<Uint8Array, CredentialIdentity>();
const claimedByBytes = new Map<string, { readonly der: Uint8Array; readonly identity: CredentialIdentity }>();
const CLAIMED_CACHE_SIZE = 65_536;

/** Whether two identities are the same client or provider (same credential type and identifiers). */
export function sameIdentity(a: CredentialIdentity, b: CredentialIdentity): boolean {
  if (a.authenticated && b.authenticated) {
    const x = a.subject;
    const y = b.subject;
    if (x.kind === "client" && y.kind === "client")
      return x.clientUri === y.clientUri && x.userUri === y.userUri;
    if (x.kind === "provider" && y.kind === "provider") return x.providerUri === y.providerUri;
    return false;
  }
  if (!a.authenticated && !b.authenticated) return bytesEqual(a.identity, b.identity);
  return false;
}

/**
 * Check that `next` may succeed `previous` in the same leaf (an Update or a Commit's path):
 * `next` must authenticate, and name the same client and user.
 *
 * @throws CertificateValidationError (`identity-changed`) when the identity differs, or the reason
 *   `next` does not authenticate.
 */
export async function assertSuccessorCredential(
  previous: Credential,
  next: Credential,
  nextSignaturePublicKey: Uint8Array,
  options: CredentialValidationOptions,
): Promise<CredentialIdentity> {
  const before = claimedIdentity(previous);
  const after = await authenticateCredential(next, nextSignaturePublicKey, options);
  // [IDENTITY-MLS-02] RFC 9420 §5.3.1: when a member replaces its credential (Update, or the
  // LeafNode of a Commit's path), the AS MUST check that the new credential represents the same
  // client as the old one.
  if (!sameIdentity(before, after)) {
    throw new CertificateValidationError("the successor credential names a different client", {
      reason: "identity-changed",
      path: "/credential",
      rule: "IDENTITY-MLS-02",
    });
  }
  return after;
}
