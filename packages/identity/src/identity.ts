/**
 * The MIMI identifiers a certificate proves (draft-mahy-mimi-identity-05 §6.1, decision 0400).
 *
 * identity-05 §6.1, its example client certificate:
 * ```
 * X509v3 Subject Alternative Name: critical
 *     URI:mimi://example.com/d/SvPfLlwBQi-6oddVRrkqpw/04c7,
 *     URI:mimi://example.com/u/alice.smith
 * ```
 */
import {
  type ClientUri,
  IdentifierError,
  type ParsedMimiUri,
  type ProviderUri,
  type PseudonymUri,
  parseMimiUri,
  type UserUri,
} from "@mimi/identifiers";
import type { CertificateFacts } from "./certificate.js";
import { CertificateValidationError } from "./errors.js";

/** What a client certificate proves: a client of a user at a provider. */
export interface ClientIdentity {
  readonly kind: "client";
  /** The provider domain of both identifiers. */
  readonly domain: string;
  /** The client (`/d/`) URI, canonical. */
  readonly clientUri: ClientUri;
  /** The user (`/u/`) or pseudonym (`/p/`) URI, canonical. */
  readonly userUri: UserUri | PseudonymUri;
}

/** What a provider (server) certificate proves: the provider domain. */
export interface ProviderIdentity {
  readonly kind: "provider";
  readonly domain: string;
  /** `mimi://<domain>`. */
  readonly providerUri: ProviderUri;
}

/** The identity a validated certificate proves. */
export type CertificateIdentity = ClientIdentity | ProviderIdentity;

function badIdentifiers(
  what: string,
  path: string,
  rule: string,
  cause?: unknown,
): CertificateValidationError {
  return new CertificateValidationError(what, { reason: "bad-identifiers", path, rule, cause });
}

function parseSanUri(text: string, path: string, rule: string): ParsedMimiUri {
  let p: ParsedMimiUri;
  try {
    p = parseMimiUri(text);
  } catch (e) {
    if (e instanceof IdentifierError) {
      throw badIdentifiers(`subjectAltName URI ${JSON.stringify(text)}: ${e.what}`, path, rule, e);
    }
    throw e;
  }
  if (p.uri !== text) {
    throw badIdentifiers(
      `subjectAltName URI ${JSON.stringify(text)} is not canonical (${p.uri})`,
      path,
      rule,
    );
  }
  return p;
}

/**
 * The client identity in a client certificate's subjectAltName.
 *
 * @throws CertificateValidationError (`bad-identifiers`) when the subjectAltName does not hold
 *   exactly one client URI and one user or pseudonym URI, canonical, under one domain, and nothing else.
 */
export function clientIdentityOf(facts: CertificateFacts, path = "/chain/0"): ClientIdentity {
  // [IDENTITY-CERT-01] draft-mahy-mimi-identity-05 §6.1: a client certificate's subjectAltName
  // carries the client URI and the user URI (decision 0400: exactly these two, canonical, one domain).
  if (facts.sanDnsNames.length > 0 || facts.sanOtherCount > 0) {
    throw badIdentifiers("a client certificate's subjectAltName holds only URIs", path, "IDENTITY-CERT-01");
  }
  if (facts.sanUris.length !== 2) {
    throw badIdentifiers(
      `a client certificate names exactly two URIs (client and user), found ${facts.sanUris.length}`,
      path,
      "IDENTITY-CERT-01",
    );
  }
  const parsed = facts.sanUris.map((u) => parseSanUri(u, path, "IDENTITY-CERT-01"));
  const client = parsed.find((p) => p.kind === "d");
  const user = parsed.find((p) => p.kind === "u" || p.kind === "p");
  if (client === undefined || user === undefined) {
    throw badIdentifiers(
      `expected one client (/d/) and one user (/u/ or /p/) URI, found kinds ${parsed.map((p) => p.kind).join(", ")}`,
      path,
      "IDENTITY-CERT-01",
    );
  }
  if (client.domain !== user.domain) {
    throw badIdentifiers(
      `client URI domain ${client.domain} differs from user URI domain ${user.domain}`,
      path,
      "IDENTITY-CERT-01",
    );
  }
  return {
    kind: "client",
    domain: client.domain,
    clientUri: client.uri as ClientUri,
    userUri: user.uri as UserUri | PseudonymUri,
  };
}

/**
 * The provider identity in a provider's mutual-TLS certificate.
 *
 * @throws CertificateValidationError (`bad-identifiers`) unless the subjectAltName holds exactly
 *   one dNSName and one URI, the URI being the provider URI of that DNS name.
 */
export function providerIdentityOf(facts: CertificateFacts, path = "/chain/0"): ProviderIdentity {
  // [IDENTITY-SERVER-01] draft-ietf-mimi-protocol-06 §4.1: the TLS certificates MUST authenticate
  // the provider domains (RFC 6125: a dNSName); we also require the provider URI (decision 0404).
  if (facts.sanDnsNames.length !== 1 || facts.sanUris.length !== 1 || facts.sanOtherCount > 0) {
    throw badIdentifiers(
      "a provider certificate's subjectAltName holds exactly one dNSName and one provider URI",
      path,
      "IDENTITY-SERVER-01",
    );
  }
  const provider = parseSanUri(facts.sanUris[0]!, path, "IDENTITY-SERVER-01");
  const dns = facts.sanDnsNames[0]!.toLowerCase();
  if (provider.kind !== "provider" || provider.domain !== dns) {
    throw badIdentifiers(
      `the URI ${provider.uri} is not the provider URI of the dNSName ${dns}`,
      path,
      "IDENTITY-SERVER-01",
    );
  }
  return { kind: "provider", domain: provider.domain, providerUri: provider.uri as ProviderUri };
}
