/**
 * The client API of a provider (outside protocol-06's scope): see `docs/client-api.md`.
 */

export type { EnrollmentCode } from "./enrollment.js";
export {
  createInboxSignal,
  type InboxItem,
  type InboxRead,
  type InboxSignal,
  inboxLine,
  readInbox,
  subscribe,
  subscriptionsOf,
  wakingInboxes,
  welcomeRefs,
} from "./inbox.js";
export type { JoinCodeIssuer, RoomCreator } from "./route.js";
export {
  authenticateClient,
  type ClientApiEnrollmentOptions,
  type ClientApiOptions,
  type ClientApiServer,
  type ClientApiWebOptions,
  startClientApi,
} from "./server.js";
