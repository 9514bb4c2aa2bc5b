/**
 * Deterministic byte sources for generated conformance vectors. `mimi vectors generate` must
 * give byte-identical files on every run, so every key, nonce and random value a generator uses
 * comes from a named seed. These are for vector generation and tests only: never for real keys.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

/**
 * `length` bytes derived from `seed` and `label`: HMAC-SHA256(seed, label || 0x00 || counter),
 * counter a 4-byte big-endian block number, blocks concatenated. Different labels give
 * independent streams; the same (seed, label, length) always gives the same bytes.
 */
export function seededBytes(seed: string, label: string, length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad length ${length}`);
  const out = new Uint8Array(length);
  const key = new TextEncoder().encode(seed);
  const labelBytes = new TextEncoder().encode(label);
  const input = new Uint8Array(labelBytes.length + 5);
  input.set(labelBytes, 0); // label || 0x00 || counter
  for (let block = 0, off = 0; off < length; block++, off += 32) {
    new DataView(input.buffer).setUint32(labelBytes.length + 1, block);
    const h = hmac(sha256, key, input);
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

/** PKCS #8 prefixes (RFC 8410) of the curves whose keys {@link withSeededRandom} derives. */
const PKCS8_PREFIX: Readonly<Record<string, string>> = {
  Ed25519: "302e020100300506032b657004220420",
  X25519: "302e020100300506032b656e04220420",
};

/** The usages of a generated pair that belong to its private key. */
function privateUsagesOf(usages: readonly string[]): string[] {
  return usages.filter((u) => u === "sign" || u === "deriveBits" || u === "deriveKey");
}

type GenerateKey = (algorithm: unknown, extractable: boolean, usages: string[]) => Promise<unknown>;

/**
 * Run `fn` with Web Crypto's randomness drawn from a seeded stream, then restore it:
 * `crypto.getRandomValues` (ts-mls's default RNG, noble key generation),
 * `crypto.subtle.generateKey` for Ed25519 and X25519 (keys of ts-mls's default signature provider
 * and of `@hpke/core`, including HPKE's ephemeral keys), whose private keys become seeded bytes,
 * and `Math.random` (ts-mls picks GREASE values with it). Other algorithms' `generateKey` and
 * `node:crypto.randomBytes` are NOT affected, nor are ts-mls's overwrites of used secrets
 * (`zeroOutUint8Array`: bytes that never leave the process, drawn whenever a member processes a
 * message, which would make multi-client runs depend on timing). Not reentrant:
 * do not run two seeded sections concurrently.
 */
export async function withSeededRandom<T>(seed: string, fn: () => Promise<T>): Promise<T> {
  const crypto = globalThis.crypto as object;
  const subtle = globalThis.crypto.subtle as unknown as { generateKey: GenerateKey } & object;
  if (Object.hasOwn(crypto, "getRandomValues"))
    throw new Error(
      "withSeededRandom is not reentrant (a seeded section is still running: see releaseSeededSections)",
    );
  const stream = new SeededRandom(seed);
  const original = subtle.generateKey.bind(subtle);
  const mathRandom = Math.random;
  Math.random = () => new DataView(stream.bytes(4).buffer).getUint32(0) / 2 ** 32;
  const realGetRandomValues = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
  Object.defineProperty(crypto, "getRandomValues", {
    configurable: true,
    writable: true,
    value: <T extends ArrayBufferView | null>(view: T): T => {
      if (view === null) return view;
      // ts-mls overwrites used secrets with random bytes (`zeroOutUint8Array`), also when a member
      // merely processes a commit or a Welcome. In a run with several clients those draws happen
      // whenever messages arrive, so they would shift the seeded stream by timing. Their value
      // never leaves the process: they come from the real source.
      if (new Error().stack?.includes("zeroOutUint8Array") === true)
        return realGetRandomValues(view as unknown as Uint8Array) as unknown as T;
      return stream.fill(view);
    },
  });
  Object.defineProperty(subtle, "generateKey", {
    configurable: true,
    writable: true,
    value: async (algorithm: unknown, extractable: boolean, usages: string[]): Promise<unknown> => {
      const name = typeof algorithm === "string" ? algorithm : (algorithm as { name?: string }).name;
      const prefix = name === undefined ? undefined : PKCS8_PREFIX[name];
      if (prefix === undefined) return original(algorithm, extractable, usages);
      const pkcs8 = new Uint8Array(prefix.length / 2 + 32);
      for (let i = 0; i < prefix.length / 2; i++)
        pkcs8[i] = Number.parseInt(prefix.slice(2 * i, 2 * i + 2), 16);
      pkcs8.set(stream.bytes(32), prefix.length / 2);
      const s = globalThis.crypto.subtle as unknown as {
        importKey: (
          f: string,
          k: Uint8Array | object,
          a: string,
          e: boolean,
          u: string[],
        ) => Promise<unknown>;
        exportKey: (f: "jwk", k: unknown) => Promise<{ x?: string }>;
      };
      // the public key of a private key: WebCrypto's JWK export of the private key names it ("x")
      const jwk = await s.exportKey(
        "jwk",
        await s.importKey("pkcs8", pkcs8, name!, true, privateUsagesOf(usages)),
      );
      const publicJwk = { kty: "OKP", crv: name!, x: jwk.x };
      const publicUsages = usages.filter((u) => u === "verify");
      return {
        privateKey: await s.importKey("pkcs8", pkcs8, name!, extractable, privateUsagesOf(usages)),
        publicKey: await s.importKey("jwk", publicJwk, name!, true, publicUsages),
      };
    },
  });
  const restore = (): void => {
    Math.random = mathRandom;
    delete (crypto as { getRandomValues?: unknown }).getRandomValues;
    delete (subtle as { generateKey?: unknown }).generateKey;
  };
  return runSection(restore, fn);
}

/**
 * The restore functions of the seeded sections still running (at most one of each kind), so that
 * {@link releaseSeededSections} can undo them when a test that opened one gave up on it.
 */
const open = new Set<() => void>();

/** Run `fn` inside a section that `restore` closes, once: when `fn` settles or when released. */
async function runSection<T>(restore: () => void, fn: () => Promise<T>): Promise<T> {
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    open.delete(close);
    restore();
  };
  open.add(close);
  try {
    return await fn();
  } finally {
    close();
  }
}

/**
 * Restore every global a seeded section ({@link withSeededRandom}, {@link withFixedClock}) still
 * holds, and return how many sections were open. For a test's `afterEach`: a test that timed out
 * leaves its section's work running in the background, and without this every later seeded
 * section in the process would fail as reentrant. The abandoned work goes on with the real
 * sources; its own end then changes nothing. Returns 0 when nothing was open.
 */
export function releaseSeededSections(): number {
  const n = open.size;
  for (const close of [...open]) close();
  return n;
}

/**
 * Run `fn` with a controlled clock, then restore it: `Date.now()` and `new Date()` (no arguments)
 * give `clock` (UNIX epoch milliseconds: a fixed number, or a function the caller advances
 * deterministically, e.g. once per recorded action); every other use of `Date` is unchanged.
 * Timers (`setTimeout`) and `performance.now()` keep running on the real clock. Not reentrant.
 */
export async function withFixedClock<T>(clock: number | (() => number), fn: () => Promise<T>): Promise<T> {
  const read = typeof clock === "number" ? () => clock : clock;
  const RealDate = globalThis.Date;
  if ((RealDate as { fixedClock?: boolean }).fixedClock === true)
    throw new Error("withFixedClock is not reentrant");
  class FixedDate extends RealDate {
    static fixedClock = true;
    constructor(...args: unknown[]) {
      if (args.length === 0) super(read());
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return read();
    }
  }
  globalThis.Date = FixedDate as unknown as DateConstructor;
  return runSection(() => {
    globalThis.Date = RealDate;
  }, fn);
}

/**
 * A deterministic PRNG (mulberry32) in [0, 1) from a 32-bit seed, for tests that choose random
 * operations by seed (the hub view's and the interop's random runs) and print the seed on failure.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
