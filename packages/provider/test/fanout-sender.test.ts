import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { decodeFanoutMessage, encodeFanoutMessage } from "@mimi/protocol";
import { type MlsFixtures, mlsFixtures } from "@mimi/protocol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFederationClient, PeerUnavailable } from "../src/federation/client.js";
import { startHubFanout } from "../src/hub/fanout.js";
import type { Hub, HubListener } from "../src/hub/hub.js";
import { RecentEvents } from "../src/hub/recent-events.js";
import {
  type FanoutSender,
  type FanoutSenderOptions,
  makeFanoutSender,
} from "../src/server/fanout-sender.js";
import { implementedEndpoints } from "../src/server/index.js";
import { type ProviderServer, startProviderServer } from "../src/server/server.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { inboxAfter } from "../src/storage/follower-inbox.js";
import { migrate } from "../src/storage/migrations.js";
import { acceptCommit, appendToEpoch, createRoom } from "../src/storage/room-log.js";
import { makePki } from "./support/pki.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const pki = makePki("fanout-ca", ["a.example", "b.example", "c.example", "d.example", "e.example"]);
const room = "mimi://a.example/r/fan";
let fx: MlsFixtures;
const dbs: { db: Database; drop: () => Promise<void> }[] = [];
let hubDb: Database;
let followerDb: Database;
let follower: ProviderServer;

async function newDb(): Promise<Database> {
  if (postgresUrl !== undefined) {
    const fresh = await freshPostgresDatabase();
    const db = await openDatabase(fresh.url);
    dbs.push({ db, drop: fresh.drop });
    await migrate(db);
    return db;
  }
  const db = await openDatabase("memory://");
  dbs.push({ db, drop: async () => {} });
  await migrate(db);
  return db;
}

beforeAll(async () => {
  fx = await mlsFixtures();
  hubDb = await newDb();
  followerDb = await newDb();
  follower = await startProviderServer({
    domain: "b.example",
    key: pki.providers["b.example"]!.key,
    cert: pki.providers["b.example"]!.cert,
    ca: pki.caCert,
    db: followerDb,
    endpoints: implementedEndpoints,
    log: () => {},
  });
  await createRoom(hubDb, room, 1);
  const app = (i: number) => ({
    kind: "application" as const,
    body: encodeFanoutMessage({ timestamp: BigInt(100 + i), message: fx.privateMessages[0]! }),
  });
  await appendToEpoch(hubDb, room, 0n, [app(0), app(1), app(2)], 1);
  await acceptCommit(
    hubDb,
    room,
    0n,
    encodeFanoutMessage({ timestamp: 200n, message: fx.commits[0]!, externalProposals: [] }),
    2,
  );
  await appendToEpoch(hubDb, room, 1n, [app(3)], 3);
});

afterAll(async () => {
  await follower?.close(500);
  for (const { db, drop } of dbs) {
    await db.close();
    await drop();
  }
});

/** a.example's client of its peers, reaching every peer through `resolve`. */
const clientOf = (resolve: (domain: string) => { host: string; port: number }) =>
  createFederationClient({
    domain: "a.example",
    key: pki.providers["a.example"]!.key,
    cert: pki.providers["a.example"]!.cert,
    ca: pki.caCert,
    peers: resolve,
  });

/** A sender of a.example over a client of its own, which `close` closes too. */
function testSender(
  options: Partial<Omit<FanoutSenderOptions, "client">> & {
    readonly resolve: (domain: string) => { host: string; port: number };
  },
): FanoutSender {
  const { resolve, ...rest } = options;
  const client = clientOf(resolve);
  const sender = makeFanoutSender({ db: hubDb, domain: "a.example", ...rest, client });
  return {
    ...sender,
    close: () => {
      sender.close();
      client.close();
    },
  };
}

/**
 * A follower stand-in for `domain` (mutual TLS) serving a directory and answering each other
 * request body with `answer`.
 */
