import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatedFiles } from "../src/commands/vectors.js";
import { type GeneratedVectorFile, vectorGenerators } from "../src/registry.js";
import { repoRoot, runCli } from "./run-cli.js";

const committed = join(repoRoot, "spec-vectors", "generated");
const temps: string[] = [];
/** A fresh temporary folder, removed after the tests. */
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "mimi-vectors-"));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

// One generation of every area for the whole file, the one the command itself makes once per
// process and the CLI runs below use; each area is generated a second time in its own test.
const files = generatedFiles;
beforeAll(async () => {
  await files();
});

describe("mimi vectors generate", () => {
  // The recorded federation's reproducibility is proven against the committed file by
  // tools/demo/test/outside-peer.test.ts (a new run in another process) and by --check below.
  const areas = Object.keys(vectorGenerators).filter((a) => a !== "federation");
  it.each(areas)("%s: a second generation in the same process gives the same bytes", async (area) => {
    const again = (await vectorGenerators[area]!()) as readonly GeneratedVectorFile[];
    const first = await files();
    expect(again.length).toBeGreaterThan(0);
    for (const f of again) expect(f.content, f.path).toBe(first.get(f.path));
  });

  it("every area's generator contributes a file", async () => {
    const paths = [...(await files()).keys()];
    for (const area of Object.keys(vectorGenerators))
      expect(paths.some((p) => p.startsWith(`${area}/`))).toBe(true);
  });

  it("--check passes on the committed tree", async () => {
    const r = await runCli(["vectors", "generate", "--check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ checked: (await files()).size, stale: [], manifest: "current" });
  });

  it("writes every file into --out, and --check then passes there", async () => {
    const out = temp();
    const w = await runCli(["vectors", "generate", "--out", out]);
    expect(w.code).toBe(0);
    const all = await files();
    expect(JSON.parse(w.stdout)).toEqual({ written: [...all.keys()] });
    for (const [path, content] of all) expect(readFileSync(join(out, path), "utf8")).toBe(content);
    expect((await runCli(["vectors", "generate", "--check", "--out", out])).code).toBe(0);
  });

  it("--check exits 1 naming a modified, a missing and an extra file; generate repairs them", async () => {
    const out = temp();
    cpSync(committed, out, { recursive: true });
    const changed = "content/mimi-content-decode.json";
    const removed = "room-policy/structures.json";
    writeFileSync(join(out, changed), readFileSync(join(out, changed), "utf8").replace("minimal", "minimum"));
    rmSync(join(out, removed));
    writeFileSync(join(out, "content", "stale.json"), "{}\n");
    const r = await runCli(["vectors", "generate", "--check", "--out", out]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).stale).toEqual([
      { path: changed, problem: "differs" },
      { path: removed, problem: "missing" },
      { path: "content/stale.json", problem: "extra" },
    ]);
    expect(r.stderr).toContain(
      `error: StaleVector: differs (run \`pnpm mimi vectors generate\`) at ${changed}\n`,
    );
    expect(r.stderr).toContain(`at ${removed}\n`);
    expect(r.stderr).toContain("at content/stale.json\n");
    expect((await runCli(["vectors", "generate", "--out", out])).code).toBe(0);
    expect((await runCli(["vectors", "generate", "--check", "--out", out])).code).toBe(0);
  });

  it("exits 2 on usage errors", async () => {
    for (const argv of [
      ["vectors", "generate", "extra"],
      ["vectors", "generate", "--bogus"],
      ["vectors", "generate", "--out"],
      ["vectors", "generate", "--out", ""],
      ["vectors", "generate", "--check=yes"],
      ["vectors"],
      ["vectors", "regenerate"],
    ]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^error: UsageError: /);
    }
  });
});
