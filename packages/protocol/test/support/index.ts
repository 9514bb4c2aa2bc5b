/**
 * Test support for `@mimi/protocol` (exported as `@mimi/protocol/testing`, source only): real MLS
 * fixtures and arbitraries derived from the codecs.
 */
export * from "./arbitraries.js";
export * from "./fixtures.js";
