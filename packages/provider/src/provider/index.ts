/**
 * A running MIMI provider: federation server, client API, federation client, metrics.
 */
export * from "./from-config.js";
export * from "./provider.js";
