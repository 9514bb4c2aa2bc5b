import { Agent, request } from "node:https";
import {
  createProviderPki,
  issueClientCertificate,
  issueProviderCertificate,
  type ProviderPki,
} from "@mimi/identity";
import {
  createKeyPackage,
  decodeExternalSenders,
  type ExternalSender,
  encodeMlsMessage,
  loadCiphersuite,
  mimiCapabilities,
} from "@mimi/mls-profile";
import {
  createRoomRequestCodec,
  encodeFanoutMessages,
  encodeKeyMaterialRequest,
  keyPackageUploadCodec,
  mlsOf,
  signKeyMaterialRequest,
  submitMessageRequestCodec,
} from "@mimi/protocol";
import { type MlsFixtures, mlsFixtures } from "@mimi/protocol/testing";
import { encodeWith, utf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInboxSignal, wakingInboxes, welcomeRefs } from "../src/client-api/inbox.js";
import { type ClientApiServer, startClientApi } from "../src/client-api/server.js";
import { createFederationClient, type FederationClient } from "../src/federation/client.js";
import type { Endpoint } from "../src/server/endpoint.js";
import { notifyEndpoint } from "../src/server/endpoints/notify.js";
import { type ProviderServer, startProviderServer } from "../src/server/server.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrations.js";
import { createRoom as createRoomRow } from "../src/storage/room-log.js";

const enc = (s: string) => new TextEncoder().encode(s);
const hubSender: ExternalSender = {
  signaturePublicKey: new Uint8Array(32).fill(7),
  credential: { credentialType: "basic", identity: utf8("mimi://a.example") },
};
const alice = "mimi://a.example/d/alice/phone";
const aliceUser = "mimi://a.example/u/alice";

/** Test handlers: answer where they ran, for whom, with what. */
function echoEndpoints(): Endpoint[] {
  const echo = (name: Endpoint["name"], status = 200): Endpoint => ({
    name,
    handle: async (ctx) => ({
      status,
      body: enc(
        JSON.stringify({
          at: ctx.domain,
          peer: ctx.peerDomain,
          name,
          param: ctx.param,
          bytes: ctx.body.length,
        }),
      ),
    }),
  });
  return [
    echo("submitMessage"),
    echo("keyMaterial"),
    echo("groupInfo"),
    echo("update"),
    {
      name: "reportAbuse",
      handle: async () => {
        const { HttpRejection } = await import("../src/server/http-error.js");
        throw new HttpRejection(403, "not a participant", { path: "/reportingUser", rule: "PROTO-TEST-02" });
      },
    },
    {
      name: "proxyDownload",
      handle: async (ctx) => ({ status: 200, body: enc(`proxied ${ctx.param} for ${ctx.peerDomain}`) }),
    },
  ];
}

interface Resp {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function clientOf(port: number, tls: { key?: string; cert?: string; ca: string }) {
  const agent = new Agent({ keepAlive: true, ...tls, servername: "a.example" });
  const send = (method: string, path: string, body?: Uint8Array): Promise<Resp> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, method, path, agent, servername: "a.example" },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return { agent, send, close: () => agent.destroy() };
}

let fx: MlsFixtures;
let pkiA: ProviderPki;
let pkiB: ProviderPki;
let dbA: Database;
let dbB: Database;
let fedB: ProviderServer;
let fedA: ProviderServer;
let federation: FederationClient;
let api: ClientApiServer;
let aliceTls: { key: string; cert: string; ca: string };
const created: { roomId: string; groupInfo: number; tree: number; creator: string }[] = [];

