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
export {
  type AddressHandle,
  type HandleScheme,
  type HandleUri,
  handleUriEquals,
  isHandleUri,
  mimiUriOfXmpp,
  normalizeHandleUri,
  type ParsedHandleUri,
  parseHandleUri,
  type TelHandle,
  type XmppHandle,
} from "./handle-uri.js";
export { IdentifierError } from "./identifier-error.js";
export {
  domainOf,
  isClientUri,
  isGroupUri,
  isProviderUri,
  isPseudonymUri,
  isRoomUri,
  isTeamUri,
  isUserUri,
  kindOf,
  parseClientUri,
  parseGroupUri,
  parseMimiUriOfKind,
  parseProviderUri,
  parsePseudonymUri,
  parseRoomUri,
  parseTeamUri,
  parseUserUri,
  providerOf,
  userOfClient,
} from "./kinds.js";
export {
  assertMimiUri,
  type ClientUri,
  formatMimiUri,
  type GroupUri,
  isMimiUri,
  kindRules,
  MAX_URI_INPUT_LENGTH,
  type MimiUri,
  type MimiUriKind,
  type MimiUriOf,
  type MimiUriParts,
  mimiUriEquals,
  mimiUriKinds,
  normalizeMimiUri,
  type ParsedMimiUri,
  type ProviderUri,
  type PseudonymUri,
  parseMimiUri,
  type RoomUri,
  segmentCounts,
  type TeamUri,
  type UserUri,
} from "./mimi-uri.js";
