/**
 * `@mimi/mls-profile`: MIMI's use of MLS (draft-ietf-mimi-protocol-06 §4.2, §7) on ts-mls.
 *
 * @packageDocumentation
 */
export * from "./adapter/index.js";
