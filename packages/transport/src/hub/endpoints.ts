/**
 * The hub's endpoints for the provider server.
 */
import type { Endpoint } from "../server/endpoint.js";
import { updateEndpoint } from "../server/endpoints/update.js";
import type { Hub } from "./hub.js";

/**
 * The endpoints a hub answers (protocol-06 §5): keyMaterial, update, submitMessage, groupInfo,
 * reportAbuse and proxyDownload, all backed by `hub`.
 */
export function hubEndpoints(hub: Hub): readonly Endpoint[] {
  return [updateEndpoint(hub)];
}
