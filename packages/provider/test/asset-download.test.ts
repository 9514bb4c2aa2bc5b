import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeerRejected } from "../src/federation/client.js";
import type { RunningProvider } from "../src/provider/provider.js";
import { storeBlob } from "../src/storage/blobs.js";
import { apiClient, providerStarter, type TestIdentity, testIdentity } from "./provider-harness.js";

// A hub (a.example) configured with the asset hosts of its peer b.example, and b.example serving
// its stored blobs over its federation server.
let idA: TestIdentity;
let idB: TestIdentity;
let A: RunningProvider;
let B: RunningProvider;
let stall: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  idA = await testIdentity("a.example");
  idB = await testIdentity("b.example");
  // An asset host that accepts connections and never answers.
  stall = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => stall.listen(0, "127.0.0.1", r));
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const { start } = providerStarter([idA, idB], { clientApi: true });
  B = await start(idB);
  A = await start(idA, {
    peerTimeoutMs: 1_000,
    maxAssetBytes: 64,
    assetHosts: {
      "b.example": { peer: "b.example" },
      "slow.b.example": { peer: "b.example", address: `127.0.0.1:${(stall.address() as AddressInfo).port}` },
      "down.b.example": { peer: "b.example", address: `127.0.0.1:${closedPort}` },
    },
  });
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (stall === undefined ? r() : stall.close(() => r())));
  await A?.stop(500);
  await B?.stop(500);
});

/** Ask the hub's /proxyDownload as the peer b.example; the status and the body or the reason. */
async function proxy(url: string): Promise<{ status: number; body: string; rule?: string }> {
  try {
    const r = await B.federation.send("a.example", { endpoint: "proxyDownload", param: url });
    return { status: r.status, body: Buffer.from(r.body).toString() };
  } catch (e) {
    if (e instanceof PeerRejected)
      return {
        status: e.status,
        body: e.reason.what ?? "",
        ...(e.rule === undefined ? {} : { rule: e.rule }),
      };
    const s = (e as { status?: number }).status;
    if (typeof s === "number") return { status: s, body: (e as Error).message };
    throw e;
  }
}

describe("peers' asset hosts: /blobs on the federation server and the hub's /proxyDownload", () => {
  it("a provider serves its stored blobs to authenticated peers at /blobs/{id}, nothing else", async () => {
    const url = await storeBlob(B.db, new TextEncoder().encode("b's asset"), "b.example");
    const path = new URL(url).pathname;
    const got = await A.federation.request("b.example", { method: "GET", path });
    expect(Buffer.from(got.body).toString()).toBe("b's asset");
    const missing = await A.federation
      .request("b.example", { method: "GET", path: `/blobs/${"0".repeat(32)}` })
      .catch((e: unknown) => e);
    expect((missing as PeerRejected).status).toBe(404);
    const bad = await A.federation
      .request("b.example", { method: "GET", path: "/blobs/..%2Fx" })
      .catch((e: unknown) => e);
    expect((bad as PeerRejected).status).toBe(404);
    const post = await A.federation
      .request("b.example", { method: "POST", path, body: new Uint8Array(1) })
      .catch((e: unknown) => e);
    expect((post as PeerRejected).status).toBe(405);
    // Not listed in the §5.1 directory.
    expect(Object.keys(B.server.directory())).not.toContain("asset");
  });

  it("[PROTO-DL-01] serves its own blobs and a configured peer's assets, and refuses every other URL", async () => {
    const theirs = await storeBlob(B.db, new TextEncoder().encode("from b"), "b.example");
    const ours = await storeBlob(A.db, new TextEncoder().encode("from a"), "a.example");
    expect(await proxy(theirs)).toEqual({ status: 200, body: "from b" });
    expect(await proxy(ours)).toEqual({ status: 200, body: "from a" });
    for (const url of [
      `https://c.example/blobs/${"1".repeat(32)}`,
      theirs.replace("https:", "http:"),
      theirs.replace("b.example", "b.example:8443"),
      theirs.replace("https://", "https://user@"),
      `https://a.example/other/${"1".repeat(32)}`,
      "not a url",
    ]) {
      const r = await proxy(url);
      expect([url, r.status, r.rule]).toEqual([url, 403, "PROTO-DL-01"]);
    }
    expect((await proxy(`https://b.example/blobs/${"2".repeat(32)}`)).status).toBe(404);
    expect((await proxy(`https://a.example/blobs/${"2".repeat(32)}`)).status).toBe(404);
  });

  it("answers 502 for an asset host that is down, refuses or sends too much, 504 for one that does not answer", async () => {
    const big = await storeBlob(B.db, new Uint8Array(65).fill(7), "b.example");
    const tooBig = await proxy(big);
    expect(tooBig.status).toBe(502);
    expect(tooBig.body).toMatch(/exceeds 64 bytes/);
    const down = await proxy(`https://down.b.example/blobs/${"3".repeat(32)}`);
    expect(down.status).toBe(502);
    expect(down.body).toMatch(/down\.b\.example failed/);
    const slow = await proxy(`https://slow.b.example/blobs/${"3".repeat(32)}`);
    expect(slow.status).toBe(504);
    expect(slow.body).toMatch(/did not answer in time/);
  });
});

describe("client API downloads through the room's hub (decision 0674)", () => {
  it("[PROTO-CAPI-13] with hub, a client's provider asks that hub's /proxyDownload, which fetches the asset from its host", async () => {
    const bob = apiClient(B.clientApiPort!, "b.example", await idB.client("mimi://b.example/d/bob/1"));
    const alice = apiClient(A.clientApiPort!, "a.example", await idA.client("mimi://a.example/d/alice/1"));
    try {
      const url = await storeBlob(B.db, new TextEncoder().encode("b's attachment"), "b.example");
      const q = (u: string, hub?: string) =>
        `/client/v1/download?url=${encodeURIComponent(u)}${hub === undefined ? "" : `&hub=${hub}`}`;
      const hubRequests = async () =>
        Number(
          /mimi_http_requests_total\{route="proxyDownload",method="GET",status="200"\} (\d+)/.exec(
            await A.server.metrics.render(),
          )?.[1] ?? 0,
        );
      const before = await hubRequests();
      // Bob's provider b.example asks the hub a.example, which fetches from b's asset host
      const viaHub = await bob.send("GET", q(url, "a.example"));
      expect(viaHub.status).toBe(200);
      expect(Buffer.from(viaHub.body).toString()).toBe("b's attachment");
      expect(await hubRequests()).toBe(before + 1);
      // Alice's provider is the hub: its own /proxyDownload serves the peer's asset
      const atHub = await alice.send("GET", q(url, "a.example"));
      expect(Buffer.from(atHub.body).toString()).toBe("b's attachment");
      // the hub refuses what is not an asset of a peer (PROTO-DL-01), and a bad hub is a 400
      expect(
        (await bob.send("GET", q(`https://c.example/blobs/${"1".repeat(32)}`, "a.example"))).status,
      ).toBe(403);
      expect((await bob.send("GET", q(url, "not_a_domain"))).status).toBe(400);
    } finally {
      bob.close();
      alice.close();
    }
  });
});
