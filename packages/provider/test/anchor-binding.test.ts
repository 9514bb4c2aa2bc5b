import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFederationClient, PeerUnavailable } from "../src/federation/client.js";
import type { PeerCa } from "../src/server/anchor-binding.js";
import { implementedEndpoints } from "../src/server/index.js";
import { type ProviderServer, startProviderServer } from "../src/server/server.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrations.js";
import { makeClient } from "./support/https-client.js";
import { makePki, type TestPki } from "./support/pki.js";

// An ordinary CA (openssl, no mimi: SAN) that certified both a.example and c.example, and b.example's own.
const shared = makePki("shared-ca", ["a.example", "c.example"]);
const own = makePki("b-ca", ["b.example"]);

let db: Database;
const servers: ProviderServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close(1000);
  await db?.close();
});
beforeAll(async () => {
  db = await openDatabase("memory://");
  await migrate(db);
});

/** A provider server of `domain` with its certificate from `pki`, trusting `ca` for its peers. */
async function serverOf(
  domain: string,
  pki: TestPki,
  ca: PeerCa | readonly PeerCa[],
): Promise<ProviderServer> {
  const s = await startProviderServer({
    domain,
    key: pki.providers[domain]!.key,
    cert: pki.providers[domain]!.cert,
    ca,
    db,
    endpoints: implementedEndpoints,
    log: () => {},
  });
  servers.push(s);
  return s;
}

/** b.example trusting `ca` for its peers. */
const serverB = (ca: PeerCa | readonly PeerCa[]) => serverOf("b.example", own, ca);

/** GET the directory of `server` as `from` (a certificate of the shared CA). */
async function directoryAs(server: ProviderServer, from: "a.example" | "c.example") {
  const client = makeClient(server.port, "b.example", { ...shared.providers[from]!, ca: own.caCert });
  try {
    const r = await client.send({
      method: "GET",
      path: "/.well-known/mimi-protocol-directory",
      headers: { host: "b.example", from: `mimi@${from}` },
    });
    return { status: r.status, body: JSON.parse(r.body.toString()) as Record<string, unknown> };
  } finally {
    client.close();
  }
}

describe("peer CAs bound to a provider domain (decision 0401)", () => {
  it("IDENTITY-DOMAIN-01 a CA bound to a.example authenticates a.example and no other peer it certified", async () => {
    const bound = await serverB([{ pem: shared.caCert, domain: "a.example" }, own.caCert]);
    expect((await directoryAs(bound, "a.example")).status).toBe(200);
    const other = await directoryAs(bound, "c.example");
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ error: "HttpRejection", rule: "IDENTITY-DOMAIN-01" });
    // the same CA given as a plain PEM keeps the TLS stack's rule: any domain it certified
    const plain = await serverB([shared.caCert, own.caCert]);
    expect((await directoryAs(plain, "c.example")).status).toBe(200);
  });

  it("IDENTITY-DOMAIN-01 our calls to a peer check the binding of the CA its server certificate chains to", async () => {
    // c.example's server, certified by the shared CA
    const c = await serverOf("c.example", shared, own.caCert);
    const callC = async (ca: readonly PeerCa[]) => {
      const client = createFederationClient({
        domain: "b.example",
        key: own.providers["b.example"]!.key,
        cert: own.providers["b.example"]!.cert,
        ca,
        peers: { "c.example": `127.0.0.1:${c.port}` },
        timeoutMs: 10_000,
      });
      try {
        return await client.request("c.example", {
          method: "GET",
          path: "/.well-known/mimi-protocol-directory",
        });
      } finally {
        client.close();
      }
    };
    expect((await callC([{ pem: shared.caCert, domain: "c.example" }])).status).toBe(200);
    expect((await callC([shared.caCert])).status).toBe(200);
    await expect(callC([{ pem: shared.caCert, domain: "a.example" }])).rejects.toThrow(PeerUnavailable);
    await expect(callC([{ pem: shared.caCert, domain: "a.example" }])).rejects.toThrow(
      /configured for a\.example only/,
    );
  });
});
