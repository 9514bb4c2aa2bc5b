import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ValidationError } from "@mimi/wire";
import { afterAll, describe, expect, it } from "vitest";
import { parseProviderConfig } from "../src/server/config.js";
import { makeClient } from "./support/https-client.js";
import { makePki } from "./support/pki.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const dir = mkdtempSync(join(tmpdir(), "mimi-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  domain: "B.example",
  listen: { port: 0 },
  tls: { key: "b.key", cert: "b.pem", ca: "ca.pem" },
};

describe("provider configuration", () => {
  it("resolves file names against the configuration's folder and defaults storage to memory://", () => {
    const c = parseProviderConfig({ ...base, storage: "pglite:data", metrics: { port: 9464 } }, "/etc/mimi");
    expect(c).toEqual({
      domain: "b.example",
      listen: { host: "127.0.0.1", port: 0 },
      tls: { key: "/etc/mimi/b.key", cert: "/etc/mimi/b.pem", ca: ["/etc/mimi/ca.pem"] },
      storage: "pglite:/etc/mimi/data",
      logLevel: "info",
      metrics: { host: "127.0.0.1", port: 9464 },
    });
    expect(parseProviderConfig(base, "/x").storage).toBe("memory://");
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
    expect(bad({ ...base, extra: 1 })).toBe("/extra");
    expect(bad({ ...base, maxBodyBytes: 0 })).toBe("/maxBodyBytes");
    expect(bad([])).toBe("/");
  });
});

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
    const child = spawn(
      join(root, "node_modules", ".bin", "tsx"),
      [
        "--conditions=@mimi/source",
        join(root, "tools", "cli", "src", "main.ts"),
        "serve",
        "--config",
        join(dir, "config.json"),
      ],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const t = setInterval(() => {
          const m = /"msg":"listening".*?"port":(\d+)/.exec(out);
          if (m !== null) {
            clearInterval(t);
            resolve(Number(m[1]));
          }
        }, 50);
        child.once("exit", (code) => {
          clearInterval(t);
          reject(new Error(`exited ${code}: ${out}`));
        });
      });
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
      expect(out).toMatch(/"msg":"closed"/);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await fresh?.drop();
    }
  });
});
