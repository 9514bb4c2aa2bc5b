import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@mimi/wire";
import { afterAll, describe, expect, it } from "vitest";
import { parseProviderConfig } from "../src/server/config.js";
import { spawnServeCli } from "./provider-process.js";
import { makeClient } from "./support/https-client.js";
import { makePki } from "./support/pki.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const dir = mkdtempSync(join(tmpdir(), "mimi-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  domain: "B.example",
  listen: { port: 0 },
  tls: { key: "b.key", cert: "b.pem", ca: "ca.pem" },
};

describe("provider configuration", () => {
  it("IDENTITY-DOMAIN-01 resolves file names against the configuration's folder, binds DOMAIN=FILE CAs, and defaults storage to a PGlite folder next to it", () => {
    const c = parseProviderConfig({ ...base, storage: "pglite:data", metrics: { port: 9464 } }, "/etc/mimi");
    expect(c).toEqual({
      domain: "b.example",
      listen: { host: "127.0.0.1", port: 0 },
      tls: { key: "/etc/mimi/b.key", cert: "/etc/mimi/b.pem", ca: ["/etc/mimi/ca.pem"] },
      storage: "pglite:/etc/mimi/data",
      logLevel: "info",
      metrics: { host: "127.0.0.1", port: 9464 },
    });
    expect(parseProviderConfig(base, "/x").storage).toBe("pglite:/x/b.example-data");
    expect(parseProviderConfig({ ...base, storage: "memory://" }, "/x").storage).toBe("memory://");
    // IDENTITY-DOMAIN-01: "DOMAIN=FILE" binds a peer CA to the one provider domain it certifies
    const bound = parseProviderConfig(
      { ...base, tls: { ...base.tls, ca: ["ca.pem", "A.Example=a/ca.pem"] } },
      "/x",
    );
    expect(bound.tls.ca).toEqual(["/x/ca.pem", { domain: "a.example", file: "/x/a/ca.pem" }]);
  });

  it("resolves CRL files of the peer CAs and of the client CAs", () => {
    const c = parseProviderConfig(
      {
        ...base,
        tls: { ...base.tls, crl: ["peers.crl", "/abs/other.crl"] },
        clientApi: { port: 0, ca: "clients.pem", crl: "clients.crl" },
      },
      "/etc/mimi",
    );
    expect(c.tls.crl).toEqual(["/etc/mimi/peers.crl", "/abs/other.crl"]);
    expect(c.clientApi?.crl).toEqual(["/etc/mimi/clients.crl"]);
    expect(parseProviderConfig(base, "/x").tls.crl).toBeUndefined();
  });

  it("reads secrets named { env } from the environment: the storage URL and the TLS key", () => {
    const env = {
      MIMI_DB: "postgres://mimi:s3cret@db.internal/mimi",
      MIMI_KEY: "-----BEGIN PRIVATE KEY-----\n…",
    };
    const c = parseProviderConfig(
      { ...base, storage: { env: "MIMI_DB" }, tls: { ...base.tls, key: { env: "MIMI_KEY" } } },
      "/x",
      env,
    );
    expect(c.storage).toBe(env.MIMI_DB);
    expect(c.tls.key).toEqual({ pem: env.MIMI_KEY });
    const pathOf = (v: unknown, e: Record<string, string> = env) => {
      try {
        parseProviderConfig(v, "/x", e);
      } catch (err) {
        return `${(err as ValidationError).path}: ${(err as ValidationError).what}`;
      }
      return "accepted";
    };
    expect(pathOf({ ...base, storage: { env: "MIMI_NOPE" } })).toBe(
      "/storage: the environment variable MIMI_NOPE is not set",
    );
    expect(pathOf({ ...base, tls: { ...base.tls, key: { env: "MIMI_KEY" } } }, {})).toBe(
      "/tls/key: the environment variable MIMI_KEY is not set",
    );
    expect(pathOf({ ...base, storage: { file: "x" } })).toMatch(/^\/storage: expected a string or/);
  });

  it("names the offending field", () => {
    const bad = (v: unknown) => {
      try {
        parseProviderConfig(v, "/x");
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).path;
      }
      return "accepted";
    };
    expect(bad({ ...base, domain: "not a domain" })).toBe("/domain");
    expect(bad({ ...base, listen: { port: 70000 } })).toBe("/listen/port");
    expect(bad({ ...base, tls: { key: "k", cert: "c", ca: [] } })).toBe("/tls/ca");
    expect(bad({ ...base, tls: { key: "k", cert: "c", ca: ["ok.pem", "not a domain=ca.pem"] } })).toBe(
      "/tls/ca/1",
    );
    expect(bad({ ...base, extra: 1 })).toBe("/extra");
    expect(bad({ ...base, tls: { ...base.tls, crl: [] } })).toBe("/tls/crl");
    expect(bad({ ...base, tls: { ...base.tls, crls: "x.crl" } })).toBe("/tls/crls");
    expect(bad({ ...base, clientApi: { port: 0, ca: "c.pem", crl: 5 } })).toBe("/clientApi/crl");
    expect(bad({ ...base, maxBodyBytes: 0 })).toBe("/maxBodyBytes");
    expect(bad({ ...base, peerTimeoutMs: 0 })).toBe("/peerTimeoutMs");
    expect(bad({ ...base, peerTimeoutMs: "10s" })).toBe("/peerTimeoutMs");
    expect(parseProviderConfig({ ...base, peerTimeoutMs: 120_000 }, "/x").peerTimeoutMs).toBe(120_000);
    expect(bad([])).toBe("/");
  });
});