async function standInFollower(
  domain: string,
  answer: (body: Buffer) => { status: number; headers?: Record<string, string> },
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer(
    {
      key: pki.providers[domain]!.key,
      cert: pki.providers[domain]!.cert,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        // its §5.1 directory, which the hub's federation client reads first (decision 0676)
        if (req.url === "/.well-known/mimi-protocol-directory") {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ notify: "/v1/notify/{roomId}" }));
          return;
        }
        const a = answer(Buffer.concat(chunks));
        res.writeHead(a.status, a.headers ?? {}).end();
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** `db` with `hook` run before each query; the hook may delay or fail the query. */
function withQueryHook(
  db: Database,
  hook: (sql: string, params?: unknown[]) => void | Promise<void>,
): Database {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "query")
        return async (sql: string, params?: unknown[]) => {
          await hook(sql, params);
          return target.query(sql, params);
        };
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe("hub /notify sender (§5.5)", () => {
  it("delivers the room log in order, in batches, and advances the durable cursor only on 201", async () => {
    const sender = testSender({
      maxBatch: 2,
      resolve: () => ({ host: "127.0.0.1", port: follower.port }),
    });
    try {
      expect(await sender.deliverAll(room, "b.example")).toBe(5);
      expect(await sender.cursor(room, "b.example")).toBe(5n);
      expect(await sender.deliverOnce(room, "b.example")).toBe(0);
      const inbox = await inboxAfter(followerDb, room, 0n);
      expect(inbox.map((m) => m.timestamp)).toEqual([100n, 101n, 102n, 200n, 103n]);
      expect(decodeFanoutMessage(inbox[3]!.message)).toMatchObject({ externalProposals: [] });
      expect(await follower.metrics.render()).toMatch(
        /mimi_http_requests_total\{route="notify",method="POST",status="201"\} 3/,
      );
    } finally {
      sender.close();
    }
  });

  it("tells when it queued events for our own clients (their inbox streams are woken then, not when every follower has them)", async () => {
    const queued: string[] = [];
    const sender = testSender({
      onQueuedLocally: (roomId) => queued.push(roomId),
      resolve: () => ({ host: "127.0.0.1", port: follower.port }),
    });
    try {
      // the follower already has them (the test above): a delivery to a follower never tells
      await sender.deliverAll(room, "b.example");
      expect(queued).toEqual([]);
      expect(await sender.deliverAll(room, "a.example")).toBe(5);
      expect(queued).toEqual([room]);
      expect(await inboxAfter(hubDb, room, 0n)).toHaveLength(5);
      expect(await sender.deliverAll(room, "a.example")).toBe(0);
      expect(queued).toEqual([room]);
    } finally {
      sender.close();
    }
  });

  it("PROTO-NOTIFY-03 retries a refusal, reporting Retry-After, and never advances the cursor for it", async () => {
    let calls = 0;
    const bodies: Buffer[] = [];
    const flaky = await standInFollower("c.example", (body) => {
      calls++;
      if (calls === 1) return { status: 503, headers: { "retry-after": "0" } };
      bodies.push(body);
      return { status: 201 };
    });
    const port = flaky.port;
    const sender = testSender({ resolve: () => ({ host: "127.0.0.1", port }) });
    try {
      const refused = await sender.deliverOnce(room, "c.example").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PeerUnavailable);
      expect((refused as PeerUnavailable).status).toBe(503);
      expect((refused as PeerUnavailable).retryAfterMs).toBe(0);
      expect(await sender.cursor(room, "c.example")).toBe(0n);
      calls = 0;
      expect(await sender.deliverAll(room, "c.example", { baseDelayMs: 1 })).toBe(5);
      expect(calls).toBe(2);
      expect(bodies).toHaveLength(1);
      expect(await sender.cursor(room, "c.example")).toBe(5n);
    } finally {
      sender.close();
      await flaky.close();
    }
  });

  it("caps a /notify body at maxBatchBytes (a larger message goes alone) and has the durable cursor written when deliverAll returns", async () => {
    const bodies: Buffer[] = [];
    const capture = await standInFollower("d.example", (body) => {
      bodies.push(body);
      return { status: 201 };
    });
    const port = capture.port;
    const one = encodeFanoutMessage({ timestamp: 100n, message: fx.privateMessages[0]! }).length;
    const sender = testSender({
      maxBatchBytes: one + 1,
      resolve: () => ({ host: "127.0.0.1", port }),
    });
    try {
      expect(await sender.deliverAll(room, "d.example")).toBe(5);
      expect(await sender.cursor(room, "d.example")).toBe(5n);
      // one application message fits, two do not; the commit, larger than the cap, goes alone
      const commit = encodeFanoutMessage({ timestamp: 200n, message: fx.commits[0]!, externalProposals: [] });
      expect(commit.length).toBeGreaterThan(one + 1);
      expect(bodies.map((b) => b.length)).toEqual([one, one, one, commit.length, one]);
      expect(Buffer.compare(bodies[3]!, Buffer.from(commit))).toBe(0);
    } finally {
      sender.close();
      await capture.close();
    }
  });

  it("retries a failed durable cursor write before deliverAll returns", async () => {
    let failures = 1;
    const flakyDb = withQueryHook(hubDb, (sql) => {
      if (sql.includes("INSERT INTO fanout_cursor") && failures > 0) {
        failures--;
        throw new Error("connection lost");
      }
    });
    const follower2 = await standInFollower("e.example", () => ({ status: 201 }));
    const sender = testSender({
      db: flakyDb,
      resolve: () => ({ host: "127.0.0.1", port: follower2.port }),
    });
    try {
      expect(await sender.deliverAll(room, "e.example")).toBe(5);
      expect(failures).toBe(0);
      expect(await sender.cursor(room, "e.example")).toBe(5n);
    } finally {
      sender.close();
      await follower2.close();
    }
  });

  it("writes the durable cursor at most once per interval while deliveries go on, and at once when flushed", async () => {
    const throttleRoom = "mimi://a.example/r/throttle";
    await createRoom(hubDb, throttleRoom, 1);
    await appendToEpoch(
      hubDb,
      throttleRoom,
      0n,
      [0, 1, 2, 3, 4].map((i) => ({
        kind: "application" as const,
        body: encodeFanoutMessage({ timestamp: BigInt(700 + i), message: fx.privateMessages[0]! }),
      })),
      1,
    );
    const written: string[] = [];
    const countingDb = withQueryHook(hubDb, (sql, params) => {
      if (sql.includes("INSERT INTO fanout_cursor")) written.push(String(params?.[2]));
    });
    const follower2 = await standInFollower("e.example", () => ({ status: 201 }));
    const sender = testSender({
      db: countingDb,
      maxBatch: 1,
      cursorWriteIntervalMs: 60_000,
      resolve: () => ({ host: "127.0.0.1", port: follower2.port }),
    });
    try {
      expect(await sender.deliverAll(throttleRoom, "e.example", { flush: false })).toBe(5);
      await new Promise((r) => setTimeout(r, 50));
      // five rounds, one write: the first position; the rest waits for the interval
      expect(written).toEqual(["1"]);
      expect(await sender.cursor(throttleRoom, "e.example")).toBe(1n);
      await sender.flushCursor(throttleRoom, "e.example");
      expect(written).toEqual(["1", "5"]);
      expect(await sender.cursor(throttleRoom, "e.example")).toBe(5n);
    } finally {
      sender.close();
      await follower2.close();
    }
  });

  it("gives up after maxAttempts consecutive failures", async () => {
    const sender = testSender({ resolve: () => ({ host: "127.0.0.1", port: 1 }) });
    try {
      await expect(
        sender.deliverAll(room, "unreachable.example", { maxAttempts: 2, baseDelayMs: 1 }),
      ).rejects.toThrow(PeerUnavailable);
    } finally {
      sender.close();
    }
  });
});

