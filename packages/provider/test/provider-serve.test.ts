import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testIdentity } from "./provider-harness.js";
import { type ServeProcess, spawnServe } from "./provider-process.js";
import { makeClient } from "./support/https-client.js";

const dir = mkdtempSync(join(tmpdir(), "mimi-serve-provider-"));
const procs: ServeProcess[] = [];
afterAll(async () => {
  for (const p of procs) await p.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("mimi serve with the client API, peers, metrics and a discovery seed", () => {
  it("prints the listening event, routes the hub's and discovery's endpoints, and stops gracefully on SIGTERM", async () => {
    const idA = await testIdentity("a.example");
    const idB = await testIdentity("b.example");
    writeFileSync(join(dir, "directory.json"), JSON.stringify({ users: [] }));
    const a = await spawnServe(dir, idA, {
      storage: "memory://",
      peersCa: [idA.pki.ca.certificatePem, idB.pki.ca.certificatePem],
      peers: { "b.example": "127.0.0.1:1" },
      extra: { discovery: "directory.json", metrics: { port: 0 } },
    });
    procs.push(a);
    const event = JSON.parse(
      a
        .output()
        .split("\n")
        .find((l) => l.startsWith('{"event":"listening"'))!,
    ) as Record<string, unknown>;
    expect(event).toMatchObject({
      event: "listening",
      domain: "a.example",
      port: a.port,
      clientApiPort: a.clientApiPort,
    });
    expect(typeof event["metricsPort"]).toBe("number");
    const client = makeClient(a.port, "a.example", {
      key: idB.pki.server.privateKeyPem,
      cert: idB.pki.server.certificatePem,
      ca: idA.pki.ca.certificatePem,
    });
    const r = await client.send({
      method: "GET",
      path: "/.well-known/mimi-protocol-directory",
      headers: { host: "a.example", from: "mimi@b.example" },
    });
    client.close();
    expect(r.status).toBe(200);
    expect(Object.keys(JSON.parse(r.body.toString()) as object).sort()).toEqual([
      "groupInfo",
      "identifierQuery",
      "keyMaterial",
      "notify",
      "proxyDownload",
      "reportAbuse",
      "requestConsent",
      "submitMessage",
      "update",
      "updateConsent",
    ]);
    expect(await a.kill("SIGTERM")).toBe(0);
    expect(a.output()).toMatch(/"msg":"closed"/);
  }, 180_000);
});