beforeAll(async () => {
  fx = await mlsFixtures();
  pkiA = await createProviderPki("a.example");
  pkiB = await createProviderPki("b.example");
  const peersCa = [pkiA.ca.certificatePem, pkiB.ca.certificatePem];
  dbA = await openDatabase("memory://");
  dbB = await openDatabase("memory://");
  await migrate(dbA);
  await migrate(dbB);
  fedB = await startProviderServer({
    domain: "b.example",
    key: pkiB.server.privateKeyPem,
    cert: pkiB.server.certificatePem,
    ca: peersCa,
    db: dbB,
    endpoints: echoEndpoints(),
    log: () => {},
  });
  federation = createFederationClient({
    domain: "a.example",
    key: pkiA.server.privateKeyPem,
    cert: pkiA.server.certificatePem,
    ca: peersCa,
    peers: { "b.example": `127.0.0.1:${fedB.port}` },
  });
  const local = echoEndpoints();
  const signal = createInboxSignal();
  fedA = await startProviderServer({
    domain: "a.example",
    key: pkiA.server.privateKeyPem,
    cert: pkiA.server.certificatePem,
    ca: peersCa,
    db: dbA,
    endpoints: wakingInboxes([notifyEndpoint], signal),
    log: () => {},
  });
  api = await startClientApi({
    domain: "a.example",
    key: pkiA.server.privateKeyPem,
    cert: pkiA.server.certificatePem,
    clientCa: pkiA.ca.certificatePem,
    db: dbA,
    endpoints: [...local, notifyEndpoint],
    federation,
    createRoom: async (roomId, groupInfo, tree, creator) => {
      await createRoomRow(dbA, roomId, Date.now());
      created.push({ roomId, groupInfo: groupInfo.length, tree: tree.length, creator });
    },
    hubSender: async () => hubSender,
    inboxSignal: signal,
    inboxPollMs: 60_000,
    log: () => {},
  });
  const issued = await issueClientCertificate(pkiA.ca, { userUri: aliceUser, clientUri: alice });
  aliceTls = { key: issued.privateKeyPem!, cert: issued.certificatePem, ca: pkiA.ca.certificatePem };
});

afterAll(async () => {
  await api?.close(500);
  federation?.close();
  await fedA?.close(500);
  await fedB?.close(500);
  await dbA?.close();
  await dbB?.close();
});

const submitBody = (sender: string) =>
  encodeWith(submitMessageRequestCodec, {
    protocol: "mls10",
    appMessage: fx.privateMessages[0]!,
    sendingUri: { uri: sender },
  });

describe("client API authentication", () => {
  it("[PROTO-CAPI-01] refuses a client without a certificate, or with one of another CA, with 401", async () => {
    const anon = clientOf(api.port, { ca: pkiA.ca.certificatePem });
    const other = await issueClientCertificate(pkiB.ca, {
      userUri: "mimi://b.example/u/bob",
      clientUri: "mimi://b.example/d/bob/phone",
    });
    const foreign = clientOf(api.port, {
      key: other.privateKeyPem!,
      cert: other.certificatePem,
      ca: pkiA.ca.certificatePem,
    });
    try {
      for (const c of [anon, foreign]) {
        const r = await c.send("POST", "/client/v1/blobs", enc("x"));
        expect(r.status).toBe(401);
        expect(JSON.parse(r.body.toString())).toMatchObject({
          error: "HttpRejection",
          rule: "PROTO-CAPI-01",
        });
      }
    } finally {
      anon.close();
      foreign.close();
    }
  });

  it("[PROTO-CAPI-02] refuses a certificate of our CA that names no client with 403", async () => {
    const server = await issueProviderCertificate(pkiA.ca, {});
    const c = clientOf(api.port, {
      key: server.privateKeyPem!,
      cert: server.certificatePem,
      ca: pkiA.ca.certificatePem,
    });
    try {
      const r = await c.send("POST", "/client/v1/blobs", enc("x"));
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body.toString())).toMatchObject({ rule: "PROTO-CAPI-02" });
    } finally {
      c.close();
    }
  });

  it("answers unknown routes 404 and wrong methods 405 with JSON bodies", async () => {
    const c = clientOf(api.port, aliceTls);
    try {
      for (const [m, p, s] of [
        ["POST", "/client/v1/nothing/x", 404],
        ["POST", "/client/v1/submitMessage", 404],
        ["POST", "/client/v1/submitMessage/a/b", 404],
        ["GET", "/client/v1/submitMessage/x", 405],
        ["POST", "/client/v1/inbox", 405],
        ["GET", "/elsewhere", 404],
      ] as const) {
        const r = await c.send(m, p);
        expect(r.status, `${m} ${p}`).toBe(s);
        expect(r.headers["content-type"]).toBe("application/json");
        expect(JSON.parse(r.body.toString())).toHaveProperty("what");
      }
    } finally {
      c.close();
    }
  });
});

