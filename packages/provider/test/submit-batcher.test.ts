import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeSubmitBatcher } from "../src/hub/submit-batcher.js";
import { HttpRejection } from "../src/server/http-error.js";
import { type Database, openDatabase, type SqlExecutor } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrations.js";
import { acceptCommit, createRoom, eventsAfter, roomState } from "../src/storage/room-log.js";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

let db: Database;
beforeAll(async () => {
  db = await openDatabase("memory://");
  await migrate(db);
});
afterAll(async () => {
  await db.close();
});

/**
 * The database with `before` called ahead of every statement, inside transactions too (the
 * batch's write is a transaction, decision 0678); `before` may throw to fail the statement.
 */
function intercepting(inner: Database, before: (text: string) => void): Database {
  const run = (ex: SqlExecutor): SqlExecutor["query"] =>
    ((text: string, params?: readonly unknown[]) => {
      try {
        before(text);
      } catch (e) {
        return Promise.reject(e);
      }
      return ex.query(text, params);
    }) as SqlExecutor["query"];
  return {
    ...inner,
    query: run(inner),
    transaction: (fn) => inner.transaction((tx) => fn({ query: run(tx) })),
  } as Database;
}

/** The database, counting the statements that write room events. */
function counting(inner: Database): { db: Database; writes: () => number } {
  let writes = 0;
  const db = intercepting(inner, (text) => {
    if (text.includes("INSERT INTO room_events")) writes++;
  });
  return { db, writes: () => writes };
}

describe("the hub's group commit of application messages", () => {
  it("PROTO-SUBMIT-05 writes the messages queued during a flush in one statement, in arrival order, with their targets", async () => {
    const room = "mimi://a.example/r/batch1";
    await createRoom(db, room, 1);
    const c = counting(db);
    const written: string[] = [];
    const b = makeSubmitBatcher({ db: c.db, written: (r) => written.push(r), lingerMs: 5 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        b.submit(room, 0n, { body: enc(`m${i}`), acceptedAt: 1000 + i }, ["b.example", "c.example"]),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => (r.ok ? r.seq : -1n))).toEqual(
      Array.from({ length: 30 }, (_, i) => BigInt(i + 1)),
    );
    expect(c.writes()).toBe(1);
    expect(written).toEqual([room]);
    const events = await eventsAfter(db, room, 0n);
    expect(events.map((e) => dec(e.body))).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
    expect(events.map((e) => e.acceptedAt)).toEqual(Array.from({ length: 30 }, (_, i) => BigInt(1000 + i)));
    const targets = await db.query<{ n: unknown }>(
      "SELECT count(*) AS n FROM hub_event_targets WHERE room_id = $1 AND domains = ARRAY['b.example','c.example']",
      [room],
    );
    expect(Number(targets[0]!.n)).toBe(30);
    expect(b.queued()).toBe(0);
  });

  it("PROTO-SUBMIT-05 PROTO-SUBMIT-02 answers wrongEpoch for messages checked against an epoch the room has left, and writes the rest", async () => {
    const room = "mimi://a.example/r/batch2";
    await createRoom(db, room, 1);
    await acceptCommit(db, room, 0n, enc("commit"), 2);
    const b = makeSubmitBatcher({ db, written: () => {}, lingerMs: 5 });
    const [stale, fresh] = await Promise.all([
      b.submit(room, 0n, { body: enc("old"), acceptedAt: 3 }, ["b.example"]),
      b.submit(room, 1n, { body: enc("new"), acceptedAt: 4 }, ["b.example"]),
    ]);
    expect(stale).toEqual({ ok: false, reason: "wrongEpoch", currentEpoch: 1n });
    expect(fresh).toEqual({ ok: true, seq: 2n });
    expect((await eventsAfter(db, room, 0n)).map((e) => dec(e.body))).toEqual(["commit", "new"]);
  });

  it("PROTO-SUBMIT-05 acknowledges nothing of a batch whose write fails, and goes on with the next batch", async () => {
    const room = "mimi://a.example/r/batch3";
    await createRoom(db, room, 1);
    let fail = true;
    const flaky = intercepting(db, (text) => {
      if (fail && text.includes("INSERT INTO room_events")) {
        fail = false;
        throw new Error("disk full");
      }
    });
    const b = makeSubmitBatcher({ db: flaky, written: () => {}, lingerMs: 5 });
    const first = await Promise.allSettled(
      [0, 1, 2].map((i) => b.submit(room, 0n, { body: enc(`x${i}`), acceptedAt: i }, [])),
    );
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(await eventsAfter(db, room, 0n)).toEqual([]);
    expect((await roomState(db, room))!.lastSeq).toBe(0n);
    const again = await b.submit(room, 0n, { body: enc("y"), acceptedAt: 9 }, []);
    expect(again).toEqual({ ok: true, seq: 1n });
  });

  it("refuses with 429 and Retry-After when a room's queue is full", async () => {
    const room = "mimi://a.example/r/batch4";
    await createRoom(db, room, 1);
    const b = makeSubmitBatcher({ db, written: () => {}, lingerMs: 20, maxQueued: 3 });
    const accepted = [0, 1, 2].map((i) => b.submit(room, 0n, { body: enc(`q${i}`), acceptedAt: i }, []));
    const refused = b.submit(room, 0n, { body: enc("q3"), acceptedAt: 3 }, []);
    await expect(refused).rejects.toBeInstanceOf(HttpRejection);
    await expect(refused).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    expect((await Promise.all(accepted)).every((r) => r.ok)).toBe(true);
  });

  it("answers noSuchRoom for a room without a log", async () => {
    const b = makeSubmitBatcher({ db, written: () => {}, lingerMs: 0 });
    expect(await b.submit("mimi://a.example/r/none", 0n, { body: enc("z"), acceptedAt: 0 }, [])).toEqual({
      ok: false,
      reason: "noSuchRoom",
    });
  });
});
