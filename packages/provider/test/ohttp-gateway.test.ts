import {
  type BinaryHttpRequest,
  type BinaryHttpResponse,
  decapsulateResponse,
  decodeBinaryHttpResponse,
  decodeKeyConfigs,
  encapsulateRequest,
  encodeBinaryHttpRequest,
  type KeyConfig,
  makeGatewayKey,
} from "@mimi/ohttp";
import { fromUtf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeerRejected, type PeerResponse } from "../src/federation/client.js";
import { loadOhttpGatewayKeys } from "../src/hub/keys.js";
import type { RunningProvider } from "../src/provider/provider.js";
import { storeBlob } from "../src/storage/blobs.js";
import { openDatabase } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrations.js";
import { providerStarter, type TestIdentity, testIdentity } from "./provider-harness.js";

// The hub a.example (gateway, asset hosts of its peer b.example) and b.example, which calls the
// gateway over the federation server as a relay would.
let idA: TestIdentity;
let idB: TestIdentity;
let A: RunningProvider;
let B: RunningProvider;
let config: KeyConfig;
const GATEWAY = "/.well-known/ohttp-gateway";

beforeAll(async () => {
  idA = await testIdentity("a.example");
  idB = await testIdentity("b.example");
  const { start } = providerStarter([idA, idB]);
  B = await start(idB);
  A = await start(idA, { assetHosts: { "b.example": { peer: "b.example" } } });
});

afterAll(async () => {
  await A?.stop(500);
  await B?.stop(500);
});

const get = (url: string): BinaryHttpRequest => {
  const u = new URL(url);
  return {
    method: "GET",
    scheme: u.protocol.slice(0, -1),
    authority: u.host,
    path: `${u.pathname}${u.search}`,
    headers: [{ name: "date", value: new Date().toUTCString() }],
    content: new Uint8Array(0),
    trailers: [],
  };
};

const post = (body: Uint8Array): Promise<PeerResponse> =>
  B.federation.request("a.example", {
    method: "POST",
    path: GATEWAY,
    body,
    contentType: "message/ohttp-req",
  });

/** Send `req` through the gateway as b.example; the decapsulated inner response. */
async function oblivious(req: BinaryHttpRequest | Uint8Array): Promise<BinaryHttpResponse> {
  const inner = req instanceof Uint8Array ? req : encodeBinaryHttpRequest(req);
  const { encapsulated, context } = await encapsulateRequest(config, inner);
  const res = await post(encapsulated);
  expect(res.status).toBe(200);
  expect(res.contentType).toBe("message/ohttp-res");
  return decodeBinaryHttpResponse(decapsulateResponse(context, res.body));
}

const reasonOf = (r: BinaryHttpResponse) =>
  JSON.parse(fromUtf8(r.content)) as { what: string; rule?: string };

