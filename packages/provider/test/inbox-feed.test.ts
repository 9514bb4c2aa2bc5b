/**
 * The inbox feed (decision 0683): one reader of the queue for every stream of a process. Each
 * stream's output is compared with the per-client semantics of decision 0642, computed here from
 * the queue's rows by a reference of its own (every row after `after` in order; a subscribed room's
 * row is delivered, but a Welcome only to a client whose KeyPackage it names, and it subscribes
 * the client). On PGlite and, when the test run has one, PostgreSQL.
 */
import { createHash } from "node:crypto";
import { encodeFanoutMessages } from "@mimi/protocol";
import { type MlsFixtures, mlsFixtures } from "@mimi/protocol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createInboxSignal,
  type InboxSignal,
  readInbox,
  subscribe,
  welcomeRefs,
} from "../src/client-api/inbox.js";
import { createInboxFeed, type InboxFeed, type InboxStream } from "../src/client-api/inbox-feed.js";
import { type Database, openDatabase, toBigInt, toBytes } from "../src/storage/database.js";
import { queueNotifyBody } from "../src/storage/follower-inbox.js";
import { migrate } from "../src/storage/migrations.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

interface Line {
  readonly n: string;
  readonly roomId: string;
  readonly timestamp: string;
  readonly message: string;
}

let fx: MlsFixtures;
beforeAll(async () => {
  fx = await mlsFixtures();
});

/** A reader of one stream: collects its lines until closed. */
function collect(stream: InboxStream): {
  lines: Line[];
  done: Promise<void>;
  until(n: number): Promise<void>;
} {
  const lines: Line[] = [];
  let got: (() => void) | undefined;
  const done = (async () => {
    for (;;) {
      const text = await stream.next();
      if (text === undefined) return;
      expect(text.endsWith("\n")).toBe(true);
      for (const l of text.slice(0, -1).split("\n")) lines.push(JSON.parse(l) as Line);
      got?.();
    }
  })();
  return {
    lines,
    done,
    async until(n) {
      while (lines.length < n)
        await Promise.race([
          new Promise<void>((r) => {
            got = r;
          }),
          done.then(() => {
            throw new Error(`stream ended with ${lines.length} of ${n} lines`);
          }),
        ]);
    },
  };
}

