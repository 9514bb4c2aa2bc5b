/**
 * The project's crypto provider for ts-mls and the synchronous hash of a suite, from the runtime's
 * variant: `#platform` is `crypto-provider.node.ts` in Node (`node:crypto`, cached `KeyObject`s)
 * and `crypto-provider.web.ts` elsewhere (WebCrypto with cached `CryptoKey`s, @noble/hashes).
 * Declared here with their types so that the public API does not depend on which one loaded.
 */

import type { CryptoProvider, HashAlgorithm } from "@mimi/ts-mls";
import * as platform from "#platform";

/**
 * The project's crypto provider for ts-mls: ts-mls's default provider with signature keys imported
 * once and cached, and in Node SHA-2, HMAC, HKDF and AES-GCM done by `node:crypto`. Results are
 * byte for byte the default provider's.
 */
export const cachingCryptoProvider: CryptoProvider = platform.cachingCryptoProvider;

/** Number of private and public signature keys currently cached (for tests and diagnostics). */
export function cachedKeyCount(): { readonly privateKeys: number; readonly publicKeys: number } {
  return platform.cachedKeyCount();
}

/** A synchronous hash function (RFC 9420 §17.1's hash of a suite). */
export function syncHash(alg: HashAlgorithm): (data: Uint8Array) => Uint8Array {
  return platform.syncHash(alg);
}

/** A synchronous HMAC with the hash `alg` (Node's `createHmac` in Node, @noble/hashes elsewhere). */
export function syncHmac(alg: HashAlgorithm): (key: Uint8Array, data: Uint8Array) => Uint8Array {
  return platform.syncHmac(alg);
}