describe("the hub's OHTTP gateway (RFC 9458) over the federation server", () => {
  it("serves its key configuration as application/ohttp-keys, one X25519 key kept in storage", async () => {
    const res = await B.federation.request("a.example", { method: "GET", path: GATEWAY });
    expect(res.contentType).toBe("application/ohttp-keys");
    const configs = decodeKeyConfigs(res.body);
    expect(configs).toHaveLength(1);
    config = configs[0]!;
    expect(config).toMatchObject({ keyId: 0, kemId: 0x20, symmetric: [{ kdfId: 1, aeadId: 1 }] });
    const stored = (await loadOhttpGatewayKeys(A.db, Date.now())).current;
    expect(Buffer.from(stored.config.publicKey).toString("hex")).toBe(
      Buffer.from(config.publicKey).toString("hex"),
    );
    // Every hub has its own key: b.example (a hub too) answers another one.
    const other = decodeKeyConfigs(
      (await A.federation.request("b.example", { method: "GET", path: GATEWAY })).body,
    );
    expect(Buffer.from(other[0]!.publicKey).equals(Buffer.from(config.publicKey))).toBe(false);
    expect(Object.keys(A.server.directory())).not.toContain("ohttpGateway");
  });

  it("[PROTO-OHTTP-01] performs a GET of its own blob or a peer's asset and encapsulates the response", async () => {
    const theirs = await storeBlob(B.db, new TextEncoder().encode("b's attachment"), "b.example");
    const ours = await storeBlob(A.db, new TextEncoder().encode("a's attachment"), "a.example");
    const r1 = await oblivious(get(theirs));
    expect(r1.status).toBe(200);
    expect(fromUtf8(r1.content)).toBe("b's attachment");
    const r2 = await oblivious(get(ours));
    expect(r2.status).toBe(200);
    expect(fromUtf8(r2.content)).toBe("a's attachment");
    const gone = await oblivious(get(`https://b.example/blobs/${"4".repeat(32)}`));
    expect(gone.status).toBe(404);
  });

  it("[PROTO-OHTTP-01] refuses, inside the encapsulation, targets that are not asset locations and methods other than GET", async () => {
    const blob = await storeBlob(A.db, new TextEncoder().encode("x"), "a.example");
    for (const url of [
      "https://c.example/blobs/00000000000000000000000000000000",
      "https://a.example/.well-known/mimi-protocol-directory",
      blob.replace("https:", "http:"),
      "https://evil.example/",
    ]) {
      const r = await oblivious(get(url));
      expect([url, r.status, reasonOf(r).rule]).toEqual([url, 403, "PROTO-OHTTP-01"]);
    }
    const p = await oblivious({ ...get(blob), method: "POST", content: new Uint8Array([1]) });
    expect(p.status).toBe(405);
    expect(reasonOf(p).rule).toBe("PROTO-OHTTP-01");
    // A decapsulated message that is not a binary HTTP request: 400, still encapsulated.
    const bad = await oblivious(Uint8Array.of(0x01, 0x40, 0xc8));
    expect(bad.status).toBe(400);
    expect(reasonOf(bad).what).toMatch(/request was expected/);
  });

  it("[PROTO-OHTTP-02] performs a request once, only with a Date within the replay window, and says its own Date when refusing one", async () => {
    const blob = await storeBlob(A.db, new TextEncoder().encode("once"), "a.example");
    const { encapsulated, context } = await encapsulateRequest(config, encodeBinaryHttpRequest(get(blob)));
    const open = async (body: Uint8Array) => {
      const res = await post(body);
      expect(res.status).toBe(200);
      return decodeBinaryHttpResponse(decapsulateResponse(context, res.body));
    };
    expect((await open(encapsulated)).status).toBe(200);
    // the relay (or anyone who recorded it) sends it again: refused, inside the encapsulation
    const replayed = await open(encapsulated);
    expect([replayed.status, reasonOf(replayed).rule]).toEqual([400, "PROTO-OHTTP-02"]);
    expect(reasonOf(replayed).what).toMatch(/replay/);
    for (const headers of [
      [],
      [{ name: "date", value: new Date(Date.now() - 5 * 60_000).toUTCString() }],
      [{ name: "date", value: new Date(Date.now() + 5 * 60_000).toUTCString() }],
      [{ name: "date", value: "yesterday" }],
    ]) {
      const r = await oblivious({ ...get(blob), headers });
      expect([r.status, reasonOf(r).rule]).toEqual([400, "PROTO-OHTTP-02"]);
      const date = r.headers.find((h) => h.name === "date");
      expect(Math.abs(Date.parse(date!.value) - Date.now())).toBeLessThan(60_000);
    }
  });

  it("rotates its key: a new one after the period, the old one accepted for the grace time, then deleted", async () => {
    const db = await openDatabase("memory://");
    try {
      await migrate(db);
      const rotation = { periodMs: 1000, graceMs: 500 };
      const ids = async (now: number) => {
        const k = await loadOhttpGatewayKeys(db, now, rotation);
        return [k.current.config.keyId, k.accepted.map((a) => a.config.keyId)];
      };
      expect(await ids(0)).toEqual([0, [0]]);
      expect(await ids(999)).toEqual([0, [0]]);
      const first = (await loadOhttpGatewayKeys(db, 999, rotation)).current;
      expect(await ids(1000)).toEqual([1, [1, 0]]);
      expect(await ids(1499)).toEqual([1, [1, 0]]);
      expect(await ids(1500)).toEqual([1, [1]]);
      // the retired key's secret is gone from storage
      const names = await db.query<{ name: string }>("SELECT name FROM hub_keys WHERE name LIKE 'ohttp%'");
      expect(names.map((n) => n.name)).toEqual(["ohttp.x25519.1"]);
      expect(await ids(2000)).toEqual([2, [2, 1]]);
      // a request to the first key is refused in the clear as an unknown key
      const { encapsulated } = await encapsulateRequest(first.config, new Uint8Array(1));
      const { decapsulateRequest } = await import("@mimi/ohttp");
      await expect(
        decapsulateRequest((await loadOhttpGatewayKeys(db, 2000, rotation)).accepted, encapsulated),
      ).rejects.toThrow(/unknown key identifier 0/);
    } finally {
      await db.close();
    }
  });

  it("refuses in the clear (400 with a reason) what cannot be decapsulated", async () => {
    const { encapsulated } = await encapsulateRequest(
      config,
      encodeBinaryHttpRequest(get("https://a.example/")),
    );
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(10), /at least/],
      [Uint8Array.from([9, ...encapsulated.subarray(1)]), /unknown key identifier 9/],
      [
        Uint8Array.from([...encapsulated.subarray(0, -1), encapsulated[encapsulated.length - 1]! ^ 1]),
        /does not decrypt/,
      ],
    ];
    const foreign = await encapsulateRequest(
      makeGatewayKey(0).config,
      encodeBinaryHttpRequest(get("https://a.example/")),
    );
    cases.push([foreign.encapsulated, /does not decrypt/]);
    for (const [body, what] of cases) {
      const e = await post(body).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PeerRejected);
      expect((e as PeerRejected).status).toBe(400);
      expect((e as PeerRejected).reason.what).toMatch(what);
    }
    const sub = await B.federation
      .request("a.example", { method: "GET", path: `${GATEWAY}/x` })
      .catch((x: unknown) => x);
    expect((sub as PeerRejected).status).toBe(404);
  });
});
