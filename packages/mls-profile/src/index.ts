/**
 * `@mimi/mls-profile`: MIMI's use of MLS (draft-ietf-mimi-protocol-06 §4.2, §7) on ts-mls.
 *
 * @packageDocumentation
 */
export * from "./adapter/index.js";
export * from "./client/index.js";
export * from "./components/index.js";
export * from "./extensions/index.js";
export * from "./hub-view/index.js";
