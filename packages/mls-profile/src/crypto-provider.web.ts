/**
 * A crypto provider for ts-mls that keeps imported keys: the variant for browsers and every
 * runtime other than Node (package.json `imports` maps `#platform` here; Node gets
 * `crypto-provider.node.ts`, which also swaps in `node:crypto` for hashing and AES-GCM).
 *
 * ts-mls's default provider imports an Ed25519 key into WebCrypto at every signature and every
 * verification. This one imports each key once and keeps the `CryptoKey` (a bounded map), so a
 * member's signing key and its peers' verification keys are imported once. Everything else is the
 * default provider's, which is WebCrypto and noble, so results are byte for byte the same.
 */

import type { Ciphersuite, CiphersuiteImpl, CryptoProvider, HashAlgorithm } from "@mimi/ts-mls";
import { defaultCryptoProvider } from "@mimi/ts-mls";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import type { Signature } from "./adapter/internals.js";
import { KeyCache } from "./key-cache.js";

/** An imported WebCrypto key (named this way so Node's and the DOM's typings both give it). */
type CryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** `b` as a view WebCrypto accepts (an ArrayBuffer-backed array). */
function source(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);
}

const privateKeys = new KeyCache<Promise<CryptoKey>>();
const publicKeys = new KeyCache<Promise<CryptoKey>>();

/** The cached import of `bytes`; an import that fails is not kept (the next use tries again). */
function imported(
  cache: KeyCache<Promise<CryptoKey>>,
  bytes: Uint8Array,
  make: () => Promise<CryptoKey>,
): Promise<CryptoKey> {
  return cache.get(bytes, () => {
    const key = make();
    key.catch(() => cache.forget(bytes));
    return key;
  });
}

/** Number of private and public signature keys currently cached (for tests and diagnostics). */
export function cachedKeyCount(): { readonly privateKeys: number; readonly publicKeys: number } {
  return { privateKeys: privateKeys.size, publicKeys: publicKeys.size };
}

/** Ed25519 with cached CryptoKeys; private keys raw (32 bytes) or PKCS#8 (48 bytes), as ts-mls. */
function ed25519(base: Signature): Signature {
  const subtle = globalThis.crypto.subtle;
  return {
    async sign(signKey, message) {
      const key = await imported(privateKeys, signKey, () =>
        subtle.importKey(
          "pkcs8",
          signKey.length === 32 ? concat(ED25519_PKCS8_PREFIX, signKey) : source(signKey),
          "Ed25519",
          false,
          ["sign"],
        ),
      );
      return new Uint8Array(await subtle.sign("Ed25519", key, source(message)));
    },
    async verify(publicKey, message, signature) {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      let key: CryptoKey;
      try {
        key = await imported(publicKeys, publicKey, () =>
          subtle.importKey("raw", source(publicKey), "Ed25519", false, ["verify"]),
        );
      } catch {
        return false;
      }
      return subtle.verify("Ed25519", key, source(signature), source(message));
    },
    keygen: () => base.keygen(),
  };
}

/** The provider's implementation of one suite: the default provider's, with Ed25519 keys kept. */
async function implFor(cs: Ciphersuite): Promise<CiphersuiteImpl> {
  const base = await defaultCryptoProvider.getCiphersuiteImpl(cs);
  return {
    ...base,
    signature: cs.signature === "Ed25519" ? ed25519(base.signature) : base.signature,
  };
}

/**
 * The project's crypto provider for ts-mls: the default provider with Ed25519 signature keys
 * imported once and cached.
 */
export const cachingCryptoProvider: CryptoProvider = {
  getCiphersuiteImpl: implFor,
};

const digests = { "SHA-256": sha256, "SHA-384": sha384, "SHA-512": sha512 } as const;

/** A synchronous hash function (RFC 9420 §17.1's hash of a suite), from @noble/hashes. */
export function syncHash(alg: HashAlgorithm): (data: Uint8Array) => Uint8Array {
  const digest = digests[alg];
  return (data) => digest(data);
}

/** A synchronous HMAC (RFC 2104) with the hash `alg`, from @noble/hashes. */
export function syncHmac(alg: HashAlgorithm): (key: Uint8Array, data: Uint8Array) => Uint8Array {
  const digest = digests[alg];
  return (key, data) => hmac(digest, key, data);
}
