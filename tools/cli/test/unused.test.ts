import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

// The unused-code check of `npm test` (`pnpm unused`: knip with `knip.json`), run on a small
// package made up here (under test-results/, so that the repository's node_modules resolve): it
// passes when every file and export is used, and fails, naming them, on an unused export and an
// unused file.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const knip = join(root, "node_modules", "knip", "bin", "knip.js");

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function check(files: Record<string, string>): Promise<{ code: number; out: string }> {
  mkdirSync(join(root, "test-results"), { recursive: true });
  dir = mkdtempSync(join(root, "test-results", "knip-"));
  const all: Record<string, string> = {
    "package.json": JSON.stringify({
      name: "k",
      private: true,
      type: "module",
      exports: { ".": "./src/index.ts" },
    }),
    "knip.json": JSON.stringify({ project: ["src/**/*.ts"] }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [knip, "--no-progress"], { cwd: dir });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

describe("the unused-code check (knip)", () => {
  it("passes when every file and export is used", async () => {
    const r = await check({
      "src/index.ts": 'export { a } from "./a.ts";\n',
      "src/a.ts": "export const a = 1;\n",
    });
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails on an export nothing uses and a file nothing imports, naming them", async () => {
    const r = await check({
      "src/index.ts": 'export { a } from "./a.ts";\n',
      "src/a.ts": "export const a = 1;\nexport const unusedThing = 2;\n",
      "src/orphan.ts": "export const orphan = 3;\n",
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Unused files[\s\S]*src\/orphan\.ts/);
    expect(r.out).toMatch(/Unused exports[\s\S]*unusedThing\s+src\/a\.ts/);
  });
});
