/**
 * `@mimi/room-policy`: room policy for MIMI (draft-ietf-mimi-room-policy-03): the TLS codecs of
 * every policy component, the role capability registry, and the authorization engine.
 *
 * @packageDocumentation
 */
export {
  type AssetPolicy,
  assetPolicySchema,
  assetUploadLocations,
  type DownloadPrivacy,
  decodeAssetPolicy,
  downloadPrivacySchema,
  downloadPrivacyTypes,
  encodeAssetPolicy,
  type ProviderAssetUploadDomains,
  providerAssetUploadDomainsSchema,
} from "./asset-policy.js";
export {
  type BaseRoomPolicy,
  baseRoomPolicySchema,
  decodeBaseRoomPolicy,
  encodeBaseRoomPolicy,
} from "./base-room-policy.js";
export {
  type Bot,
  type BotPolicy,
  botPolicySchema,
  botSchema,
  decodeBotPolicy,
  encodeBotPolicy,
} from "./bot-policy.js";
export {
  type CapabilityName,
  type CapabilityType,
  capabilityAliases,
  capabilityTypeSchema,
  isCapabilityName,
  reservedCapabilities,
  roleCapabilities,
} from "./capability-type.js";
export {
  type ComponentId,
  type DomainName,
  domainNameSchema,
  type Optionality,
  optionality,
  optionalitySchema,
  uriSchema,
} from "./common.js";
export { type ComponentIdTable, type ComponentName, suggestedComponentIds } from "./component-ids.js";
export { authorize, evaluateRules } from "./engine/authorize.js";
export {
  type AdditionFact,
  allowsTransition,
  type CapabilityCodePoints,
  type Context,
  type EngineOptions,
  firstPreauthorizedRole,
  type RemovalFact,
  type RoleChangeFact,
} from "./engine/context.js";
export {
  authorizeMemberCommit,
  type GroupPolicyOptions,
  groupChange,
  groupClientAtLeaf,
  groupParticipants,
  groupRoomState,
  type MemberOf,
  type PolicyGroup,
  policyGroupOf,
} from "./engine/group-state.js";
export {
  type Actor,
  type Denial,
  type JoinCode,
  type MemberClient,
  type Participant,
  type ParticipantListChange,
  type ProposedChange,
  type RoomState,
  roomMetaDataSchema,
  type Verdict,
} from "./engine/room-state.js";
export { actionCapabilities, type PolicyRule, policyRules, type RuleResult } from "./engine/rules.js";
export {
  assertValidRoomState,
  proposedChangeFromJson,
  roomStateFromJson,
  verdictToJson,
} from "./engine/state-json.js";
export {
  assertNoProblems,
  checkBaseRoomPolicy,
  checkHistoryPolicy,
  checkLinkPreviewPolicy,
  checkLoggingPolicy,
  checkRoleData,
  isMediaTypePermitted,
} from "./engine/validate-policy.js";
export {
  decodeHistoryPolicy,
  encodeHistoryPolicy,
  type HistoryPolicy,
  historyPolicySchema,
} from "./history-policy.js";
export {
  decodeJoinLinkPolicy,
  encodeJoinLinkPolicy,
  type JoinLinkPolicy,
  joinLinkPolicySchema,
} from "./join-link-policy.js";
export {
  decodeJoinLinksData,
  decodeJoinLinksUpdate,
  encodeJoinLinksData,
  encodeJoinLinksUpdate,
  type JoinLink,
  type JoinLinksData,
  type JoinLinksUpdate,
  joinLinkSchema,
  joinLinksDataSchema,
  joinLinksUpdateSchema,
} from "./join-links.js";
export {
  decodeLinkPreviewPolicy,
  encodeLinkPreviewPolicy,
  type LinkPreviewPolicy,
  linkPreviewPolicySchema,
} from "./link-preview-policy.js";
export {
  decodeLoggingPolicy,
  encodeLoggingPolicy,
  type LoggingPolicy,
  loggingPolicySchema,
} from "./logging-policy.js";
export { mediaTypeSchema, parameterSchema } from "./media-type.js";
export {
  decodeMessageExpiration,
  encodeMessageExpiration,
  type MessageExpiration,
  messageExpirationSchema,
} from "./message-expiration.js";
export {
  type AppMessagePolicy,
  appMessagePolicySchema,
  decodeOperationalParameters,
  decodePendingProposalPolicy,
  type ExtendedCapabilities,
  encodeOperationalParameters,
  encodePendingProposalPolicy,
  extendedCapabilitiesSchema,
  type MinDefaultMaxTime,
  minDefaultMaxTimeSchema,
  type OperationalParameters,
  operationalParametersSchema,
  type PendingProposalPolicy,
  pendingProposalPolicySchema,
  pendingProposalStrategies,
} from "./operational-parameters.js";
export {
  type Claim,
  type ClaimId,
  claimIdSchema,
  claimSchema,
  decodePreAuthData,
  encodePreAuthData,
  type PreAuthData,
  type PreAuthRoleEntry,
  preAuthDataSchema,
  preAuthRoleEntrySchema,
} from "./pre-auth-data.js";
export {
  decodeRole,
  decodeRoleData,
  encodeRole,
  encodeRoleData,
  type Role,
  type RoleData,
  roleDataSchema,
  roleSchema,
  type SingleSourceRoleChangeTargets,
  singleSourceRoleChangeTargetsSchema,
} from "./role.js";
export {
  cooperativeRoles,
  moderatedRoles,
  multiOrgRoles,
  roleExamples,
  strictRoles,
} from "./role-examples.js";
export {
  decodeStatusNotificationPolicy,
  encodeStatusNotificationPolicy,
  type StatusNotificationPolicy,
  statusNotificationPolicySchema,
} from "./status-notification-policy.js";
export {
  decodeStructureToJson,
  encodeStructureFromJson,
  type StructureEntry,
  structureNames,
  structures,
} from "./structures.js";
