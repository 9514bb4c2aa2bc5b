import {
  type BinaryHttpResponse,
  decapsulateResponse,
  decodeBinaryHttpResponse,
  decodeKeyConfigs,
  encapsulateRequest,
  encodeBinaryHttpRequest,
} from "@mimi/ohttp";
import { fromUtf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningProvider } from "../src/provider/provider.js";
import type { LogRecord } from "../src/server/log.js";
import {
  type ApiClient,
  apiClient,
  providerStarter,
  type TestIdentity,
  testIdentity,
} from "./provider-harness.js";

// The hub a.example (OHTTP gateway; b.example's asset host configured) and the follower b.example
// whose client API is its clients' OHTTP relay, over real HTTPS on loopback.
const bob1 = "mimi://b.example/d/bob/1";
const alice1 = "mimi://a.example/d/alice/1";
let idA: TestIdentity;
let idB: TestIdentity;
let A: RunningProvider;
let B: RunningProvider;
let bob: ApiClient;
let alice: ApiClient;
const hubLog: LogRecord[] = [];

beforeAll(async () => {
  idA = await testIdentity("a.example");
  idB = await testIdentity("b.example");
  const { start } = providerStarter([idA, idB], { clientApi: true });
  B = await start(idB);
  A = await start(idA, {
    assetHosts: { "b.example": { peer: "b.example" } },
    log: (r) => {
      hubLog.push(r);
    },
  });
  bob = apiClient(B.clientApiPort!, "b.example", await idB.client(bob1));
  alice = apiClient(A.clientApiPort!, "a.example", await idA.client(alice1));
});

afterAll(async () => {
  bob?.close();
  alice?.close();
  await A?.stop(500);
  await B?.stop(500);
});

/** Upload `text` as a blob through `c`'s provider; its download URL. */
async function upload(c: ApiClient, text: string): Promise<string> {
  const up = await c.send("POST", "/client/v1/blobs", new TextEncoder().encode(text));
  expect(up.status).toBe(201);
  return (JSON.parse(up.body.toString()) as { url: string }).url;
}

/** GET `url` through the OHTTP gateway of `hub`, relayed by `c`'s provider. */
async function oblivious(c: ApiClient, hub: string, url: string): Promise<BinaryHttpResponse> {
  const keys = await c.send("GET", `/client/v1/ohttpKeys/${hub}`);
  expect(keys.status).toBe(200);
  expect(keys.headers["content-type"]).toBe("application/ohttp-keys");
  const config = decodeKeyConfigs(new Uint8Array(keys.body))[0]!;
  const u = new URL(url);
  const { encapsulated, context } = await encapsulateRequest(
    config,
    encodeBinaryHttpRequest({
      method: "GET",
      scheme: "https",
      authority: u.host,
      path: u.pathname,
      headers: [{ name: "date", value: new Date().toUTCString() }],
      content: new Uint8Array(0),
      trailers: [],
    }),
  );
  const res = await c.send("POST", `/client/v1/ohttpRelay/${hub}`, encapsulated);
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toBe("message/ohttp-res");
  return decodeBinaryHttpResponse(decapsulateResponse(context, new Uint8Array(res.body)));
}

describe("OHTTP relay at the follower's client API", () => {
  it("[PROTO-CAPI-12] relays a client's encapsulated request to the hub's gateway as the provider; the hub never learns the client", async () => {
    const url = await upload(bob, "bob's encrypted attachment");
    hubLog.length = 0;
    const r = await oblivious(bob, "a.example", url);
    expect(r.status).toBe(200);
    expect(fromUtf8(r.content)).toBe("bob's encrypted attachment");
    // The hub saw b.example's provider call its gateway, and nothing naming bob.
    const gateway = hubLog.filter((l) => l["route"] === "ohttpGateway" || l["route"] === "ohttpKeys");
    expect(gateway.map((l) => [l["route"], l["peer"]])).toEqual([
      ["ohttpKeys", "b.example"],
      ["ohttpGateway", "b.example"],
    ]);
    expect(JSON.stringify(hubLog)).not.toContain("bob");
    // A client of the hub's own provider: its provider relays to its own gateway locally.
    const own = await oblivious(alice, "a.example", url);
    expect(fromUtf8(own.content)).toBe("bob's encrypted attachment");
  });

  it("[PROTO-CAPI-12] relays the gateway's refusals: in the clear when undecryptable, encapsulated otherwise", async () => {
    const refused = await oblivious(bob, "a.example", `https://c.example/blobs/${"5".repeat(32)}`);
    expect(refused.status).toBe(403);
    expect((JSON.parse(fromUtf8(refused.content)) as { rule: string }).rule).toBe("PROTO-OHTTP-01");
    for (const c of [bob, alice]) {
      const bad = await c.send("POST", "/client/v1/ohttpRelay/a.example", new Uint8Array(60));
      expect(bad.status).toBe(400);
      expect((JSON.parse(bad.body.toString()) as { what: string }).what).toMatch(/Encapsulated Request/);
    }
    expect((await bob.send("POST", "/client/v1/ohttpRelay/not%20a%20domain", new Uint8Array(1))).status).toBe(
      400,
    );
    expect((await bob.send("GET", "/client/v1/ohttpRelay/a.example")).status).toBe(405);
    expect((await bob.send("POST", "/client/v1/ohttpKeys/a.example", new Uint8Array(1))).status).toBe(405);
    expect((await bob.send("GET", "/client/v1/ohttpKeys")).status).toBe(404);
  });
});
