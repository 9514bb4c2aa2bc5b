/**
 * Storage for a MIMI provider: one schema on PGlite or PostgreSQL.
 */

export * from "./blobs.js";
export * from "./consent-store.js";
export * from "./database.js";
export * from "./follower-inbox.js";
export * from "./key-packages.js";
export * from "./migrations.js";
export * from "./room-log.js";
