/**
 * `@mimi/identity`: end-to-end identity for MIMI with X.509 credentials bound to MIMI identifiers
 * (draft-mahy-mimi-identity-05 §6.1; the profile is in `docs/identity.md`).
 *
 * - strict certificate and CRL decoding, PEM;
 * - RFC 5280 path validation on pkijs, with Ed25519 through WebCrypto;
 * - a development PKI (provider CA bound to its domain, mutual-TLS certificate, client
 *   certificates, CRLs).
 *
 * @packageDocumentation
 */
import "reflect-metadata";

export {
  type CertificateFacts,
  type DecodedCertificate,
  decodeCertificate,
  extensionOids,
  extKeyUsageOids,
  type KeyUsageName,
  keyUsageBits,
  publicKeyOids,
  serialNumberHex,
  signatureAlgorithmOids,
} from "./certificate.js";
export { type DecodedCrl, decodeCrl } from "./crl.js";
export { ID_ED25519, MimiCryptoEngine, mimiCryptoEngine } from "./crypto-engine.js";
export {
  type CertifiedKeyPem,
  type ClientCertificateOptions,
  type CrlOptions,
  createProviderPki,
  type IssuedCertificate,
  type IssuedClientCertificate,
  issueClientCertificate,
  issueCrl,
  issueProviderCertificate,
  type KeyAlgorithmName,
  keyAlgorithms,
  type LeafCertificateOptions,
  type ProviderPki,
  type ProviderPkiOptions,
} from "./dev-pki.js";
export {
  type CertificateFailureReason,
  CertificateValidationError,
  type CertificateValidationErrorOptions,
  certificateFailureReasons,
} from "./errors.js";
export {
  type CertificateIdentity,
  type ClientIdentity,
  clientIdentityOf,
  type ProviderIdentity,
  providerIdentityOf,
} from "./identity.js";
export {
  assertSuccessorCredential,
  authenticateCredential,
  type CredentialDecision,
  type CredentialIdentity,
  type CredentialValidationOptions,
  claimedIdentity,
  createX509AuthenticationService,
  sameIdentity,
  spkiFromMlsSignatureKey,
  spkiMatchesSignatureKey,
  x509ClientConfig,
} from "./mls-credential.js";
export { checkSuccessorLeaves, processMessageWithIdentity } from "./mls-successor.js";
export {
  dnsNameMatches,
  nameOutsideSubtrees,
  type Subtrees,
  subtreesOf,
  uriHost,
  uriHostMatches,
} from "./name-constraints.js";
export {
  type PathValidationInput,
  type TrustAnchor,
  type ValidatedPath,
  validateCertificatePath,
} from "./path-validation.js";
export { decodePem, decodePemAll, encodePem, type PemLabel, pemLabels } from "./pem.js";
export {
  type CertificatePurpose,
  certificateProfile,
  defaultLifetimesMs,
  type PurposeProfile,
} from "./profile.js";
export { anchorsFor, createTrustStore, type TrustStore, trustAnchor } from "./trust-store.js";
export {
  type ChainValidationOptions,
  type ValidatedChain,
  validateClientChain,
  validateServerChain,
} from "./validate-chain.js";
