/**
 * The hub's endpoints for the provider server.
 */
import type { AssetSource } from "../federation/assets.js";
import type { Endpoint } from "../server/endpoint.js";
import { groupInfoEndpoint } from "../server/endpoints/group-info.js";
import { keyMaterialEndpoint } from "../server/endpoints/key-material.js";
import { proxyDownloadEndpoint } from "../server/endpoints/proxy-download.js";
import { reportAbuseEndpoint } from "../server/endpoints/report-abuse.js";
import { submitMessageEndpoint } from "../server/endpoints/submit-message.js";
import { updateEndpoint } from "../server/endpoints/update.js";
import type { Hub } from "./hub.js";

/**
 * The endpoints backed by a hub (protocol-06 §5): keyMaterial (for our users), update,
 * submitMessage, groupInfo, reportAbuse (for the rooms we host) and proxyDownload (our blobs and,
 * with `options.assets`, our peers' configured asset hosts, decision 0670).
 */
export function hubEndpoints(hub: Hub, options: { readonly assets?: AssetSource } = {}): readonly Endpoint[] {
  return [
    keyMaterialEndpoint(hub),
    updateEndpoint(hub),
    submitMessageEndpoint(hub),
    groupInfoEndpoint(hub),
    reportAbuseEndpoint(hub),
    proxyDownloadEndpoint(hub.domain, options.assets),
  ];
}
