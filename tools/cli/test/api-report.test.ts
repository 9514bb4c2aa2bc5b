import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

// The API report check of `npm test` (`node tools/api-report.mjs`), run on a one-package workspace
// made up here (inside .api/, so that the repository's node_modules resolve): it passes when the
// surface matches the committed report, and fails on each fault it is there for.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const script = join(root, "tools", "api-report.mjs");

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function workspace(index: string): string {
  mkdirSync(join(root, ".api"), { recursive: true });
  dir = mkdtempSync(join(root, ".api", "test-"));
  for (const f of ["tsconfig.base.json", "tsconfig.api.json"]) copyFileSync(join(root, f), join(dir, f));
  mkdirSync(join(dir, "packages", "wire", "src"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
  writeFileSync(
    join(dir, "packages", "wire", "package.json"),
    JSON.stringify({ name: "@mimi/wire", version: "0.0.0", type: "module" }),
  );
  writeFileSync(join(dir, "packages", "wire", "src", "index.ts"), index);
  return dir;
}

async function report(ws: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, "--root", ws, ...args]);
    return { code: 0, out: stdout, err: stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

const base = "/** One. */\nexport function one(): number {\n  return 1;\n}\n";

// Each case compiles and runs API Extractor once or twice (about 5 s each on a quiet machine).
describe("the API report check (tools/api-report.mjs)", { timeout: 120_000 }, () => {
  it("writes a report, then passes while the surface is unchanged", async () => {
    const ws = workspace(base);
    const w = await report(ws, "--write");
    expect(w.err).toBe("");
    expect(w.code).toBe(0);
    const text = readFileSync(join(ws, "api", "wire.api.md"), "utf8");
    expect(text).toContain("export function one(): number;");
    expect(text).not.toContain(root);
    const r = await report(ws);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails, naming the package, when an export is added", async () => {
    const ws = workspace(base);
    expect((await report(ws, "--write")).code).toBe(0);
    writeFileSync(
      join(ws, "packages", "wire", "src", "index.ts"),
      `${base}/** Two. */\nexport const two = 2;\n`,
    );
    const r = await report(ws);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error: ApiReportError: the public API of @mimi\/wire differs from api\//);
  });

  it("fails on a type the API uses but does not export (ae-forgotten-export)", async () => {
    const ws = workspace(
      "interface Hidden {\n  readonly x: number;\n}\n/** Uses Hidden. */\nexport function f(): Hidden {\n  return { x: 1 };\n}\n",
    );
    const r = await report(ws, "--write");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/@mimi\/wire: .*"Hidden" needs to be exported/);
  });

  it("fails on a {@link} to nothing the package exports (ae-unresolved-link)", async () => {
    const ws = workspace("/** Like {@link missing}. */\nexport const a = 1;\n");
    const r = await report(ws, "--write");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/@mimi\/wire: .*does not have an export "missing"/);
  });
});
