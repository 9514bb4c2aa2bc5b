/**
 * Validation of client and provider certificate chains against the MIMI profile
 * (docs/identity.md): RFC 5280 path validation to an anchor of the right provider domain, the
 * leaf's profile, and the identifiers it proves.
 */
import { mimiUriEquals } from "@mimi/identifiers";
import { bytesEqual, CodecError } from "@mimi/wire";
import { byteKey } from "./byte-key.js";
import { type CertificateFacts, decodeCertificate } from "./certificate.js";
import { decodeCrl } from "./crl.js";
import { CertificateValidationError } from "./errors.js";
import {
  type ClientIdentity,
  clientIdentityOf,
  type ProviderIdentity,
  providerIdentityOf,
} from "./identity.js";
import { type ValidatedPath, validateCertificatePath } from "./path-validation.js";
import { type CertificatePurpose, certificateProfile } from "./profile.js";
import { anchorsFor, type TrustStore } from "./trust-store.js";

/** Options of {@link validateClientChain} and {@link validateServerChain}. */
export interface ChainValidationOptions {
  readonly trust: TrustStore;
  /** The validation time (default now). */
  readonly at?: Date;
  /** DER CRLs to consult. */
  readonly crls?: readonly Uint8Array[];
  /**
   * An identifier the chain must prove: for a client chain its client or its user URI, for a
   * provider chain its provider URI.
   */
  readonly expectUri?: string;
}

/** A validated chain and what it proves. */
export interface ValidatedChain<I> {
  readonly identity: I;
  /** The path from the leaf to the trust anchor. */
  readonly path: readonly CertificateFacts[];
  /** The provider domain of the anchor that validated it. */
  readonly anchorDomain: string;
  /** DER SubjectPublicKeyInfo of the leaf. */
  readonly leafPublicKey: Uint8Array;
}

function checkLeafProfile(leaf: CertificateFacts, purpose: CertificatePurpose): void {
  const profile = certificateProfile[purpose];
  // [IDENTITY-CERT-02] draft-mahy-mimi-identity-05 §6.1: the end-entity certificate is not a CA
  // and its keyUsage is digitalSignature without keyCertSign or cRLSign (decision 0402); a provider
  // certificate also has extKeyUsage serverAuth and clientAuth (decision 0404).
  if (leaf.isCa) {
    throw new CertificateValidationError("the end-entity certificate is a CA", {
      reason: "key-usage",
      path: "/chain/0",
      rule: "IDENTITY-CERT-02",
    });
  }
  const ku = leaf.keyUsage ?? [];
  if (
    leaf.keyUsage === undefined ||
    !profile.requiredKeyUsage.every((u) => ku.includes(u)) ||
    profile.forbiddenKeyUsage.some((u) => ku.includes(u))
  ) {
    throw new CertificateValidationError(
      `keyUsage must include ${profile.requiredKeyUsage.join(", ")} and exclude ${profile.forbiddenKeyUsage.join(", ")} (has ${ku.join(", ") || "none"})`,
      { reason: "key-usage", path: "/chain/0", rule: "IDENTITY-CERT-02" },
    );
  }
  const eku = leaf.extKeyUsage ?? [];
  if (!profile.requiredExtKeyUsage.every((u) => eku.includes(u))) {
    const ekuMissing = profile.requiredExtKeyUsage.filter((u) => !eku.includes(u));
    throw new CertificateValidationError(`extKeyUsage lacks ${ekuMissing.join(", ")}`, {
      reason: "key-usage",
      path: "/chain/0",
      rule: "IDENTITY-CERT-02",
    });
  }
  // [IDENTITY-CERT-03] draft-mahy-mimi-identity-05 §6.1: the leaf's validity period is at most the
  // profile's limit (90 days for clients, 398 for providers; decision 0402).
  const lifetime = leaf.notAfter.getTime() - leaf.notBefore.getTime();
  if (lifetime > profile.maxLifetimeMs) {
    throw new CertificateValidationError(
      `validity period of ${Math.ceil(lifetime / 86_400_000)} days exceeds ${profile.maxLifetimeMs / 86_400_000}`,
      { reason: "lifetime-exceeded", path: "/chain/0", rule: "IDENTITY-CERT-03" },
    );
  }
}

