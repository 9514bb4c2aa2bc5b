/**
 * Name constraints on uniformResourceIdentifier and dNSName (RFC 5280 §4.2.1.10), checked per CA.
 *
 * pkijs checks name constraints too, but it accumulates the permitted subtrees of successive CAs
 * as a union, where RFC 5280 §6.1.4 (g) intersects them: a CA below another could widen what the
 * upper one permits. This check applies each CA's constraints on its own, for the two name forms
 * the MIMI profile uses, so every CA's constraints hold at once (their intersection).
 */
import type * as pkijs from "pkijs";
import { extensionOids } from "./certificate.js";

/** The host of a URI with an authority (`scheme://[userinfo@]host[:port]/...`), lower case. */
export function uriHost(uri: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(uri);
  if (m === null) return undefined;
  let authority = m[1]!;
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith("[")) return undefined; // IP literals never match a DNS-style constraint
  const colon = authority.indexOf(":");
  if (colon >= 0) authority = authority.slice(0, colon);
  return authority.length === 0 ? undefined : authority.toLowerCase();
}

/** RFC 5280 §4.2.1.10 for URIs: `.example.com` matches hosts below it, `example.com` only itself. */
export function uriHostMatches(host: string, constraint: string): boolean {
  const c = constraint.toLowerCase();
  if (c.startsWith(".")) return host.endsWith(c);
  return host === c;
}

/** RFC 5280 §4.2.1.10 for dNSName: a name matches the constraint or any name below it. */
export function dnsNameMatches(name: string, constraint: string): boolean {
  const n = name.toLowerCase();
  const c = constraint.toLowerCase().replace(/^\./, "");
  if (c.length === 0) return true;
  return n === c || n.endsWith(`.${c}`);
}

/** The permitted and excluded subtrees of a certificate's name constraints (RFC 5280 §4.2.1.10). */
export interface Subtrees {
  readonly permittedUri: readonly string[];
  readonly excludedUri: readonly string[];
  readonly permittedDns: readonly string[];
  readonly excludedDns: readonly string[];
}

function stringsOf(trees: readonly pkijs.GeneralSubtree[] | undefined, type: number): string[] {
  return (trees ?? [])
    .filter((t) => t.base.type === type && typeof t.base.value === "string")
    .map((t) => t.base.value);
}

/** The URI and DNS subtrees of a CA certificate's nameConstraints, or undefined when it has none. */
export function subtreesOf(cert: pkijs.Certificate): Subtrees | undefined {
  const nc = cert.extensions?.find((e) => e.extnID === extensionOids.nameConstraints)?.parsedValue as
    | pkijs.NameConstraints
    | undefined;
  if (nc === undefined) return undefined;
  return {
    permittedUri: stringsOf(nc.permittedSubtrees, 6),
    excludedUri: stringsOf(nc.excludedSubtrees, 6),
    permittedDns: stringsOf(nc.permittedSubtrees, 2),
    excludedDns: stringsOf(nc.excludedSubtrees, 2),
  };
}

/**
 * The first URI or DNS name that breaks `subtrees`, or undefined when all are within them.
 * A URI without a host cannot satisfy a URI constraint (RFC 5280 §4.2.1.10).
 */
export function nameOutsideSubtrees(
  subtrees: Subtrees,
  uris: readonly string[],
  dnsNames: readonly string[],
): string | undefined {
  for (const uri of uris) {
    const host = uriHost(uri);
    if (
      subtrees.permittedUri.length > 0 &&
      (host === undefined || !subtrees.permittedUri.some((c) => uriHostMatches(host, c)))
    )
      return uri;
    if (host !== undefined && subtrees.excludedUri.some((c) => uriHostMatches(host, c))) return uri;
  }
  for (const name of dnsNames) {
    if (subtrees.permittedDns.length > 0 && !subtrees.permittedDns.some((c) => dnsNameMatches(name, c)))
      return name;
    if (subtrees.excludedDns.some((c) => dnsNameMatches(name, c))) return name;
  }
  return undefined;
}
