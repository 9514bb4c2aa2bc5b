/**
 * The thin adapter the project owns over ts-mls 1.6.4 (as patched in `patches/`): everything else
 * in the project uses these types and functions, never ts-mls directly, so the library can be
 * upgraded or replaced in one place.
 */

export { cachedKeyCount, cachingCryptoProvider } from "../crypto-provider.js";
export * from "./ciphersuite.js";
export * from "./codec.js";
export * from "./errors.js";
export * from "./external-senders.js";
export * from "./group.js";
export * from "./key-package.js";
export * from "./types.js";
