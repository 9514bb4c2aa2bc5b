/**
 * `GET /client/v1/download?url=…[&hub=…]`: download an attachment — ours from storage, a peer's
 * through its provider's /proxyDownload, or, with `hub`, through the room's hub.
 */
import { HttpRejection } from "../../server/http-error.js";
import { loadBlob, parseBlobUrl } from "../../storage/blobs.js";
import { type ClientRouteHandler, isProviderDomain } from "../route.js";

export const download: ClientRouteHandler = async ({ query, ctx }) => {
  const target = query.get("url") ?? "";
  const p = parseBlobUrl(target);
  if (p === undefined)
    throw new HttpRejection(400, "url must be a download URL https://<domain>/blobs/<id>", {
      path: "/query/url",
    });
  const hubParam = query.get("hub");
  if (hubParam !== null) {
    // [PROTO-CAPI-13] draft-ietf-mimi-protocol-06 §5.10.2 (our client API, decision 0674):
    // with `hub` (the room's hub), the download goes through that hub's /proxyDownload, which
    // serves its own assets and fetches its peers', so the asset's host sees only the hub.
    const hub = hubParam.toLowerCase();
    if (!isProviderDomain(hub))
      throw new HttpRejection(400, "hub must be a provider domain", { path: "/query/hub" });
    // ours or a peer's, as every other request about a room or user is dispatched
    return ctx.dispatch("proxyDownload", hub, target, new Uint8Array(0));
  }
  if (p.domain === ctx.domain) {
    const bytes = await loadBlob(ctx.db, target);
    if (bytes === undefined) throw new HttpRejection(404, `no blob at ${target}`, { path: "/query/url" });
    return { status: 200, body: bytes };
  }
  const got = await ctx.federation.send(p.domain, { endpoint: "proxyDownload", param: target });
  return { status: 200, body: got.body };
};
