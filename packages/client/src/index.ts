/**
 * `@mimi/client`: an in-process MIMI client SDK (draft-ietf-mimi-protocol-06 §3 call flows,
 * draft-ietf-mimi-content-08 content) over `@mimi/mls-profile`, `@mimi/content` and the
 * provider's client API.
 *
 * @packageDocumentation
 */
export { ClientCore } from "./client-core.js";
export {
  clientOfCredential,
  type ProvisionedClient,
  type ProvisionOptions,
  provisionClient,
  userOfCredential,
} from "./client-identity.js";
export { roomDomain } from "./core/hub.js";
export type { OutgoingMessage } from "./core/messages.js";
export type { UpdateBody } from "./core/rooms.js";
export type { ClientRestoreOptions } from "./core/snapshot.js";
export type { ClientCoreOptions } from "./core/state.js";
export { type EnrolledClient, type EnrollOptions, enrollClient } from "./enroll.js";
export type { ClientEvent, IncomingMessage, ParticipantChange } from "./events.js";
export { type InboxItem, parseInboxLine } from "./inbox-item.js";
export { decodeKeyPackageUpload, encodeKeyPackageUpload } from "./key-package-upload.js";
export { MimiClient, type MimiClientOptions, type Timing } from "./mimi-client.js";
export { renderConversation } from "./render.js";
export { httpSignatureAlgorithmOf, signForHttp, signRequest } from "./request-signature.js";
export { type ClientStateStore, memoryStateStore, openIndexedDbStore } from "./state-store.js";
