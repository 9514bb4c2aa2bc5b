/**
 * protocol-06 §4.1: who is calling and whom they address. The target is the `Host` header (any
 * port ignored); the source is the `From` header `mimi@<domain>`; TLS is mutually authenticated
 * and the client certificate must authenticate the source domain (RFC 6125 DNS-ID).
 */
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { anchorRefusal, type PeerTrust } from "./anchor-binding.js";
import { HttpRejection } from "./http-error.js";

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

// A connection's peer certificate cannot change (TLS 1.3 without renegotiation), so it is parsed
// once per connection, not once per request.
const domainsOfSocket = new WeakMap<TLSSocket, readonly string[]>();

/** The DNS names (SAN dNSName entries, lower case) of the peer's authenticated certificate. */
export function peerCertificateDomains(socket: TLSSocket): readonly string[] {
  const known = domainsOfSocket.get(socket);
  if (known !== undefined) return known;
  const cert = socket.getPeerCertificate();
  const san = typeof cert?.subjectaltname === "string" ? cert.subjectaltname : "";
  const domains = san
    .split(/,\s*/)
    .filter((e) => e.startsWith("DNS:"))
    .map((e) => e.slice(4).toLowerCase());
  // Only an authorized connection's certificate is final; cache nothing before the handshake.
  if (socket.authorized === true) domainsOfSocket.set(socket, domains);
  return domains;
}

/** The host part of a `Host` header, lower case, without a port. */
export function hostWithoutPort(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const colon = h.lastIndexOf(":");
  return colon === -1 ? h : h.slice(0, colon);
}

/**
 * Check a request against §4.1 and return the authenticated source provider domain.
 *
 * @throws HttpRejection 421 when `Host` does not name this provider, 400 for a missing or malformed
 * `From`, 403 when the TLS client certificate does not authenticate the `From` domain (or chains
 * to a CA of `trust` bound to other domains).
 */
export function authenticatePeer(req: IncomingMessage, ourDomain: string, trust?: PeerTrust): string {
  const socket = req.socket as TLSSocket;
  // [PROTO-TLS-01] draft-ietf-mimi-protocol-06 §4.1: TLS MUST be mutually authenticated.
  if (socket.authorized !== true)
    throw new HttpRejection(403, "TLS client certificate missing or not trusted", { rule: "PROTO-TLS-01" });
  const host = req.headers.host;
  // [PROTO-HOST-01] draft-ietf-mimi-protocol-06 §4.1: the target provider is identified by the
  // Host header (a non-standard port is ignored).
  if (host === undefined || hostWithoutPort(host) !== ourDomain)
    throw new HttpRejection(421, `Host ${JSON.stringify(host ?? "")} is not ${ourDomain}`, {
      path: "/headers/host",
      rule: "PROTO-HOST-01",
    });
  const from = req.headers.from;
  // [PROTO-FROM-01] draft-ietf-mimi-protocol-06 §4.1: the source provider is identified by the
  // From header in addr-spec form with the local part "mimi".
  const m = typeof from === "string" ? /^mimi@([^\s@]+)$/i.exec(from.trim()) : null;
  const domain = m?.[1]?.toLowerCase();
  if (domain === undefined || !DOMAIN.test(domain))
    throw new HttpRejection(400, `From must be mimi@<domain>, got ${JSON.stringify(from ?? "")}`, {
      path: "/headers/from",
      rule: "PROTO-FROM-01",
    });
  // [PROTO-TLS-02] draft-ietf-mimi-protocol-06 §4.1: the certificates MUST authenticate the source
  // provider domain (RFC 6125; exact DNS-ID match, decision 0610).
  if (!peerCertificateDomains(socket).includes(domain))
    throw new HttpRejection(403, `the TLS client certificate does not authenticate ${domain}`, {
      path: "/headers/from",
      rule: "PROTO-TLS-02",
    });
  // [IDENTITY-DOMAIN-01] a peer certificate under a CA bound to other domains does not
  // authenticate this one (decision 0401).
  const refusal =
    trust === undefined ? undefined : anchorRefusal(trust, socket.getPeerCertificate(true), domain);
  if (refusal !== undefined)
    throw new HttpRejection(403, refusal, { path: "/headers/from", rule: "IDENTITY-DOMAIN-01" });
  return domain;
}
