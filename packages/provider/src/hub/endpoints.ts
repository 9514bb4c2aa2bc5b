/**
 * The hub's endpoints for the provider server.
 */
import type { AssetSource } from "../federation/assets.js";
import type { Endpoint } from "../server/endpoint.js";
import { groupInfoEndpoint } from "../server/endpoints/group-info.js";
import { keyMaterialEndpoint } from "../server/endpoints/key-material.js";
import { ohttpGatewayEndpoint, ohttpKeysEndpoint } from "../server/endpoints/ohttp-gateway.js";
import { proxyDownloadEndpoint } from "../server/endpoints/proxy-download.js";
import { reportAbuseEndpoint } from "../server/endpoints/report-abuse.js";
import { submitMessageEndpoint } from "../server/endpoints/submit-message.js";
import { updateEndpoint } from "../server/endpoints/update.js";
import type { Hub } from "./hub.js";
import { loadOhttpGatewayKey } from "./keys.js";

/**
 * The endpoints backed by a hub (protocol-06 §5): keyMaterial (for our users), update,
 * submitMessage, groupInfo, reportAbuse (for the rooms we host) and proxyDownload (our blobs and,
 * with `options.assets`, our peers' configured asset hosts, decision 0670), and the OHTTP gateway
 * for the same assets with its key configuration (§5.10.3, decision 0672).
 */
export function hubEndpoints(hub: Hub, options: { readonly assets?: AssetSource } = {}): readonly Endpoint[] {
  let key: ReturnType<typeof loadOhttpGatewayKey> | undefined;
  const gatewayKey = () => {
    key ??= loadOhttpGatewayKey(hub.db, Date.now()).catch((e: unknown) => {
      key = undefined;
      throw e;
    });
    return key;
  };
  return [
    keyMaterialEndpoint(hub),
    updateEndpoint(hub),
    submitMessageEndpoint(hub),
    groupInfoEndpoint(hub),
    reportAbuseEndpoint(hub),
    proxyDownloadEndpoint(hub.domain, options.assets),
    ohttpKeysEndpoint(gatewayKey),
    ohttpGatewayEndpoint(hub.domain, gatewayKey, options.assets),
  ];
}
