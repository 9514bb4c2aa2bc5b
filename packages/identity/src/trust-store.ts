/**
 * Trust anchors per provider domain (decision 0401): a provider's CA vouches only for identifiers
 * under that provider's domain.
 */
import { IdentifierError, parseMimiUri } from "@mimi/identifiers";
import { ValidationError } from "@mimi/wire";
import { decodeCertificate } from "./certificate.js";
import type { TrustAnchor } from "./path-validation.js";
import { decodePem } from "./pem.js";

/** The anchors a relying party trusts, each for one provider domain. */
export interface TrustStore {
  readonly anchors: readonly TrustAnchor[];
}

/**
 * A trust anchor from a CA certificate (DER or PEM). Its domain is `domain` when given, otherwise
 * the one provider URI (`mimi://<domain>`) in the certificate's subjectAltName.
 *
 * @throws CodecError when the certificate does not decode.
 * @throws ValidationError when it is not a CA certificate with keyCertSign, or no single domain is
 *   named.
 */
export function trustAnchor(certificate: Uint8Array | string, domain?: string): TrustAnchor {
  const der =
    typeof certificate === "string" ? decodePem(certificate, "CERTIFICATE", "/anchor") : certificate;
  const decoded = decodeCertificate(der, "/anchor");
  if (!decoded.facts.isCa || !(decoded.facts.keyUsage ?? []).includes("keyCertSign")) {
    throw new ValidationError("a trust anchor must be a CA certificate with keyCertSign", {
      path: "/anchor",
    });
  }
  if (domain !== undefined) {
    const p = parseMimiUri(`mimi://${domain}`);
    return { domain: p.domain, certificate: decoded };
  }
  const domains = new Set<string>();
  for (const uri of decoded.facts.sanUris) {
    try {
      const p = parseMimiUri(uri);
      if (p.kind === "provider") domains.add(p.domain);
    } catch (e) {
      if (!(e instanceof IdentifierError)) throw e;
    }
  }
  if (domains.size !== 1) {
    throw new ValidationError(
      `a trust anchor names its provider domain with one mimi://<domain> subjectAltName URI, found ${domains.size}`,
      { path: "/anchor" },
    );
  }
  return { domain: [...domains][0]!, certificate: decoded };
}

/** A trust store over `anchors`. */
export function createTrustStore(anchors: readonly TrustAnchor[]): TrustStore {
  return { anchors: [...anchors] };
}

/** The anchors configured for `domain` (canonical, lower case). */
export function anchorsFor(store: TrustStore, domain: string): readonly TrustAnchor[] {
  return store.anchors.filter((a) => a.domain === domain);
}
