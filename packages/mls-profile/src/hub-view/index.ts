/**
 * The hub's view of an MLS group it is not a member of: bootstrap from a GroupInfo and ratchet
 * tree, then follow every PublicMessage proposal and commit.
 *
 * @packageDocumentation
 */
export { appDataHubViewOptions } from "./app-data-proposal-handler.js";
export { hubCipherSuite } from "./hub-cipher-suite.js";
export { verifyHubGroupInfo } from "./hub-group-info.js";
export {
  bootstrapHubView,
  decodeHubGroupInfo,
  decodeHubRatchetTree,
  findGroupContextExtension,
  type HubBootstrapInput,
  type HubGroupStatus,
  type HubGroupView,
  type HubMember,
  type HubPendingProposal,
  type HubViewOptions,
  hubAppDataDictionary,
  hubAppDataDictionaryBytes,
  hubGroupMembers,
  type ResolvedHubViewOptions,
  resolveHubViewOptions,
} from "./hub-group-view.js";
export {
  decodeHubPublicMessage,
  type HubCommitEvent,
  type HubEvent,
  type HubProcessResult,
  type HubProposalEvent,
  processHubMessage,
  processHubPublicMessage,
} from "./hub-process-message.js";
export {
  decodeHubView,
  encodeHubView,
  HUB_VIEW_SNAPSHOT_VERSION,
  type HubViewRestoreOptions,
} from "./hub-snapshot.js";
export type { TreeHashCache } from "./hub-tree-hash.js";
