/**
 * The hub side of draft-ietf-mimi-protocol-06.
 */
export { clientUriOfCredential, domainOfUri, userUriOfCredential } from "./credentials.js";
export { type HubCall, type HubHandler, hubEndpoints } from "./endpoints.js";
export { type HubFanout, type HubFanoutOptions, startHubFanout } from "./fanout.js";
export { groupInfoEncryptionLabel, handleGroupInfo } from "./group-info.js";
export {
  type ConsentQuery,
  createHub,
  type Hub,
  type HubListener,
  type HubOptions,
  type HubRoom,
  hasExternalSender,
  storedGroupInfo,
} from "./hub.js";
export {
  createJoinCode,
  deleteJoinCode,
  type JoinCodeInput,
  joinCodeRoleValid,
  type StoredJoinCode,
} from "./join-codes.js";
export { consentFromTable, handleKeyMaterial } from "./key-material.js";
export {
  type HubKeys,
  hubExternalSender,
  loadHubKeys,
  loadOhttpGatewayKeys,
  type OhttpGatewayKeys,
  type OhttpKeyRotation,
} from "./keys.js";
export { type EpochFacts, handleReportAbuse, handleSubmitMessage, serverFrank } from "./messages.js";
export type { RecentEvents, RecentEventsLimits, TargetedEvent } from "./recent-events.js";
export { addRoomPeers, eventsWithTargetsAfter } from "./store.js";
export type { QueuedWrite, SubmitBatcher } from "./submit-batcher.js";
export { groupInfoOfBundle, handleUpdate, memberDomains } from "./update.js";
