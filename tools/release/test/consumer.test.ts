/**
 * The consumer test (issue 21, decision 0006): what we publish is what we test.
 *
 * Every public package is published with the release command (`pnpm -r publish`, which packs
 * through prepack builds and the .pnpmfile.cjs hook) to a Verdaccio registry on loopback, then
 * installed by name with npm into an empty folder outside the workspace, and used from plain
 * Node: no tsx, no workspace, no `@mimi/source` condition. The tarballs the registry serves pass
 * publint, @arethetypeswrong/cli and our own contents check.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeSubmitMessageResponse } from "@mimi/protocol";
import { toHex } from "@mimi/wire";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markdownFiles, snippetsOf } from "../../readme-snippets.mjs";
import {
  type LocalRegistry,
  type PublicPackage,
  publicPackages,
  type Ran,
  run,
  startRegistry,
  tarballFiles,
  tarballProblems,
} from "../src/index.js";
import { importProfileScript, mlsRoomScript, protocolScript } from "./consumer-scripts.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const packages: PublicPackage[] = publicPackages(root);
const work = mkdtempSync(join(tmpdir(), "mimi-consumer-"));
const consumer = join(work, "consumer");
let registry: LocalRegistry;

/** Fail with what the process printed. */
function ok(r: Ran, what: string): Ran {
  if (r.code !== 0)
    throw new Error(`${what} exited ${r.code ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  return r;
}

/** npm in the consumer's folder, reading only the registry's npmrc. */
function npm(args: readonly string[], cwd = consumer, timeoutMs = 300_000): Promise<Ran> {
  return run("npm", args, { cwd, timeoutMs, env: { NPM_CONFIG_USERCONFIG: registry.npmrc } });
}

/** Run a JavaScript module `source` with plain Node in `cwd`. */
function node(cwd: string, name: string, source: string, args: readonly string[] = []): Promise<Ran> {
  writeFileSync(join(cwd, name), source);
  return run(process.execPath, [name, ...args], { cwd, timeoutMs: 120_000 });
}

beforeAll(async () => {
  registry = await startRegistry(join(work, "registry"));
  // the release command's publish step, as CONTRIBUTING runs it (git checks off: a test tree may
  // be dirty; the registry is the local one)
  ok(
    await run("pnpm", ["-r", "publish", "--no-git-checks", "--registry", registry.url], {
      cwd: root,
      timeoutMs: 900_000,
      env: { NPM_CONFIG_USERCONFIG: registry.npmrc },
    }),
    "pnpm -r publish",
  );
  mkdirSync(consumer, { recursive: true });
  writeFileSync(
    join(consumer, "package.json"),
    `${JSON.stringify({ name: "consumer", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  ok(
    await npm(
      ["install", "--prefer-online", ...packages.map((p) => `${p.name}@${p.version}`)],
      consumer,
      900_000,
    ),
    "npm install",
  );
}, 2_400_000);

afterAll(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("the published packages, installed from a registry into an empty folder", () => {
  it("the registry has every public package at its workspace version, and nothing private", async () => {
    for (const p of packages) {
      const r = await fetch(`${registry.url}${p.name.replace("/", "%2f")}`);
      expect(r.status, p.name).toBe(200);
      const meta = (await r.json()) as { versions: Record<string, unknown> };
      expect(Object.keys(meta.versions), p.name).toEqual([p.version]);
    }
    for (const name of ["@mimi/testkit", "@mimi/demo", "@mimi/release"])
      expect((await fetch(`${registry.url}${name.replace("/", "%2f")}`)).status, name).toBe(404);
  });

  it("every tarball passes publint, @arethetypeswrong/cli and the contents check", async () => {
    const attw = join(
      dirname(createRequire(import.meta.url).resolve("@arethetypeswrong/cli/package.json")),
      "dist",
      "index.js",
    );
    const failures: string[] = [];
    for (const p of packages) {
      const meta = (await (await fetch(`${registry.url}${p.name.replace("/", "%2f")}`)).json()) as {
        versions: Record<string, { dist: { tarball: string } }>;
      };
      const tgz = new Uint8Array(await (await fetch(meta.versions[p.version]!.dist.tarball)).arrayBuffer());
      const files = tarballFiles(tgz);
      for (const problem of tarballProblems(files)) failures.push(`${p.name}: ${problem}`);
      const manifest = JSON.parse(new TextDecoder().decode(files.get("package.json"))) as Record<
        string,
        unknown
      >;
      const text = JSON.stringify(manifest);
      if (text.includes("@mimi/source"))
        failures.push(`${p.name}: the manifest names the @mimi/source condition`);
      if (text.includes("workspace:")) failures.push(`${p.name}: the manifest has a workspace: range`);
      if (manifest["devDependencies"] !== undefined) failures.push(`${p.name}: devDependencies published`);
      for (const [dep, range] of Object.entries((manifest["dependencies"] ?? {}) as Record<string, string>))
        if (!dep.startsWith("@mimi/") && !range.startsWith("^"))
          failures.push(`${p.name}: third-party dependency ${dep} is ${range}, not a caret range`);
      for (const f of ["LICENSE", "README.md"]) if (!files.has(f)) failures.push(`${p.name}: no ${f}`);
      const lint = await publint({ pack: { tarball: tgz.slice().buffer }, level: "warning", strict: true });
      for (const m of lint.messages)
        failures.push(`${p.name}: publint ${m.type}: ${formatMessage(m, lint.pkg) ?? m.code}`);
      // a program's package (the CLI: a bin, no exports) has no types to check
      if (manifest["exports"] === undefined) continue;
      const file = join(work, `${p.name.replace("/", "-")}.tgz`);
      writeFileSync(file, tgz);
      const types = await run(process.execPath, [attw, file, "--format", "json", "--profile", "esm-only"], {
        cwd: work,
        timeoutMs: 120_000,
      });
      // The packages are ESM only (decision 0006): the esm-only profile leaves out how node10 and
      // CommonJS require() would resolve them; the JSON lists every problem, so filter the same.
      const report = JSON.parse(types.stdout || "{}") as {
        analysis?: { problems?: { resolutionKind?: string }[] };
      };
      const problems = (report.analysis?.problems ?? []).filter(
        (x) => x.resolutionKind !== "node10" && x.resolutionKind !== "node16-cjs",
      );
      if (types.code !== 0 || problems.length > 0)
        failures.push(
          `${p.name}: attw: ${JSON.stringify(problems).slice(0, 800)} ${types.stderr.slice(0, 400)}`,
        );
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it("npx mimi runs the compiled CLI: --version, uri parse, and a repository-only command refused", async () => {
    const version = ok(await npm(["exec", "--no", "--", "mimi", "--version"]), "mimi --version");
    expect(version.stdout.trim()).toBe(packages.find((p) => p.name === "@mimi/cli")!.version);
    const parsed = ok(
      await npm(["exec", "--no", "--", "mimi", "uri", "parse", "mimi://A.example/u/alice"]),
      "uri parse",
    );
    expect(JSON.parse(parsed.stdout)).toEqual({
      canonical: "mimi://a.example/u/alice",
      kind: "u",
      domain: "a.example",
      segments: ["alice"],
    });
    const bench = await npm(["exec", "--no", "--", "mimi", "bench", "mls"]);
    expect(bench.code).toBe(2);
    expect(bench.stderr).toMatch(
      /error: UsageError: "mimi bench" runs the project's test and benchmark code/,
    );
  }, 200_000);

  it("every README's runnable example runs in plain Node against the installed packages", async () => {
    const published = new Set(packages.map((p) => p.dir));
    const examples = snippetsOf(markdownFiles(root), root).filter(
      (s) => s.runnable && published.has(s.source.replace(/\/README\.md$/, "")),
    );
    expect(examples.length).toBeGreaterThanOrEqual(11);
    for (const s of examples) {
      const js = ts.transpileModule(s.code, {
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2023,
          verbatimModuleSyntax: false,
        },
      }).outputText;
      const name = `example-${s.source.split("/").slice(-2, -1)[0]}.mjs`;
      const r = await node(consumer, name, js);
      expect(r.code, `${s.source}:${s.line}\n${r.stderr}`).toBe(0);
      expect(r.stdout.trim().length, `${s.source}:${s.line} printed nothing`).toBeGreaterThan(0);
    }
  }, 600_000);

  it("an MLS room: a participant-list change in the add commit, then an encrypted message (the patched ts-mls)", async () => {
    const r = ok(await node(consumer, "mls-room.mjs", mlsRoomScript), "mls-room.mjs");
    expect(JSON.parse(r.stdout)).toEqual({
      epoch: 1,
      participants: ["mimi://example.com/u/alice:4", "mimi://example.com/u/bob:2"],
      wireformat: "mls_private_message",
      text: "hello from an installed package",
    });
    const installed = JSON.parse(
      readFileSync(join(consumer, "node_modules", "@mimi", "ts-mls", "dist", "PROVENANCE.json"), "utf8"),
    ) as {
      upstream: { name: string; version: string };
    };
    expect(installed.upstream).toMatchObject({ name: "ts-mls", version: "1.6.4" });
  }, 200_000);

  it("a protocol-06 body from the workspace decodes with the installed @mimi/protocol, and a cut one is refused", async () => {
    const bytes = encodeSubmitMessageResponse({
      protocol: "mls10",
      statusCode: "accepted",
      accepted_timestamp: 42n,
    });
    const r = ok(await node(consumer, "protocol.mjs", protocolScript, [toHex(bytes)]), "protocol.mjs");
    expect(JSON.parse(r.stdout)).toEqual({
      protocol: "mls10",
      statusCode: "accepted",
      accepted_timestamp: "42",
      refused: "CodecError",
    });
  }, 200_000);

  it("npx mimi serve starts a provider from the installed packages that answers its directory over mutual TLS", async () => {
    const serveDir = join(consumer, "serve");
    mkdirSync(serveDir);
    const mimi = (args: readonly string[]) => npm(["exec", "--no", "--", "mimi", ...args], serveDir);
    ok(await mimi(["pki", "init", "a.example", "--out", "a"]), "pki init a.example");
    ok(await mimi(["pki", "init", "b.example", "--out", "b"]), "pki init b.example");
    writeFileSync(
      join(serveDir, "config.json"),
      JSON.stringify({
        domain: "a.example",
        listen: { host: "127.0.0.1", port: 0 },
        tls: { key: "a/server.key", cert: "a/server.pem", ca: ["a/ca.pem", "b.example=b/ca.pem"] },
        storage: "memory://",
      }),
    );
    const { spawn } = await import("node:child_process");
    const child = spawn("npm", ["exec", "--no", "--", "mimi", "serve", "--config", "config.json"], {
      cwd: serveDir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NPM_CONFIG_USERCONFIG: registry.npmrc },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString("utf8");
    });
    try {
      const deadline = Date.now() + 120_000;
      let port: number | undefined;
      while (port === undefined) {
        const line = out.split("\n").find((l) => l.startsWith('{"event":"listening"'));
        if (line !== undefined) port = (JSON.parse(line) as { port: number }).port;
        else if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`mimi serve did not listen:\n${out}`);
        else await new Promise((r) => setTimeout(r, 200));
      }
      const file = (f: string) => readFileSync(join(serveDir, f), "utf8");
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            path: "/.well-known/mimi-protocol-directory",
            servername: "a.example",
            key: file("b/server.key"),
            cert: file("b/server.pem"),
            ca: file("a/ca.pem"),
            headers: { host: "a.example", from: "mimi@b.example" },
          },
          (res) => {
            let body = "";
            res.on("data", (c: Buffer) => {
              body += c.toString("utf8");
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
      expect(answer.status, answer.body).toBe(200);
      expect(Object.keys(JSON.parse(answer.body) as object)).toContain("submitMessage");
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    }
  }, 300_000);

  it("an unpatched ts-mls in place of @mimi/ts-mls fails the import of @mimi/mls-profile, saying so", async () => {
    const dir = join(work, "unpatched");
    mkdirSync(dir);
    const profile = packages.find((p) => p.name === "@mimi/mls-profile")!;
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "unpatched",
        version: "1.0.0",
        private: true,
        type: "module",
        dependencies: { "@mimi/mls-profile": profile.version },
        overrides: { "@mimi/ts-mls": "npm:ts-mls@1.6.4" },
      }),
    );
    ok(await npm(["install", "--prefer-online"], dir), "npm install (overridden ts-mls)");
    const r = await node(dir, "import.mjs", importProfileScript);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /InternalError: @mimi\/mls-profile needs ts-mls 1\.6\.4 with the MIMI patch revision 9/,
    );
    expect(r.stderr).toMatch(/a ts-mls without the MIMI patch/);
  }, 400_000);
});
