import { fc } from "@fast-check/vitest";
import { emptyAppDataDictionary } from "@mimi/mls-profile";
import { directoryNames, encodeConsentEntry, encodeFanoutMessages, type FanoutMessage } from "@mimi/protocol";
import { type MlsFixtures, mlsFixtures } from "@mimi/protocol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { implementedEndpoints } from "../src/server/index.js";
import type { LogRecord } from "../src/server/log.js";
import { type ProviderServer, startProviderServer } from "../src/server/server.js";
import { getConsent } from "../src/storage/consent-store.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { inboxAfter } from "../src/storage/follower-inbox.js";
import { migrate } from "../src/storage/migrations.js";
import { makeClient, type TestClient } from "./support/https-client.js";
import { makePki } from "./support/pki.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const pki = makePki("mimi-test-ca", ["a.example", "b.example", "c.example"]);
const rogue = makePki("rogue-ca", ["a.example"]);
const enc = (s: string) => new TextEncoder().encode(s);

let fx: MlsFixtures;
let db: Database;
let dropDb: () => Promise<void> = async () => {};
let server: ProviderServer;
let fromA: TestClient;
let fromC: TestClient;
const logs: LogRecord[] = [];

beforeAll(async () => {
  fx = await mlsFixtures();
  if (postgresUrl !== undefined) {
    const fresh = await freshPostgresDatabase();
    db = await openDatabase(fresh.url);
    dropDb = fresh.drop;
  } else {
    db = await openDatabase("memory://");
  }
  await migrate(db);
  server = await startProviderServer({
    domain: "b.example",
    key: pki.providers["b.example"]!.key,
    cert: pki.providers["b.example"]!.cert,
    ca: pki.caCert,
    db,
    endpoints: implementedEndpoints,
    maxBodyBytes: 64 * 1024,
    log: (r) => logs.push(r),
  });
  fromA = makeClient(server.port, "b.example", { ...pki.providers["a.example"]!, ca: pki.caCert });
  fromC = makeClient(server.port, "b.example", { ...pki.providers["c.example"]!, ca: pki.caCert });
});

afterAll(async () => {
  fromA?.close();
  fromC?.close();
  await server?.close(1000);
  await db?.close();
  await dropDb();
});

const headers = (from: string, host = "b.example") => ({ host, from: `mimi@${from}` });
const room = "mimi://a.example/r/clubhouse";
const notifyPath = `/v1/notify/${encodeURIComponent(room)}`;

function fanout(n: number, from = 1000): Uint8Array {
  const ms: FanoutMessage[] = Array.from({ length: n }, (_, i) => ({
    timestamp: BigInt(from + i),
    message: fx.privateMessages[0]!,
  }));
  return encodeFanoutMessages(ms);
}

function fanoutAt(timestamps: readonly bigint[]): Uint8Array {
  return encodeFanoutMessages(
    timestamps.map((timestamp) => ({ timestamp, message: fx.privateMessages[0]! })),
  );
}

function jsonOf(body: Buffer): Record<string, unknown> {
  return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
}

