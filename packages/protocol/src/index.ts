/**
 * `@mimi/protocol`: the MIMI protocol, draft-ietf-mimi-protocol-06, as data.
 *
 * - codecs for every request and response body of §5 (one module per structure);
 * - the §5.2/§5.4.1/§5.6 signatures;
 * - the §5 endpoint table.
 *
 * Nothing here does I/O: it runs in Node and in browsers.
 *
 * @packageDocumentation
 */
export * from "./abuse-report.js";
export * from "./abusive-message.js";
export * from "./app-data-dictionary.js";
export * from "./client-api/create-room-request.js";
export * from "./client-api/key-package-upload.js";
export * from "./client-api/routes.js";
export { decodeMls, type Mls, type MlsKind, mlsOf } from "./codec/mls.js";
export * from "./codec/schema.js";
export * from "./common.js";
export * from "./consent-entry.js";
export * from "./consent-scope.js";
export * from "./endpoints.js";
export * from "./fanout-message.js";
export * from "./frank.js";
export * from "./franking-integrity-tbs.js";
export * from "./group-info-option.js";
export * from "./group-info-ratchet-tree-tbe.js";
export * from "./group-info-request.js";
export * from "./group-info-response.js";
export * from "./handshake-bundle.js";
export * from "./identifier-request.js";
export * from "./identifier-response.js";
export * from "./identifier-uri.js";
export * from "./key-material-request.js";
export * from "./key-material-response.js";
export * from "./partial-group-info.js";
export * from "./pending-proposal.js";
export * from "./profile-field.js";
export * from "./protocol.js";
export * from "./query-element.js";
export * from "./ratchet-tree-option.js";
export * from "./server-franking-context.js";
export * from "./signatures.js";
export * from "./structs.js";
export * from "./submit-message-request.js";
export * from "./submit-message-response.js";
export * from "./update-request.js";
export * from "./update-room-response.js";
export * from "./user-profile.js";
