/**
 * `mimi discover` against a running federation: three real provider servers on loopback
 * (mutual TLS, the transport's server) serving the identifier query from persisted directories,
 * queried as the peer provider d.example.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Database,
  implementedEndpoints,
  openDatabase,
  type ProviderServer,
  persistedDirectoryEndpoint,
  startProviderServer,
} from "@mimi/provider";
import { makePki } from "@mimi/provider/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const pki = makePki("discover CLI test CA", ["a.example", "b.example", "c.example", "d.example"]);
const seeds: Record<string, unknown> = {
  "a.example": {
    users: [
      {
        user: "mimi://a.example/u/alice",
        handles: [
          { handle: "tel:+1-201-555-0123", discoverability: "anyone", tags: ["Personal"] },
          { handle: "mailto:alice@mail.example", discoverability: "contacts" },
          { handle: "tel:+12015550199", discoverability: "nobody" },
        ],
        contacts: ["mimi://d.example/u/dan"],
      },
    ],
  },
  "b.example": { users: [] },
  "c.example": {
    users: [
      {
        user: "mimi://c.example/u/carol",
        handles: [{ handle: "tel:+12015550123", discoverability: "anyone", tags: ["Business"] }],
        reveal: ["mimi://c.example/u/carol", "mimi://c.example/p/c4"],
      },
    ],
  },
};
const running: { db: Database; server: ProviderServer }[] = [];
let dir: string;
let providersFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mimi-discover-"));
  const providers = [];
  for (const domain of ["a.example", "b.example", "c.example"]) {
    const db = await openDatabase("memory://");
    const { endpoint } = await persistedDirectoryEndpoint(db, domain, seeds[domain] as never);
    const server = await startProviderServer({
      domain,
      key: pki.providers[domain]!.key,
      cert: pki.providers[domain]!.cert,
      ca: pki.caCert,
      db,
      endpoints: [...implementedEndpoints, endpoint],
      log: () => {},
    });
    running.push({ db, server });
    providers.push({ domain, url: `https://127.0.0.1:${server.port}`, clientApiUrl: "", ca: pki.caCert });
  }
  writeFileSync(join(dir, "d.example.key"), pki.providers["d.example"]!.key);
  providersFile = join(dir, "providers.json");
  writeFileSync(
    providersFile,
    JSON.stringify({
      providers,
      peer: {
        domain: "d.example",
        cert: pki.providers["d.example"]!.cert,
        key: "d.example.key",
        ca: pki.caCert,
      },
    }),
  );
});

afterAll(async () => {
  for (const r of running) {
    await r.server.close(1000);
    await r.db.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("mimi discover", () => {
  it("DISC-R3-01 DISC-R5-01 finds a handle at every provider over mutual TLS and prints the mappings", async () => {
    const r = await runCli(["discover", "tel:+1.201.555.0123", "--providers", providersFile]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      handle: "tel:+12015550123",
      outcome: "manyProviders",
      mappings: [
        { provider: "a.example", uris: ["mimi://a.example/u/alice"], tags: ["Personal"] },
        {
          provider: "c.example",
          uris: ["mimi://c.example/u/carol", "mimi://c.example/p/c4"],
          tags: ["Business"],
        },
      ],
      rejected: [],
      failed: [],
    });
  });

  it("DISC-R5-01 exits 1 with the same output for an opted-out, a contacts-only and an unknown handle", async () => {
    const outs = [];
    for (const handle of ["tel:+12015550199", "mailto:alice@mail.example", "tel:+12015550100"]) {
      const r = await runCli(["discover", handle, "--providers", providersFile]);
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as { handle: string };
      outs.push({ ...out, handle: "" });
    }
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
    expect(outs[0]).toEqual({ handle: "", outcome: "none", mappings: [], rejected: [], failed: [] });
  });

  it("DISC-R6-02 --as names the asking user, which only a contacts-only handle needs", async () => {
    const r = await runCli([
      "discover",
      "mailto:alice@mail.example",
      "--providers",
      providersFile,
      "--as",
      "mimi://d.example/u/dan",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).mappings).toEqual([
      { provider: "a.example", uris: ["mimi://a.example/u/alice"], tags: [] },
    ]);
    // a provider vouches only for its own users: naming another domain's user is refused (400: a failed provider)
    const other = await runCli([
      "discover",
      "mailto:alice@mail.example",
      "--providers",
      providersFile,
      "--as",
      "mimi://a.example/u/alice",
    ]);
    expect(other.code).toBe(1);
    expect(JSON.parse(other.stdout).failed).toEqual(["a.example", "b.example", "c.example"]);
  });

  it("DISC-R7-01 refuses a provider that is not reached over https, and reports usage errors", async () => {
    const file = join(dir, "plain.json");
    writeFileSync(
      file,
      JSON.stringify({
        providers: [{ domain: "a.example", url: "http://127.0.0.1:1" }],
        peer: { domain: "d.example" },
      }),
    );
    const r = await runCli(["discover", "tel:+12015550123", "--providers", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DISC-R7-01|https/);
    expect((await runCli(["discover", "--providers", file])).code).toBe(2);
    expect((await runCli(["discover", "tel:+12015550123"])).code).toBe(2);
  });
});
