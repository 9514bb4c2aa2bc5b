/**
 * The inbox of a provider with thousands of local clients (`pnpm mimi bench inbox [--quick]
 * [--sizes M,…] --json`, issue 20): M clients stream their inbox, K = 100 of them are members of
 * one room, and a message is queued to that room as `/notify` queues it (`queueNotifyBody`, then
 * the in-process wake-up). Measured, with the process's one reader of the queue (decision 0683)
 * and, as the baseline of the same run, with the reader it replaced (every stream reading the
 * whole queue after its position on every wake-up, its subscriptions first, and filtering rooms in
 * memory; kept here only):
 * - `inbox.mM.deliverOne.ms`: from queueing one message until all K members' streams have it
 *   (median), with every stream idle before it;
 * - `inbox.mM.burst.ms`: 20 messages (10 with `--quick`) queued one after another (each waking the
 *   streams), until every member has all of them;
 * - `inbox.mM.queriesPerMessage`: SQL statements run per queued message (the single-message runs).
 * Storage is PGlite in memory, or PostgreSQL when `MIMI_BENCH_POSTGRES_URL` is set.
 */
import { loadavg } from "node:os";
import { encodeFanoutMessages } from "@mimi/protocol";
import { mlsFixtures } from "@mimi/protocol/testing";
import { type BenchArea, latencyMetric, type Metric, median, round3 } from "@mimi/testkit";
import {
  createInboxSignal,
  type InboxItem,
  type InboxSignal,
  inboxLine,
  subscribe,
  subscriptionsOf,
  welcomeRefs,
} from "../src/client-api/inbox.js";
import { createInboxFeed } from "../src/client-api/inbox-feed.js";
import { type Database, openDatabase, type SqlExecutor, toBigInt, toBytes } from "../src/storage/database.js";
import { queueNotifyBody } from "../src/storage/follower-inbox.js";
import { migrate } from "../src/storage/migrations.js";

const BIG_ROOM = "mimi://hub.example/r/big";
const K = 100;

/** The reader the feed replaced (the route's loop before decision 0683), for the baseline only. */
async function perStreamRead(
  db: SqlExecutor,
  clientUri: string,
  after: bigint,
  subscriptions: Set<string>,
  now: number,
  limit = 500,
): Promise<{ readonly items: InboxItem[]; readonly last: bigint }> {
  const rows = await db.query<{ id: unknown; room_id: string; timestamp: unknown; message: unknown }>(
    "SELECT id, room_id, timestamp, message FROM follower_inbox WHERE id > $1 ORDER BY id LIMIT $2",
    [after.toString(), limit],
  );
  const items: InboxItem[] = [];
  let last = after;
  for (const r of rows) {
    const item: InboxItem = {
      n: toBigInt(r.id),
      roomId: r.room_id,
      timestamp: toBigInt(r.timestamp),
      message: toBytes(r.message),
    };
    last = item.n;
    if (subscriptions.has(item.roomId)) {
      items.push(item);
      continue;
    }
    let refs: Uint8Array[] | undefined;
    try {
      refs = welcomeRefs(item.message);
    } catch {
      refs = undefined;
    }
    if (refs === undefined || refs.length === 0) continue;
    const mine = await db.query(
      "SELECT 1 FROM key_packages WHERE client_uri = $1 AND ref = ANY($2::bytea[]) LIMIT 1",
      [clientUri, refs],
    );
    if (mine.length === 0) continue;
    await subscribe(db, clientUri, item.roomId, now);
    subscriptions.add(item.roomId);
    items.push(item);
  }
  return { items, last };
}