describe("§4.1 transport checks", () => {
  it("serves the directory as valid JSON listing exactly the routed endpoints", async () => {
    const r = await fromA.send({
      method: "GET",
      path: "/.well-known/mimi-protocol-directory",
      headers: headers("a.example"),
    });
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("application/json");
    const dir = jsonOf(r.body);
    expect(dir).toEqual({
      notify: `https://b.example:${server.port}/v1/notify/{roomId}`,
      requestConsent: `https://b.example:${server.port}/v1/requestConsent/{targetDomain}`,
      updateConsent: `https://b.example:${server.port}/v1/updateConsent/{requesterDomain}`,
    });
    const post = await fromA.send({
      method: "POST",
      path: "/.well-known/mimi-protocol-directory",
      headers: headers("a.example"),
      body: enc("x"),
    });
    expect(post.status).toBe(405);
  });

  it("PROTO-HOST-01 refuses a Host that is not this provider, ignoring the port", async () => {
    const ok = await fromA.send({
      method: "GET",
      path: "/.well-known/mimi-protocol-directory",
      headers: headers("a.example", `b.example:${server.port}`),
    });
    expect(ok.status).toBe(200);
    const r = await fromA.send({
      method: "GET",
      path: "/.well-known/mimi-protocol-directory",
      headers: headers("a.example", "c.example"),
    });
    expect(r.status).toBe(421);
    expect(jsonOf(r.body)).toMatchObject({ error: "HttpRejection", rule: "PROTO-HOST-01" });
  });

  it("PROTO-FROM-01 refuses a missing or malformed From", async () => {
    for (const from of [undefined, "a.example", "alice@a.example", "mimi@", "mimi@a..example"]) {
      const r = await fromA.send({
        method: "GET",
        path: "/.well-known/mimi-protocol-directory",
        headers: from === undefined ? { host: "b.example" } : { host: "b.example", from },
      });
      expect(r.status, String(from)).toBe(400);
      expect(jsonOf(r.body)).toMatchObject({ rule: "PROTO-FROM-01" });
    }
  });

  it("PROTO-TLS-02 refuses a From domain the client certificate does not authenticate", async () => {
    const r = await fromA.send({
      method: "GET",
      path: "/.well-known/mimi-protocol-directory",
      headers: headers("c.example"),
    });
    expect(r.status).toBe(403);
    expect(jsonOf(r.body)).toMatchObject({ rule: "PROTO-TLS-02" });
  });

  it("PROTO-TLS-01 refuses a connection without a client certificate or with an untrusted one", async () => {
    const anon = makeClient(server.port, "b.example", { ca: pki.caCert });
    await expect(
      anon.send({
        method: "GET",
        path: "/.well-known/mimi-protocol-directory",
        headers: headers("a.example"),
      }),
    ).rejects.toThrow();
    anon.close();
    const untrusted = makeClient(server.port, "b.example", {
      ...rogue.providers["a.example"]!,
      ca: pki.caCert,
    });
    await expect(
      untrusted.send({
        method: "GET",
        path: "/.well-known/mimi-protocol-directory",
        headers: headers("a.example"),
      }),
    ).rejects.toThrow();
    untrusted.close();
  });

  it("answers 404 for endpoints that are not implemented and 405 for a wrong method", async () => {
    for (const name of directoryNames.filter(
      (n) => !["notify", "requestConsent", "updateConsent"].includes(n),
    )) {
      const r = await fromA.send({
        method: "POST",
        path: `/v1/${name}/x`,
        headers: headers("a.example"),
        body: enc("x"),
      });
      expect(r.status, name).toBe(404);
    }
    const r = await fromA.send({ method: "GET", path: notifyPath, headers: headers("a.example") });
    expect(r.status).toBe(405);
  });

  it("PROTO-HTTP-01 refuses bodies over the limit with 413", async () => {
    const big = new Uint8Array(64 * 1024 + 1);
    const r = await fromA.send({
      method: "POST",
      path: notifyPath,
      headers: headers("a.example"),
      body: big,
    });
    expect(r.status).toBe(413);
    expect(jsonOf(r.body)).toMatchObject({ rule: "PROTO-HTTP-01" });
  });
});

