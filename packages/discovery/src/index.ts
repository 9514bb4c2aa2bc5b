export * from "./consent.js";
export * from "./directory.js";
export * from "./discover.js";
export * from "./handle.js";
export * from "./identifier-query.js";
export * from "./identifier-query-endpoint.js";
export * from "./rate-limit.js";
