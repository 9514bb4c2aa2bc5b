/**
 * `@mimi/identifiers`: MIMI identifiers (draft-ietf-mimi-protocol-06 §3,
 * draft-mahy-mimi-identity-05 §3–4).
 *
 * - `mimi:` URIs: a one-pass parser to a canonical form ({@link parseMimiUri}), branded types per
 *   kind, format, equality and helpers; the grammar is in `docs/identifiers.md`;
 * - handle URIs for discovery (`tel:`, `mailto:`, `im:`, `xmpp:`) with canonical forms
 *   ({@link parseHandleUri}) and identity-05's XMPP mapping ({@link mimiUriOfXmpp});
 * - {@link IdentifierError}, the typed error every parser throws.
 *
 * @packageDocumentation
 */
export * from "./handle-uri.js";
export { IdentifierError } from "./identifier-error.js";
export * from "./kinds.js";
export * from "./mimi-uri.js";
