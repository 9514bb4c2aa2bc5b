import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

// The browser typecheck of `npm test` (`tsc -p tsconfig.browser.json`, part of `pnpm typecheck`)
// compiles the core packages with the DOM's globals and no @types/node. Run here on one small
// file with its settings: it passes on WebCrypto and fails on each Node-only name.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function typecheck(source: string): Promise<{ code: number; out: string }> {
  dir = mkdtempSync(join(tmpdir(), "mimi-browser-tsc-"));
  writeFileSync(join(dir, "core.ts"), source);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: join(root, "tsconfig.browser.json"),
      compilerOptions: { rootDir: "." },
      include: [],
      files: ["core.ts"],
    }),
  );
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [tsc, "-p", dir], { cwd: dir });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

describe("the browser typecheck (tsconfig.browser.json)", () => {
  it("passes code that uses only the web platform", async () => {
    const r = await typecheck(
      "export function digest(b: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {\n" +
        "  return globalThis.crypto.subtle.digest('SHA-256', b);\n}\n" +
        "export const text: string = new TextDecoder().decode(new Uint8Array(1));\n",
    );
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });

  it("fails on a node: import", async () => {
    const r = await typecheck('import { createHash } from "node:crypto";\nexport const h = createHash;\n');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/core\.ts.*Cannot find module 'node:crypto'/);
  });

  it("fails on Node globals (Buffer, process)", async () => {
    const r = await typecheck('export const b = Buffer.from("x");\nexport const e = process.env;\n');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Cannot find name 'Buffer'/);
    expect(r.out).toMatch(/Cannot find name 'process'/);
  });
});
