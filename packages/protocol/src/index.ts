/**
 * `@mimi/protocol`: the MIMI protocol, draft-ietf-mimi-protocol-06, as data.
 *
 * - codecs for every request and response body of §5 (one module per structure);
 * - the §5.2/§5.4.1/§5.6 signatures;
 * - the §5 endpoint table.
 *
 * Nothing here does I/O: it runs in Node and in browsers.
 *
 * @packageDocumentation
 */
export { type AbuseReport, type AbuseType, abuseReportCodec, abuseTypes } from "./abuse-report.js";
export { type AbusiveMessage, abusiveMessageCodec } from "./abusive-message.js";
export { type CreateRoomRequest, createRoomRequestCodec } from "./client-api/create-room-request.js";
export {
  type EnrollRequest,
  type EnrollResponse,
  parseEnrollRequest,
  parseEnrollResponse,
} from "./client-api/enrollment.js";
export {
  CLIENT_CERTIFICATE_HEADER,
  type ClientRequestToSign,
  contentDigest,
  DEFAULT_SIGNATURE_LIFETIME_S,
  ENROLLMENT_PROOF_LABEL,
  enrollmentProofInput,
  type HeaderLookup,
  type HttpSignatureAlgorithm,
  hasClientSignature,
  MAX_SIGNATURE_LIFETIME_S,
  type ParsedClientSignature,
  parseByteSequenceHeader,
  parseClientSignature,
  SIGNATURE_LABEL,
  SIGNED_REQUEST_HEADERS,
  type SignatureParams,
  type SignedRequestParts,
  serializeSignatureParams,
  signatureAlgorithmOfSpki,
  signatureBase,
  signClientRequest,
  verifyWithSpki,
} from "./client-api/http-signature.js";
export { type KeyPackageUpload, keyPackageUploadCodec } from "./client-api/key-package-upload.js";
export {
  CLIENT_API_PREFIX,
  type ClientApiRoute,
  type ClientApiRouteName,
  clientApiPath,
  clientApiRoute,
  clientApiRoutes,
} from "./client-api/routes.js";
export { decodeMls, type Mls, type MlsKind, type MlsKinds, mlsOf } from "./codec/mls.js";
export {
  type CipherSuite,
  cipherSuiteCodec,
  hpkePublicKeyCodec,
  proposalRefCodec,
  signaturePublicKeyCodec,
} from "./common.js";
export {
  type ConsentEntry,
  type ConsentOperation,
  consentEntryCodec,
  consentOperations,
} from "./consent-entry.js";
export { type ConsentScope, consentScopeCodec } from "./consent-scope.js";
export {
  API_PREFIX,
  type BodyCodec,
  DIRECTORY_PATH,
  type DirectoryName,
  directoryNames,
  directoryVariables,
  type EndpointName,
  type EndpointSpec,
  type Endpoints,
  type ExtensionName,
  type ExtensionRoute,
  endpointPath,
  endpoints,
  endpointTemplate,
  expandTemplate,
  extensionRoutes,
  isDirectoryName,
  layoutPath,
  layoutTemplate,
  methodOf,
  type PathLayout,
  type RequestOf,
  type ResponseOf,
  type ServedBy,
  templateVariable,
} from "./endpoints.js";
export {
  decodeFanoutMessages,
  decodeFanoutMessagesWithBytes,
  encodeFanoutMessages,
  type FanoutMessage,
  fanoutMessageCodec,
} from "./fanout-message.js";
export { type Frank, frankCodec } from "./frank.js";
export { type FrankingIntegrityTBS, frankingIntegrityTBSCodec } from "./franking-integrity-tbs.js";
export { type GroupInfoOption, groupInfoOptionCodec, groupInfoRepresentations } from "./group-info-option.js";
export { type GroupInfoRatchetTreeTBE, groupInfoRatchetTreeTBECodec } from "./group-info-ratchet-tree-tbe.js";
export {
  type GroupInfoRequest,
  type GroupInfoRequestTBS,
  groupInfoRequestCodec,
  groupInfoRequestTBSCodec,
} from "./group-info-request.js";
export {
  type GroupInfoCode,
  type GroupInfoResponse,
  type GroupInfoResponseTBS,
  groupInfoCodes,
  groupInfoResponseCodec,
  groupInfoResponseTBSCodec,
} from "./group-info-response.js";
export {
  type HandshakeBundle,
  type HandshakeKind,
  handshakeBundleCodec,
  isCommitBundle,
  mlsMessageKind,
} from "./handshake-bundle.js";
export { type IdentifierRequest, identifierRequestCodec } from "./identifier-request.js";
export {
  type IdentifierQueryCode,
  type IdentifierResponse,
  identifierQueryCodes,
  identifierResponseCodec,
} from "./identifier-response.js";
export {
  decodeIdentifierUri,
  encodeIdentifierUri,
  type IdentifierUri,
  identifierUriCodec,
  type RoomId,
} from "./identifier-uri.js";
export {
  type KeyMaterialRequest,
  type KeyMaterialRequestTBS,
  keyMaterialRequestCodec,
  keyMaterialRequestTBSCodec,
} from "./key-material-request.js";
export {
  type ClientKeyMaterial,
  checkKeyMaterialResponse,
  clientKeyMaterialCodec,
  type KeyMaterialClientCode,
  type KeyMaterialResponse,
  type KeyMaterialUserCode,
  keyMaterialClientCodes,
  keyMaterialResponseCodec,
  keyMaterialUserCodes,
} from "./key-material-response.js";
export {
  externalPubExtensionType,
  type PartialGroupInfo,
  partialGroupInfoCodec,
  partialGroupInfoOf,
  type RatchetTreePresence,
  ratchetTreeExtensionType,
  ratchetTreePresences,
} from "./partial-group-info.js";
export { type PendingProposal, pendingProposalCodec } from "./pending-proposal.js";
export { type FieldSource, fieldSources, type ProfileField, profileFieldCodec } from "./profile-field.js";
export { type Protocol, protocolCodec, protocols } from "./protocol.js";
export {
  type QueryElement,
  queryElementCodec,
  type SearchIdentifierType,
  searchIdentifierTypes,
} from "./query-element.js";
export {
  type RatchetTreeOption,
  ratchetTreeOptionCodec,
  ratchetTreeRepresentations,
} from "./ratchet-tree-option.js";
export { type ServerFrankingContext, serverFrankingContextCodec } from "./server-franking-context.js";
export {
  type Signature,
  signatureLabels,
  signFrankingIntegrity,
  signGroupInfoRequest,
  signGroupInfoResponse,
  signKeyMaterialRequest,
  verifyFrankingIntegrity,
  verifyGroupInfoRequest,
  verifyGroupInfoResponse,
  verifyKeyMaterialRequest,
} from "./signatures.js";
export {
  decodeAbuseReport,
  decodeConsentEntry,
  decodeFanoutMessage,
  decodeGroupInfoRequest,
  decodeGroupInfoResponse,
  decodeIdentifierRequest,
  decodeIdentifierResponse,
  decodeKeyMaterialRequest,
  decodeKeyMaterialResponse,
  decodeStructToJson,
  decodeSubmitMessageRequest,
  decodeSubmitMessageResponse,
  decodeUpdateRequest,
  decodeUpdateRoomResponse,
  encodeAbuseReport,
  encodeConsentEntry,
  encodeFanoutMessage,
  encodeGroupInfoRequest,
  encodeGroupInfoResponse,
  encodeIdentifierRequest,
  encodeIdentifierResponse,
  encodeKeyMaterialRequest,
  encodeKeyMaterialResponse,
  encodeStructFromJson,
  encodeSubmitMessageRequest,
  encodeSubmitMessageResponse,
  encodeUpdateRequest,
  encodeUpdateRoomResponse,
  FANOUT_MESSAGES,
  structCodecs,
  structNames,
} from "./structs.js";
export {
  checkSubmitMessageRequest,
  type SubmitMessageRequest,
  submitMessageRequestCodec,
} from "./submit-message-request.js";
export {
  type SubmitMessageResponse,
  type SubmitResponseCode,
  submitMessageResponseCodec,
  submitResponseCodes,
} from "./submit-message-response.js";
export { type UpdateRequest, updateRequestCodec } from "./update-request.js";
export {
  type UpdateResponseCode,
  type UpdateRoomResponse,
  updateResponseCodes,
  updateRoomResponseCodec,
} from "./update-room-response.js";
export { type UserProfile, userProfileCodec } from "./user-profile.js";
