/**
 * How long to wait before retrying a request a peer refused or did not answer: exponential
 * back-off with full jitter — a uniformly random delay between 0 and `min(capMs, baseMs · 2^(n-1))`
 * after the n-th consecutive failure — so that many senders retrying against one recovering peer
 * spread out instead of arriving in waves. A peer's `Retry-After` is a floor: never retry sooner.
 */
export interface BackoffOptions {
  /** The ceiling of the first retry's delay, in ms. */
  readonly baseMs: number;
  /** The largest ceiling, in ms (the exponential growth stops there). */
  readonly capMs: number;
  /** Uniform random in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/**
 * The delay before the next attempt after `failures` consecutive failures (1 for the first).
 *
 * @param retryAfterMs the peer's `Retry-After`, in ms, if it sent one.
 */
export function backoffDelayMs(failures: number, options: BackoffOptions, retryAfterMs?: number): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  const jittered = Math.floor((options.random ?? Math.random)() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}
