/**
 * Test support for `@mimi/provider` (exported as `@mimi/provider/testing`, source only): an
 * openssl-made provider PKI, a mutual-TLS HTTPS client and PostgreSQL for the tests.
 */
export * from "./https-client.js";
export * from "./pki.js";
export * from "./postgres.js";
