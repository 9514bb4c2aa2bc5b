/**
 * Provider-to-provider requests (protocol-06 §4.1): the outgoing federation client.
 */
export * from "./assets.js";
export * from "./client.js";
