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

export * from "./certificate.js";
export * from "./crl.js";
export * from "./crypto-engine.js";
export * from "./dev-pki.js";
export * from "./errors.js";
export * from "./identity.js";
export * from "./mls-credential.js";
export * from "./mls-successor.js";
export * from "./name-constraints.js";
export * from "./path-validation.js";
export * from "./pem.js";
export * from "./profile.js";
export * from "./trust-store.js";
export * from "./validate-chain.js";
