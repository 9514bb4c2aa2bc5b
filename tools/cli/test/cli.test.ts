import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CodecError, InternalError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { type Io, reportError, UsageError } from "../src/command.js";
import { loadSuites } from "../src/commands/vectors.js";
import { scanRequirements, testTitles } from "../src/reqs.js";
import { repoRoot, runCli } from "./run-cli.js";

/** Run the CLI in-process and capture what it prints. */

describe("mimi command line", () => {
  it("lists its subcommands with --help and exits 0", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/vectors/);
    expect(r.stdout).toMatch(/reqs/);
    expect(r.stdout).toMatch(/bench/);
  });

  it("exits 2 on an unknown command and on bad options", async () => {
    expect((await runCli(["frobnicate"])).code).toBe(2);
    const r = await runCli(["vectors", "verify", "--no-such-flag"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: UsageError: /);
  });

  it("vectors verify prints one row per suite and stays quiet on stderr in a pipe", async () => {
    // The full run (every suite, all 785 RFC 9420 cases) is a step of `npm test` on its own.
    const r = await runCli(["vectors", "verify", "--suite", "upstream/integrity"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/upstream\/integrity\s+\d+\s+0/);
    expect(r.stdout).toMatch(/1 suites: \d+ passed, 0 failed/);
    expect(r.stderr).toBe("");
  });

  it("every area registers its vector suites, each under a unique name", async () => {
    const names = (await loadSuites()).map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const prefix of [
      "upstream/",
      "mls/rfc9420",
      "wire/",
      "identifiers/",
      "content/",
      "room-policy/",
      "identity/",
      "mls-rfc9420/",
    ]) {
      expect(
        names.some((n) => n.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });

  it("vectors verify --json gives passed and failed counts per suite", async () => {
    const r = await runCli(["vectors", "verify", "--json", "--suite", "wire/tls-codec"]);
    const rows = JSON.parse(r.stdout) as { suite: string; passed: number; failed: number }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ suite: "wire/tls-codec", failed: 0 });
    expect(rows[0]!.passed).toBeGreaterThan(10);
  });

  it("reqs --json lists id, source and test count", async () => {
    const r = await runCli(["reqs", "--json"]);
    expect(r.code).toBe(0);
    const reqs = JSON.parse(r.stdout) as { id: string; source: string; tests: number }[];
    const varint = reqs.find((x) => x.id === "WIRE-VARINT-01");
    expect(varint).toMatchObject({ source: "RFC 9420 §2.1.2" });
    expect(varint!.tests).toBeGreaterThan(0);
    expect(Object.keys(reqs[0]!).sort()).toEqual(["id", "source", "tests"]);
  });

  it("the generated coverage table is up to date and every requirement is tested", () => {
    const scan = scanRequirements(repoRoot);
    expect(scan.problems).toEqual([]);
  });

  it("prints MIMI errors as `error: <ErrorName>: <what> at <where>` with exit 1", () => {
    let err = "";
    const io = { stdout: () => {}, stderr: (t: string) => (err += t) } as unknown as Io;
    expect(reportError(new CodecError("truncated", { path: "/salt" }), io)).toBe(1);
    expect(err).toBe("error: CodecError: truncated at /salt\n");
    expect(reportError(new UsageError("x"), io)).toBe(2);
  });

  it("an internal error exits 70 with the house line and then the stack", () => {
    for (const e of [
      new TypeError("x is undefined"),
      new InternalError("invariant broke", { path: "/log" }),
    ]) {
      let err = "";
      const io = { stdout: () => {}, stderr: (t: string) => (err += t) } as unknown as Io;
      expect(reportError(e, io)).toBe(70);
      const [line, ...stack] = err.split("\n");
      expect(line).toMatch(/^error: InternalError: (x is undefined at .+|invariant broke at \/log)$/);
      expect(stack.join("\n")).toContain("cli.test.ts");
    }
  });

  it("--version prints the CLI's version; extra arguments are a usage error", async () => {
    const r = await runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${JSON.parse(readFileSync(join(repoRoot, "tools/cli/package.json"), "utf8")).version}\n`,
    );
    expect((await runCli(["--version", "x"])).code).toBe(2);
  });
});

describe("requirement scanner", () => {
  it("finds test titles through modifier chains and multi-line calls", () => {
    const src = [
      'it("abc-de-01 one", () => {});',
      "test.prop([fc.array(fc.nat())])(",
      '  "abc-de-02 two",',
      "  (x) => {},",
      ");",
      "it.each(cases)(`$tcId abc-de-03`, () => {});",
      'split("not a test");',
      'describe("abc-de-04 a describe is not a test", () => {});',
    ].join("\n");
    expect(testTitles(src)).toEqual(["abc-de-01 one", "abc-de-02 two", "$tcId abc-de-03"]);
  });
});
