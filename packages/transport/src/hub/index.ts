/**
 * The hub side of draft-ietf-mimi-protocol-06.
 */
export * from "./credentials.js";
export * from "./endpoints.js";
export * from "./fanout.js";
export * from "./hub.js";
export * from "./keys.js";
export { handleUpdate, memberDomains } from "./update.js";
