/**
 * The provider server framework and the endpoints implemented so far.
 */
import type { Endpoint } from "./endpoint.js";
import { assetEndpoint } from "./endpoints/asset.js";
import { requestConsentEndpoint, updateConsentEndpoint } from "./endpoints/consent.js";
import { notifyEndpoint } from "./endpoints/notify.js";

export type { BoundAnchor, PeerCa, PeerTrust } from "./anchor-binding.js";
export type { BackoffOptions } from "./backoff.js";
export { type ProviderConfig, parseProviderConfig } from "./config.js";
export type { Endpoint, EndpointResult, RequestContext } from "./endpoint.js";
export { assetEndpoint } from "./endpoints/asset.js";
export { requestConsentEndpoint, updateConsentEndpoint } from "./endpoints/consent.js";
export { notifyEndpoint } from "./endpoints/notify.js";
export {
  type FanoutSender,
  type FanoutSenderOptions,
  makeFanoutSender,
} from "./fanout-sender.js";
export { HttpRejection } from "./http-error.js";
export { checkPathLayout } from "./layout.js";
export {
  atLeast,
  errorFields,
  jsonLinesToStdout,
  type LogRecord,
  type LogSink,
  logLevels,
  makeLogger,
} from "./log.js";
export { ServerMetrics, type ServerMetricsOptions } from "./metrics.js";
export { authenticatePeer, hostWithoutPort, peerCertificateDomains } from "./peer.js";
export { DEFAULT_CLIENT_RATE_LIMIT, DEFAULT_PEER_RATE_LIMIT, type RateLimit } from "./rate-limit.js";
export {
  type Exchange,
  type ProviderServer,
  type ProviderServerOptions,
  startProviderServer,
} from "./server.js";
export type { TlsMaterial } from "./tls-server.js";

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
