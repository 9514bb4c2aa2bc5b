/**
 * Test support for `@mimi/transport` (exported as `@mimi/transport/testing`, source only):
 * real MLS fixtures, arbitraries derived from the codecs, an openssl-made provider PKI and an
 * mutual-TLS HTTPS client.
 */
export * from "./arbitraries.js";
export * from "./fixtures.js";
export * from "./https-client.js";
export * from "./pki.js";
export * from "./postgres.js";
