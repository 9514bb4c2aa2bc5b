/**
 * `@mimi/provider`: a MIMI provider (draft-ietf-mimi-protocol-06 §4–§5): storage on PGlite or
 * PostgreSQL, the federation server with mutual TLS, the hub, the follower and the client API.
 *
 * @packageDocumentation
 */
export * from "./client-api/index.js";
export * from "./federation/index.js";
export * from "./hub/index.js";
export * from "./provider/index.js";
export * from "./server/index.js";
export * from "./storage/index.js";
