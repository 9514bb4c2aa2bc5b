/**
 * `GET /proxyDownload/{downloadUrl}` (draft-ietf-mimi-protocol-06 §5.10.2): the hub serves assets
 * for its peers. This hub serves the blobs its own provider stores and fetches URLs of the
 * configured asset hosts of its peer providers (decision 0670); every other URL is refused (never
 * an open proxy).
 */
import type { AssetSource } from "../../federation/assets.js";
import { loadBlob, parseBlobUrl } from "../../storage/blobs.js";
import type { SqlExecutor } from "../../storage/database.js";
import type { Endpoint } from "../endpoint.js";
import { HttpRejection } from "../http-error.js";

/** Where the hub finds assets: its own blob store and its peers' asset hosts. */
export interface AssetLocations {
  /** Our domain (the host of our blobs' download URLs). */
  readonly domain: string;
  readonly db: SqlExecutor;
  /** The peers' asset hosts; none when absent. */
  readonly peers?: AssetSource;
}

/** True when `url` names an asset the hub may serve: one of its blobs or a peer's asset host. */
export function isServedAsset(where: AssetLocations, url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== "https:" || u.username !== "" || u.password !== "" || u.hash !== "") return false;
  const blob = parseBlobUrl(url);
  if (blob !== undefined && blob.domain === where.domain) return true;
  return u.host !== where.domain && where.peers?.peerOf(u.host.toLowerCase()) !== undefined;
}

/**
 * The bytes of an asset URL that {@link isServedAsset} accepts.
 *
 * @throws HttpRejection 404 for an unknown asset; 502/504 when a peer's asset host fails (see
 * {@link AssetSource.fetch}); 403 for a URL that is not served (the caller checks first).
 */
export async function loadAsset(where: AssetLocations, url: string): Promise<Uint8Array> {
  const blob = parseBlobUrl(url);
  if (blob !== undefined && blob.domain === where.domain) {
    const bytes = await loadBlob(where.db, url);
    if (bytes === undefined) throw new HttpRejection(404, "no such asset", { path: "/path" });
    return bytes;
  }
  if (where.peers === undefined || !isServedAsset(where, url))
    throw new HttpRejection(403, "not an asset URL this hub serves", { path: "/path" });
  return where.peers.fetch(new URL(url));
}

/** The hub's `/proxyDownload` endpoint for its own blobs and its peers' asset hosts. */
export function proxyDownloadEndpoint(domain: string, peers?: AssetSource): Endpoint {
  return {
    name: "proxyDownload",
    async handle(ctx) {
      const where: AssetLocations = { domain, db: ctx.db, ...(peers === undefined ? {} : { peers }) };
      // [PROTO-DL-01] draft-ietf-mimi-protocol-06 §5.10.2: the hub MUST NOT be an open proxy; it
      // serves only URLs of asset domains it knows: its own blob store and the configured asset
      // hosts of its peer providers (decision 0670).
      if (!isServedAsset(where, ctx.param))
        throw new HttpRejection(403, "not an asset URL this hub serves", {
          path: "/path",
          rule: "PROTO-DL-01",
        });
      return { status: 200, body: await loadAsset(where, ctx.param) };
    },
  };
}
