/**
 * Short keys for caches keyed by byte strings (certificates, chains, CRLs). A hex key is as long
 * as twice the bytes and costs a string the size of a certificate per lookup; this key is the
 * length and two 32-bit hashes, so two different inputs may share one: every cache using it keeps
 * the bytes and compares them on a hit (a collision is a miss, never a wrong answer).
 */

/** The length and two independent 32-bit multiplicative hashes of `bytes` (not cryptographic). */
export function byteKey(bytes: Uint8Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995);
    h2 ^= h2 >>> 13;
  }
  // joined, not concatenated: one flat string (a cache keeps it)
  return [bytes.length.toString(36), (h1 >>> 0).toString(36), (h2 >>> 0).toString(36)].join(".");
}