/** M streams of one kind; `got(n)` resolves when every member stream has position n. */
interface Streams {
  got(n: bigint): Promise<void>;
  /** Resolves when no stream is reading (the baseline's streams all wait for a wake-up). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

function memberTracker(members: number) {
  const seen = new Map<bigint, number>();
  const waiters = new Map<bigint, () => void>();
  return {
    line(text: string) {
      for (const l of text.split("\n")) {
        if (l === "") continue;
        const n = BigInt((JSON.parse(l) as { n: string }).n);
        const c = (seen.get(n) ?? 0) + 1;
        seen.set(n, c);
        if (c === members) waiters.get(n)?.();
      }
    },
    got(n: bigint): Promise<void> {
      if ((seen.get(n) ?? 0) >= members) return Promise.resolve();
      return new Promise((r) => waiters.set(n, r));
    },
  };
}

function feedStreams(
  db: Database,
  raw: Database,
  signal: InboxSignal,
  clients: readonly string[],
  after: bigint,
): Streams {
  const feed = createInboxFeed({ db, signal, pollMs: 60_000, now: Date.now });
  const members = memberTracker(K);
  const loops = clients.map(async (c, i) => {
    const s = feed.open(c, after);
    for (;;) {
      const text = await s.next();
      if (text === undefined) return;
      if (i < K) members.line(text);
    }
  });
  return {
    got: members.got,
    async idle() {
      // the feed's reads and ours queue on the same engine: two round trips after it went quiet
      await raw.query("SELECT 1");
      await raw.query("SELECT 1");
    },
    async close() {
      feed.close();
      await Promise.all(loops);
    },
  };
}

function perStreamStreams(
  db: Database,
  signal: InboxSignal,
  clients: readonly string[],
  after: bigint,
): Streams {
  const members = memberTracker(K);
  let open = true;
  let busy = clients.length;
  let idleWaiters: (() => void)[] = [];
  const loops = clients.map(async (c, i) => {
    let at = after;
    while (open) {
      const subs = await subscriptionsOf(db, c);
      const { items, last } = await perStreamRead(db, c, at, subs, Date.now());
      if (items.length > 0 && i < K) members.line(`${items.map(inboxLine).join("\n")}\n`);
      if (last === at) {
        const w = signal.wait(60_000);
        if (--busy === 0) for (const f of idleWaiters.splice(0)) f();
        await w;
        busy++;
      }
      at = last;
    }
  });
  return {
    got: members.got,
    idle: () => (busy === 0 ? Promise.resolve() : new Promise((r) => idleWaiters.push(r))),
    async close() {
      open = false;
      signal.notify();
      await Promise.all(loops);
      idleWaiters = [];
    },
  };
}

/** A database counting its statements. */
function counting(db: Database): { db: Database; count: () => number } {
  let n = 0;
  return {
    db: {
      ...db,
      engine: db.engine,
      query: (text, params) => {
        n++;
        return db.query(text, params);
      },
      transaction: db.transaction.bind(db),
      close: db.close.bind(db),
    },
    count: () => n,
  };
}

export const bench: BenchArea = {
  area: "inbox",
  async run({ quick, sizes, progress }) {
    const loadStart = round3(loadavg()[0]!);
    const fx = await mlsFixtures();
    const streamCounts = sizes ?? (quick ? [2000] : [2000, 5000]);
    const singles = quick ? 5 : 15;
    const burst = quick ? 10 : 20;
    const metrics: Metric[] = [];
    let seq = 0;
    for (const m of streamCounts) {
      for (const kind of ["perStreamRead", "feed"] as const) {
        progress?.(`inbox: ${m} streams, ${kind}`);
        const raw = await openDatabase(process.env["MIMI_BENCH_POSTGRES_URL"] ?? "memory://");
        try {
          await migrate(raw);
          const clients = Array.from({ length: m }, (_, i) => `mimi://a.example/d/c${i}/laptop`);
          // every client is in a room of its own; the first K are also in the big room
          await raw.query(
            `INSERT INTO client_subscriptions (client_uri, room_id, created_at)
             SELECT c, 'mimi://hub.example/r/own-' || i, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(c, i)`,
            [clients],
          );
          await raw.query(
            `INSERT INTO client_subscriptions (client_uri, room_id, created_at)
             SELECT c, $2, 0 FROM unnest($1::text[]) AS u(c)`,
            [clients.slice(0, K), BIG_ROOM],
          );
          const { db, count } = counting(raw);
          const queue = async (): Promise<bigint> => {
            const encoded = encodeFanoutMessages([
              { timestamp: BigInt(++seq), message: fx.privateMessages[0]! },
            ]);
            const hash = new Uint8Array(32);
            new DataView(hash.buffer).setUint32(0, seq);
            await queueNotifyBody(
              raw,
              "hub.example",
              BIG_ROOM,
              hash,
              [{ timestamp: BigInt(seq), encoded }],
              0,
            );
            const top = await raw.query<{ m: unknown }>("SELECT max(id) AS m FROM follower_inbox");
            return toBigInt(top[0]!.m);
          };
          await queue();
          const start = toBigInt(
            (await raw.query<{ m: unknown }>("SELECT max(id) AS m FROM follower_inbox"))[0]!.m,
          );
          const signal = createInboxSignal();
          const streams =
            kind === "feed"
              ? feedStreams(db, raw, signal, clients, start)
              : perStreamStreams(db, signal, clients, start);
          try {
            // warm-up: one message through every stream
            let n = await queue();
            signal.notify();
            await streams.got(n);
            await streams.idle();
            const times: number[] = [];
            let queries = 0;
            for (let i = 0; i < singles; i++) {
              const q0 = count();
              const t0 = performance.now();
              n = await queue();
              signal.notify();
              await streams.got(n);
              times.push(performance.now() - t0);
              await streams.idle();
              queries += count() - q0;
            }
            const b0 = performance.now();
            for (let i = 0; i < burst; i++) {
              n = await queue();
              signal.notify();
            }
            await streams.got(n);
            const burstMs = performance.now() - b0;
            await streams.idle();
            const prefix = kind === "feed" ? `inbox.m${m}` : `inbox.m${m}.perStreamRead`;
            const base = (name: string) =>
              metrics.find((x) => x.name === `inbox.m${m}.perStreamRead.${name}`);
            metrics.push(
              latencyMetric(`${prefix}.deliverOne.ms`, median(times), base("deliverOne.ms")),
              latencyMetric(`${prefix}.burst.ms`, burstMs, base("burst.ms")),
              { name: `${prefix}.queriesPerMessage`, value: round3(queries / singles), unit: "queries" },
            );
          } finally {
            await streams.close();
          }
        } finally {
          await raw.close();
        }
      }
    }
    metrics.push(
      { name: "machine.loadAvg1.start", value: loadStart, unit: "load" },
      { name: "machine.loadAvg1.end", value: round3(loadavg()[0]!), unit: "load" },
    );
    return { area: "inbox", metrics };
  },
};