describe("client API routing", () => {
  it("[PROTO-CAPI-03] handles requests about our own rooms with the local handler, as ourselves", async () => {
    const c = clientOf(api.port, aliceTls);
    try {
      const room = "mimi://a.example/r/home";
      const r = await c.send(
        "POST",
        `/client/v1/submitMessage/${encodeURIComponent(room)}`,
        submitBody(aliceUser),
      );
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body.toString())).toMatchObject({
        at: "a.example",
        peer: "a.example",
        param: room,
      });
      const g = await c.send("POST", `/client/v1/groupInfo/${encodeURIComponent(room)}`, enc("opaque"));
      expect(JSON.parse(g.body.toString())).toMatchObject({ at: "a.example", name: "groupInfo" });
    } finally {
      c.close();
    }
  });

  it("[PROTO-CAPI-04] forwards requests about other domains to their provider and relays the answer and refusals", async () => {
    const c = clientOf(api.port, aliceTls);
    try {
      const room = "mimi://b.example/r/away";
      const r = await c.send(
        "POST",
        `/client/v1/submitMessage/${encodeURIComponent(room)}`,
        submitBody(aliceUser),
      );
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body.toString())).toMatchObject({
        at: "b.example",
        peer: "a.example",
        param: room,
      });
      const u = await c.send("POST", `/client/v1/update/${encodeURIComponent(room)}`, enc("commit"));
      expect(JSON.parse(u.body.toString())).toMatchObject({ at: "b.example", name: "update", bytes: 6 });
      const km = await signKeyMaterialRequest(
        {
          protocol: "mls10",
          requestingUser: { uri: aliceUser },
          targetUser: { uri: "mimi://b.example/u/bob" },
          roomId: { uri: "mimi://a.example/r/home" },
          acceptableCiphersuites: [1],
          requiredCapabilities: fx.requiredCapabilities[0]!,
          requesterSignatureKey: fx.signer.publicKey,
          requesterCredential: fx.credentials[0]!,
        },
        fx.signer.signKey,
        fx.cs.signature,
      );
      const k = await c.send(
        "POST",
        `/client/v1/keyMaterial/${encodeURIComponent("mimi://b.example/u/bob")}`,
        encodeKeyMaterialRequest(km),
      );
      expect(JSON.parse(k.body.toString())).toMatchObject({
        at: "b.example",
        peer: "a.example",
        name: "keyMaterial",
      });
      // the peer's refusal is relayed with its status and reason
      const abuse = await c.send("POST", `/client/v1/reportAbuse/${encodeURIComponent(room)}`, enc("x"));
      expect(abuse.status).toBe(400); // our own decoding refuses a malformed AbuseReport first
      // an unreachable provider is a 502, not a 4xx
      const gone = await c.send(
        "POST",
        `/client/v1/groupInfo/${encodeURIComponent("mimi://c.invalid/r/x")}`,
        enc("x"),
      );
      expect(gone.status).toBe(502);
      expect(JSON.parse(gone.body.toString())).toMatchObject({ error: "PeerUnavailable", peer: "c.invalid" });
    } finally {
      c.close();
    }
  });

  it("[PROTO-CAPI-05] refuses a submission or key material request in another user's name with 403", async () => {
    const c = clientOf(api.port, aliceTls);
    try {
      for (const room of ["mimi://a.example/r/home", "mimi://b.example/r/away"]) {
        const r = await c.send(
          "POST",
          `/client/v1/submitMessage/${encodeURIComponent(room)}`,
          submitBody("mimi://a.example/u/mallory"),
        );
        expect(r.status).toBe(403);
        expect(JSON.parse(r.body.toString())).toMatchObject({ rule: "PROTO-CAPI-05", path: "/sendingUri" });
      }
      const ok = await c.send(
        "POST",
        `/client/v1/submitMessage/${encodeURIComponent("mimi://a.example/r/home")}`,
        submitBody("mimi://a.example/p/some-pseudonym"),
      );
      expect(ok.status).toBe(200);
      const bad = await c.send(
        "POST",
        `/client/v1/submitMessage/${encodeURIComponent("mimi://a.example/r/home")}`,
        enc("junk"),
      );
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body.toString())).toMatchObject({ error: "CodecError" });
      const badRoom = await c.send(
        "POST",
        `/client/v1/submitMessage/${encodeURIComponent("not a room")}`,
        submitBody(aliceUser),
      );
      expect(badRoom.status).toBe(400);
    } finally {
      c.close();
    }
  });
});

