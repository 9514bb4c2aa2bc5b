/**
 * The hub's `/notify` sender (protocol-06 §5.5): delivers a room's accepted events, in log order,
 * to a follower provider, several FanoutMessages per request (a `/notify` body may concatenate
 * them), over mutual TLS with keep-alive. The follower's position is a durable cursor advanced only
 * after a 201, so nothing accepted is lost across restarts and a resend after a crash is a
 * duplicate the follower ignores. A refusal is retried with exponential back-off, honouring
 * `Retry-After`. Requests go through the provider's one outgoing HTTPS client
 * ({@link FederationClient}: mutual TLS, `Host` and `From`, timeouts, pooled connections).
 *
 * Events in the room log are stored as the encoded FanoutMessage they fan out as.
 */
import { concatBytes } from "@mimi/wire";
import { type FederationClient, PeerRejected, PeerUnavailable } from "../federation/client.js";
import type { Database, SqlExecutor } from "../storage/database.js";
import { toBigInt } from "../storage/database.js";
import { queueLocally } from "../storage/follower-inbox.js";
import { eventsAfter, type RoomEvent } from "../storage/room-log.js";
import { backoffDelayMs } from "./backoff.js";

/** The sender's configuration. */
export interface FanoutSenderOptions {
  readonly db: Database;
  /** Our (the hub's) domain: events for it are queued locally instead of sent. */
  readonly domain: string;
  /**
   * The provider's client of its peers, shared with its other federation requests. The sender does
   * not close it.
   */
  readonly client: FederationClient;
  /** Most FanoutMessages per request (default 500). */
  readonly maxBatch?: number;
  /**
   * Most body bytes per request (default 512 KiB, half the followers' default request limit); a
   * single larger FanoutMessage still goes alone.
   */
  readonly maxBatchBytes?: number;
  /**
   * Shortest time between two writes of one follower's durable cursor while deliveries go on, in
   * ms (default 100; decision 0659). `flushCursor` writes at once.
   */
  readonly cursorWriteIntervalMs?: number;
  /**
   * Called once events of `roomId` were queued for our own clients (the inbox streams of this
   * process can send them at once, before the deliveries to the followers are done).
   */
  readonly onQueuedLocally?: (roomId: string) => void;
  /**
   * Which events each follower gets: read the events after a position together with the domains
   * each goes to, in one query (`domains` undefined: every follower). Default: the room log, every
   * event to every follower.
   */
  readonly eventsWithTargets?: (
    roomId: string,
    afterSeq: bigint,
    limit: number,
  ) => Promise<readonly (RoomEvent & { readonly domains?: readonly string[] })[]>;
}

/** True for the errors of a follower that refused or could not be reached (worth retrying). */
function isRefusal(e: unknown): e is PeerRejected | PeerUnavailable {
  return e instanceof PeerRejected || e instanceof PeerUnavailable;
}

/** A `/notify` sender of one hub. */
export interface FanoutSender {
  /**
   * Send the next batch of `roomId`'s events the follower `peerDomain` has not acknowledged.
   * Returns the number of events delivered (0 when it is up to date).
   *
   * @throws PeerRejected when the follower answers 4xx, PeerUnavailable when it answers otherwise
   * than 201 or cannot be reached.
   */
  deliverOnce(roomId: string, peerDomain: string): Promise<number>;
  /**
   * Deliver until the follower is up to date, retrying refusals with exponential back-off and
   * full jitter (`backoffDelayMs`; never sooner than the peer's `Retry-After`), at most
   * `maxAttempts` consecutive failures.
   *
   * @throws PeerRejected or PeerUnavailable after `maxAttempts` consecutive failures.
   */
  deliverAll(
    roomId: string,
    peerDomain: string,
    options?: {
      readonly maxAttempts?: number;
      /** The ceiling of the first retry's random delay, in ms (default 100; doubles per failure). */
      readonly baseDelayMs?: number;
      /** The largest ceiling of a retry's delay, in ms (default 10,000). */
      readonly maxDelayMs?: number;
      /** Return only once the durable cursor is written (default true). */
      readonly flush?: boolean;
    },
  ): Promise<number>;
  /** Write the follower's durable cursor now if it is behind, and wait for it. */
  flushCursor(roomId: string, peerDomain: string): Promise<void>;
  /** The follower's acknowledged position in the room log. */
  cursor(roomId: string, peerDomain: string): Promise<bigint>;
  close(): void;
}

