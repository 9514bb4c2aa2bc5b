/**
 * Trust anchors for peer providers bound to a provider domain (decision 0401), for the mutual TLS
 * of protocol-06 §4.1. A CA given as a plain PEM may certify any peer (the TLS stack's own rule); a
 * CA bound to a domain — any CA, e.g. one of an existing PKI, `"DOMAIN=FILE"` in `mimi serve`'s
 * configuration — certifies only that domain, in both directions: a peer calling us and a peer we
 * call.
 */
import { X509Certificate } from "node:crypto";
import { checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate } from "node:tls";

/** A CA certificate (PEM) that may certify only `domain`'s provider certificates. */
export interface BoundAnchor {
  readonly pem: string;
  readonly domain: string;
}

/** A CA trusted for peer providers: a plain PEM (any domain) or one bound to a domain. */
export type PeerCa = string | Buffer | BoundAnchor;

/** The CAs split for the TLS stack (every PEM) and for the domain check (bound ones). */
export interface PeerTrust {
  readonly pems: readonly (string | Buffer)[];
  /** SHA-256 fingerprint (Node's colon-separated hex) of each bound CA → the domains it may certify. */
  readonly bound: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Split a CA option (one CA or a list) into PEMs and bindings. */
export function peerTrust(ca: PeerCa | readonly PeerCa[]): PeerTrust {
  const list = Array.isArray(ca) ? (ca as readonly PeerCa[]) : [ca as PeerCa];
  const pems: (string | Buffer)[] = [];
  const bound = new Map<string, Set<string>>();
  for (const c of list) {
    if (typeof c === "string" || Buffer.isBuffer(c)) {
      pems.push(c);
      continue;
    }
    pems.push(c.pem);
    const fingerprint = new X509Certificate(c.pem).fingerprint256;
    const domains = bound.get(fingerprint) ?? new Set<string>();
    domains.add(c.domain.toLowerCase());
    bound.set(fingerprint, domains);
  }
  return { pems, bound };
}

/** The last certificate of a verified peer chain (its trust anchor). */
function anchorOf(cert: DetailedPeerCertificate): DetailedPeerCertificate {
  let at = cert;
  for (let i = 0; i < 16 && at.issuerCertificate !== undefined && at.issuerCertificate !== at; i++) {
    if (at.issuerCertificate.fingerprint256 === at.fingerprint256) break;
    at = at.issuerCertificate;
  }
  return at;
}

/**
 * Why a verified peer chain may not stand for `domain`, or undefined when it may: its anchor is a
 * CA bound to other domains only.
 */
export function anchorRefusal(
  trust: PeerTrust,
  cert: DetailedPeerCertificate,
  domain: string,
): string | undefined {
  if (trust.bound.size === 0) return undefined;
  // [IDENTITY-DOMAIN-01] decision 0401: a chain proving a provider domain is valid only under an
  // anchor of that domain (or one not bound to any).
  const domains = trust.bound.get(anchorOf(cert).fingerprint256);
  if (domains === undefined || domains.has(domain.toLowerCase())) return undefined;
  return `the certificate of ${domain} chains to a CA configured for ${[...domains].join(", ")} only`;
}

/**
 * TLS options of an outgoing connection to a peer provider: every CA, and the server identity
 * check (RFC 6125 by the TLS stack) followed by the anchor's domain binding.
 */
export function peerConnectionTrust(trust: PeerTrust): {
  readonly ca: (string | Buffer)[];
  readonly checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
} {
  return {
    ca: [...trust.pems],
    checkServerIdentity: (host, cert) => {
      const e = checkServerIdentity(host, cert);
      if (e !== undefined) return e;
      const reason = anchorRefusal(trust, cert as DetailedPeerCertificate, host);
      return reason === undefined ? undefined : new Error(reason);
    },
  };
}