describe("client API storage routes", () => {
  it("[PROTO-CAPI-06] stores KeyPackages naming the client and refuses others", async () => {
    const cs = await loadCiphersuite();
    const kp = async (client: string) =>
      encodeMlsMessage({
        version: "mls10",
        wireformat: "mls_key_package",
        keyPackage: (
          await createKeyPackage(cs, {
            credential: { credentialType: "basic", identity: utf8(client) },
            capabilities: mimiCapabilities(),
            extensions: [],
          })
        ).publicPackage,
      });
    const mine = [await kp(alice), await kp(alice)];
    const c = clientOf(api.port, aliceTls);
    try {
      const body = encodeWith(keyPackageUploadCodec, {
        key_packages: mine.map((b) => ({ bytes: b, value: undefined as never })),
      });
      const r = await c.send("POST", "/client/v1/keyPackages", body);
      expect(r.status).toBe(201);
      const rows = await dbA.query<{ n: unknown }>(
        "SELECT count(*) AS n FROM key_packages WHERE client_uri = $1",
        [alice],
      );
      expect(Number(rows[0]!.n)).toBe(2);
      const theirs = encodeWith(keyPackageUploadCodec, {
        key_packages: [{ bytes: await kp("mimi://a.example/d/bob/phone"), value: undefined as never }],
      });
      const refused = await c.send("POST", "/client/v1/keyPackages", theirs);
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body.toString())).toMatchObject({ rule: "PROTO-KP-02" });
    } finally {
      c.close();
    }
  });

  it("[PROTO-CAPI-08] creates rooms of our domain only, once, through the hub", async () => {
    const c = clientOf(api.port, aliceTls);
    try {
      const body = encodeWith(createRoomRequestCodec, {
        group_info: mlsOf("MLSMessage", {
          version: "mls10",
          wireformat: "mls_group_info",
          groupInfo: fx.groupInfos[0]!.value,
        } as never),
        ratchet_tree: fx.ratchetTrees[0]!.bytes,
      });
      const room = "mimi://a.example/r/new-room";
      const r = await c.send("POST", `/client/v1/rooms/${encodeURIComponent(room)}`, body);
      expect(r.status).toBe(201);
      expect(created.at(-1)).toMatchObject({
        roomId: room,
        creator: alice,
        tree: fx.ratchetTrees[0]!.bytes.length,
      });
      const again = await c.send("POST", `/client/v1/rooms/${encodeURIComponent(room)}`, body);
      expect(again.status).toBe(409);
      const elsewhere = await c.send(
        "POST",
        `/client/v1/rooms/${encodeURIComponent("mimi://b.example/r/x")}`,
        body,
      );
      expect(elsewhere.status).toBe(403);
      const subs = await dbA.query(
        "SELECT 1 FROM client_subscriptions WHERE client_uri = $1 AND room_id = $2",
        [alice, room],
      );
      expect(subs.length).toBe(1);
    } finally {
      c.close();
    }
  });

  it("[PROTO-CAPI-09] answers the hub's ExternalSender, as an external_senders list of exactly that entry", async () => {
    const c = clientOf(api.port, aliceTls);
    try {
      const r = await c.send("GET", "/client/v1/hubSender");
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toBe("application/octet-stream");
      expect(decodeExternalSenders(new Uint8Array(r.body))).toEqual([hubSender]);
      expect((await c.send("POST", "/client/v1/hubSender", enc("x"))).status).toBe(405);
      expect((await c.send("GET", "/client/v1/hubSender/x")).status).toBe(404);
    } finally {
      c.close();
    }
  });

  it("stores blobs and downloads ours locally and others' through the owner's /proxyDownload", async () => {
    const c = clientOf(api.port, aliceTls);
    try {
      const up = await c.send("POST", "/client/v1/blobs", enc("encrypted attachment"));
      expect(up.status).toBe(201);
      const { url } = JSON.parse(up.body.toString()) as { url: string };
      expect(url).toMatch(/^https:\/\/a\.example\/blobs\/[0-9a-f]{32}$/);
      const down = await c.send("GET", `/client/v1/download?url=${encodeURIComponent(url)}`);
      expect(down.status).toBe(200);
      expect(down.body.toString()).toBe("encrypted attachment");
      const missing = await c.send(
        "GET",
        `/client/v1/download?url=${encodeURIComponent(`https://a.example/blobs/${"0".repeat(32)}`)}`,
      );
      expect(missing.status).toBe(404);
      const theirs = `https://b.example/blobs/${"1".repeat(32)}`;
      const proxied = await c.send("GET", `/client/v1/download?url=${encodeURIComponent(theirs)}`);
      expect(proxied.status).toBe(200);
      expect(proxied.body.toString()).toBe(`proxied ${theirs} for a.example`);
      const bad = await c.send("GET", "/client/v1/download?url=ftp%3A%2F%2Fx");
      expect(bad.status).toBe(400);
    } finally {
      c.close();
    }
  });
});

