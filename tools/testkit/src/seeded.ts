/**
 * Deterministic byte sources for generated conformance vectors. `mimi vectors generate` must
 * give byte-identical files on every run, so every key, nonce and random value a generator uses
 * comes from a named seed. These are for vector generation and tests only: never for real keys.
 */
import { createHmac } from "node:crypto";

/**
 * `length` bytes derived from `seed` and `label`: HMAC-SHA256(seed, label || 0x00 || counter),
 * counter a 4-byte big-endian block number, blocks concatenated. Different labels give
 * independent streams; the same (seed, label, length) always gives the same bytes.
 */
export function seededBytes(seed: string, label: string, length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad length ${length}`);
  const out = new Uint8Array(length);
  const prefix = Buffer.concat([Buffer.from(label, "utf8"), Buffer.of(0)]);
  for (let block = 0, off = 0; off < length; block++, off += 32) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(block);
    const h = createHmac("sha256", seed).update(prefix).update(counter).digest();
    out.set(h.subarray(0, Math.min(32, length - off)), off);
  }
  return out;
}

/** A deterministic stream of bytes: each call continues where the last one stopped. */
export class SeededRandom {
  private calls = 0;
  constructor(readonly seed: string) {}

  /** The next `length` bytes of the stream. */
  bytes(length: number): Uint8Array {
    return seededBytes(this.seed, `stream ${this.calls++}`, length);
  }

  /** Fill an integer typed array in place, as `crypto.getRandomValues` does. */
  fill<T extends ArrayBufferView>(view: T): T {
    const b = this.bytes(view.byteLength);
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(b);
    return view;
  }
}

/**
 * Run `fn` with `globalThis.crypto.getRandomValues` drawing from a seeded stream, then restore it.
 * Code that takes randomness from Web Crypto's `getRandomValues` (ts-mls's default RNG, noble
 * key generation) becomes deterministic; `node:crypto.randomBytes` and `subtle.generateKey` are NOT
 * affected, so a generator must derive such keys from `seededBytes` itself. Not reentrant: do not
 * run two seeded sections concurrently.
 */
export async function withSeededRandom<T>(seed: string, fn: () => Promise<T>): Promise<T> {
  const crypto = globalThis.crypto as object;
  if (Object.hasOwn(crypto, "getRandomValues")) throw new Error("withSeededRandom is not reentrant");
  const stream = new SeededRandom(seed);
  Object.defineProperty(crypto, "getRandomValues", {
    configurable: true,
    writable: true,
    value: <T extends ArrayBufferView | null>(view: T): T => (view === null ? view : stream.fill(view)),
  });
  try {
    return await fn();
  } finally {
    delete (crypto as { getRandomValues?: unknown }).getRandomValues;
  }
}