describe("/notify (follower, §5.5)", () => {
  it("queues the FanoutMessages of the room's hub and answers 201", async () => {
    const before = (await inboxAfter(db, room, 0n)).length;
    const r = await fromA.send({
      method: "POST",
      path: notifyPath,
      headers: headers("a.example"),
      body: fanout(3),
    });
    expect(r.status).toBe(201);
    const inbox = await inboxAfter(db, room, 0n);
    expect(inbox.length - before).toBe(3);
    expect(inbox.slice(-3).map((m) => m.timestamp)).toEqual([1000n, 1001n, 1002n]);
    expect(inbox.at(-1)!.hubDomain).toBe("a.example");
  });

  it("PROTO-NOTIFY-02 answers 201 to a byte-identical duplicate and queues it once", async () => {
    const body = fanout(2);
    const first = await fromA.send({ method: "POST", path: notifyPath, headers: headers("a.example"), body });
    const n = (await inboxAfter(db, room, 0n)).length;
    const again = await fromA.send({ method: "POST", path: notifyPath, headers: headers("a.example"), body });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect((await inboxAfter(db, room, 0n)).length).toBe(n);
  });

  it("PROTO-NOTIFY-04 queues each message once when a retry regroups messages into a different body", async () => {
    // A hub that crashed after this follower accepted [m0, m1] resends from its last recorded
    // cursor, grouped differently: [m0, m1, m2, m3]. Only m2 and m3 are new.
    const before = (await inboxAfter(db, room, 0n)).length;
    const first = await fromA.send({
      method: "POST",
      path: notifyPath,
      headers: headers("a.example"),
      body: fanout(2, 5000),
    });
    const regrouped = await fromA.send({
      method: "POST",
      path: notifyPath,
      headers: headers("a.example"),
      body: fanout(4, 5000),
    });
    expect([first.status, regrouped.status]).toEqual([201, 201]);
    const inbox = await inboxAfter(db, room, 0n);
    expect(inbox.length - before).toBe(4);
    expect(inbox.slice(-4).map((m) => m.timestamp)).toEqual([5000n, 5001n, 5002n, 5003n]);
  });

  it("refuses a timestamp of 2^63 ms or later with a 400 naming it, and queues nothing of the body", async () => {
    const before = (await inboxAfter(db, room, 0n)).length;
    const r = await fromA.send({
      method: "POST",
      path: notifyPath,
      headers: headers("a.example"),
      body: fanoutAt([7000n, 1n << 63n]),
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body.toString())).toMatchObject({ error: "ValidationError", path: "/1/timestamp" });
    expect((await inboxAfter(db, room, 0n)).length).toBe(before);
    // the largest time that is one is queued
    const ok = await fromA.send({
      method: "POST",
      path: notifyPath,
      headers: headers("a.example"),
      body: fanoutAt([(1n << 63n) - 1n]),
    });
    expect(ok.status).toBe(201);
  });

  it("PROTO-NOTIFY-01 refuses fanout from a provider that is not the room's hub", async () => {
    const r = await fromC.send({
      method: "POST",
      path: notifyPath,
      headers: headers("c.example"),
      body: fanout(1),
    });
    expect(r.status).toBe(403);
    expect(jsonOf(r.body)).toMatchObject({ rule: "PROTO-NOTIFY-01" });
  });

  it("answers 400 with the codec error for a malformed body or room ID", async () => {
    const r = await fromA.send({
      method: "POST",
      path: notifyPath,
      headers: headers("a.example"),
      body: enc("garbage"),
    });
    expect(r.status).toBe(400);
    expect(jsonOf(r.body)).toMatchObject({ error: "CodecError" });
    const bad = await fromA.send({
      method: "POST",
      path: "/v1/notify/not-a-uri",
      headers: headers("a.example"),
      body: fanout(1),
    });
    expect(bad.status).toBe(400);
    const pct = await fromA.send({
      method: "POST",
      path: "/v1/notify/%E0%A4%A",
      headers: headers("a.example"),
      body: fanout(1),
    });
    expect(pct.status).toBe(400);
  });
});

describe("consent (§5.7)", () => {
  const entry = (
    op: "request" | "cancel" | "grant" | "revoke",
    requester: string,
    target: string,
    roomId?: string,
  ) =>
    encodeConsentEntry({
      consentOperation: op,
      requesterUri: { uri: requester },
      targetUri: { uri: target },
      ...(roomId === undefined ? {} : { roomId: { uri: roomId } }),
      ...(op === "grant" ? { clientKeyPackages: [fx.keyPackages[1]!] } : {}),
      consent_extensions: emptyAppDataDictionary,
    } as never);
  const alice = "mimi://a.example/u/alice";
  const bob = "mimi://b.example/u/bob";
  const post = (path: string, body: Uint8Array, client = fromA, from = "a.example") =>
    client.send({ method: "POST", path, headers: headers(from), body });

  it("PROTO-CONSENT-03 records a request and removes it only by a cancel with the same scope", async () => {
    expect((await post("/v1/requestConsent/b.example", entry("request", alice, bob, room))).status).toBe(201);
    const key = { requesterUri: alice, targetUri: bob, roomId: room };
    expect(await getConsent(db, "received_request", key)).toMatchObject({
      operation: "request",
      peerDomain: "a.example",
    });
    expect((await post("/v1/requestConsent/b.example", entry("cancel", alice, bob))).status).toBe(201);
    expect(await getConsent(db, "received_request", key)).toBeDefined();
    expect((await post("/v1/requestConsent/b.example", entry("cancel", alice, bob, room))).status).toBe(201);
    expect(await getConsent(db, "received_request", key)).toBeUndefined();
  });

  it("PROTO-CONSENT-01 requestConsent carries only request or cancel", async () => {
    const r = await post("/v1/requestConsent/b.example", entry("grant", alice, bob));
    expect(r.status).toBe(400);
    expect(jsonOf(r.body)).toMatchObject({ rule: "PROTO-CONSENT-01" });
  });

  it("PROTO-CONSENT-02 requestConsent's requester is the sender's user and its target ours", async () => {
    const r = await post("/v1/requestConsent/b.example", entry("request", "mimi://c.example/u/carol", bob));
    expect(r.status).toBe(403);
    expect(jsonOf(r.body)).toMatchObject({ rule: "PROTO-CONSENT-02" });
    const t = await post("/v1/requestConsent/b.example", entry("request", alice, "mimi://c.example/u/carol"));
    expect(t.status).toBe(400);
    expect((await post("/v1/requestConsent/c.example", entry("request", alice, bob))).status).toBe(404);
  });

  it("PROTO-CONSENT-04 PROTO-CONSENT-05 updateConsent records grant/revoke from the target's provider", async () => {
    const g = await post("/v1/updateConsent/b.example", entry("grant", bob, alice));
    expect(g.status).toBe(201);
    expect(await getConsent(db, "received_decision", { requesterUri: bob, targetUri: alice })).toMatchObject({
      operation: "grant",
    });
    await post("/v1/updateConsent/b.example", entry("revoke", bob, alice));
    expect(await getConsent(db, "received_decision", { requesterUri: bob, targetUri: alice })).toMatchObject({
      operation: "revoke",
    });
    const wrongOp = await post("/v1/updateConsent/b.example", entry("request", bob, alice));
    expect(jsonOf(wrongOp.body)).toMatchObject({ rule: "PROTO-CONSENT-04" });
    const wrongSide = await post(
      "/v1/updateConsent/b.example",
      entry("grant", bob, "mimi://c.example/u/carol"),
    );
    expect(wrongSide.status).toBe(403);
    expect(jsonOf(wrongSide.body)).toMatchObject({ rule: "PROTO-CONSENT-05" });
  });
});

