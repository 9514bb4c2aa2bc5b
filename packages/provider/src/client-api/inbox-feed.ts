/**
 * One reader of the provider's queue for every inbox stream of this process (decision 0683).
 *
 * A stream first reads its own items (`readInbox`: the client's rooms and Welcomes, from its
 * `after`) until it has reached the end of the queue, then goes live: from there the feed reads
 * each new queue row once, finds the clients subscribed to its room (one query per batch of rows)
 * and the clients a Welcome names (one query per batch), and hands the row's line, encoded once,
 * to the live streams of those clients. A live stream that falls behind (its reader does not take
 * its lines) leaves the feed and reads for itself again until it has caught up.
 *
 * What a client receives, and in which order, is exactly what `readInbox` would give it read after
 * read (decision 0642): every item of a subscribed room but the Welcomes for other clients
 * (decision 0686), every Welcome for one of its KeyPackages (which subscribes it to the room, from
 * that item on), in queue order, each once.
 */

import { type SqlExecutor, toBigInt, toBytes } from "../storage/database.js";
import {
  type InboxItem,
  type InboxSignal,
  inboxLine,
  isWelcomeMessage,
  readInbox,
  subscribe,
  welcomeRefsOrNone,
} from "./inbox.js";

/** One client's inbox stream. */
export interface InboxStream {
  /**
   * The next items as ndjson text (one or more lines, each ending with a newline), or undefined
   * once the stream is closed.
   *
   * @throws the engine's error when a read fails (the stream is then over; the client resumes).
   */
  next(): Promise<string | undefined>;
  /** End the stream (idempotent). */
  close(): void;
}

/** Every inbox stream of a process, fed from one reader of the queue. */
export interface InboxFeed {
  /** A stream of `clientUri`'s items after queue position `after`. */
  open(clientUri: string, after: bigint): InboxStream;
  /** End every stream and stop reading. */
  close(): void;
}

/** Options of {@link createInboxFeed}. */
export interface InboxFeedOptions {
  readonly db: SqlExecutor;
  /** Fired when this process queued messages (`/notify`, the local hub). */
  readonly signal: InboxSignal;
  /** How often the feed looks for rows queued by other processes while streams are live. */
  readonly pollMs: number;
  readonly now: () => number;
  /** Queue rows per read (default 500). */
  readonly batch?: number;
  /** Lines a live stream may hold untaken before it leaves the feed (default 2,000). */
  readonly maxPending?: number;
}

interface Stream extends InboxStream {
  readonly client: string;
  /** The position of the last item handed to the stream (or its start). */
  after: bigint;
  live: boolean;
  closed: boolean;
  pending: string[];
  error: unknown;
  /** Resolve the stream's wait for lines. */
  poke(): void;
}

