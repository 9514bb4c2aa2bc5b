/**
 * The hub's group commit of application messages (decision 0655). `/submitMessage` validates each
 * message on its own, then queues it here; one flush at a time per room writes every queued
 * message of the same epoch in ONE statement ({@link appendApplicationBatch}: sequence numbers
 * from the room's row lock, events and fanout targets together), and only then is each request
 * answered. Under load a flush carries many messages, so the database does one round trip per
 * batch instead of several per message; at low load a batch is one message and nothing waits.
 *
 * Nothing is acknowledged before it is durable: a failed write rejects every request of its batch
 * (the server answers those with an error and the follower retries), and a room that moved to
 * another epoch since validation answers `epochTooOld` for exactly the messages of the old epoch.
 */

import { HttpRejection } from "../server/http-error.js";
import type { Database } from "../storage/database.js";
import { appendApplicationBatch, type NewApplicationEvent } from "../storage/room-log.js";
import type { TargetedEvent } from "./recent-events.js";

/** The outcome of one queued message. */
export type QueuedWrite =
  | { readonly ok: true; readonly seq: bigint }
  | { readonly ok: false; readonly reason: "wrongEpoch"; readonly currentEpoch: bigint }
  | { readonly ok: false; readonly reason: "noSuchRoom" };

/** Options of {@link makeSubmitBatcher}. */
export interface SubmitBatcherOptions {
  readonly db: Database;
  /** Called after each written batch with its events (the hub's fanout kick). */
  readonly written: (roomId: string, appended: readonly TargetedEvent[]) => void;
  /** Most messages per statement (default 500). */
  readonly maxBatch?: number;
  /** Most messages waiting per room before new ones are refused with 429 (default 20,000). */
  readonly maxQueued?: number;
  /**
   * How long a room's first queued message waits for others before the flush, in ms (default 1;
   * 0 flushes at once). Requests arriving meanwhile join the same statement.
   */
  readonly lingerMs?: number;
}

/** A hub's per-room write queue for application messages. */
export interface SubmitBatcher {
  /**
   * Queue an accepted message of `roomId` at `epoch`, going to `domains`; resolves once it is
   * durably written (or the room's epoch moved on).
   *
   * @throws HttpRejection 429 (with Retry-After) when the room's queue is full.
   * @throws whatever the database throws when its batch could not be written.
   */
  submit(
    roomId: string,
    epoch: bigint,
    event: NewApplicationEvent,
    domains: readonly string[],
  ): Promise<QueuedWrite>;
  /** Messages waiting (all rooms). */
  readonly queued: () => number;
}

interface Pending {
  readonly epoch: bigint;
  readonly event: NewApplicationEvent;
  readonly domains: readonly string[];
  readonly domainsKey: string;
  readonly resolve: (r: QueuedWrite) => void;
  readonly reject: (e: unknown) => void;
}

/** Make a hub's write queue. */
export function makeSubmitBatcher(options: SubmitBatcherOptions): SubmitBatcher {
  const maxBatch = options.maxBatch ?? 500;
  const maxQueued = options.maxQueued ?? 20_000;
  const lingerMs = options.lingerMs ?? 1;
  const queues = new Map<string, Pending[]>();
  let waiting = 0;

  const flush = async (roomId: string, queue: Pending[]): Promise<void> => {
    if (lingerMs > 0) await new Promise((r) => setTimeout(r, lingerMs));
    while (queue.length > 0) {
      // One statement per run of messages with the same epoch and recipients, in arrival order.
      const first = queue[0]!;
      let n = 1;
      while (
        n < queue.length &&
        n < maxBatch &&
        queue[n]!.epoch === first.epoch &&
        queue[n]!.domainsKey === first.domainsKey
      )
        n++;
      const batch = queue.splice(0, n);
      waiting -= n;
      try {
        const r = await appendApplicationBatch(
          options.db,
          roomId,
          first.epoch,
          batch.map((p) => p.event),
          first.domains,
        );
        if (r.ok) {
          for (const [i, p] of batch.entries()) p.resolve({ ok: true, seq: r.seqs[i]! });
          const domains = [...new Set(first.domains)];
          options.written(
            roomId,
            batch.map((p, i) => ({
              roomId,
              seq: r.seqs[i]!,
              epoch: first.epoch,
              kind: "application",
              acceptedAt: BigInt(p.event.acceptedAt),
              body: p.event.body,
              domains,
            })),
          );
        } else for (const p of batch) p.resolve(r);
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
    queues.delete(roomId);
  };

  return {
    queued: () => waiting,
    submit(roomId, epoch, event, domains) {
      let queue = queues.get(roomId);
      if (queue !== undefined && queue.length >= maxQueued)
        return Promise.reject(
          new HttpRejection(429, `too many messages waiting for ${roomId}`, {
            path: "/path",
            retryAfterSeconds: 1,
          }),
        );
      return new Promise<QueuedWrite>((resolve, reject) => {
        const p: Pending = { epoch, event, domains, domainsKey: domains.join("\u0000"), resolve, reject };
        waiting++;
        if (queue === undefined) {
          queue = [p];
          queues.set(roomId, queue);
          void flush(roomId, queue);
        } else queue.push(p);
      });
    },
  };
}
