/**
 * `mimi conformance`: the command line over `@mimi/conformance`, run as against a demo
 * (`--providers providers.json`, the runner the file's outside peer d.example, the demo's users at
 * the target) with a provider of a.example started in-process with the demo's directory seed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoDirectorySeed } from "@mimi/demo";
import { createProviderPki, type ProviderPki } from "@mimi/identity";
import { persistedDirectoryEndpoint, type RunningProvider, startProvider } from "@mimi/provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

let dir: string;
let provider: RunningProvider;
let a: ProviderPki;
let d: ProviderPki;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mimi-conformance-cli-"));
  a = await createProviderPki("a.example", { algorithm: "Ed25519" });
  d = await createProviderPki("d.example", { algorithm: "Ed25519" });
  provider = await startProvider({
    domain: "a.example",
    tls: { key: a.server.privateKeyPem, cert: a.server.certificatePem, ca: d.ca.certificatePem },
    endpointsFor: async (db, domain) => [
      (await persistedDirectoryEndpoint(db, domain, demoDirectorySeed(domain))).endpoint,
    ],
    log: () => {},
  });
  // what `mimi demo --keep-running --dir DIR` writes (providersJson)
  const providers = {
    providers: [{ domain: "a.example", url: `https://127.0.0.1:${provider.port}`, ca: a.ca.certificatePem }],
    peer: {
      domain: "d.example",
      cert: d.server.certificatePem,
      key: d.server.privateKeyPem,
      ca: d.ca.certificatePem,
    },
  };
  writeFileSync(join(dir, "providers.json"), JSON.stringify(providers));
  writeFileSync(join(dir, "d.pem"), d.server.certificatePem);
  writeFileSync(join(dir, "d.key"), d.server.privateKeyPem);
  writeFileSync(join(dir, "a-ca.pem"), a.ca.certificatePem);
  writeFileSync(join(dir, "wrong-ca.pem"), d.ca.certificatePem);
});

afterAll(async () => {
  await provider?.stop(1000);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("mimi conformance", () => {
  it("against a demo's providers.json: every MUST passes, JSON on stdout, JUnit in a file, exit 0", async () => {
    const junit = join(dir, "junit.xml");
    const r = await runCli([
      "conformance",
      "--providers",
      join(dir, "providers.json"),
      "--target",
      "a.example",
      "--json",
      "--junit",
      junit,
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      runner: { domain: string };
      summary: { total: number; mustFailed: number; fail: number };
      results: { id: string; verdict: string; reason: string | null }[];
    };
    expect(report.runner.domain).toBe("d.example");
    expect(report.summary.total).toBeGreaterThanOrEqual(60);
    expect(report.results.filter((x) => x.verdict === "fail")).toEqual([]);
    // the demo seeds no user who consented to d.example and no joining code, and a.example shows
    // no handle to anyone
    const skipped = report.results.filter((x) => x.verdict === "skip").map((x) => x.id);
    expect(skipped).toEqual([
      "CONF-IDQ-03",
      "CONF-KM-01",
      "CONF-KM-02",
      "CONF-KM-10",
      "CONF-GI-04",
      "CONF-GI-05",
      "CONF-UPD-03",
      "CONF-UPD-04",
      "CONF-UPD-05",
      "CONF-UPD-06",
      "CONF-UPD-07",
      "CONF-UPD-08",
      "CONF-SUB-03",
      "CONF-SUB-04",
      "CONF-SUB-05",
      "CONF-ABUSE-02",
      "CONF-ABUSE-03",
      "CONF-SUB-06",
    ]);
    const xml = readFileSync(junit, "utf8");
    expect(xml.match(/<testcase /g)).toHaveLength(report.summary.total);
    expect(xml.match(/<skipped /g)).toHaveLength(skipped.length);
  });

  it("with the runner's identity given as files, a subset of checks, as text", async () => {
    const r = await runCli([
      "conformance",
      "--target",
      "a.example",
      "--connect",
      `127.0.0.1:${provider.port}`,
      "--domain",
      "d.example",
      "--cert",
      join(dir, "d.pem"),
      "--key",
      join(dir, "d.key"),
      "--ca",
      join(dir, "a-ca.pem"),
      "--only",
      "CONF-DIR-01,CONF-FED-02,CONF-KM-01",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("PASS CONF-DIR-01 MUST §5.1 [PROTO-DIR-07]");
    expect(r.stdout).toContain("SKIP CONF-KM-01");
    expect(r.stdout).toContain("2 passed, 0 failed (0 MUST, 0 SHOULD), 1 skipped of 3");
  });

  it("exits 1 when a MUST fails (the target's certificate does not chain to --ca)", async () => {
    const r = await runCli([
      "conformance",
      "--target",
      "https://a.example",
      "--connect",
      `127.0.0.1:${provider.port}`,
      "--domain",
      "d.example",
      "--cert",
      join(dir, "d.pem"),
      "--key",
      join(dir, "d.key"),
      "--ca",
      join(dir, "wrong-ca.pem"),
      "--only",
      "CONF-FED-01",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL CONF-FED-01 MUST §4\.1/);
  });

  it("usage errors exit 2; a malformed target exits 1 naming --target", async () => {
    expect((await runCli(["conformance"])).code).toBe(2);
    expect((await runCli(["conformance", "--target", "a.example"])).code).toBe(2);
    expect(
      (
        await runCli([
          "conformance",
          "--target",
          "a.example",
          "--only",
          "CONF-NOPE-01",
          "--providers",
          join(dir, "providers.json"),
        ])
      ).code,
    ).toBe(2);
    const bad = await runCli([
      "conformance",
      "--target",
      "not a domain!",
      "--providers",
      join(dir, "providers.json"),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: ValidationError: not a target .* at --target/);
    const missing = await runCli([
      "conformance",
      "--target",
      "z.example",
      "--providers",
      join(dir, "providers.json"),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: ValidationError: no provider z\.example at \/providers/);
  });
});
