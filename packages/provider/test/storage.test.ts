import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ValidationError } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Database, openDatabase } from "../src/storage/database.js";
import { inboxAfter, queueLocally, queueNotifyBody } from "../src/storage/follower-inbox.js";
import { migrate, migrations, schemaVersion } from "../src/storage/migrations.js";
import {
  acceptCommit,
  appendApplicationBatch,
  appendToEpoch,
  createRoom,
  eventsAfter,
  markNotifyReceived,
  roomState,
} from "../src/storage/room-log.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const enc = (s: string) => new TextEncoder().encode(s);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The storage suite, run once per engine. */
function storageSuite(engine: string, open: () => Promise<{ db: Database; done: () => Promise<void> }>) {
  describe(`storage on ${engine}`, () => {
    let db: Database;
    let done: () => Promise<void>;
    beforeAll(async () => {
      ({ db, done } = await open());
    });
    afterAll(async () => {
      await done();
    });

    it("applies the migrations once, and again is a no-op", async () => {
      expect(await schemaVersion(db)).toBe(0);
      expect(await migrate(db)).toEqual(migrations.map((m) => m.version));
      expect(await migrate(db)).toEqual([]);
      expect(await schemaVersion(db)).toBe(migrations.at(-1)!.version);
    });

    it("creates a room once, at epoch 0", async () => {
      expect(await createRoom(db, "mimi://a.example/r/one", 1)).toBe(true);
      expect(await createRoom(db, "mimi://a.example/r/one", 2)).toBe(false);
      expect(await roomState(db, "mimi://a.example/r/one")).toEqual({ epoch: 0n, lastSeq: 0n });
      expect(await roomState(db, "mimi://a.example/r/none")).toBeUndefined();
      await expect(createRoom(db, "", 1)).rejects.toThrow(ValidationError);
    });

    it("accepts the first commit of an epoch, answers wrongEpoch to the next, and keeps the log ordered", async () => {
      const room = "mimi://a.example/r/two";
      await createRoom(db, room, 1);
      const a = await acceptCommit(db, room, 0n, enc("c0"), 10, [{ kind: "welcome", body: enc("w0") }]);
      expect(a).toEqual({ ok: true, seqs: [1n, 2n], epoch: 1n });
      expect(await acceptCommit(db, room, 0n, enc("c0-late"), 11)).toEqual({
        ok: false,
        reason: "wrongEpoch",
        currentEpoch: 1n,
      });
      expect(await acceptCommit(db, room, 5n, enc("future"), 11)).toMatchObject({
        ok: false,
        currentEpoch: 1n,
      });
      const app = await appendToEpoch(
        db,
        room,
        1n,
        [
          { kind: "application", body: enc("m1") },
          { kind: "proposal", body: enc("p1") },
        ],
        12,
      );
      expect(app).toEqual({ ok: true, seqs: [3n, 4n], epoch: 1n });
      expect(await appendToEpoch(db, room, 0n, [{ kind: "application", body: enc("old") }], 13)).toEqual({
        ok: false,
        reason: "wrongEpoch",
        currentEpoch: 1n,
      });
      expect(await acceptCommit(db, "mimi://a.example/r/none", 0n, enc("x"), 1)).toEqual({
        ok: false,
        reason: "noSuchRoom",
      });
      expect(
        await appendToEpoch(db, "mimi://a.example/r/none", 0n, [{ kind: "application", body: enc("x") }], 1),
      ).toEqual({ ok: false, reason: "noSuchRoom" });
      const events = await eventsAfter(db, room, 0n);
      expect(
        events.map((e) => [e.seq, e.epoch, e.kind, new TextDecoder().decode(e.body), e.acceptedAt]),
      ).toEqual([
        [1n, 0n, "commit", "c0", 10n],
        [2n, 0n, "welcome", "w0", 10n],
        [3n, 1n, "application", "m1", 12n],
        [4n, 1n, "proposal", "p1", 12n],
      ]);
      expect((await eventsAfter(db, room, 2n, 1)).map((e) => e.seq)).toEqual([3n]);
      expect(await roomState(db, room)).toEqual({ epoch: 1n, lastSeq: 4n });
    });

    it("keeps arbitrary bytes intact", async () => {
      const room = "mimi://a.example/r/bytes";
      await createRoom(db, room, 1);
      const body = new Uint8Array(256).map((_, i) => i);
      await appendToEpoch(db, room, 0n, [{ kind: "application", body }], 1);
      expect((await eventsAfter(db, room, 0n))[0]!.body).toEqual(body);
    });

    it("keeps the bytes of every message of a packed batch intact, empty ones included", async () => {
      const room = "mimi://a.example/r/packed";
      await createRoom(db, room, 1);
      const bodies = [0, 1, 255, 1000, 0, 7].map((n, k) =>
        new Uint8Array(n).map((_, i) => (i * 31 + k * 7) & 0xff),
      );
      // an empty body is not a FanoutMessage, but storage must not care
      const appended = await appendApplicationBatch(
        db,
        room,
        0n,
        bodies.map((body, i) => ({ body, acceptedAt: 10 + i })),
        ["b.example"],
      );
      expect(appended.ok).toBe(true);
      expect((await eventsAfter(db, room, 0n)).map((e) => e.body)).toEqual(bodies);
      const distinct = bodies.map((b, i) => new Uint8Array([...b, i]));
      expect(
        await queueNotifyBody(
          db,
          "a.example",
          room,
          new Uint8Array(32).fill(21),
          distinct.map((encoded, i) => ({ timestamp: BigInt(i), encoded })),
          1,
        ),
      ).toBe(true);
      expect((await inboxAfter(db, room, 0n)).map((m) => m.message)).toEqual(distinct);
    });

    it("serializes concurrent commits for one epoch in one process: exactly one wins", async () => {
      const room = "mimi://a.example/r/race";
      await createRoom(db, room, 1);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => acceptCommit(db, room, 0n, enc(`c${i}`), 1)),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === "wrongEpoch")).toHaveLength(7);
      expect(await roomState(db, room)).toEqual({ epoch: 1n, lastSeq: 1n });
    });

    it("records a /notify body hash once per peer", async () => {
      const h = new Uint8Array(32).fill(3);
      expect(await markNotifyReceived(db, "a.example", h, 1)).toBe(true);
      expect(await markNotifyReceived(db, "a.example", h, 2)).toBe(false);
      expect(await markNotifyReceived(db, "c.example", h, 2)).toBe(true);
    });

    it("PROTO-NOTIFY-04 queues a /notify body once, and a message once whatever body it arrives in", async () => {
      const room = "mimi://a.example/r/notify-once";
      const msgs = (...t: string[]) => t.map((x, i) => ({ timestamp: BigInt(i + 1), encoded: enc(x) }));
      const h1 = new Uint8Array(32).fill(11);
      const h2 = new Uint8Array(32).fill(12);
      expect(await queueNotifyBody(db, "a.example", room, h1, msgs("m1", "m2"), 1)).toBe(true);
      expect(await queueNotifyBody(db, "a.example", room, h1, msgs("m1", "m2"), 2)).toBe(false);
      // a regrouped resend: m2 again with m3 in a new body
      expect(await queueNotifyBody(db, "a.example", room, h2, msgs("m2", "m3"), 3)).toBe(true);
      const queued = await inboxAfter(db, room, 0n);
      expect(queued.map((m) => new TextDecoder().decode(m.message))).toEqual(["m1", "m2", "m3"]);
    });

    it("queues a hub's own events only while its cursor is where the caller read it", async () => {
      const room = "mimi://a.example/r/own-queue";
      await createRoom(db, room, 1);
      const ev = (x: string) => [{ acceptedAt: 1n, body: enc(x) }];
      expect(await queueLocally(db, "a.example", room, ev("e1"), 1, { from: 0n, to: 1n })).toBe(true);
      // a second writer that read the cursor at 0 lost the race: nothing is queued
      expect(await queueLocally(db, "a.example", room, ev("e1-again"), 1, { from: 0n, to: 1n })).toBe(false);
      expect(await queueLocally(db, "a.example", room, ev("e2"), 1, { from: 1n, to: 2n })).toBe(true);
      const queued = await inboxAfter(db, room, 0n);
      expect(queued.map((m) => new TextDecoder().decode(m.message))).toEqual(["e1", "e2"]);
    });
  });
}

