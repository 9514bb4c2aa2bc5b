/** How many keys of each kind a cache keeps before it forgets the oldest. */
const CACHE_LIMIT = 4096;

/**
 * The map key of a key's bytes (one character per byte), made in one call: a key is looked up for
 * every signature a member verifies, and a string grown a byte at a time cost more than the lookup.
 */
function idOf(bytes: Uint8Array): string {
  if (bytes.length <= ID_CHUNK) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let id = "";
  for (let at = 0; at < bytes.length; at += ID_CHUNK)
    id += String.fromCharCode.apply(null, bytes.subarray(at, at + ID_CHUNK) as unknown as number[]);
  return id;
}

/** Bytes per `String.fromCharCode` call (its arguments are bounded). */
const ID_CHUNK = 4096;

/**
 * A small insertion-ordered cache of imported keys, by their bytes (both variants of the caching
 * crypto provider use it: Node's `KeyObject`s, WebCrypto's `CryptoKey` promises).
 */
export class KeyCache<K> {
  readonly #map = new Map<string, K>();

  /** The key imported from `bytes`: cached, or made by `make` and kept. */
  get(bytes: Uint8Array, make: () => K): K {
    const id = idOf(bytes);
    let key = this.#map.get(id);
    if (key === undefined) {
      key = make();
      if (this.#map.size >= CACHE_LIMIT) {
        const oldest = this.#map.keys().next().value;
        if (oldest !== undefined) this.#map.delete(oldest);
      }
      this.#map.set(id, key);
    }
    return key;
  }

  /** Forget the key of `bytes` (a key whose import failed). */
  forget(bytes: Uint8Array): void {
    this.#map.delete(idOf(bytes));
  }

  get size(): number {
    return this.#map.size;
  }
}
