/**
 * Directory-driven federation (decisions 0676, 0677): the federation client builds every request
 * from the peer's §5.1 directory, refuses a malformed one naming the peer, fetches it again after
 * a 404; a provider serves the layout it is configured with and advertises exactly that.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { directoryNames } from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFederationClient, PeerDirectoryError, PeerRejected } from "../src/federation/client.js";
import { parseProviderConfig } from "../src/server/config.js";
import type { Endpoint } from "../src/server/endpoint.js";
import { checkPathLayout } from "../src/server/layout.js";
import { type ProviderServer, startProviderServer } from "../src/server/server.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { makeClient } from "./support/https-client.js";
import { makePki } from "./support/pki.js";

const pki = makePki("mimi-dir-ca", ["a.example", "b.example", "h.example"]);
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * A stand-in for another implementation's provider (h.example): mutual TLS, a directory document
 * the test sets, and answers per path the test sets (404 with a reason otherwise).
 */
interface StubPeer {
  readonly port: number;
  directory: string;
  routes: Map<string, (body: string) => { status: number; body: string }>;
  readonly seen: string[];
  close(): Promise<void>;
}

async function stubPeer(): Promise<StubPeer> {
  const stub = {
    directory: "{}",
    routes: new Map<string, (body: string) => { status: number; body: string }>(),
    seen: [] as string[],
  };
  const server: Server = createServer(
    {
      ...pki.providers["h.example"]!,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: "TLSv1.3",
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = req.url ?? "";
        stub.seen.push(`${req.method} ${path} from=${req.headers.from} host=${req.headers.host}`);
        if (path === "/.well-known/mimi-protocol-directory") {
          res.setHeader("content-type", "application/json");
          res.end(stub.directory);
          return;
        }
        const h = stub.routes.get(`${req.method} ${path}`);
        const a = h?.(Buffer.concat(chunks).toString("utf8")) ?? {
          status: 404,
          body: JSON.stringify({ error: "NotFound", what: `no endpoint at ${path}` }),
        };
        res.statusCode = a.status;
        res.end(a.body);
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(stub, {
    port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

let stub: StubPeer;
beforeAll(async () => {
  stub = await stubPeer();
});
afterAll(async () => {
  await stub?.close();
});

const clientOf = () =>
  createFederationClient({
    domain: "a.example",
    ...pki.providers["a.example"]!,
    ca: pki.caCert,
    peers: { "h.example": `127.0.0.1:${stub.port}` },
    timeoutMs: 2000,
    // the refresh back-off: always the ceiling's lower end (0 ms) in these tests
    directoryBackoff: { baseMs: 1000, capMs: 1000, random: () => 0 },
  });

const room = "mimi://h.example/r/lobby";
const roomSeg = encodeURIComponent(room);

describe("the federation client follows the peer's §5.1 directory", () => {
  it("[PROTO-DIR-05][PROTO-DIR-03] reaches a peer whose directory uses absolute URLs on another path, ignoring unknown keys", async () => {
    stub.directory = JSON.stringify({
      keyMaterial: `https://h.example:${stub.port}/mimi/pl/keyMaterial/{targetUser}`,
      notify: `https://h.example:${stub.port}/mimi/pl/rooms/{roomId}/notify`,
      // relative: resolved against the peer's origin
      submitMessage: "/mimi/pl/submitMessage/{roomId}",
      meta: { termsOfService: "https://h.example/tos", version: 6 },
      "x-haven": [1, 2, 3],
    });
    stub.routes.set(`POST /mimi/pl/rooms/${roomSeg}/notify`, (b) => ({ status: 201, body: `got ${b}` }));
    stub.routes.set(`POST /mimi/pl/submitMessage/${roomSeg}`, () => ({ status: 200, body: "ok" }));
    stub.seen.length = 0;
    const client = clientOf();
    try {
      const r = await client.send("h.example", { endpoint: "notify", param: room, body: enc("fanout") });
      expect(r.status).toBe(201);
      expect(dec(r.body)).toBe("got fanout");
      const s = await client.send("h.example", { endpoint: "submitMessage", param: room, body: enc("m") });
      expect(dec(s.body)).toBe("ok");
      // the directory was fetched once, over the same mutual TLS with Host and From
      expect(stub.seen).toEqual([
        "GET /.well-known/mimi-protocol-directory from=mimi@a.example host=h.example",
        `POST /mimi/pl/rooms/${roomSeg}/notify from=mimi@a.example host=h.example`,
        `POST /mimi/pl/submitMessage/${roomSeg} from=mimi@a.example host=h.example`,
      ]);
      const dir = await client.directory("h.example");
      expect([...dir.templates.keys()]).toEqual(["keyMaterial", "notify", "submitMessage"]);
    } finally {
      client.close();
    }
  });

  const malformed: readonly [string, string, RegExp, string][] = [
    ["not JSON", "{ notify: ", /not JSON/, "/"],
    ["not an object", "[]", /not a JSON object/, "/"],
    ["a non-https URL", '{"notify":"http://h.example/n/{roomId}"}', /not an https URL/, "/notify"],
    [
      "its variable twice",
      '{"notify":"https://h.example/n/{roomId}/{roomId}"}',
      /\{roomId\} once/,
      "/notify",
    ],
    ["a stray brace and no variable", '{"notify":"https://h.example/notify}"}', /\{roomId\}/, "/notify"],
    ["another variable", '{"notify":"https://h.example/n/{room}"}', /\{room\}/, "/notify"],
    ["another host", '{"notify":"https://evil.example/n/{roomId}"}', /another host/, "/notify"],
    ["a non-string entry", '{"notify":42}', /not a URL template string/, "/notify"],
    ["a relative path that is not absolute", '{"notify":"n/{roomId}"}', /neither/, "/notify"],
  ];
  for (const [what, doc, message, entry] of malformed)
    it(`[PROTO-DIR-01][PROTO-DIR-02][PROTO-DIR-04] refuses a directory with ${what}, naming the peer`, async () => {
      stub.directory = doc;
      const client = clientOf();
      try {
        const e = await client
          .send("h.example", { endpoint: "notify", param: room, body: enc("x") })
          .catch((x: unknown) => x);
        expect(e).toBeInstanceOf(PeerDirectoryError);
        const d = e as PeerDirectoryError;
        expect(d.peerDomain).toBe("h.example");
        expect(d.message).toMatch(/^h\.example: directory: /);
        expect(d.what).toMatch(message);
        expect(d.entry).toBe(entry);
      } finally {
        client.close();
      }
    });

  it("keeps the peer's other endpoints reachable when one entry is malformed", async () => {
    // keyMaterial without {targetUser}: that entry refused, the rest used
    stub.directory = JSON.stringify({
      keyMaterial: `https://h.example:${stub.port}/mimi/pl/keyMaterial`,
      submitMessage: "/mimi/pl/submitMessage/{roomId}",
    });
    stub.routes.set(`POST /mimi/pl/submitMessage/${roomSeg}`, () => ({ status: 200, body: "ok" }));
    const client = clientOf();
    try {
      const s = await client.send("h.example", { endpoint: "submitMessage", param: room, body: enc("m") });
      expect(dec(s.body)).toBe("ok");
      const e = await client
        .send("h.example", { endpoint: "keyMaterial", param: "mimi://h.example/u/bob" })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PeerDirectoryError);
      expect((e as PeerDirectoryError).entry).toBe("/keyMaterial");
    } finally {
      client.close();
    }
  });

  it("[PROTO-DIR-08] sends notify and identifierQuery to an entry without a path variable, the parameter dropped", async () => {
    // the other implementation's layout: both entries without {roomId} / {domain}
    stub.directory = JSON.stringify({
      notify: `https://h.example:${stub.port}/mimi/pl/notify`,
      identifierQuery: "/mimi/pl/identifierQuery",
    });
    stub.routes.set("POST /mimi/pl/notify", (b) => ({ status: 201, body: `notified ${b}` }));
    stub.routes.set("POST /mimi/pl/identifierQuery", (b) => ({ status: 200, body: `queried ${b}` }));
    stub.seen.length = 0;
    const client = clientOf();
    try {
      const n = await client.send("h.example", { endpoint: "notify", param: room, body: enc("fanout") });
      expect([n.status, dec(n.body)]).toEqual([201, "notified fanout"]);
      const q = await client.send("h.example", {
        endpoint: "identifierQuery",
        param: "h.example",
        body: enc("q"),
      });
      expect([q.status, dec(q.body)]).toEqual([200, "queried q"]);
      // the same body, the same mutual TLS, Host and From; only the URL is the peer's
      expect(stub.seen).toEqual([
        "GET /.well-known/mimi-protocol-directory from=mimi@a.example host=h.example",
        "POST /mimi/pl/notify from=mimi@a.example host=h.example",
        "POST /mimi/pl/identifierQuery from=mimi@a.example host=h.example",
      ]);
    } finally {
      client.close();
    }
  });

  it("[PROTO-DIR-08][PROTO-DIR-02] keeps the variable required for every other endpoint, and the host and scheme checks for notify", async () => {
    const strict = directoryNames.filter((n) => n !== "notify" && n !== "identifierQuery");
    expect(strict).toHaveLength(8);
    const doc: Record<string, string> = {};
    for (const n of strict) doc[n] = `/mimi/pl/${n}`;
    stub.directory = JSON.stringify(doc);
    const client = clientOf();
    try {
      const dir = await client.directory("h.example");
      expect([...dir.templates.keys()]).toEqual([]);
      expect([...dir.invalid.keys()]).toEqual(strict);
      for (const [n, e] of dir.invalid) expect(e.what, n).toMatch(/must contain the variable/);
    } finally {
      client.close();
    }
    for (const [bad, message] of [
      ["https://evil.example/notify", /another host/],
      ["http://h.example/notify", /not an https URL/],
      ["https://h.example/notify#x", /fragment/],
    ] as const) {
      stub.directory = JSON.stringify({ notify: bad });
      const c = clientOf();
      try {
        const e = await c.send("h.example", { endpoint: "notify", param: room }).catch((x: unknown) => x);
        expect(e, bad).toBeInstanceOf(PeerDirectoryError);
        expect((e as PeerDirectoryError).what, bad).toMatch(message);
      } finally {
        c.close();
      }
    }
  });

  it("refuses a request for an endpoint the directory does not list, naming the peer and the endpoint", async () => {
    stub.directory = JSON.stringify({ notify: "/n/{roomId}" });
    const client = clientOf();
    try {
      const e = await client
        .send("h.example", { endpoint: "groupInfo", param: room, body: enc("x") })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PeerDirectoryError);
      expect((e as PeerDirectoryError).what).toMatch(/lists no groupInfo endpoint \(it lists notify\)/);
    } finally {
      client.close();
    }
  });

  it("[PROTO-DIR-06] fetches the directory again after a 404 and retries at the new URL", async () => {
    stub.directory = JSON.stringify({ notify: "/old/notify/{roomId}" });
    stub.routes.set(`POST /old/notify/${roomSeg}`, () => ({ status: 201, body: "old" }));
    const client = clientOf();
    try {
      expect(dec((await client.send("h.example", { endpoint: "notify", param: room })).body)).toBe("old");
      // the peer moves its endpoints: the old path now answers 404
      stub.routes.delete(`POST /old/notify/${roomSeg}`);
      stub.directory = JSON.stringify({ notify: `https://h.example:${stub.port}/new/{roomId}/notify` });
      stub.routes.set(`POST /new/${roomSeg}/notify`, () => ({ status: 201, body: "new" }));
      stub.seen.length = 0;
      const r = await client.send("h.example", { endpoint: "notify", param: room });
      expect(dec(r.body)).toBe("new");
      expect(stub.seen.map((s) => s.split(" from=")[0])).toEqual([
        `POST /old/notify/${roomSeg}`,
        "GET /.well-known/mimi-protocol-directory",
        `POST /new/${roomSeg}/notify`,
      ]);
      // a 404 at a URL the directory still names is the peer's answer: surfaced, not retried
      stub.routes.delete(`POST /new/${roomSeg}/notify`);
      stub.seen.length = 0;
      const e = await client.send("h.example", { endpoint: "notify", param: room }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PeerRejected);
      expect((e as PeerRejected).status).toBe(404);
      expect(stub.seen.filter((s) => s.startsWith("POST"))).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it("backs off between directory fetches", async () => {
    stub.directory = JSON.stringify({ notify: "/gone/{roomId}" });
    let t = 0;
    const client = createFederationClient({
      domain: "a.example",
      ...pki.providers["a.example"]!,
      ca: pki.caCert,
      peers: { "h.example": `127.0.0.1:${stub.port}` },
      now: () => t,
      directoryBackoff: { baseMs: 1000, capMs: 8000, random: () => 0.999 },
    });
    try {
      stub.seen.length = 0;
      const fetches = () => stub.seen.filter((s) => s.startsWith("GET")).length;
      for (let i = 0; i < 3; i++)
        await client.send("h.example", { endpoint: "notify", param: room }).catch(() => undefined);
      // the first fetch, one refresh after the first 404, then none within the back-off
      expect(fetches()).toBe(2);
      t += 1000;
      await client.send("h.example", { endpoint: "notify", param: room }).catch(() => undefined);
      expect(fetches()).toBe(3);
      // the back-off grows: 2 s after the second unchanged refresh
      t += 1000;
      await client.send("h.example", { endpoint: "notify", param: room }).catch(() => undefined);
      expect(fetches()).toBe(3);
    } finally {
      client.close();
    }
  });
});

describe("a provider serves and advertises its configured path layout", () => {
  let db: Database;
  const servers: ProviderServer[] = [];
  const notify: Endpoint = {
    name: "notify",
    handle: async (ctx) => ({ status: 201, body: enc(`notify ${ctx.param} from ${ctx.peerDomain}`) }),
  };
  const km: Endpoint = {
    name: "keyMaterial",
    handle: async (ctx) => ({ status: 200, body: enc(`km ${ctx.param}`) }),
  };
  beforeAll(async () => {
    db = await openDatabase("memory://");
  });
  afterAll(async () => {
    for (const s of servers) await s.close(200);
    await db?.close();
  });
  const start = async (paths?: Parameters<typeof startProviderServer>[0]["paths"]) => {
    const s = await startProviderServer({
      domain: "b.example",
      ...pki.providers["b.example"]!,
      ca: pki.caCert,
      db,
      endpoints: [notify, km],
      log: () => {},
      ...(paths === undefined ? {} : { paths }),
    });
    servers.push(s);
    return s;
  };

  it("[PROTO-DIR-07] lists exactly the configured layout as absolute https URLs, and routes it", async () => {
    const server = await start({
      prefix: "/api/mimi/v6",
      templates: { notify: "/hooks/{roomId}/notify" },
    });
    const base = `https://b.example:${server.port}`;
    expect(server.directory()).toEqual({
      keyMaterial: `${base}/api/mimi/v6/keyMaterial/{targetUser}`,
      notify: `${base}/hooks/{roomId}/notify`,
    });
    const peer = makeClient(server.port, "b.example", { ...pki.providers["a.example"]!, ca: pki.caCert });
    const headers = { host: "b.example", from: "mimi@a.example" };
    try {
      const d = await peer.send({ method: "GET", path: "/.well-known/mimi-protocol-directory", headers });
      expect(JSON.parse(d.body.toString("utf8"))).toEqual(server.directory());
      const r = await peer.send({
        method: "POST",
        path: `/hooks/${encodeURIComponent("mimi://a.example/r/x")}/notify`,
        headers,
        body: enc("x"),
      });
      expect(r.status).toBe(201);
      expect(r.body.toString("utf8")).toBe("notify mimi://a.example/r/x from a.example");
      // the default layout's paths and unknown ones: 404 with a reason
      for (const path of ["/v1/notify/x", "/api/mimi/v6/notify/x", "/hooks/x", "/api/mimi/v6/keyMaterial/"]) {
        const n = await peer.send({ method: "POST", path, headers, body: enc("x") });
        expect(n.status, path).toBe(404);
        expect(JSON.parse(n.body.toString("utf8"))).toMatchObject({
          what: expect.stringMatching(/no endpoint at/),
        });
      }
    } finally {
      peer.close();
    }
    // our federation client reaches it through that directory
    const client = createFederationClient({
      domain: "a.example",
      ...pki.providers["a.example"]!,
      ca: pki.caCert,
      peers: { "b.example": `127.0.0.1:${server.port}` },
    });
    try {
      const r = await client.send("b.example", { endpoint: "keyMaterial", param: "mimi://b.example/u/bob" });
      expect(dec(r.body)).toBe("km mimi://b.example/u/bob");
    } finally {
      client.close();
    }
  });

  it("keeps /v1/<name>/{param} by default and takes an empty prefix", async () => {
    const dflt = await start();
    expect(dflt.directory()["notify"]).toBe(`https://b.example:${dflt.port}/v1/notify/{roomId}`);
    const bare = await start({ prefix: "" });
    expect(bare.directory()["notify"]).toBe(`https://b.example:${bare.port}/notify/{roomId}`);
  });

  it("refuses layouts it could not serve", () => {
    const bad: [unknown, RegExp][] = [
      [{ prefix: "mimi" }, /prefix/],
      [{ prefix: "/mimi/" }, /prefix/],
      [{ prefix: "/a b" }, /plain name/],
      [{ templates: { notify: "/n/{roomId}x" } }, /whole path segment/],
      [{ templates: { notify: "/n/notify" } }, /\{roomId\}/],
      [{ templates: { notify: "/n/{roomId}/{roomId}" } }, /once/],
      [{ templates: { notify: "https://b.example/n/{roomId}" } }, /beginning with \//],
      [{ templates: { notify: "/.well-known/{roomId}" } }, /other routes/],
      [{ templates: { notify: "/blobs/{roomId}" } }, /other routes/],
      [{ templates: { notify: "/x/{roomId}", update: "/x/{roomId}" } }, /share a path/],
      [{ templates: { requestConsent: "/c/{targetUser}" } }, /\{targetDomain\}/],
      [{ templates: { nope: "/x/{y}" } }, /not a §5.1 endpoint/],
    ];
    for (const [layout, message] of bad) {
      expect(() => checkPathLayout(layout as never), JSON.stringify(layout)).toThrow(ValidationError);
      expect(() => checkPathLayout(layout as never), JSON.stringify(layout)).toThrow(message);
    }
    // every endpoint under one prefix is fine, and so is any layout without overlaps
    expect(checkPathLayout({ prefix: "/mimi/pl" }).prefix).toBe("/mimi/pl");
    expect(directoryNames.length).toBe(10);
  });

  it("reads `paths` from the mimi serve configuration", () => {
    const base = {
      domain: "b.example",
      listen: { port: 0 },
      tls: { key: "k.pem", cert: "c.pem", ca: "ca.pem" },
      storage: "memory://",
    };
    const c = parseProviderConfig(
      { ...base, paths: { prefix: "/mimi/pl", templates: { notify: "/n/{roomId}" } } },
      "/",
    );
    expect(c.paths).toEqual({ prefix: "/mimi/pl", templates: { notify: "/n/{roomId}" } });
    expect(() => parseProviderConfig({ ...base, paths: { prefix: "/x", other: 1 } }, "/")).toThrow(
      /unknown field other/,
    );
    expect(() => parseProviderConfig({ ...base, paths: { templates: { notify: 3 } } }, "/")).toThrow(
      /path template/,
    );
    expect(() => parseProviderConfig({ ...base, paths: { prefix: "x" } }, "/")).toThrow(/prefix/);
  });
});
