/**
 * The provider server framework and the endpoints implemented so far.
 */
import type { Endpoint } from "./endpoint.js";
import { requestConsentEndpoint, updateConsentEndpoint } from "./endpoints/consent.js";
import { notifyEndpoint } from "./endpoints/notify.js";

export * from "./config.js";
export * from "./endpoint.js";
export { requestConsentEndpoint, updateConsentEndpoint } from "./endpoints/consent.js";
export { notifyEndpoint } from "./endpoints/notify.js";
export * from "./fanout-sender.js";
export * from "./http-error.js";
export * from "./log.js";
export * from "./metrics.js";
export * from "./peer.js";
export * from "./server.js";

/**
 * Every endpoint implemented end to end. keyMaterial, update, submitMessage, groupInfo,
 * identifierQuery, reportAbuse and proxyDownload are not routed yet (they answer 404).
 */
export const implementedEndpoints: readonly Endpoint[] = [
  notifyEndpoint,
  requestConsentEndpoint,
  updateConsentEndpoint,
];