function suite(name: string, open: () => Promise<{ db: Database; drop: () => Promise<void> }>) {
  describe(`inbox feed (${name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let signal: InboxSignal;
    let feed: InboxFeed;
    let seq = 0;
    const welcomeBytes = () =>
      encodeFanoutMessages([
        {
          timestamp: BigInt(++seq),
          message: fx.welcomeMessages[0]!,
          ratchetTreeOption: { representation: "distributionService" },
        },
      ]);

    beforeAll(async () => {
      ({ db, drop } = await open());
      await migrate(db);
      signal = createInboxSignal();
      // a long poll: only the in-process signal delivers promptly (the poll test makes its own feed)
      feed = createInboxFeed({ db, signal, pollMs: 60_000, now: () => 0, batch: 7, maxPending: 5 });
    }, 120_000);

    afterAll(async () => {
      feed?.close();
      await db?.close();
      await drop?.();
    });

    /** Queue one message per room (one /notify body each) and wake the streams. */
    const queue = async (rooms: readonly string[], message?: () => Uint8Array): Promise<void> => {
      for (const room of rooms) {
        const encoded =
          message?.() ??
          encodeFanoutMessages([{ timestamp: BigInt(++seq), message: fx.privateMessages[0]! }]);
        const hash = new Uint8Array(createHash("sha256").update(encoded).digest());
        await queueNotifyBody(db, "hub.example", room, hash, [{ timestamp: BigInt(seq), encoded }], 0);
      }
      signal.notify();
    };

    const end = async (): Promise<bigint> =>
      toBigInt(
        (await db.query<{ m: unknown }>("SELECT coalesce(max(id), 0) AS m FROM follower_inbox"))[0]!.m,
      );

    /**
     * The reference: what `client` must receive after `after`, given the subscriptions it had
     * before (`subs`) and the KeyPackage refs it owns.
     */
    const expected = async (client: string, after: bigint, subs: readonly string[]): Promise<string[]> => {
      const rows = await db.query<{ id: unknown; room_id: string; message: unknown }>(
        "SELECT id, room_id, message FROM follower_inbox WHERE id > $1 ORDER BY id",
        [after.toString()],
      );
      const mine = new Set(
        (
          await db.query<{ ref: unknown }>("SELECT ref FROM key_packages WHERE client_uri = $1", [client])
        ).map((r) => Buffer.from(toBytes(r.ref)).toString("hex")),
      );
      const subscribed = new Set(subs);
      const out: string[] = [];
      for (const r of rows) {
        const refs = welcomeRefs(toBytes(r.message));
        if (refs === undefined) {
          if (subscribed.has(r.room_id)) out.push(String(toBigInt(r.id)));
          continue;
        }
        // a Welcome: only for the clients it names (decision 0686)
        if (refs.some((ref) => mine.has(Buffer.from(ref).toString("hex")))) {
          subscribed.add(r.room_id);
          out.push(String(toBigInt(r.id)));
        }
      }
      return out;
    };

    it("[PROTO-CAPI-07] many live streams over several rooms: each gets its rooms' items, in queue order, once", async () => {
      const rooms = ["r1", "r2", "r3", "r4"].map((r) => `mimi://hub.example/r/many-${r}`);
      const clients = Array.from({ length: 24 }, (_, i) => `mimi://a.example/d/many${i}/laptop`);
      const subsOf = new Map<string, string[]>();
      for (const [i, c] of clients.entries()) {
        // client i is in the rooms whose bit is set in i (none for some)
        const s = rooms.filter((_, b) => (i >> b) & 1);
        subsOf.set(c, s);
        for (const r of s) await subscribe(db, c, r, 0);
      }
      const start = await end();
      // two streams for one client: both get everything
      const readers = [...clients, clients[3]!].map((c) => ({
        client: c,
        r: collect(feed.open(c, start)),
      }));
      // bursts larger than the feed's batch, interleaved across rooms, each burst one wake-up
      for (let burst = 0; burst < 4; burst++)
        await queue(Array.from({ length: 11 }, (_, i) => rooms[(i * 3 + burst) % rooms.length]!));
      for (const { client, r } of readers) {
        const want = await expected(client, start, subsOf.get(client)!);
        await r.until(want.length);
        expect(r.lines.map((l) => l.n)).toEqual(want);
        for (const l of r.lines) expect(subsOf.get(client)).toContain(l.roomId);
      }
      // nothing more arrives for anyone: one more item in a room nobody is in, then an item of r1
      await queue(["mimi://hub.example/r/many-nobody", rooms[0]!]);
      const last = String(await end());
      for (const { client, r } of readers) {
        const want = await expected(client, start, subsOf.get(client)!);
        if (subsOf.get(client)!.includes(rooms[0]!)) {
          await r.until(want.length);
          expect(r.lines.at(-1)!.n).toBe(last);
        }
        expect(r.lines.map((l) => l.n)).toEqual(want);
      }
    });

    it("[PROTO-CAPI-07] a stream resuming with after while items arrive: no item lost or repeated", async () => {
      const room = "mimi://hub.example/r/resume";
      const other = "mimi://hub.example/r/resume-other";
      const client = "mimi://a.example/d/resumer/laptop";
      const watcher = "mimi://a.example/d/watcher/laptop";
      await subscribe(db, client, room, 0);
      await subscribe(db, watcher, room, 0);
      const start = await end();
      // a live stream of another client keeps the feed reading while the resumer catches up
      const w = collect(feed.open(watcher, start));
      await queue(Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? other : room)));
      const first = collect(feed.open(client, start));
      await first.until(3);
      const resumeAt = BigInt(first.lines[2]!.n);
      // the client reconnects after its third item, while more items are being queued
      const producer = (async () => {
        for (let i = 0; i < 6; i++) await queue([room, other, room]);
      })();
      const resumed = collect(feed.open(client, resumeAt));
      await producer;
      const want = await expected(client, resumeAt, [room]);
      await resumed.until(want.length);
      expect(resumed.lines.map((l) => l.n)).toEqual(want);
      const all = await expected(client, start, [room]);
      await first.until(all.length);
      expect(first.lines.map((l) => l.n)).toEqual(all);
      await w.until(all.length);
      expect(w.lines.map((l) => l.n)).toEqual(all);
    });

    it("[PROTO-CAPI-07] a Welcome for one of the client's KeyPackages is delivered and subscribes it from there on, live and catching up", async () => {
      const room = "mimi://hub.example/r/welcome";
      const live = "mimi://a.example/d/welcomed/laptop";
      const welcome = welcomeBytes();
      const ref = welcomeRefs(welcome)![0]!;
      await db.query(
        `INSERT INTO key_packages (ref, client_uri, user_uri, cipher_suite, last_resort, not_after, uploaded_at, key_package)
         VALUES ($1, $2, $3, 1, false, 0, 0, $4)`,
        [ref, live, "mimi://a.example/u/welcomed", new Uint8Array([0])],
      );
      const start = await end();
      const s = collect(feed.open(live, start));
      // before the Welcome: not for it; the Welcome; after it: for it
      await queue([room, room]);
      await queue([room], () => welcome);
      await queue([room, room]);
      const want = await expected(live, start, []);
      expect(want.length).toBe(3);
      await s.until(3);
      expect(s.lines.map((l) => l.n)).toEqual(want);
      expect(s.lines[0]!.message).toBe(Buffer.from(welcome).toString("hex"));
      const subs = await db.query(
        "SELECT 1 FROM client_subscriptions WHERE client_uri = $1 AND room_id = $2",
        [live, room],
      );
      expect(subs.length).toBe(1);
      // the same queue read by a client catching up (no stream was open): the same items, and
      // the read stops at the Welcome so that the room's next items come with the next read
      const late = "mimi://a.example/d/welcomed-late/laptop";
      await db.query("UPDATE key_packages SET client_uri = $1 WHERE ref = $2", [late, ref]);
      const first = await readInbox(db, late, start, 0, 100);
      expect(first.items.map((i) => String(i.n))).toEqual([want[0]]);
      expect(first.atEnd).toBe(false);
      const rest = await readInbox(db, late, first.last, 0, 100);
      expect(rest.items.map((i) => String(i.n))).toEqual(want.slice(1));
      expect(rest.atEnd).toBe(true);
      const later = "mimi://a.example/d/welcomed-later/laptop";
      await db.query("UPDATE key_packages SET client_uri = $1 WHERE ref = $2", [later, ref]);
      const c = collect(feed.open(later, start));
      await c.until(3);
      expect(c.lines.map((l) => l.n)).toEqual(want);
    });

    it("[PROTO-CAPI-07] a Welcome goes only to the clients it names, not to the other members of its room, live and catching up (decision 0686)", async () => {
      const room = "mimi://hub.example/r/welcome-members";
      const member = "mimi://a.example/d/member/laptop";
      const named = "mimi://a.example/d/named-member/laptop";
      await subscribe(db, member, room, 0);
      await subscribe(db, named, room, 0);
      const welcome = welcomeBytes();
      const ref = welcomeRefs(welcome)![0]!;
      await db.query("DELETE FROM key_packages WHERE ref = $1", [ref]);
      await db.query(
        `INSERT INTO key_packages (ref, client_uri, user_uri, cipher_suite, last_resort, not_after, uploaded_at, key_package)
         VALUES ($1, $2, $3, 1, false, 0, 0, $4)`,
        [ref, named, "mimi://a.example/u/named-member", new Uint8Array([0])],
      );
      const start = await end();
      const m = collect(feed.open(member, start));
      const n = collect(feed.open(named, start));
      await queue([room]);
      await queue([room], () => welcome);
      await queue([room]);
      const welcomeAt = String(start + 2n);
      const all = [String(start + 1n), welcomeAt, String(start + 3n)];
      expect(await expected(named, start, [room])).toEqual(all);
      const members = await expected(member, start, [room]);
      expect(members).toEqual([all[0], all[2]]);
      await n.until(3);
      expect(n.lines.map((l) => l.n)).toEqual(all);
      await m.until(2);
      expect(m.lines.map((l) => l.n)).toEqual(members);
      // catching up: the same
      const read = await readInbox(db, member, start, 0, 100);
      expect(read.items.map((i) => String(i.n))).toEqual(members);
      expect(read.atEnd).toBe(true);
      const readNamed = await readInbox(db, named, start, 0, 100);
      expect(readNamed.items.map((i) => String(i.n))).toEqual(all);
      // and nothing more reached the member's live stream (one more item of the room comes next)
      await queue([room]);
      await m.until(3);
      expect(m.lines.map((l) => l.n)).toEqual([...members, String(start + 4n)]);
    });

    it("[PROTO-CAPI-07] a stream whose reader falls behind leaves the feed and catches up by itself", async () => {
      const room = "mimi://hub.example/r/slow";
      const client = "mimi://a.example/d/slow/laptop";
      await subscribe(db, client, room, 0);
      const start = await end();
      const stream = feed.open(client, start);
      // take the first item, so the stream is live, then stop reading while 30 more are queued
      // (the feed holds at most 5 untaken lines per stream)
      await queue([room]);
      const firstText = await stream.next();
      for (let i = 0; i < 6; i++) await queue([room, room, room, room, room]);
      const r = collect(stream);
      const want = await expected(client, start, [room]);
      expect(want.length).toBe(31);
      await r.until(30);
      expect([JSON.parse(firstText!.trim()).n, ...r.lines.map((l) => l.n)]).toEqual(want);
      // and it is live again afterwards
      await queue([room]);
      await r.until(31);
      expect(r.lines.at(-1)!.n).toBe(String(await end()));
      stream.close();
      await r.done;
    });

    it("[PROTO-CAPI-07] items queued by another process (no signal) are found by the poll", async () => {
      const room = "mimi://hub.example/r/polled";
      const client = "mimi://a.example/d/polled/laptop";
      await subscribe(db, client, room, 0);
      const quiet = createInboxSignal();
      const polling = createInboxFeed({ db, signal: quiet, pollMs: 20, now: () => 0 });
      try {
        const start = await end();
        const r = collect(polling.open(client, start));
        await queue([room, room]); // wakes `signal`, which this feed does not listen to
        await r.until(2);
        expect(r.lines.map((l) => l.n)).toEqual(await expected(client, start, [room]));
      } finally {
        polling.close();
      }
    });

    it("a closed feed ends its streams", async () => {
      const f = createInboxFeed({ db, signal, pollMs: 60_000, now: () => 0 });
      const r = collect(f.open("mimi://a.example/d/closed/laptop", await end()));
      f.close();
      await r.done;
      expect(await f.open("mimi://a.example/d/closed/laptop", 0n).next()).toBeUndefined();
    });
  });
}

suite("PGlite", async () => ({ db: await openDatabase("memory://"), drop: async () => {} }));
if (postgresUrl !== undefined)
  suite("PostgreSQL", async () => {
    const fresh = await freshPostgresDatabase();
    return { db: await openDatabase(fresh.url), drop: fresh.drop };
  });
