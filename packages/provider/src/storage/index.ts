/**
 * Storage for a MIMI provider: one schema on PGlite or PostgreSQL.
 */

export { loadBlob, parseBlobUrl, storeBlob } from "./blobs.js";
export {
  type ConsentDirection,
  type ConsentKey,
  type ConsentRecord,
  deleteConsent,
  getConsent,
  putConsent,
} from "./consent-store.js";
export {
  type Database,
  openDatabase,
  type PackedBytes,
  packBytes,
  type SqlExecutor,
  storageForDisplay,
  toBigInt,
} from "./database.js";
export { type InboxMessage, inboxAfter, queueLocally, queueNotifyBody } from "./follower-inbox.js";
export {
  type CheckedKeyPackage,
  type ClaimedClient,
  checkUploadedKeyPackage,
  claimKeyPackages,
  clientOfKeyPackageRef,
  type KeyPackageClaim,
  keyPackageRef,
  meetsRequiredCapabilities,
  storeKeyPackages,
  userHasClients,
} from "./key-packages.js";
export {
  type Migration,
  type MigrationTrack,
  migrate,
  migrations,
  runMigrations,
  schemaVersion,
} from "./migrations.js";
export {
  acceptCommit,
  appendApplicationBatch,
  appendToEpoch,
  createRoom,
  eventsAfter,
  markNotifyReceived,
  type NewApplicationEvent,
  type NewRoomEvent,
  type OrderedWrite,
  type RoomEvent,
  type RoomEventKind,
  type RoomEventRow,
  type RoomState,
  roomEventOfRow,
  roomState,
} from "./room-log.js";
