/**
 * The MIMI X.509 credential profile (docs/identity.md): limits and required usages.
 *
 * draft-mahy-mimi-identity-05 §6.1 sketches client certificates whose subjectAltName URIs carry the
 * client and user identifiers; it mandates nothing. The numbers here are our decisions
 * (docs/decisions/0400–0404).
 */
import { extKeyUsageOids, type KeyUsageName } from "./certificate.js";

const DAY_MS = 86_400_000;

/** What a certificate is for: an MLS client credential or a provider's mutual-TLS certificate. */
export type CertificatePurpose = "client" | "server";

/** The profile's limits and usages for one purpose. */
export interface PurposeProfile {
  /** Longest allowed validity period of the leaf, in milliseconds (notAfter − notBefore). */
  readonly maxLifetimeMs: number;
  /** Key usages the leaf MUST assert. */
  readonly requiredKeyUsage: readonly KeyUsageName[];
  /** Key usages the leaf MUST NOT assert. */
  readonly forbiddenKeyUsage: readonly KeyUsageName[];
  /** Extended key usages the leaf MUST assert (empty: the extension is not required). */
  readonly requiredExtKeyUsage: readonly string[];
}

/** The profile, by purpose (decision 0402). */
export const certificateProfile: Readonly<Record<CertificatePurpose, PurposeProfile>> = {
  client: {
    // identity-05 §6.1's example certificate is valid for 90 days.
    maxLifetimeMs: 90 * DAY_MS,
    requiredKeyUsage: ["digitalSignature"],
    forbiddenKeyUsage: ["keyCertSign", "cRLSign"],
    requiredExtKeyUsage: [],
  },
  server: {
    maxLifetimeMs: 398 * DAY_MS,
    requiredKeyUsage: ["digitalSignature"],
    forbiddenKeyUsage: ["keyCertSign", "cRLSign"],
    // Provider certificates serve both ends of the transport's mutual TLS (protocol-06 §4.1).
    requiredExtKeyUsage: [extKeyUsageOids.serverAuth, extKeyUsageOids.clientAuth],
  },
};

/** Default validity periods the development PKI issues with (within the profile's limits). */
export const defaultLifetimesMs: {
  readonly ca: number;
  readonly client: number;
  readonly server: number;
} = {
  ca: 5 * 365 * DAY_MS,
  client: 90 * DAY_MS,
  server: 365 * DAY_MS,
};
