/**
 * Request rate limits: a token bucket per key (a peer provider's domain on the federation server,
 * a client's URI on the client API). A request takes one token; a bucket holds at most `burst`
 * and refills at `perSecond`. An empty bucket answers how long until the next token, which the
 * servers send as 429 with `Retry-After`.
 */

/** The rate one key may sustain, and how far above it a burst may go. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** Default per peer provider: a ceiling against floods, far above what the pipeline sustains. */
export const DEFAULT_PEER_RATE_LIMIT: RateLimit = { perSecond: 20_000, burst: 40_000 };
/** Default per client of the client API. */
export const DEFAULT_CLIENT_RATE_LIMIT: RateLimit = { perSecond: 1_000, burst: 2_000 };

/** At most this many keys are tracked; the least recently seen are forgotten (a full bucket). */
const MAX_KEYS = 100_000;

/** Token buckets by key. */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * @param limit the rate and burst of every key
   * @param clock milliseconds, monotonic (default `performance.now`)
   */
  constructor(
    readonly limit: RateLimit,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1))
      throw new RangeError("a rate limit needs perSecond > 0 and burst >= 1");
  }

  /**
   * Take a token for `key`: 0 when the request may go ahead, otherwise the whole seconds (at
   * least 1) until the bucket has a token again.
   */
  take(key: string): number {
    const now = this.clock();
    let b = this.#buckets.get(key);
    if (b === undefined) {
      if (this.#buckets.size >= MAX_KEYS) this.#buckets.delete(this.#buckets.keys().next().value!);
      b = { tokens: this.limit.burst, at: now };
    } else {
      this.#buckets.delete(key);
      b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
      b.at = now;
    }
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }
}
