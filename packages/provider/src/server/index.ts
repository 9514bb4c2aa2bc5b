/**
 * The provider server framework and the endpoints implemented so far.
 */
import type { Endpoint } from "./endpoint.js";
import { assetEndpoint } from "./endpoints/asset.js";
import { requestConsentEndpoint, updateConsentEndpoint } from "./endpoints/consent.js";
import { notifyEndpoint } from "./endpoints/notify.js";

export * from "./config.js";
export * from "./endpoint.js";
export { assetEndpoint } from "./endpoints/asset.js";
export { requestConsentEndpoint, updateConsentEndpoint } from "./endpoints/consent.js";
export { notifyEndpoint } from "./endpoints/notify.js";
export * from "./fanout-sender.js";
export * from "./http-error.js";
export * from "./log.js";
export * from "./metrics.js";
export * from "./peer.js";
export * from "./server.js";

/**
 * The endpoints every provider routes, hub or not: notify, the consent endpoints, and `asset` (our
 * stored blobs for peers, decision 0670). The hub's endpoints are `hubEndpoints`.
 */
export const implementedEndpoints: readonly Endpoint[] = [
  assetEndpoint,
  notifyEndpoint,
  requestConsentEndpoint,
  updateConsentEndpoint,
];
