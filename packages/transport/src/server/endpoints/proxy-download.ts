/**
 * `GET /proxyDownload/{downloadUrl}` (draft-ietf-mimi-protocol-06 §5.10.2): the hub serves assets
 * for its peers. This hub serves the blobs its own provider stores, and refuses every other URL
 * (never an open proxy).
 */
import type { Hub } from "../../hub/hub.js";
import { loadBlob, parseBlobUrl } from "../../storage/blobs.js";
import type { Endpoint } from "../endpoint.js";
import { HttpRejection } from "../http-error.js";

/** The hub's `/proxyDownload` endpoint. */
export function proxyDownloadEndpoint(hub: Hub): Endpoint {
  return {
    name: "proxyDownload",
    method: "GET",
    async handle(ctx) {
      const blob = parseBlobUrl(ctx.param);
      // [PROTO-DL-01] draft-ietf-mimi-protocol-06 §5.10.2: the hub MUST NOT be an open proxy; it
      // serves only URLs of asset domains it knows (here: its own blob store, decision 0627).
      if (blob === undefined || blob.domain !== hub.domain)
        throw new HttpRejection(403, "not an asset URL this hub serves", {
          path: "/path",
          rule: "PROTO-DL-01",
        });
      const bytes = await loadBlob(ctx.db, ctx.param);
      if (bytes === undefined) throw new HttpRejection(404, "no such asset", { path: "/path" });
      return { status: 200, body: bytes };
    },
  };
}