/** Make the feed of one process (one per client API listener, shared by its routes). */
export function createInboxFeed(options: InboxFeedOptions): InboxFeed {
  const { db, signal, pollMs, now } = options;
  const batch = options.batch ?? 500;
  const maxPending = options.maxPending ?? 2000;
  const open = new Set<Stream>();
  /** Live streams by client. */
  const live = new Map<string, Set<Stream>>();
  let liveCount = 0;
  /**
   * Every queue row up to here has been handed to every live stream whose client it is for; a
   * stream goes live only at or after it. Undefined while the reader is not running.
   */
  let position: bigint | undefined;
  let running = false;
  let closed = false;
  /** Set while a batch of rows is being handed out (a stream waits for the end to go live). */
  let handing: Promise<void> | undefined;
  let wakeReader: (() => void) | undefined;

  const leave = (s: Stream) => {
    if (!s.live) return;
    s.live = false;
    const set = live.get(s.client);
    set?.delete(s);
    if (set?.size === 0) live.delete(s.client);
    liveCount--;
  };

  /** Make `s` live if it has reached the feed's position; false: it must read further itself. */
  const goLive = async (s: Stream): Promise<boolean> => {
    while (handing !== undefined) await handing;
    if (s.closed || closed) return false;
    if (position === undefined) position = s.after;
    else if (s.after < position) return false;
    s.live = true;
    const set = live.get(s.client) ?? new Set<Stream>();
    live.set(s.client, set);
    set.add(s);
    liveCount++;
    if (!running) {
      running = true;
      void run();
    }
    return true;
  };

  /** Hand the rows queued after `position` to the live streams they are for. */
  const pump = async (): Promise<void> => {
    for (;;) {
      const from = position!;
      const rows = await db.query<{ id: unknown; room_id: string; timestamp: unknown; message: unknown }>(
        "SELECT id, room_id, timestamp, message FROM follower_inbox WHERE id > $1 ORDER BY id LIMIT $2",
        [from.toString(), batch],
      );
      if (rows.length === 0) return;
      let done!: () => void;
      handing = new Promise<void>((r) => {
        done = r;
      });
      try {
        await handOut(
          rows.map((r) => ({
            n: toBigInt(r.id),
            roomId: r.room_id,
            timestamp: toBigInt(r.timestamp),
            message: toBytes(r.message),
          })),
        );
      } finally {
        handing = undefined;
        done();
      }
      if (rows.length < batch) return;
    }
  };

  const handOut = async (items: readonly InboxItem[]): Promise<void> => {
    // Read after the rows: a subscription made before a row was queued is seen (decision 0642:
    // a client subscribes before the request whose fanout it must not miss).
    const rooms = [...new Set(items.map((i) => i.roomId))];
    const subscribers = new Map<string, Set<string>>(rooms.map((r) => [r, new Set<string>()]));
    for (const r of await db.query<{ room_id: string; client_uri: string }>(
      "SELECT room_id, client_uri FROM client_subscriptions WHERE room_id = ANY($1::text[])",
      [rooms],
    ))
      subscribers.get(r.room_id)?.add(r.client_uri);
    // The clients each Welcome of the batch is for, in one query.
    const welcomeRefs = new Map<bigint, Uint8Array[]>();
    const refs: Uint8Array[] = [];
    for (const i of items) {
      const r = welcomeRefsOrNone(i.message);
      if (r.length === 0) continue;
      welcomeRefs.set(i.n, r);
      refs.push(...r);
    }
    const owners = new Map<string, string>();
    if (refs.length > 0)
      for (const r of await db.query<{ ref: unknown; client_uri: string }>(
        "SELECT ref, client_uri FROM key_packages WHERE ref = ANY($1::bytea[])",
        [refs],
      ))
        owners.set(hexOf(toBytes(r.ref)), r.client_uri);
    for (const item of items) {
      const subs = subscribers.get(item.roomId)!;
      // A Welcome goes only to the clients it names, subscribed to its room or not (decision 0686).
      let to: ReadonlySet<string> = subs;
      if (isWelcomeMessage(item.message)) {
        const named = new Set<string>();
        for (const ref of welcomeRefs.get(item.n) ?? []) {
          const client = owners.get(hexOf(ref));
          if (client === undefined) continue;
          if (!subs.has(client)) {
            if (!waitsFor(client, item.n)) continue;
            // A Welcome delivered to the client subscribes it to the room (decision 0642), from here on.
            await subscribe(db, client, item.roomId, now());
            subs.add(client);
          }
          named.add(client);
        }
        to = named;
      }
      let line: string | undefined;
      const deliver = (streams: ReadonlySet<Stream>) => {
        for (const s of streams) {
          if (s.after >= item.n) continue;
          line ??= inboxLine(item);
          s.pending.push(line);
          s.after = item.n;
          if (s.pending.length >= maxPending) leave(s);
          s.poke();
        }
      };
      if (to.size <= live.size) {
        for (const client of to) {
          const streams = live.get(client);
          if (streams !== undefined) deliver(streams);
        }
      } else {
        for (const [client, streams] of live) if (to.has(client)) deliver(streams);
      }
      position = item.n;
    }
  };

  /** True when a live stream of `client` has not had position `n` yet. */
  const waitsFor = (client: string, n: bigint): boolean => {
    for (const s of live.get(client) ?? []) if (s.after < n) return true;
    return false;
  };

  const run = async (): Promise<void> => {
    try {
      while (!closed && liveCount > 0) {
        // Listen before reading: a row queued during the read wakes the next one.
        const woke = signal.wait(pollMs);
        await pump();
        await Promise.race([woke, new Promise<void>((r) => (wakeReader = r))]);
        wakeReader = undefined;
      }
    } catch (e) {
      // A failed read ends every live stream with the error; their clients resume with `after`.
      for (const set of [...live.values()])
        for (const s of set) {
          leave(s);
          s.error = e;
          s.poke();
        }
    } finally {
      running = false;
      position = undefined;
    }
  };

  return {
    open(clientUri, after) {
      let wake: (() => void) | undefined;
      const s: Stream = {
        client: clientUri,
        after,
        live: false,
        closed: false,
        pending: [],
        error: undefined,
        poke() {
          const w = wake;
          wake = undefined;
          w?.();
        },
        async next() {
          for (;;) {
            if (s.closed || closed) return undefined;
            if (s.pending.length > 0) {
              const text = `${s.pending.join("\n")}\n`;
              s.pending = [];
              return text;
            }
            if (s.error !== undefined) {
              const e = s.error;
              s.error = undefined;
              s.close();
              throw e;
            }
            if (s.live) {
              await new Promise<void>((r) => {
                wake = r;
              });
              continue;
            }
            const read = await readInbox(db, clientUri, s.after, now(), batch);
            if (s.closed) return undefined;
            s.after = read.last;
            if (read.atEnd) await goLive(s);
            if (read.items.length > 0) {
              // lines handed out while it went live come after these
              const text = `${read.items.map(inboxLine).join("\n")}\n`;
              if (s.pending.length === 0) return text;
              const more = `${s.pending.join("\n")}\n`;
              s.pending = [];
              return text + more;
            }
          }
        },
        close() {
          if (s.closed) return;
          s.closed = true;
          leave(s);
          open.delete(s);
          s.poke();
        },
      };
      open.add(s);
      return s;
    },
    close() {
      closed = true;
      for (const s of [...open]) s.close();
      wakeReader?.();
    },
  };
}

const hexOf = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