/** `mimi serve --config FILE` in a child process, with what it printed so far. */
function startServe(config: string) {
  const child = spawnServeCli(config);
  const serve = {
    child,
    out: "",
    /** The CLI's `listening` event line, once printed (rejects when the process exits first). */
    listening: <K extends string>(key: K) =>
      new Promise<Record<K, unknown>[K]>((resolve, reject) => {
        const t = setInterval(() => {
          const line = serve.out.split("\n").find((l) => l.startsWith('{"event":"listening"'));
          if (line !== undefined) {
            clearInterval(t);
            resolve((JSON.parse(line) as Record<K, unknown>)[key]);
          }
        }, 50);
        child.once("exit", (code) => {
          clearInterval(t);
          reject(new Error(`exited ${code}: ${serve.out}`));
        });
      }),
  };
  child.stdout!.on("data", (c: Buffer) => {
    serve.out += c.toString();
  });
  return serve;
}

describe("mimi serve", () => {
  it("runs a provider from a configuration file and stops gracefully on SIGTERM", async () => {
    const pki = makePki("serve-ca", ["a.example", "b.example"]);
    writeFileSync(join(dir, "b.key"), pki.providers["b.example"]!.key);
    writeFileSync(join(dir, "b.pem"), pki.providers["b.example"]!.cert);
    writeFileSync(join(dir, "ca.pem"), pki.caCert);
    const fresh = postgresUrl === undefined ? undefined : await freshPostgresDatabase();
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({ ...base, storage: fresh?.url ?? "memory://", metrics: { port: 0 } }),
    );
    const serve = startServe(join(dir, "config.json"));
    const { child } = serve;
    try {
      const port = Number(await serve.listening("port"));
      const out = () => serve.out;
      const client = makeClient(port, "b.example", { ...pki.providers["a.example"]!, ca: pki.caCert });
      const r = await client.send({
        method: "GET",
        path: "/.well-known/mimi-protocol-directory",
        headers: { host: "b.example", from: "mimi@a.example" },
      });
      client.close();
      expect(r.status).toBe(200);
      // startProvider routes the hub's endpoints too (decision 0644)
      expect(Object.keys(JSON.parse(r.body.toString()) as object).sort()).toEqual([
        "groupInfo",
        "keyMaterial",
        "notify",
        "proxyDownload",
        "reportAbuse",
        "requestConsent",
        "submitMessage",
        "update",
        "updateConsent",
      ]);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(out()).toMatch(/"msg":"closed"/);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await fresh?.drop();
    }
  }, 240_000); // a child process (tsx, PGlite) on a loaded machine

  it("without storage keeps its data in a PGlite folder next to the configuration and says so", async () => {
    const pki = makePki("serve-ca-2", ["b.example"]);
    const own = mkdtempSync(join(tmpdir(), "mimi-serve-default-"));
    try {
      writeFileSync(join(own, "b.key"), pki.providers["b.example"]!.key);
      writeFileSync(join(own, "b.pem"), pki.providers["b.example"]!.cert);
      writeFileSync(join(own, "ca.pem"), pki.caCert);
      writeFileSync(join(own, "config.json"), JSON.stringify(base));
      const serve = startServe(join(own, "config.json"));
      try {
        expect(await serve.listening("storage")).toBe(`pglite:${join(own, "b.example-data")}`);
        expect(existsSync(join(own, "b.example-data", "PG_VERSION"))).toBe(true);
      } finally {
        const exited = new Promise((resolve) => serve.child.once("exit", resolve));
        serve.child.kill("SIGTERM");
        await exited;
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  }, 240_000); // a child process (tsx, PGlite) on a loaded machine
});
