/**
 * Oblivious HTTP (RFC 9458) and known-length binary HTTP (RFC 9292): what the hub's OHTTP gateway
 * and the follower's relay speak (draft-ietf-mimi-protocol-06 §5.10.3).
 */
export * from "./binary-http.js";
export * from "./encapsulation.js";
export * from "./key-config.js";
