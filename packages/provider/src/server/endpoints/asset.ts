/**
 * `GET /blobs/{id}` on the federation server (decision 0670): a provider serves the blobs it
 * stores to authenticated peers at the path of their download URL `https://<domain>/blobs/<id>`,
 * so that a hub configured with this provider's asset host can fetch them (protocol-06 §5.10).
 */
import { loadBlob } from "../../storage/blobs.js";
import type { Endpoint } from "../endpoint.js";
import { HttpRejection } from "../http-error.js";

/** Our stored blobs, for peers. */
export const assetEndpoint: Endpoint = {
  name: "asset",
  async handle(ctx) {
    if (!/^[0-9a-f]{32}$/.test(ctx.param)) throw new HttpRejection(404, "no such asset", { path: "/path" });
    const bytes = await loadBlob(ctx.db, `https://${ctx.domain}/blobs/${ctx.param}`);
    if (bytes === undefined) throw new HttpRejection(404, "no such asset", { path: "/path" });
    return { status: 200, body: bytes };
  },
};
