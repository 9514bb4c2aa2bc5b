/**
 * The client API of a provider (outside protocol-06's scope): see `docs/client-api.md`.
 */
export * from "./inbox.js";
export * from "./server.js";
