/**
 * Why a certificate, a chain or a credential was refused.
 */
import { type MimiErrorOptions, ValidationError } from "@mimi/wire";

/**
 * The reasons a chain or credential fails, as printed by `mimi cert verify` in `reason`.
 * Callers branch on these values, never on messages.
 */
export const certificateFailureReasons = {
  /** The DER or PEM does not decode. */
  malformed: "malformed",
  /** No path from the leaf to a configured trust anchor. */
  untrusted: "untrusted",
  /** A signature in the path does not verify with its issuer's key. */
  badSignature: "bad-signature",
  /** A signature or key algorithm outside the profile. */
  unsupportedAlgorithm: "unsupported-algorithm",
  /** The validation time is after a certificate's notAfter. */
  expired: "expired",
  /** The validation time is before a certificate's notBefore. */
  notYetValid: "not-yet-valid",
  /** An issuing certificate is not a CA (basicConstraints cA is not TRUE). */
  notCa: "not-a-ca",
  /** More intermediate certificates below a CA than its pathLenConstraint allows. */
  pathLengthExceeded: "path-length-exceeded",
  /** A key usage or extended key usage the profile requires is missing, or a forbidden one is set. */
  keyUsage: "key-usage",
  /** A name in the path is outside a name constraint of a CA above it. */
  nameConstraints: "name-constraints",
  /** A certificate carries a critical extension we do not process. */
  unknownCriticalExtension: "unknown-critical-extension",
  /** The leaf's validity period is longer than the profile allows. */
  lifetimeExceeded: "lifetime-exceeded",
  /** A certificate in the path is listed on a valid CRL of its issuer. */
  revoked: "revoked",
  /** A CRL for an issuer in the path was given but is not valid (signature, issuer, dates). */
  badCrl: "bad-crl",
  /** The leaf's subjectAltName does not carry the identifiers the profile requires. */
  badIdentifiers: "bad-identifiers",
  /** An identifier is outside the domain of the provider whose anchor validated the chain. */
  domainMismatch: "domain-mismatch",
  /** The chain is valid but does not prove the identifier the caller expected. */
  identifierMismatch: "identifier-mismatch",
  /** The leaf's public key is not the MLS signature key it is presented with. */
  keyMismatch: "key-mismatch",
  /** A successor credential names a different client or user than the one it replaces. */
  identityChanged: "identity-changed",
  /** A credential type the authentication service does not accept. */
  unsupportedCredential: "unsupported-credential",
} as const;

/** One of {@link certificateFailureReasons}. */
export type CertificateFailureReason =
  (typeof certificateFailureReasons)[keyof typeof certificateFailureReasons];

/** Options of {@link CertificateValidationError}. */
export interface CertificateValidationErrorOptions extends MimiErrorOptions {
  readonly reason: CertificateFailureReason;
}

/**
 * A certificate, chain or credential that breaks RFC 5280 path validation or our profile.
 * `reason` says why; `path` points at the certificate (`/chain/0` is the leaf) or field.
 */
export class CertificateValidationError extends ValidationError {
  override name: string = "CertificateValidationError";
  /** Why validation failed. */
  readonly reason: CertificateFailureReason;

  constructor(what: string, options: CertificateValidationErrorOptions) {
    super(what, options);
    this.reason = options.reason;
  }
}
