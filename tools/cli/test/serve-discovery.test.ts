/**
 * `mimi serve` with a `discovery` key: the provider serves the identifier query from the directory
 * in its storage, seeded from the named file, and `mimi discover` finds a user through it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makePki } from "@mimi/provider/testing";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "mimi-serve-discovery-"));
let child: ChildProcess | undefined;
afterAll(() => {
  // also when the test timed out: never leave the server running
  if (child !== undefined && child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("mimi serve with a directory", () => {
  it("DISC-CONF-02 serves identifierQuery from the seeded, persisted directory; mimi discover finds the user", async () => {
    const pki = makePki("serve-discovery-ca", ["a.example", "d.example"]);
    writeFileSync(join(dir, "a.key"), pki.providers["a.example"]!.key);
    writeFileSync(join(dir, "a.pem"), pki.providers["a.example"]!.cert);
    writeFileSync(join(dir, "ca.pem"), pki.caCert);
    writeFileSync(
      join(dir, "directory.json"),
      JSON.stringify({
        users: [
          {
            user: "mimi://a.example/u/alice",
            handles: [
              { handle: "tel:+12015550123", discoverability: "anyone", tags: ["Personal"] },
              { handle: "tel:+12015550199", discoverability: "nobody" },
            ],
          },
        ],
      }),
    );
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({
        domain: "a.example",
        listen: { port: 0 },
        tls: { key: "a.key", cert: "a.pem", ca: "ca.pem" },
        storage: "memory://",
        discovery: "directory.json",
      }),
    );
    // Node itself runs the CLI, not the tsx wrapper (which SIGKILLs a child slow to acknowledge a
    // relayed SIGTERM on a loaded machine)
    const server = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=@mimi/source",
        join(repoRoot, "tools", "cli", "src", "main.ts"),
        "serve",
        "--config",
        join(dir, "config.json"),
      ],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = server;
    let out = "";
    server.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    server.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const t = setInterval(() => {
          const m = /"event":"listening".*?"port":(\d+)/.exec(out);
          if (m !== null) {
            clearInterval(t);
            resolve(Number(m[1]));
          }
        }, 50);
        server.once("exit", (code) => {
          clearInterval(t);
          reject(new Error(`exited ${code}: ${out}`));
        });
      });
      writeFileSync(
        join(dir, "providers.json"),
        JSON.stringify({
          providers: [{ domain: "a.example", url: `https://127.0.0.1:${port}`, ca: pki.caCert }],
          peer: {
            domain: "d.example",
            cert: pki.providers["d.example"]!.cert,
            key: pki.providers["d.example"]!.key,
            ca: pki.caCert,
          },
        }),
      );
      const found = await runCli([
        "discover",
        "tel:+12015550123",
        "--providers",
        join(dir, "providers.json"),
      ]);
      expect(found.code).toBe(0);
      expect(JSON.parse(found.stdout)).toMatchObject({
        outcome: "oneProviderOneIdentifier",
        mappings: [{ provider: "a.example", uris: ["mimi://a.example/u/alice"], tags: ["Personal"] }],
      });
      const optedOut = await runCli([
        "discover",
        "tel:+12015550199",
        "--providers",
        join(dir, "providers.json"),
      ]);
      expect(optedOut.code).toBe(1);
      expect(JSON.parse(optedOut.stdout).outcome).toBe("none");
      const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
      server.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (server.exitCode === null) server.kill("SIGKILL");
    }
  }, 240_000); // a child process (tsx, PGlite) on a loaded machine
});
