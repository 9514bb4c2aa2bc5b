import { type CiphersuiteImpl, getCiphersuiteFromName } from "@mimi/ts-mls";
import { syncHash } from "../crypto-provider.js";

/**
 * The cipher suite the hub view computes with: `cs` with its `hash.digest` replaced by a
 * synchronous one (Node's `createHash` in Node, @noble/hashes elsewhere; same output; the hub hashes every node of the tree at every commit, and
 * each WebCrypto digest is an awaited round trip to the thread pool). Signatures, HMAC and HPKE are
 * unchanged.
 */
export function hubCipherSuite(cs: CiphersuiteImpl): CiphersuiteImpl {
  const digest = syncDigest(cs);
  return {
    ...cs,
    hash: {
      mac: (key, data) => cs.hash.mac(key, data),
      verifyMac: (key, mac, data) => cs.hash.verifyMac(key, mac, data),
      digest: (data) => Promise.resolve(digest(data)),
    },
  };
}

/** The hash function of `cs`'s suite (RFC 9420 §17.1), synchronous. */
export function syncDigest(cs: CiphersuiteImpl): (data: Uint8Array) => Uint8Array {
  return syncHash(getCiphersuiteFromName(cs.name).hash);
}
