import { ClientCore, MimiClient, provisionClient } from "@mimi/client";
import { loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { type RunningProvider, startProvider } from "@mimi/provider";
import { ProtocolError } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestProvider, testProviders } from "../../../packages/client/test/relay.js";

// Two running providers: the hub a.example (OHTTP gateway, b.example's asset host configured) and
// b.example; MimiClients of both talk to their providers' client APIs over HTTPS on loopback.
let cs: MlsCiphersuite;
let providers: Map<string, TestProvider>;
let trust: Awaited<ReturnType<typeof testProviders>>["trust"];
const running = new Map<string, RunningProvider>();
const clients: MimiClient[] = [];

async function client(domain: string, user: string): Promise<MimiClient> {
  const p = providers.get(domain)!;
  const identity = await provisionClient(p.pki.ca, {
    userUri: `mimi://${domain}/u/${user}`,
    clientUri: `mimi://${domain}/d/${user}/1`,
    cs,
  });
  const c = new MimiClient({
    core: new ClientCore({ identity, trust, cs }),
    url: `https://127.0.0.1:${running.get(domain)!.clientApiPort}`,
    domain,
    ca: p.pki.ca.certificatePem,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  cs = await loadCiphersuite();
  ({ providers, trust } = await testProviders(cs, ["a.example", "b.example"]));
  const ca = [...providers.values()].map((p) => p.pki.ca.certificatePem);
  for (const domain of ["b.example", "a.example"]) {
    const pki = providers.get(domain)!.pki;
    running.set(
      domain,
      await startProvider({
        domain,
        tls: { key: pki.server.privateKeyPem, cert: pki.server.certificatePem, ca },
        clientApi: { port: 0, ca: pki.ca.certificatePem },
        peers: (d) => (running.has(d) ? { host: "127.0.0.1", port: running.get(d)!.port } : undefined),
        ...(domain === "a.example"
          ? {
              assetHosts: { "b.example": { peer: "b.example" } },
              // the gateway's key lives 1.5 s and is dropped at once when replaced
              ohttpKeyRotation: { periodMs: 1500, graceMs: 0 },
            }
          : {}),
        log: () => {},
      }),
    );
  }
});

afterAll(async () => {
  for (const c of clients) c.stop();
  for (const p of running.values()) await p.stop(500);
});

describe("MimiClient: oblivious attachment download (OHTTP, protocol-06 §5.10.3)", () => {
  it("downloads and decrypts an attachment through the hub's gateway, relayed by its own provider", async () => {
    const bob = await client("b.example", "bob");
    const carol = await client("b.example", "carol");
    const alice = await client("a.example", "alice");
    const plaintext = new TextEncoder().encode("a picture of a cat");
    const part = await bob.uploadAttachment(plaintext, { contentType: "image/png", filename: "cat.png" });
    expect(part.url).toMatch(/^https:\/\/b\.example\/blobs\//);
    // carol's provider b.example relays to a.example's gateway, which fetches from b.example.
    expect(await carol.downloadAttachment(part, { oblivious: { hub: "a.example" } })).toEqual(plaintext);
    // alice's provider is the hub: it relays to its own gateway.
    expect(await alice.downloadAttachment(part, { oblivious: { hub: "a.example" } })).toEqual(plaintext);
    // The direct way still works.
    expect(await carol.downloadAttachment(part)).toEqual(plaintext);
  });

  it("fetches the gateway's key configuration again once the key it knew is retired", async () => {
    const bob = await client("b.example", "bob3");
    const part = await bob.uploadAttachment(new TextEncoder().encode("rotated"), {
      contentType: "text/plain",
    });
    expect(await bob.downloadAttachment(part, { oblivious: { hub: "a.example" } })).toEqual(
      new TextEncoder().encode("rotated"),
    );
    // the key bob's client knows is replaced and gone
    await new Promise((r) => setTimeout(r, 1600));
    expect(await bob.downloadAttachment(part, { oblivious: { hub: "a.example" } })).toEqual(
      new TextEncoder().encode("rotated"),
    );
  });

  it("surfaces the gateway's refusal of a target that is not an asset location", async () => {
    const carol = await client("b.example", "carol2");
    const part = await carol.uploadAttachment(new Uint8Array([1, 2, 3]), {
      contentType: "application/octet-stream",
    });
    const elsewhere = { ...part, url: part.url.replace("b.example", "c.example") };
    const e = await carol
      .downloadAttachment(elsewhere, { oblivious: { hub: "a.example" } })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).what).toMatch(/answered 403 .*asset location/);
  });
});
