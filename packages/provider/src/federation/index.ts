/**
 * Provider-to-provider requests (protocol-06 §4.1): the outgoing federation client.
 */
export { type AssetHost, type AssetSource, checkAssetHosts, createAssetSource } from "./assets.js";
export {
  createFederationClient,
  type FederationClient,
  type FederationClientOptions,
  type PeerDirectory,
  PeerDirectoryError,
  type PeerEndpoint,
  type PeerRawRequest,
  type PeerReason,
  PeerRejected,
  type PeerRequest,
  type PeerResponse,
  PeerUnavailable,
  parsePeerAddress,
} from "./client.js";
