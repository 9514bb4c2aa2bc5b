/**
 * `mimi vectors verify --dir DIR`: a downloaded copy of the vectors is checked against its manifest
 * and schemas, and the suites run on its files instead of the workspace's.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./run-cli.js";

const source = join(repoRoot, "spec-vectors");
const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A copy of spec-vectors as published (no src/, test/ or node_modules/) in a temporary folder. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), "mimi-vectors-copy-"));
  temps.push(dir);
  cpSync(source, dir, {
    recursive: true,
    filter: (src) => !/^[\\/](node_modules|src|test)$/.test(src.slice(source.length)),
  });
  return dir;
}

// The whole run (every suite, the RFC 9420 ones take a minute) on the workspace copy is a step of
// `npm test`; here: the copy's own checks and suites that read a vector file of every kind.
const suites = [
  "upstream/integrity",
  "spec-vectors/format",
  "spec-vectors/manifest",
  "spec-vectors/schemas",
  "wire/tls-codec",
  "identifiers/handle-uris",
  "content/decode",
  "content/draft-examples",
  "room-policy/authorization",
  "protocol/bodies",
].flatMap((s) => ["--suite", s]);

describe("mimi vectors verify --dir", () => {
  it("verifies a pristine copy", async () => {
    const r = await runCli(["vectors", "verify", "--dir", copy(), ...suites]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/10 suites: \d+ passed, 0 failed/);
    expect(r.code).toBe(0);
  });

  it("runs the suites on the copy's files, not the workspace's", async () => {
    const dir = copy();
    const tls = join(dir, "wire", "tls-codec.json");
    // A case that now expects the wrong result (the manifest is not consulted by this suite).
    writeFileSync(tls, readFileSync(tls, "utf8").replace('"result": "valid"', '"result": "invalid"'));
    const r = await runCli(["vectors", "verify", "--dir", dir, "--suite", "wire/tls-codec"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: VectorFailure: .* at wire\/tls-codec#1\n$/);
    expect((await runCli(["vectors", "verify", "--suite", "wire/tls-codec"])).code).toBe(0);
  });

  it("fails on a tampered copy, naming the file", async () => {
    const dir = copy();
    const tampered = "generated/protocol/bodies.json";
    const bytes = readFileSync(join(dir, tampered));
    const at = bytes.indexOf('"encoded": "') + 12;
    bytes[at] = bytes[at]! ^ 0x01; // one hex digit of the first case's encoding
    writeFileSync(join(dir, tampered), bytes);
    const r = await runCli(["vectors", "verify", "--dir", dir, ...suites]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: VectorFailure: ${tampered}: SHA-256 [0-9a-f]{64} differs from manifest\\.json \\([0-9a-f]{64}\\) at spec-vectors/manifest#${tampered}$`,
        "m",
      ),
    );
    // and the protocol suite, run on the copy, fails on the changed case
    expect(r.stderr).toMatch(/ at protocol\/bodies#1$/m);
  });

  it("fails on a copy with a missing file, a wrong case field or an unlisted file", async () => {
    const dir = copy();
    rmSync(join(dir, "identifiers", "handle-uris.json"));
    const uris = join(dir, "identifiers", "mimi-uri-grammar.json");
    writeFileSync(uris, readFileSync(uris, "utf8").replace('"canonical":', '"canonicalForm":'));
    writeFileSync(join(dir, "wire", "more.json"), "{}\n");
    const r = await runCli(["vectors", "verify", "--dir", dir, ...suites]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "error: VectorFailure: identifiers/handle-uris.json: listed in manifest.json but missing at spec-vectors/manifest#identifiers/handle-uris.json\n",
    );
    expect(r.stderr).toContain("at identifiers/handle-uris#*\n"); // its suite cannot run
    expect(r.stderr).toMatch(
      /^error: VectorFailure: identifiers\/mimi-uri-grammar\.json: does not match schema\/mimi-uri-parse\.schema\.json: .*must NOT have unevaluated properties \(unevaluatedProperty "canonicalForm"\).* at spec-vectors\/schemas#identifiers\/mimi-uri-grammar\.json$/m,
    );
    expect(r.stderr).toContain(
      "error: VectorFailure: wire/more.json: not listed in manifest.json at spec-vectors/manifest#wire/more.json\n",
    );
  });

  it("refuses a copy without a manifest, or of an unknown format version", async () => {
    const dir = copy();
    const manifest = readFileSync(join(dir, "manifest.json"), "utf8");
    rmSync(join(dir, "manifest.json"));
    let r = await runCli(["vectors", "verify", "--dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: VectorFileError: manifest.json: no such file at /\n");
    writeFileSync(join(dir, "manifest.json"), manifest.replace('"formatVersion": 1', '"formatVersion": 2'));
    r = await runCli(["vectors", "verify", "--dir", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "error: VectorFileError: manifest.json: formatVersion 2 is not 1, the version this tool reads at /formatVersion\n",
    );
    expect(r.stdout).toBe("");
  });

  it("exits 2 on usage errors", async () => {
    const missing = join(copy(), "no-such-folder");
    for (const argv of [
      ["vectors", "verify", "--dir"],
      ["vectors", "verify", "--dir", ""],
      ["vectors", "verify", "--dir", missing],
      ["vectors", "verify", "--dir", join(source, "manifest.json")],
      ["vectors", "verify", "--dir", copy(), "--suite", "no/such-suite"],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^error: UsageError: /);
    }
  });
});
