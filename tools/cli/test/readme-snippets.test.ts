import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  extractSnippets,
  markdownFiles,
  snippetsOf,
  typecheckSnippets,
  writeSnippets,
} from "../../readme-snippets.mjs";

// The READMEs' TypeScript examples (tools/readme-snippets.mjs): every ```ts block of the
// packages' READMEs (and the root README and docs/*.md) type-checks as a module of its own against
// the packages' sources; every public package's README opens with `npm install` and one
// ```ts runnable example, which runs to completion and prints something.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");

/** The public packages: their README starts with `npm install` and a runnable example. */
const publicPackages = [
  "packages/wire",
  "packages/identifiers",
  "packages/content",
  "packages/identity",
  "packages/mls-profile",
  "packages/room-policy",
  "packages/protocol",
  "packages/ohttp",
  "packages/discovery",
  "packages/client",
  "packages/provider",
  "spec-vectors",
];

describe("extractSnippets", () => {
  it("returns the ts and typescript blocks with the line of their first code line", () => {
    const md = [
      "# title", //               1
      "",
      "```ts runnable", //        3
      'console.log("a");', //    4
      "```",
      "```sh",
      "echo no",
      "```",
      "```typescript", //        9
      "const b = 1;", //         10
      "", //                     11
      "```",
      "~~~ts",
      "const c = 2;", //         14
      "~~~",
      "```json",
      "{}",
      "```",
    ].join("\n");
    expect(extractSnippets(md)).toEqual([
      { line: 4, code: 'console.log("a");\n', lang: "ts", runnable: true },
      { line: 10, code: "const b = 1;\n\n", lang: "typescript", runnable: false },
      { line: 14, code: "const c = 2;\n", lang: "ts", runnable: false },
    ]);
  });

  it("does not read a ts fence inside another block as a snippet", () => {
    const md = ["````md", "```ts", "x", "```", "````", "```ts", "y", "```"].join("\n");
    expect(extractSnippets(md).map((s) => s.code)).toEqual(["y\n"]);
  });
});

describe("the READMEs' TypeScript examples", { timeout: 240_000 }, () => {
  it("checks the READMEs of every public package", () => {
    const files = markdownFiles(root);
    for (const dir of publicPackages) expect(files, "README checked").toContain(`${dir}/README.md`);
  });

  it("every example type-checks as a module of its own", () => {
    const snippets = snippetsOf(markdownFiles(root), root);
    expect(snippets.length).toBeGreaterThanOrEqual(publicPackages.length);
    // Each line: README:LINE:COL - error TSnnnn: message
    expect(typecheckSnippets(snippets, root)).toEqual([]);
  });

  it("fails on a type error, at the README line of the fault", () => {
    const problems = typecheckSnippets(
      [
        {
          source: "packages/wire/README.md",
          line: 20,
          code: 'import { toHex } from "@mimi/wire";\n\nconst hex: number = toHex(new Uint8Array([1]));\n',
        },
        { source: "packages/wire/README.md", line: 40, code: "export const alice = aliceCredential;\n" },
      ],
      root,
    );
    expect(problems).toEqual([
      "packages/wire/README.md:22:7 - error TS2322: Type 'string' is not assignable to type 'number'.",
      "packages/wire/README.md:40:22 - error TS2304: Cannot find name 'aliceCredential'.",
    ]);
  });

  it.each(publicPackages)("%s/README.md opens with npm install and one runnable example", (dir) => {
    const text = readFileSync(join(root, dir, "README.md"), "utf8");
    const name = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name as string;
    const firstSection = text.indexOf("\n## ") === -1 ? text.length : text.indexOf("\n## ");
    const install = text.indexOf(`npm install ${name}\n`);
    expect(install, `"npm install ${name}" before the first section`).toBeGreaterThan(0);
    expect(install).toBeLessThan(firstSection);
    const runnable = extractSnippets(text).filter((s) => s.runnable);
    expect(runnable.length, "```ts runnable blocks").toBe(1);
    expect(text.indexOf("```ts runnable")).toBeLessThan(firstSection);
  });

  it("every runnable example runs to completion and prints", async () => {
    const snippets = snippetsOf(
      publicPackages.map((d) => `${d}/README.md`),
      root,
    ).filter((s) => s.runnable);
    const written = writeSnippets(snippets, root);
    try {
      const runs = await Promise.all(
        written.files.map(async ({ snippet, file }) => {
          try {
            const { stdout } = await promisify(execFile)(
              process.execPath,
              [tsx, "--conditions=@mimi/source", file],
              { cwd: written.dir, timeout: 180_000 },
            );
            return { where: `${snippet.source}:${snippet.line}`, ok: stdout.trim() !== "", out: stdout };
          } catch (e) {
            const err = e as { stderr?: string; message: string };
            return { where: `${snippet.source}:${snippet.line}`, ok: false, out: err.stderr ?? err.message };
          }
        }),
      );
      expect(runs.filter((r) => !r.ok)).toEqual([]);
    } finally {
      written.remove();
    }
  });
});
