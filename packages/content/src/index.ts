/**
 * `@mimi/content`: the MIMI content format, draft-ietf-mimi-content-08.
 *
 * @packageDocumentation
 */

export * from "./attachment.js";
export * from "./builders.js";
export type { CborFloat, CborKey, CborTag, CborValue } from "./codec/cbor.js";
export * from "./conversation.js";
export type { Expiration } from "./expiration.js";
export { type ExtensionKey, type Extensions, roomUriOf, senderUriOf } from "./extensions.js";
export * from "./json.js";
export * from "./message-derived-values.js";
export * from "./message-id.js";
export * from "./mimi-content.js";
export {
  type ExternalPart,
  MAX_PART_DEPTH,
  type MultiPart,
  type NestedPart,
  type NestedPartHeader,
  type NullPart,
  type SinglePart,
} from "./nested-part.js";
export * from "./ordering.js";
export * from "./part-index.js";
export * from "./registries.js";
export * from "./salt.js";
