import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createFederationClient,
  type FederationClient,
  PeerDirectoryError,
  PeerRejected,
  PeerUnavailable,
  parsePeerAddress,
} from "../src/federation/client.js";
import type { Endpoint } from "../src/server/endpoint.js";
import { HttpRejection } from "../src/server/http-error.js";
import { type ProviderServer, startProviderServer } from "../src/server/server.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { makePki } from "./support/pki.js";

const pki = makePki("mimi-fed-ca", ["a.example", "b.example"]);
const rogue = makePki("rogue-ca", ["b.example"]);
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Endpoints of the test peer: echo who called with what, refuse, fail, or stall. */
const endpoints: readonly Endpoint[] = [
  {
    name: "keyMaterial",
    handle: async (ctx) => ({
      status: 200,
      body: enc(JSON.stringify({ peer: ctx.peerDomain, param: ctx.param, body: dec(ctx.body) })),
    }),
  },
  {
    name: "submitMessage",
    handle: async () => {
      throw new HttpRejection(403, "not a member", { path: "/appMessage", rule: "PROTO-TEST-01" });
    },
  },
  {
    name: "groupInfo",
    handle: async () => {
      throw new Error("boom");
    },
  },
  {
    name: "reportAbuse",
    handle: async () => {
      await new Promise((r) => setTimeout(r, 1500));
      return { status: 201 };
    },
  },
  {
    name: "proxyDownload",
    handle: async (ctx) => ({ status: 200, body: enc(`download ${ctx.param}`) }),
  },
];

let db: Database;
let server: ProviderServer;
let client: FederationClient;

beforeAll(async () => {
  db = await openDatabase("memory://");
  server = await startProviderServer({
    domain: "b.example",
    key: pki.providers["b.example"]!.key,
    cert: pki.providers["b.example"]!.cert,
    ca: pki.caCert,
    db,
    endpoints,
    log: () => {},
  });
  client = createFederationClient({
    domain: "a.example",
    ...pki.providers["a.example"]!,
    ca: pki.caCert,
    peers: { "b.example": `127.0.0.1:${server.port}` },
    timeoutMs: 300,
  });
});

afterAll(async () => {
  client?.close();
  await server?.close(500);
  await db?.close();
});

describe("federation client", () => {
  it("[PROTO-FED-01][PROTO-FED-02] authenticates over mutual TLS with Host and From, and the peer sees our domain", async () => {
    const room = "mimi://b.example/r/a room";
    for (let i = 0; i < 3; i++) {
      const res = await client.send("B.example", {
        endpoint: "keyMaterial",
        param: room,
        body: enc(`hello ${i}`),
      });
      expect(res.status).toBe(200);
      expect(JSON.parse(dec(res.body))).toEqual({ peer: "a.example", param: room, body: `hello ${i}` });
    }
    const got = await client.send("b.example", {
      endpoint: "proxyDownload",
      param: "https://b.example/x",
    });
    expect(dec(got.body)).toBe("download https://b.example/x");
  });

  it("surfaces a peer's 4xx as PeerRejected with the peer's reason", async () => {
    const e = await client
      .send("b.example", {
        endpoint: "submitMessage",
        param: "mimi://b.example/r/x",
        body: enc("x"),
      })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PeerRejected);
    const r = e as PeerRejected;
    expect(r.status).toBe(403);
    expect(r.reason).toEqual({
      error: "HttpRejection",
      what: "not a member",
      path: "/appMessage",
      rule: "PROTO-TEST-01",
    });
    expect(r.rule).toBe("PROTO-TEST-01");
    expect(r.peerDomain).toBe("b.example");
    // an unrouted endpoint is not in the peer's directory: refused before any request
    const nf = await client
      .send("b.example", { endpoint: "update", param: "mimi://b.example/r/x" })
      .catch((x: unknown) => x);
    expect(nf).toBeInstanceOf(PeerDirectoryError);
    expect((nf as PeerDirectoryError).what).toMatch(/lists no update endpoint/);
  });

  it("reports a 5xx, a timeout and an unreachable peer as PeerUnavailable", async () => {
    const fault = await client
      .send("b.example", { endpoint: "groupInfo", param: "mimi://b.example/r/x" })
      .catch((x: unknown) => x);
    expect(fault).toBeInstanceOf(PeerUnavailable);
    expect((fault as PeerUnavailable).status).toBe(500);
    const slow = await client
      .send("b.example", { endpoint: "reportAbuse", param: "mimi://b.example/r/x" })
      .catch((x: unknown) => x);
    expect(slow).toBeInstanceOf(PeerUnavailable);
    expect((slow as PeerUnavailable).what).toMatch(/no answer within 300 ms/);
    const nowhere = createFederationClient({
      domain: "a.example",
      ...pki.providers["a.example"]!,
      ca: pki.caCert,
      peers: { "c.example": "127.0.0.1:1" },
    });
    try {
      const e = await nowhere
        .send("c.example", { endpoint: "keyMaterial", param: "mimi://c.example/u/x" })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PeerUnavailable);
      expect((e as PeerUnavailable).what).toMatch(/unreachable/);
    } finally {
      nowhere.close();
    }
  });

  it("[PROTO-FED-01] refuses a peer whose certificate our CAs do not trust", async () => {
    const distrustful = createFederationClient({
      domain: "a.example",
      ...pki.providers["a.example"]!,
      ca: rogue.caCert,
      peers: { "b.example": `127.0.0.1:${server.port}` },
    });
    try {
      const e = await distrustful
        .send("b.example", { endpoint: "keyMaterial", param: "mimi://b.example/u/x" })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PeerUnavailable);
    } finally {
      distrustful.close();
    }
  });

  it("parses peer addresses and refuses malformed ones and malformed domains", async () => {
    expect(parsePeerAddress("127.0.0.1:8443")).toEqual({ host: "127.0.0.1", port: 8443 });
    expect(parsePeerAddress("[::1]:443")).toEqual({ host: "::1", port: 443 });
    expect(parsePeerAddress("b.example:1")).toEqual({ host: "b.example", port: 1 });
    for (const bad of ["b.example", "b.example:0", "b.example:70000", ":80", "a b:1"])
      expect(() => parsePeerAddress(bad, "/peers/x")).toThrow(/host:port/);
    expect(client.resolve("unknown.example")).toEqual({ host: "unknown.example", port: 443 });
    await expect(client.send("not a domain", { endpoint: "keyMaterial", param: "x" })).rejects.toThrow(
      /not a provider domain/,
    );
  });
});
