/**
 * WebCrypto as an independent oracle for tests: the same in Node and in browsers, and not the
 * code under test (which hashes with @noble/hashes or `node:crypto`).
 */

function own(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b);
}

/** SHA-256 of the concatenation of `parts`. */
export async function webSha256(...parts: readonly Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", all));
}

/** HMAC-SHA256(key, data). */
export async function webHmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await globalThis.crypto.subtle.importKey(
    "raw",
    own(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", k, own(data)));
}