storageSuite("PGlite (memory://)", async () => {
  const db = await openDatabase("memory://");
  return { db, done: () => db.close() };
});

describe.skipIf(postgresUrl === undefined)("follower inbox on PostgreSQL", () => {
  it("PROTO-CAPI-10 makes queue positions visible in order: a second writer waits for the first to commit", async () => {
    const fresh = await freshPostgresDatabase();
    const db = await openDatabase(fresh.url, { poolSize: 4 });
    let release: (() => void) | undefined;
    try {
      await migrate(db);
      const room = "mimi://a.example/r/order";
      const held = new Promise<void>((r) => {
        release = r;
      });
      let firstInserted!: () => void;
      const inserted = new Promise<void>((r) => {
        firstInserted = r;
      });
      await createRoom(db, room, 0);
      const first = db.transaction(async (tx) => {
        const moved = await queueLocally(tx, "a.example", room, [{ acceptedAt: 1n, body: enc("first") }], 1, {
          from: 0n,
          to: 1n,
        });
        expect(moved).toBe(true);
        firstInserted();
        await held;
      });
      await inserted;
      let secondDone = false;
      const second = queueNotifyBody(
        db,
        "a.example",
        room,
        new Uint8Array(32).fill(9),
        [{ timestamp: 2n, encoded: enc("second") }],
        2,
      ).then(() => {
        secondDone = true;
      });
      // While the first transaction is open, nothing after it may become visible.
      await new Promise((r) => setTimeout(r, 300));
      expect(secondDone).toBe(false);
      expect(await inboxAfter(db, room, 0n)).toEqual([]);
      release?.();
      await Promise.all([first, second]);
      const queued = await inboxAfter(db, room, 0n);
      expect(queued.map((m) => new TextDecoder().decode(m.message))).toEqual(["first", "second"]);
      expect(queued[0]!.id < queued[1]!.id).toBe(true);
    } finally {
      release?.();
      await db.close();
      await fresh.drop();
    }
  });
});