/** Make a hub's `/notify` sender. */
export function makeFanoutSender(options: FanoutSenderOptions): FanoutSender {
  const maxBatch = options.maxBatch ?? 500;
  const maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
  const db = options.db;

  const cursor = async (roomId: string, peerDomain: string): Promise<bigint> => {
    const rows = await db.query<{ delivered_seq: unknown }>(
      "SELECT delivered_seq FROM fanout_cursor WHERE room_id = $1 AND peer_domain = $2",
      [roomId, peerDomain],
    );
    return rows[0] === undefined ? 0n : toBigInt(rows[0].delivered_seq);
  };
  // The cursors this sender advanced itself: read once from the database, then kept in memory. A
  // cursor another process advanced further only makes this one resend what the follower then
  // ignores as a duplicate (PROTO-NOTIFY-04).
  const known = new Map<string, bigint>();
  const knownCursor = async (roomId: string, peerDomain: string): Promise<bigint> => {
    const key = `${roomId}\u0000${peerDomain}`;
    let c = known.get(key);
    if (c === undefined) {
      c = await cursor(roomId, peerDomain);
      known.set(key, c);
    }
    return c;
  };
  const remember = (roomId: string, peerDomain: string, last: bigint): void => {
    const key = `${roomId}\u0000${peerDomain}`;
    const c = known.get(key);
    if (c === undefined || c < last) known.set(key, last);
  };

  const post = async (peerDomain: string, roomId: string, body: Uint8Array): Promise<void> => {
    const res = await options.client.send(peerDomain, { endpoint: "notify", param: roomId, body });
    // [PROTO-NOTIFY-03] draft-ietf-mimi-protocol-06 §5.5: 201 means accepted; on any other
    // response the hub SHOULD retry, honouring Retry-After.
    if (res.status !== 201)
      throw new PeerUnavailable(peerDomain, `answered ${res.status}, not 201`, res.status);
  };

  const advance = async (
    ex: SqlExecutor,
    roomId: string,
    peerDomain: string,
    last: bigint,
  ): Promise<void> => {
    await ex.query(
      `INSERT INTO fanout_cursor (room_id, peer_domain, delivered_seq) VALUES ($1, $2, $3)
       ON CONFLICT (room_id, peer_domain) DO UPDATE
         SET delivered_seq = GREATEST(fanout_cursor.delivered_seq, EXCLUDED.delivered_seq)`,
      [roomId, peerDomain, last.toString()],
    );
  };

  // The durable cursor is written behind the deliveries (decision 0657): a round goes on with the
  // next batch as soon as the follower answered 201 and the in-memory cursor moved, while the
  // durable one follows, one write at a time per (room, follower), coalesced to the latest
  // position, and at most one write per `cursorWriteIntervalMs` while deliveries go on (decision
  // 0659). A crash before it is written makes the hub resend what the follower already has, which
  // it ignores (PROTO-NOTIFY-04). `flushCursor` (and `deliverAll` and `deliverOnce`, unless told
  // otherwise) return only once it is written.
  const interval = options.cursorWriteIntervalMs ?? 100;
  interface Persisted {
    written: bigint;
    target: bigint;
    lastWriteAt: number;
    timer: NodeJS.Timeout | undefined;
    inflight: Promise<void> | undefined;
  }
  const persisted = new Map<string, Persisted>();
  const write = (roomId: string, peerDomain: string, p: Persisted): Promise<void> => {
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
    const t = p.target;
    p.lastWriteAt = performance.now();
    const w = (async () => {
      try {
        await advance(db, roomId, peerDomain, t);
        if (t > p.written) p.written = t;
      } finally {
        p.inflight = undefined;
      }
      if (p.written < p.target) schedulePersist(roomId, peerDomain, p);
    })();
    p.inflight = w;
    // A failed write leaves the target unwritten; the next position or flushCursor retries it.
    w.catch(() => undefined);
    return w;
  };
  const schedulePersist = (roomId: string, peerDomain: string, p: Persisted): void => {
    if (p.inflight !== undefined || p.timer !== undefined || p.written >= p.target) return;
    const wait = p.lastWriteAt + interval - performance.now();
    if (wait <= 0) void write(roomId, peerDomain, p);
    else {
      p.timer = setTimeout(() => {
        p.timer = undefined;
        if (p.inflight === undefined && p.written < p.target) void write(roomId, peerDomain, p);
      }, wait);
      p.timer.unref?.();
    }
  };
  const persist = (roomId: string, peerDomain: string, last: bigint): void => {
    const key = `${roomId}\u0000${peerDomain}`;
    let p = persisted.get(key);
    if (p === undefined) {
      p = { written: -1n, target: last, lastWriteAt: -Infinity, timer: undefined, inflight: undefined };
      persisted.set(key, p);
    }
    if (last > p.target) p.target = last;
    schedulePersist(roomId, peerDomain, p);
  };
  const flush = async (roomId: string, peerDomain: string): Promise<void> => {
    const p = persisted.get(`${roomId}\u0000${peerDomain}`);
    if (p === undefined) return;
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.timer = undefined;
    await p.inflight?.catch(() => undefined);
    // not written yet (a failed write, or one the interval held back): write now, and let a
    // failure surface
    if (p.written < p.target) await (p.inflight ?? write(roomId, peerDomain, p));
  };

  /** One round: how many events it covered, and whether another round may find more. */
  const round = async (roomId: string, peerDomain: string): Promise<{ n: number; more: boolean }> => {
    const after = await knownCursor(roomId, peerDomain);
    const withTargets = options.eventsWithTargets;
    const events: readonly (RoomEvent & { readonly domains?: readonly string[] })[] =
      withTargets !== undefined
        ? await withTargets(roomId, after, maxBatch)
        : await eventsAfter(db, roomId, after, maxBatch);
    if (events.length === 0) return { n: 0, more: false };
    // the events for this follower, up to maxBatchBytes (at least one); `last` is the position
    // of the last event this round covers, including events for other followers before it
    const batch: RoomEvent[] = [];
    let bytes = 0;
    let covered = 0;
    for (const e of events) {
      if (e.domains?.includes(peerDomain) ?? true) {
        if (batch.length > 0 && bytes + e.body.length > maxBatchBytes) break;
        batch.push(e);
        bytes += e.body.length;
      }
      covered++;
    }
    const full = events.length === maxBatch || covered < events.length;
    const last = events[covered - 1]!.seq;
    if (batch.length === 0) {
      // Our own domain's cursor is compared-and-set with its queue below: write it now.
      if (peerDomain === options.domain) await advance(db, roomId, peerDomain, last);
      else persist(roomId, peerDomain, last);
      remember(roomId, peerDomain, last);
      return { n: covered, more: full };
    }
    if (peerDomain === options.domain) {
      // Our own clients: queue locally exactly as /notify would (follower_inbox), in the same
      // statement as the cursor, so each event is queued once.
      const moved = await queueLocally(db, options.domain, roomId, batch, Date.now(), {
        from: after,
        to: last,
      });
      if (moved) {
        remember(roomId, peerDomain, last);
        options.onQueuedLocally?.(roomId);
        return { n: covered, more: full };
      }
      // Another process moved the cursor since we read it: read it again and go on from there.
      known.delete(`${roomId}\u0000${peerDomain}`);
      return { n: 0, more: true };
    }
    await post(peerDomain, roomId, concatBytes(...batch.map((e) => e.body)));
    remember(roomId, peerDomain, last);
    persist(roomId, peerDomain, last);
    return { n: covered, more: full };
  };
  const deliverOnce = async (roomId: string, peerDomain: string): Promise<number> => {
    const n = (await round(roomId, peerDomain)).n;
    await flush(roomId, peerDomain);
    return n;
  };

  return {
    deliverOnce,
    cursor,
    flushCursor: flush,
    async deliverAll(roomId, peerDomain, opts = {}) {
      const maxAttempts = opts.maxAttempts ?? 8;
      const backoff = { baseMs: opts.baseDelayMs ?? 100, capMs: opts.maxDelayMs ?? 10_000 };
      let total = 0;
      let failures = 0;
      for (;;) {
        try {
          const r = await round(roomId, peerDomain);
          failures = 0;
          total += r.n;
          // A short batch means the follower is up to date as of that read; whatever is accepted
          // later kicks another round.
          if (!r.more) {
            if (opts.flush !== false) await flush(roomId, peerDomain);
            return total;
          }
        } catch (e) {
          if (!isRefusal(e)) throw e;
          failures++;
          if (failures >= maxAttempts) throw e;
          const delay = backoffDelayMs(failures, backoff, e.retryAfterMs);
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    },
    close() {
      for (const p of persisted.values()) if (p.timer !== undefined) clearTimeout(p.timer);
    },
  };
}