/** A path validated before, and the times between which the same inputs validate it again. */
interface CachedPath {
  readonly validated: ValidatedPath;
  /** The chain and the CRLs of the key (the decoding caches' copies), compared on a hit. */
  readonly chain: readonly Uint8Array[];
  readonly crls: readonly Uint8Array[];
  readonly from: number;
  readonly until: number;
}

/**
 * Paths validated lately, per trust store, by domain, chain and CRLs (their bytes, as
 * {@link byteKey}s, the bytes compared on a hit): a chain is
 * validated once per distinct certificate set, not again at every commit or join that carries the
 * same credential. A new CRL set is a new key, so a CRL update invalidates what it may revoke.
 * Only successes are kept, each for the time window in which every certificate of its path and
 * every CRL given is current; least recently used first, bounded per store.
 */
const validatedPaths = new WeakMap<TrustStore, Map<string, CachedPath>>();
const VALIDATED_PATHS_PER_STORE = 4096;

async function validateForDomain(
  chain: readonly Uint8Array[],
  domain: string,
  options: ChainValidationOptions,
): Promise<ValidatedPath> {
  const at = options.at ?? new Date();
  const crls = options.crls ?? [];
  const anchors = anchorsFor(options.trust, domain);
  if (anchors.length > 0) {
    let cache = validatedPaths.get(options.trust);
    if (cache === undefined) {
      cache = new Map();
      validatedPaths.set(options.trust, cache);
    }
    // joined, not concatenated: one flat string (the cache keeps it)
    const pieces = [domain];
    for (const der of chain) pieces.push(byteKey(der));
    pieces.push("crls");
    for (const der of crls) pieces.push(byteKey(der));
    const key = pieces.join("|");
    const hit = cache.get(key);
    if (
      hit !== undefined &&
      at.getTime() >= hit.from &&
      at.getTime() <= hit.until &&
      sameAll(hit.chain, chain) &&
      sameAll(hit.crls, crls)
    ) {
      cache.delete(key);
      cache.set(key, hit);
      return hit.validated;
    }
    const validated = await validateCertificatePath({ chain, anchors, at, crls });
    // the window in which every certificate of the path and every CRL is current
    let from = Number.NEGATIVE_INFINITY;
    let until = Number.POSITIVE_INFINITY;
    for (const f of validated.path) {
      from = Math.max(from, f.notBefore.getTime());
      until = Math.min(until, f.notAfter.getTime());
    }
    const cachedCrls: Uint8Array[] = [];
    if (crls.length > 0) {
      const serials = new Set(validated.path.map((f) => f.serialNumber));
      for (const [i, der] of crls.entries()) {
        const c = decodeCrl(der, `/crls/${i}`);
        cachedCrls.push(c.der);
        from = Math.max(from, c.thisUpdate.getTime());
        until = Math.min(until, c.nextUpdate?.getTime() ?? Number.POSITIVE_INFINITY);
        // a revocation dated after `at` ends the window too
        for (const r of c.revoked) {
          if (serials.has(r.serialNumber)) until = Math.min(until, r.revocationDate.getTime() - 1);
        }
      }
    }
    cache.delete(key);
    if (cache.size >= VALIDATED_PATHS_PER_STORE) cache.delete(cache.keys().next().value!);
    const cachedChain: Uint8Array[] = [];
    for (const der of chain) cachedChain.push(decodeCertificate(der).facts.der);
    cache.set(key, { validated, chain: cachedChain, crls: cachedCrls, from, until });
    return validated;
  }
  // [IDENTITY-DOMAIN-01] draft-mahy-mimi-identity-05 §5.1: a provider's CA vouches only for
  // identifiers under its own domain (decision 0401). A chain that validates under another
  // provider's anchor proves nothing about `domain`.
  const elsewhere = await validateCertificatePath({ chain, anchors: options.trust.anchors, at, crls });
  throw new CertificateValidationError(
    `identifiers under ${domain} are certified by the anchor of ${elsewhere.anchor.domain}`,
    { reason: "domain-mismatch", path: "/chain/0", rule: "IDENTITY-DOMAIN-01" },
  );
}

