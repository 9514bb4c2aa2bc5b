/**
 * The hub's endpoints for the provider server.
 */
import { type DirectoryName, endpoints } from "@mimi/protocol";
import type { AssetSource } from "../federation/assets.js";
import type { Endpoint, RequestContext } from "../server/endpoint.js";
import { ohttpGatewayEndpoint, ohttpKeysEndpoint } from "../server/endpoints/ohttp-gateway.js";
import { proxyDownloadEndpoint } from "../server/endpoints/proxy-download.js";
import { handleGroupInfo } from "./group-info.js";
import type { Hub } from "./hub.js";
import { handleKeyMaterial } from "./key-material.js";
import { loadOhttpGatewayKey } from "./keys.js";
import { handleReportAbuse, handleSubmitMessage } from "./messages.js";
import { handleUpdate } from "./update.js";

/**
 * The handler of each directory endpoint a hub answers: it gets the request and answers the
 * encoded response body, if the endpoint's table entry has one; the status is the table's.
 */
const hubHandlers: Readonly<
  Partial<Record<DirectoryName, (hub: Hub, ctx: RequestContext) => Promise<Uint8Array | undefined>>>
> = {
  keyMaterial: handleKeyMaterial,
  update: handleUpdate,
  submitMessage: handleSubmitMessage,
  groupInfo: handleGroupInfo,
  reportAbuse: async (hub, ctx) => {
    await handleReportAbuse(hub, ctx);
    return undefined;
  },
};

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
  const directory = Object.entries(hubHandlers).map(([name, handler]): Endpoint => {
    const { status } = endpoints[name as DirectoryName];
    return {
      name: name as DirectoryName,
      handle: async (ctx) => {
        const body = await handler(hub, ctx);
        return body === undefined ? { status } : { status, body };
      },
    };
  });
  return [
    ...directory,
    proxyDownloadEndpoint(hub.domain, options.assets),
    ohttpKeysEndpoint(gatewayKey),
    ohttpGatewayEndpoint(hub.domain, gatewayKey, options.assets),
  ];
}