if (postgresUrl !== undefined) {
  storageSuite("PostgreSQL", async () => {
    const fresh = await freshPostgresDatabase();
    const db = await openDatabase(fresh.url);
    return {
      db,
      done: async () => {
        await db.close();
        await fresh.drop();
      },
    };
  });

  describe("per-room ordering across processes (PostgreSQL)", () => {
    it("two server processes racing on every epoch: each epoch is committed exactly once, in order", async () => {
      const fresh = await freshPostgresDatabase();
      const db = await openDatabase(fresh.url);
      try {
        await migrate(db);
        const room = "mimi://a.example/r/shared";
        await createRoom(db, room, 1);
        const epochs = 40;
        const tsx = join(root, "node_modules", ".bin", "tsx");
        const worker = fileURLToPath(new URL("./support/race-worker.ts", import.meta.url));
        const run = (id: string) =>
          promisify(execFile)(
            tsx,
            ["--conditions=@mimi/source", worker, fresh.url, room, String(epochs), id],
            {
              cwd: root,
            },
          );
        const outs = await Promise.all([run("p1"), run("p2")]);
        const results = outs.map((o) => JSON.parse(o.stdout) as { won: string[]; appended: string[] });
        const won = results.flatMap((r) => r.won).map(Number);
        expect(won.sort((a, b) => a - b)).toEqual(Array.from({ length: epochs }, (_, i) => i));
        const events = await eventsAfter(db, room, 0n, 10_000);
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => BigInt(i + 1)));
        const commits = events.filter((e) => e.kind === "commit");
        expect(commits.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, i) => BigInt(i)));
        // Every event of epoch e comes after the commit that entered e and before the one ending it.
        let epoch = 0n;
        for (const e of events) {
          expect(e.epoch).toBe(epoch);
          if (e.kind === "commit") epoch += 1n;
        }
        const apps = events.filter((e) => e.kind === "application").length;
        expect(apps).toBe(results.reduce((n, r) => n + r.appended.length, 0));
        expect(await roomState(db, room)).toEqual({ epoch: BigInt(epochs), lastSeq: BigInt(events.length) });
      } finally {
        await db.close();
        await fresh.drop();
      }
    });
  });
} else {
  describe("storage on PostgreSQL", () => {
    it("has a PostgreSQL server (the test run starts one, see packages/testkit/src/postgres-setup.ts)", () => {
      expect.fail(
        process.env["MIMI_TEST_POSTGRES_ERROR"] ??
          "MIMI_TEST_POSTGRES_URL is not set: the PostgreSQL storage suite cannot run",
      );
    });
  });
}

describe("memory:// databases", () => {
  it("each starts empty and on its own, also when it comes from the process's copy of an empty data directory", async () => {
    const a = await openDatabase("memory://");
    const b = await openDatabase("memory://");
    try {
      await migrate(a);
      await a.query("CREATE TABLE only_in_a (x int)");
      expect(await schemaVersion(a)).toBe(Math.max(...migrations.map((m) => m.version)));
      expect(await schemaVersion(b)).toBe(0);
      expect(await b.query("SELECT to_regclass('only_in_a') AS t")).toEqual([{ t: null }]);
      const c = await openDatabase("memory://");
      try {
        expect(await schemaVersion(c)).toBe(0);
        expect(await c.query("SHOW shared_buffers")).toEqual([{ shared_buffers: "16MB" }]);
      } finally {
        await c.close();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe.skipIf(postgresUrl === undefined)("PostgreSQL connections", () => {
  it("an idle connection the server ends is reported to onError, and the pool goes on", async () => {
    const fresh = await freshPostgresDatabase();
    const errors: Error[] = [];
    const db = await openDatabase(fresh.url, { poolSize: 1, onError: (e) => errors.push(e) });
    const admin = await openDatabase(fresh.url, { poolSize: 1 });
    try {
      await db.query("SELECT 1"); // one idle connection in the pool now
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      );
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: 5_000 });
      expect(errors[0]).toBeInstanceOf(Error);
      expect(await db.query("SELECT 2 AS n")).toEqual([{ n: 2 }]);
    } finally {
      await db.close();
      await admin.close();
      await fresh.drop();
    }
  });
});
