import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

// The layer check of `npm test` (`pnpm layers`: dependency-cruiser with `.dependency-cruiser.cjs`),
// run on small made-up workspaces: it passes on allowed arrows and fails, naming the rule, on each
// fault it is there for.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const depcruise = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");
const config = join(root, ".dependency-cruiser.cjs");

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function check(files: Record<string, string>): Promise<{ code: number; out: string }> {
  dir = mkdtempSync(join(tmpdir(), "mimi-layers-"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "nodenext" } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        depcruise,
        ...["packages", "tools"].filter((d) => Object.keys(files).some((f) => f.startsWith(`${d}/`))),
        "--config",
        config,
        "--output-type",
        "err",
      ],
      { cwd: dir },
    );
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

describe("the layer check", () => {
  it("passes arrows that point down", async () => {
    const r = await check({
      "packages/wire/src/index.ts": "export const a = 1;\n",
      "packages/protocol/src/index.ts": 'import { a } from "../../wire/src/index.ts";\nexport const b = a;\n',
      "tools/cli/src/main.ts":
        'import { b } from "../../../packages/protocol/src/index.ts";\nexport const c = b;\n',
    });
    expect(r.out).not.toMatch(/error/);
    expect(r.code).toBe(0);
  });

  it("fails an arrow that points up, naming the layer", async () => {
    const r = await check({
      "packages/protocol/src/index.ts": "export const b = 1;\n",
      "packages/wire/src/index.ts": 'import { b } from "../../protocol/src/index.ts";\nexport const a = b;\n',
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/layer-wire: packages\/wire\/src\/index\.ts → packages\/protocol\/src\/index\.ts/);
  });

  it("fails a package that imports tools/, a module cycle, and the client on the provider", async () => {
    const r = await check({
      "tools/testkit/src/index.ts": "export const t = 1;\n",
      "packages/wire/bench/index.ts":
        'import { t } from "../../../tools/testkit/src/index.ts";\nexport const x = t;\n',
      "packages/wire/src/a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
      "packages/wire/src/b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
      "packages/provider/src/index.ts": "export const p = 1;\n",
      "packages/client/src/index.ts":
        'import { p } from "../../provider/src/index.ts";\nexport const c = p;\n',
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/no-tools-from-packages: packages\/wire\/bench\/index\.ts → tools\/testkit/);
    expect(r.out).toMatch(/no-circular: packages\/wire\/src\/(a|b)\.ts/);
    expect(r.out).toMatch(/layer-client: packages\/client\/src\/index\.ts → packages\/provider/);
  });

  it("fails a ts-mls import outside mls-profile, and allows it inside", async () => {
    const r = await check({
      "node_modules/@mimi/ts-mls/package.json": JSON.stringify({ name: "@mimi/ts-mls", main: "index.js" }),
      "node_modules/@mimi/ts-mls/index.js": "export const x = 1;\n",
      "packages/mls-profile/src/index.ts": 'import { x } from "@mimi/ts-mls";\nexport const m = x;\n',
      "packages/protocol/src/index.ts": 'import { x } from "@mimi/ts-mls";\nexport const p = x;\n',
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(
      /ts-mls-through-mls-profile: packages\/protocol\/src\/index\.ts → node_modules\/@mimi\/ts-mls\//,
    );
    expect(r.out).not.toMatch(/packages\/mls-profile\/src\/index\.ts →/);
  });
});
