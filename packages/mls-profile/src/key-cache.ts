/** How many keys of each kind a cache keeps before it forgets the oldest. */
const CACHE_LIMIT = 4096;

/** The map key of a key's bytes (one character per byte). */
function idOf(bytes: Uint8Array): string {
  let id = "";
  for (const b of bytes) id += String.fromCharCode(b);
  return id;
}

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
