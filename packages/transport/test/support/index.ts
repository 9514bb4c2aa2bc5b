/**
 * Test support for `@mimi/transport` (exported as `@mimi/transport/testing`, source only):
 * real MLS fixtures and arbitraries derived from the codecs.
 */
export * from "./arbitraries.js";
export * from "./fixtures.js";
