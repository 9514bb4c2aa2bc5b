export {
  applyConsentOperation,
  type ConsentOperation,
  type ConsentParties,
  type ConsentQuery,
  type ConsentRecord,
  type ConsentScope,
  type ConsentState,
  type ConsentStore,
  type ConsentTransition,
  canonicalConsentScope,
  consentCheck,
  consentOperations,
  consentScopeKey,
  consentStates,
  hasConsent,
  MemoryConsentStore,
  nextConsentState,
  requireConsent,
} from "./consent.js";
export {
  Directory,
  type DirectoryActor,
  type DirectoryMatch,
  type DirectoryStore,
  type Discoverability,
  discoverabilities,
  type HandleEntry,
  type HandlePreference,
  MemoryDirectoryStore,
  type UserRecord,
} from "./directory.js";
export {
  type DirectorySeed,
  parseDirectorySeed,
  publishSeed,
  type SeedUser,
} from "./directory-seed.js";
export {
  type DiscoveryMapping,
  type DiscoveryOutcome,
  type DiscoveryProvider,
  type DiscoveryResult,
  discover,
  parseDiscoveryProviders,
  type QueryProvider,
} from "./discover.js";
export {
  type DirectoryHandle,
  type DirectoryHandleScheme,
  directoryHandleSchemes,
  domainOfMimiUri,
  parseDirectoryHandle,
  searchKeyOf,
} from "./handle.js";
export { federationQuery, type PeerSender } from "./https-query.js";
export {
  type AppDataDictionary,
  answerIdentifierQuery,
  evaluateIdentifierRequest,
  type IdentifierQueryCode,
  type IdentifierRequest,
  type IdentifierResponse,
  MATCH_SLOTS,
  notFoundResponse,
  type ProfileField,
  type QueryElement,
  type Requester,
  type SearchIdentifierType,
  searchKeysOf,
  supportedSearchTypes,
  type UserProfile,
} from "./identifier-query.js";
export {
  answerIdentifierQueryBody,
  fromWireIdentifierResponse,
  toWireIdentifierResponse,
} from "./identifier-query-wire.js";
export { defaultRateLimits, RateLimiter, type RateLimits } from "./rate-limit.js";
export { REQUESTING_USER_COMPONENT, requestingUserComponent, requestingUserOf } from "./requesting-user.js";
