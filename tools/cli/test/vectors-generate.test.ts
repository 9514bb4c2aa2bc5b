import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateAll } from "../src/commands/vectors.js";
import { vectorGenerators } from "../src/registry.js";
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

describe("mimi vectors generate", () => {
  it("two generations are byte-identical and every area's generator contributes", async () => {
    const a = await generateAll();
    const b = await generateAll();
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [path, content] of a) expect(b.get(path)).toBe(content);
    for (const area of Object.keys(vectorGenerators))
      expect([...a.keys()].some((p) => p.startsWith(`${area}/`))).toBe(true);
  });

  it("--check passes on the committed tree", async () => {
    const r = await runCli(["vectors", "generate", "--check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ checked: (await generateAll()).size, stale: [] });
  });

  it("writes every file into --out, and --check then passes there", async () => {
    const out = temp();
    const w = await runCli(["vectors", "generate", "--out", out]);
    expect(w.code).toBe(0);
    const files = await generateAll();
    expect(JSON.parse(w.stdout)).toEqual({ written: [...files.keys()] });
    for (const [path, content] of files) expect(readFileSync(join(out, path), "utf8")).toBe(content);
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
