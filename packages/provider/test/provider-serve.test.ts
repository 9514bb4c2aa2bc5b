import { X509Certificate } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
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

  it("on SIGHUP presents a renewed certificate from its files, and keeps the old one when they are unusable", async () => {
    const idA = await testIdentity("a.example");
    const renewed = await testIdentity("a.example");
    const idB = await testIdentity("b.example");
    const cas = [idA, renewed, idB].map((i) => i.pki.ca.certificatePem);
    const sub = mkdtempSync(join(dir, "hup-"));
    const a = await spawnServe(sub, idA, { storage: "memory://", peersCa: cas, peers: {} });
    procs.push(a);
    const presented = async (): Promise<string> => {
      const s = connect({
        host: "127.0.0.1",
        port: a.port,
        servername: "a.example",
        key: idB.pki.server.privateKeyPem,
        cert: idB.pki.server.certificatePem,
        ca: cas,
      });
      try {
        await once(s, "secureConnect");
        return s.getPeerCertificate().fingerprint256;
      } finally {
        s.destroy();
      }
    };
    const hup = async (event: string, count: number) => {
      a.child.kill("SIGHUP");
      for (let i = 0; i < 400 && a.output().split(`"event":"${event}"`).length - 1 < count; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(a.output().split(`"event":"${event}"`).length - 1).toBe(count);
    };
    const fp = (pem: string) => new X509Certificate(pem).fingerprint256;
    expect(await presented()).toBe(fp(idA.pki.server.certificatePem));
    writeFileSync(join(sub, "a.example.key"), renewed.pki.server.privateKeyPem);
    writeFileSync(join(sub, "a.example.pem"), renewed.pki.server.certificatePem);
    await hup("tls reloaded", 1);
    expect(await presented()).toBe(fp(renewed.pki.server.certificatePem));
    writeFileSync(join(sub, "a.example.pem"), "not a certificate");
    await hup("tls reload failed", 1);
    expect(await presented()).toBe(fp(renewed.pki.server.certificatePem));
    expect(await a.kill("SIGTERM")).toBe(0);
  }, 180_000);
});
