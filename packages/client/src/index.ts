/**
 * `@mimi/client`: an in-process MIMI client SDK (draft-ietf-mimi-protocol-06 §3 call flows,
 * draft-ietf-mimi-content-08 content) over `@mimi/mls-profile`, `@mimi/content` and the
 * provider's client API.
 *
 * @packageDocumentation
 */
export * from "./client-core.js";
export * from "./client-identity.js";
export * from "./events.js";
export * from "./inbox-item.js";
export * from "./key-package-upload.js";
export * from "./mimi-client.js";
export * from "./render.js";