describe("hub fanout loop (§5.5)", () => {
  it("delivers what is accepted while a run writes its durable cursor: no kick is lost", async () => {
    const loopRoom = "mimi://a.example/r/loop";
    await createRoom(hubDb, loopRoom, 1);
    const app = (i: number) => ({
      kind: "application" as const,
      body: encodeFanoutMessage({ timestamp: BigInt(500 + i), message: fx.privateMessages[0]! }),
    });
    await appendToEpoch(hubDb, loopRoom, 0n, [app(0)], 1);
    let listener: HubListener | undefined;
    // The run's first cursor write: the hub accepts one more message and kicks meanwhile.
    let acceptDuringWrite = true;
    const db = withQueryHook(hubDb, async (sql) => {
      if (sql.includes("INSERT INTO fanout_cursor") && acceptDuringWrite) {
        acceptDuringWrite = false;
        await appendToEpoch(hubDb, loopRoom, 0n, [app(1)], 2);
        listener?.(loopRoom, ["b.example"]);
      }
    });
    const hub = {
      db,
      domain: "a.example",
      log: () => {},
      rooms: async () => [loopRoom],
      roomPeers: async () => ["b.example"],
      recent: new RecentEvents(),
      onAccepted(l: HubListener) {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
    } as unknown as Hub;
    const client = clientOf(() => ({ host: "127.0.0.1", port: follower.port }));
    const fanout = startHubFanout(hub, { sender: { client } });
    try {
      const until = Date.now() + 10_000;
      while ((await inboxAfter(followerDb, loopRoom, 0n)).length < 2 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      await fanout.idle();
      expect(acceptDuringWrite).toBe(false);
      expect((await inboxAfter(followerDb, loopRoom, 0n)).length).toBe(2);
      expect(await fanout.sender.cursor(loopRoom, "b.example")).toBe(2n);
    } finally {
      await fanout.stop();
      client.close();
    }
  });
});
