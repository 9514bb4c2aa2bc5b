import type { Requester } from "./identifier-query.js";

/** Limits of the enumeration defence (draft-ietf-mimi-user-discovery-reqs §5 R8). */
export interface RateLimits {
  /** Queries a requester may make per window. */
  readonly queriesPerWindow: number;
  /** Distinct search keys (handles, numbers, addresses) a requester may ask about per window. */
  readonly distinctKeysPerWindow: number;
  /** The window length in milliseconds. */
  readonly windowMs: number;
}

/** Defaults: 60 queries and 20 distinct handles per requester per hour (decision 0704). */
export const defaultRateLimits: RateLimits = {
  queriesPerWindow: 60,
  distinctKeysPerWindow: 20,
  windowMs: 3_600_000,
};

interface Window {
  start: number;
  queries: number;
  readonly keys: Set<string>;
}

/**
 * Per-requester fixed-window limits on queries and on distinct handles asked about. Requesters
 * are counted per provider and, when a user is named, per provider and user; both must admit.
 */
export class RateLimiter {
  readonly limits: RateLimits;
  readonly #windows = new Map<string, Window>();

  constructor(limits: RateLimits = defaultRateLimits) {
    this.limits = limits;
  }

  /**
   * Counts one query of `keys` by `requester` at `now` (ms) and says whether it is within limits.
   * A refused query is still counted, so that a requester cannot probe the limit for free.
   */
  admit(requester: Requester, keys: readonly string[], now: number): boolean {
    const ids = [`provider:${requester.provider}`];
    if (requester.user !== undefined) ids.push(`user:${requester.provider}:${requester.user}`);
    let ok = true;
    for (const id of ids) {
      let w = this.#windows.get(id);
      if (w === undefined || now - w.start >= this.limits.windowMs) {
        w = { start: now, queries: 0, keys: new Set() };
        this.#windows.set(id, w);
      }
      w.queries += 1;
      for (const k of keys) if (w.keys.size <= this.limits.distinctKeysPerWindow) w.keys.add(k);
      // [DISC-R8-01] draft-ietf-mimi-user-discovery-reqs §5 R8: DPs SHOULD be protected against enumeration: per-requester query and distinct-handle budgets
      if (w.queries > this.limits.queriesPerWindow || w.keys.size > this.limits.distinctKeysPerWindow)
        ok = false;
    }
    return ok;
  }
}