function sameAll(a: readonly Uint8Array[], b: readonly Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => bytesEqual(x, b[i]!));
}

function leafOf(chain: readonly Uint8Array[]): CertificateFacts {
  if (chain.length === 0) throw new CodecError("empty certificate chain", { path: "/chain" });
  return decodeCertificate(chain[0]!, "/chain/0").facts;
}

/** The steps both purposes share: identity, path to the domain's anchor, leaf profile, expected URI. */
async function validateChain<I extends ClientIdentity | ProviderIdentity>(
  chain: readonly Uint8Array[],
  options: ChainValidationOptions,
  purpose: CertificatePurpose,
  identityOf: (leaf: CertificateFacts) => I,
  proven: (identity: I) => readonly string[],
): Promise<ValidatedChain<I>> {
  const leaf = leafOf(chain);
  const identity = identityOf(leaf);
  const validated = await validateForDomain(chain, identity.domain, options);
  checkLeafProfile(leaf, purpose);
  const expected = options.expectUri;
  // [IDENTITY-MATCH-01] draft-ietf-mimi-protocol-06 §5.4.1.3: the identity in the credential must
  // match the identifier it is used for (e.g. the sender URI).
  if (expected !== undefined && !proven(identity).some((uri) => safeEquals(expected, uri))) {
    throw new CertificateValidationError(`the chain does not prove ${expected}`, {
      reason: "identifier-mismatch",
      path: "/chain/0",
      rule: "IDENTITY-MATCH-01",
    });
  }
  return {
    identity,
    path: validated.path,
    anchorDomain: validated.anchor.domain,
    leafPublicKey: leaf.subjectPublicKeyInfo,
  };
}

/**
 * Validate a client certificate chain (leaf first, as in an MLS `x509` credential) and return the
 * client identity it proves; `expectUri` may name its client or its user URI.
 *
 * @example
 * ```ts
 * const v = await validateClientChain([leafDer], { trust: createTrustStore([trustAnchor(caPem)]) });
 * v.identity.clientUri; // "mimi://a.example/d/alice/phone"
 * ```
 * @throws CodecError when a certificate or CRL does not decode.
 * @throws CertificateValidationError with a `reason` when the chain or the identity is not valid.
 */
export function validateClientChain(
  chain: readonly Uint8Array[],
  options: ChainValidationOptions,
): Promise<ValidatedChain<ClientIdentity>> {
  return validateChain(
    chain,
    options,
    "client",
    (leaf) => clientIdentityOf(leaf),
    (i) => [i.clientUri, i.userUri],
  );
}

/**
 * Validate a provider's mutual-TLS certificate chain and return the provider identity it proves;
 * `expectUri` may name its provider URI.
 *
 * @throws CodecError when a certificate or CRL does not decode.
 * @throws CertificateValidationError with a `reason` when the chain or the identity is not valid.
 */
export function validateServerChain(
  chain: readonly Uint8Array[],
  options: ChainValidationOptions,
): Promise<ValidatedChain<ProviderIdentity>> {
  return validateChain(
    chain,
    options,
    "server",
    (leaf) => providerIdentityOf(leaf),
    (i) => [i.providerUri],
  );
}

function safeEquals(a: string, b: string): boolean {
  try {
    return mimiUriEquals(a, b);
  } catch {
    return false;
  }
}