describe("client API inbox", () => {
  it("[PROTO-CAPI-07] streams subscribed rooms' messages and Welcomes for the client's KeyPackages, resumably, waking on /notify", async () => {
    const roomX = "mimi://b.example/r/stream-x";
    const roomW = "mimi://b.example/r/stream-w";
    await dbA.query("INSERT INTO client_subscriptions (client_uri, room_id, created_at) VALUES ($1, $2, 0)", [
      alice,
      roomX,
    ]);
    // The fixture Welcome adds KeyPackages; claim one of its refs as one of alice's.
    const welcomeFanout = encodeFanoutMessages([
      {
        timestamp: 7n,
        message: fx.welcomeMessages[0]!,
        ratchetTreeOption: { representation: "distributionService" },
      },
    ]);
    const ref = welcomeRefs(welcomeFanout)![0]!;
    await dbA.query(
      `INSERT INTO key_packages (ref, client_uri, user_uri, cipher_suite, last_resort, not_after, uploaded_at, key_package)
       VALUES ($1, $2, $3, 1, false, 0, 0, $4)`,
      [ref, alice, aliceUser, new Uint8Array([0])],
    );
    const start = await dbA.query<{ m: unknown }>("SELECT coalesce(max(id), 0) AS m FROM follower_inbox");
    const after = String(start[0]!.m);
    const fromB = createFederationClient({
      domain: "b.example",
      key: pkiB.server.privateKeyPem,
      cert: pkiB.server.certificatePem,
      ca: pkiA.ca.certificatePem,
      peers: { "a.example": `127.0.0.1:${fedA.port}` },
    });
    const notify = (room: string, body: Uint8Array) =>
      fromB.send("a.example", { endpoint: "notify", param: room, body });
    const app = (t: bigint) => encodeFanoutMessages([{ timestamp: t, message: fx.privateMessages[0]! }]);
    const lines: Record<string, string>[] = [];
    const agent = new Agent({ ...aliceTls, servername: "a.example" });
    let got: (() => void) | undefined;
    const streamDone = new Promise<void>((resolve) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: api.port,
          path: `/client/v1/inbox?after=${after}`,
          agent,
          servername: "a.example",
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers["content-type"]).toBe("application/x-ndjson");
          let buf = "";
          res.on("data", (c: Buffer) => {
            buf += c.toString();
            let i = buf.indexOf("\n");
            while (i !== -1) {
              lines.push(JSON.parse(buf.slice(0, i)) as Record<string, string>);
              buf = buf.slice(i + 1);
              i = buf.indexOf("\n");
            }
            got?.();
          });
          res.on("close", () => resolve());
        },
      );
      req.on("error", () => resolve());
      req.end();
    });
    const until = async (n: number) => {
      while (lines.length < n)
        await new Promise<void>((r) => {
          got = r;
        });
    };
    try {
      // The stream's poll is a minute: only the in-process wake-up of /notify can deliver these.
      await notify(roomX, app(1n));
      await notify("mimi://b.example/r/not-subscribed", app(2n));
      await notify(roomW, welcomeFanout);
      await notify(roomW, app(3n));
      await until(3);
      expect(lines.map((l) => [l["roomId"], l["timestamp"]])).toEqual([
        [roomX, "1"],
        [roomW, "7"],
        [roomW, "3"],
      ]);
      expect(lines[1]!["message"]).toBe(Buffer.from(welcomeFanout).toString("hex"));
      const ns = lines.map((l) => BigInt(l["n"]!));
      expect(ns[0]! < ns[1]! && ns[1]! < ns[2]!).toBe(true);
      // the Welcome subscribed alice to its room
      const subs = await dbA.query(
        "SELECT 1 FROM client_subscriptions WHERE client_uri = $1 AND room_id = $2",
        [alice, roomW],
      );
      expect(subs.length).toBe(1);
    } finally {
      agent.destroy();
      await streamDone;
    }
    // Resume after the first item: the other two again, nothing else.
    const c = clientOf(api.port, aliceTls);
    const resumed: string[] = [];
    await new Promise<void>((resolve) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: api.port,
          path: `/client/v1/inbox?after=${lines[0]!["n"]}`,
          agent: c.agent,
          servername: "a.example",
        },
        (res) => {
          res.on("data", (d: Buffer) => {
            resumed.push(
              ...d
                .toString()
                .split("\n")
                .filter((s) => s !== ""),
            );
            if (resumed.length >= 2) req.destroy();
          });
          res.on("close", resolve);
        },
      );
      req.on("error", () => resolve());
      req.end();
    });
    c.close();
    expect(resumed.map((l) => (JSON.parse(l) as { n: string }).n)).toEqual([lines[1]!["n"], lines[2]!["n"]]);
    fromB.close();
    const bad = clientOf(api.port, aliceTls);
    const r = await bad.send("GET", "/client/v1/inbox?after=-1");
    bad.close();
    expect(r.status).toBe(400);
  });
});
