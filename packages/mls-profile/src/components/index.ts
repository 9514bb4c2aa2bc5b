/**
 * MIMI's MLS components (draft-ietf-mimi-protocol-06 §5.4.1, §7): participant list, room
 * metadata, franking, and external senders with the hub.
 *
 * @packageDocumentation
 */
export {
  applyParticipantListUpdates,
  type ParticipantListChange,
  type ParticipantListOptions,
  type ParticipantListResult,
  participantListHandler,
} from "./apply-participant-list-update.js";
export {
  credentialTypes,
  decodeCredential,
  encodeCredential,
  readCredential,
  writeCredential,
} from "./credential.js";
export { type ExternalJoinPolicyOptions, mimiExternalJoinPolicy } from "./external-join.js";
export { removeDepartedFollowers, requireHubExternalSender, sameExternalSender } from "./external-senders.js";
export {
  computeFrankingTag,
  decodeFrankAAD,
  encodeFrankAAD,
  FRANKING_TAG_LENGTH,
  type FrankAAD,
  verifyFrankingTag,
} from "./frank-aad.js";
export {
  decodeFrankingAgentData,
  encodeFrankingAgentData,
  type FrankingAgentData,
  frankingAgentHandler,
} from "./franking-agent-data.js";
export { mimiComponentHandlers } from "./handlers.js";
export {
  checkParticipantListData,
  decodeParticipantListData,
  encodeParticipantListData,
  findParticipant,
  type ParticipantListData,
  type UserRolePair,
  userRolePairCodec,
} from "./participant-list-data.js";
export {
  decodeParticipantListUpdate,
  encodeParticipantListUpdate,
  type ParticipantListUpdate,
  type UserindexRolePair,
} from "./participant-list-update.js";
export {
  checkRoomMetaData,
  decodeRoomMetaData,
  encodeRoomMetaData,
  type RichDescription,
  type RoomMetaData,
  roomMetaDataCodec,
  roomMetadataHandler,
  type Uri,
  type UTF8String,
  uriCodec,
} from "./room-metadata.js";
