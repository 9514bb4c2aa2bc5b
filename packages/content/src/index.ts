/**
 * `@mimi/content`: the MIMI content format, draft-ietf-mimi-content-08.
 *
 * @packageDocumentation
 */

export { type AttachmentInfo, decryptAttachment, encryptAttachment } from "./attachment.js";
export {
  buildAlternatives,
  buildAttachment,
  buildConferencing,
  buildDelete,
  buildEdit,
  buildExpiring,
  buildMessage,
  buildOriginal,
  buildReaction,
  buildReactions,
  buildReply,
  buildUnlike,
  externalLink,
  GFM_MIMI,
  type MessageOptions,
  mention,
  multiPart,
  nullPart,
  singlePart,
  type Target,
  TEXT_PLAIN,
} from "./builders.js";
export type { CborFloat, CborKey, CborTag, CborValue } from "./codec/cbor.js";
export {
  buildConversation,
  type ConversationOptions,
  type ConversationView,
  type Discarded,
  type DiscardReason,
  type DisplayedMessage,
  findReplyLoop,
  type ReactionSummary,
  type ReceivedMessage,
} from "./conversation.js";
export type { Expiration } from "./expiration.js";
export { type ExtensionKey, type Extensions, roomUriOf, senderUriOf } from "./extensions.js";
export { type CborJson, cborFromJson, cborToJson, mimiContentFromJson, mimiContentToJson } from "./json.js";
export {
  decodeMessageDerivedValues,
  EXTENDED_TIME_TAG,
  encodeMessageDerivedValues,
  type MessageDerivedValues,
} from "./message-derived-values.js";
export { computeMessageId, isKnownMessageIdAlgorithm, messageIdFromParts } from "./message-id.js";
export {
  decodeMimiContent,
  encodeMimiContent,
  MESSAGE_ID_LENGTH,
  type MimiContent,
  SALT_LENGTH,
} from "./mimi-content.js";
export {
  type ExternalPart,
  MAX_PART_DEPTH,
  type MultiPart,
  type NestedPart,
  type NestedPartHeader,
  type NullPart,
  type SinglePart,
} from "./nested-part.js";
export { compareAccepted, type Ordered, sortByAccepted } from "./ordering.js";
export {
  checkCidReferences,
  cidReferences,
  cidUri,
  type IndexedPart,
  indexParts,
  processingOrder,
} from "./part-index.js";
export {
  aeadAlgorithms,
  type Cardinality,
  cardinalities,
  type Disposition,
  type DispositionName,
  dispositionName,
  dispositions,
  extensionKeys,
  hashAlgorithms,
  type PartSemantics,
  partSemantics,
} from "./registries.js";
export { deriveSalt, generateSalt } from "./salt.js";