describe("bad input never gives a 5xx", () => {
  const paths = [
    "/.well-known/mimi-protocol-directory",
    notifyPath,
    "/v1/requestConsent/b.example",
    "/v1/updateConsent/b.example",
    ...directoryNames.map((n) => `/v1/${n}/${encodeURIComponent(room)}`),
  ];
  it("fuzzed bodies at every route", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom("GET", "POST", "PUT"),
        fc.uint8Array({ maxLength: 300 }),
        async (path, method, body) => {
          const r = await fromA.send({ method, path, headers: headers("a.example"), body });
          expect(r.status).toBeGreaterThanOrEqual(200);
          expect(r.status).toBeLessThan(500);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("fuzzed headers and paths", async () => {
    const headerValue = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        headerValue,
        headerValue,
        fc.string({ maxLength: 30 }),
        async (path, host, from, suffix) => {
          const safeSuffix = encodeURIComponent(suffix);
          const r = await fromA.send({
            method: "POST",
            path: `${path}${safeSuffix}`,
            headers: { host: host.trim() === "" ? "x" : host, from },
            body: fanout(1),
          });
          expect(r.status).toBeGreaterThanOrEqual(200);
          expect(r.status).toBeLessThan(500);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("logged every refusal with its reason and never an internal error", () => {
    expect(logs.some((l) => l.msg === "rejected" && typeof l["reason"] === "string")).toBe(true);
    expect(logs.filter((l) => l.level === "error")).toEqual([]);
  });
});

describe("operations", () => {
  it("exposes Prometheus metrics on a separate loopback listener", async () => {
    const port = await server.listenMetrics();
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/^mimi_http_requests_total\{route="notify",method="POST",status="201"\} \d+$/m);
    expect(text).toMatch(/^mimi_http_rejections_total\{reason="http_421"\} \d+$/m);
    expect(text).toMatch(/^mimi_http_request_duration_seconds_count\{route="notify"\} \d+$/m);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });

  it("finishes a request in flight on shutdown, then refuses new connections", async () => {
    const second = await startProviderServer({
      domain: "b.example",
      key: pki.providers["b.example"]!.key,
      cert: pki.providers["b.example"]!.cert,
      ca: pki.caCert,
      db,
      endpoints: implementedEndpoints,
      log: () => {},
    });
    const client = makeClient(second.port, "b.example", { ...pki.providers["a.example"]!, ca: pki.caCert });
    let closing: Promise<void> | undefined;
    const slow = client.send({
      method: "POST",
      path: notifyPath,
      headers: headers("a.example"),
      body: fanout(1),
      beforeBody: async () => {
        await new Promise((r) => setTimeout(r, 100));
        closing = second.close(5000);
        await new Promise((r) => setTimeout(r, 100));
      },
    });
    expect((await slow).status).toBe(201);
    await closing;
    client.close();
    const late = makeClient(second.port, "b.example", { ...pki.providers["a.example"]!, ca: pki.caCert });
    await expect(
      late.send({
        method: "GET",
        path: "/.well-known/mimi-protocol-directory",
        headers: headers("a.example"),
      }),
    ).rejects.toThrow();
    late.close();
  });
});
