/**
 * Peers' asset hosts (protocol-06 §5.10, decision 0670): which hosts serve the assets of which peer
 * provider, and fetching an asset from one of them for the hub's `/proxyDownload` and OHTTP gateway.
 *
 * An asset host is reached over HTTPS with the federation client's mutual TLS (our provider
 * certificate, the peer CAs), at its configured address, else where the peer table resolves the
 * host name, else `<host>:443`. A provider serves its own stored blobs to peers that way
 * (`GET /blobs/{id}`, the path of their download URL).
 */
import { ValidationError } from "@mimi/wire";
import { HttpRejection } from "../server/http-error.js";
import { type FederationClient, PeerRejected, PeerUnavailable, parsePeerAddress } from "./client.js";

/** One configured asset host. */
export interface AssetHost {
  /** The peer provider whose assets the host serves. */
  readonly peer: string;
  /** Where to connect (`host:port`); default: as the federation client resolves the host name. */
  readonly address?: string;
}

/** The assets of peers the hub may fetch. */
export interface AssetSource {
  /** The peer provider owning `host` (lower case, no port), if it is a configured asset host. */
  peerOf(host: string): string | undefined;
  /**
   * Fetch `url` (https, of a configured host).
   *
   * @throws HttpRejection 403 for a host that is not configured, 404 when the host has no such
   * asset, 502 when it cannot be reached, refuses otherwise, fails or sends more than the limit,
   * 504 when it does not answer in time.
   */
  fetch(url: URL): Promise<Uint8Array>;
}

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Check a table of asset hosts (`host → { peer, address? }`).
 *
 * @throws ValidationError naming the offending entry.
 */
export function checkAssetHosts(hosts: Readonly<Record<string, AssetHost>>, path = "/assetHosts"): void {
  for (const [host, h] of Object.entries(hosts)) {
    if (!HOST.test(host))
      throw new ValidationError("not a lower-case DNS host name", { path: `${path}/${host}` });
    if (typeof h.peer !== "string" || !HOST.test(h.peer))
      throw new ValidationError("peer must be a provider domain", { path: `${path}/${host}/peer` });
    if (h.address !== undefined) parsePeerAddress(h.address, `${path}/${host}/address`);
  }
}

/**
 * The asset source over `federation` for the configured `hosts`; responses larger than
 * `maxBytes` (default 16 MiB) are refused.
 *
 * @throws ValidationError for a malformed table.
 */
export function createAssetSource(
  federation: FederationClient,
  hosts: Readonly<Record<string, AssetHost>>,
  maxBytes: number = 16 << 20,
): AssetSource {
  checkAssetHosts(hosts);
  const table = new Map(Object.entries(hosts));
  return {
    peerOf: (host) => table.get(host)?.peer,
    async fetch(url) {
      const host = url.host.toLowerCase();
      const entry = table.get(host);
      if (entry === undefined || url.protocol !== "https:")
        throw new HttpRejection(403, `${host} is not an asset host of a peer provider`, { path: "/path" });
      try {
        const res = await federation.request(host, {
          method: "GET",
          path: `${url.pathname}${url.search}`,
          maxResponseBytes: maxBytes,
          ...(entry.address === undefined ? {} : { address: parsePeerAddress(entry.address) }),
        });
        return res.body;
      } catch (e) {
        if (e instanceof PeerRejected) {
          if (e.status === 404) throw new HttpRejection(404, `${host} has no such asset`, { path: "/path" });
          throw new HttpRejection(502, `the asset host ${host} refused with ${e.status}`, { path: "/path" });
        }
        if (e instanceof PeerUnavailable) {
          if (/no answer within/.test(e.what))
            throw new HttpRejection(504, `the asset host ${host} did not answer in time`, { path: "/path" });
          throw new HttpRejection(502, `the asset host ${host} failed: ${e.what}`, { path: "/path" });
        }
        throw e;
      }
    },
  };
}
