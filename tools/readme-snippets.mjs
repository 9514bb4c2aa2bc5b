#!/usr/bin/env node
// The TypeScript examples of the READMEs, checked: every ```ts (or ```typescript) block of a
// package README (and of the root README and docs/*.md) is a self-contained module that must
// type-check against the packages' sources, with the workspace's compiler settings.
//
//   node tools/readme-snippets.mjs      check: print every diagnostic as FILE:LINE:COL (exit 1 if any)
//
// A block whose info string is `ts runnable` is also the package's standalone example: it runs in
// plain Node (ESM, top-level await) with no network and no files, and prints what it shows.
// `tools/cli/test/readme-snippets.test.ts` runs both checks as part of `npm test`.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Markdown files whose examples are not checked, with the reason.
 * @type {Readonly<Record<string, string>>}
 */
export const uncheckedFiles = {
  "docs/ts-mls-patch.md":
    "sketches for the ts-mls maintainers against ts-mls's own API, sharing one setup block; not modules of ours",
};

/**
 * The fenced TypeScript blocks of a Markdown text, in order: the info string's first word is `ts`
 * or `typescript`; `runnable` among its further words marks the standalone example.
 *
 * @param {string} markdown
 * @returns {{ line: number, code: string, lang: string, runnable: boolean }[]} `line` is the
 *   1-based line of the block's first code line (the line after the opening fence).
 */
export function extractSnippets(markdown) {
  const lines = markdown.split(/\r?\n/);
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)(.*)$/.exec(lines[i]);
    if (open === null) continue;
    const [, indent, fence, lang, rest] = open;
    const body = [];
    let j = i + 1;
    const closing = new RegExp(`^ {0,3}${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    for (; j < lines.length && !closing.test(lines[j]); j++) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    if (lang === "ts" || lang === "typescript") {
      out.push({
        line: i + 2,
        code: `${body.join("\n")}\n`,
        lang,
        runnable: rest.trim().split(/\s+/).includes("runnable"),
      });
    }
    i = j;
  }
  return out;
}

/**
 * The Markdown files whose examples are checked, relative to `root`: the README of every package
 * (packages/*, tools/*, spec-vectors), the root README and docs/*.md, less {@link uncheckedFiles}.
 *
 * @param {string} [root]
 * @returns {string[]}
 */
export function markdownFiles(root = here) {
  const files = ["README.md"];
  for (const parent of ["packages", "tools"]) {
    for (const name of readdirSync(join(root, parent)).sort()) {
      if (exists(join(root, parent, name, "README.md"))) files.push(`${parent}/${name}/README.md`);
    }
  }
  if (exists(join(root, "spec-vectors", "README.md"))) files.push("spec-vectors/README.md");
  for (const name of readdirSync(join(root, "docs")).sort()) {
    if (name.endsWith(".md")) files.push(`docs/${name}`);
  }
  return files.filter((f) => !(f in uncheckedFiles));
}

function exists(path) {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every snippet of the given Markdown files.
 *
 * @param {string[]} files relative to `root`
 * @param {string} [root]
 * @returns {{ source: string, line: number, code: string, runnable: boolean }[]}
 */
export function snippetsOf(files, root = here) {
  return files.flatMap((source) =>
    extractSnippets(readFileSync(join(root, source), "utf8")).map((s) => ({
      source,
      line: s.line,
      code: s.code,
      runnable: s.runnable,
    })),
  );
}

/** The workspace's packages by name (`@mimi/wire` → its folder), for the snippets' node_modules. */
function workspacePackages(root) {
  const out = new Map();
  const dirs = ["spec-vectors"];
  for (const parent of ["packages", "tools"]) {
    for (const name of readdirSync(join(root, parent))) dirs.push(`${parent}/${name}`);
  }
  for (const dir of dirs) {
    try {
      const { name } = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
      if (typeof name === "string" && name.startsWith("@mimi/")) out.set(name, join(root, dir));
    } catch (e) {
      if (e.code !== "ENOENT" && e.code !== "ENOTDIR") throw e;
    }
  }
  return out;
}

/**
 * Writes the snippets as modules into a new folder under `root`/test-results, where `@mimi/*`
 * resolve to the workspace's packages (through a node_modules of links, and the `@mimi/source`
 * condition to their sources) and third-party packages through the workspace's node_modules.
 *
 * @param {{ source: string, line: number, code: string }[]} snippets
 * @param {string} [root]
 * @returns {{ dir: string, files: { snippet: { source: string, line: number, code: string }, file: string }[], remove: () => void }}
 */
export function writeSnippets(snippets, root = here) {
  mkdirSync(join(root, "test-results"), { recursive: true });
  const dir = mkdtempSync(join(root, "test-results", "readme-snippets-"));
  // "type": "module": every snippet is an ES module (its own scope, top-level await), as in a consumer's project.
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ private: true, type: "module" })}\n`);
  mkdirSync(join(dir, "node_modules", "@mimi"), { recursive: true });
  for (const [name, target] of workspacePackages(root)) {
    symlinkSync(target, join(dir, "node_modules", name), "dir");
  }
  const files = snippets.map((snippet) => {
    const base = `${snippet.source.replace(/[^A-Za-z0-9]+/g, "_")}_L${snippet.line}.ts`;
    const file = join(dir, base);
    writeFileSync(file, snippet.code);
    return { snippet, file };
  });
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The compiler options of tsconfig.base.json (strict, NodeNext, the `@mimi/source` condition, …),
 * for modules that are type-checked, not emitted.
 *
 * @param {string} root
 * @returns {ts.CompilerOptions}
 */
function compilerOptions(root) {
  const path = join(root, "tsconfig.base.json");
  const read = ts.readConfigFile(path, ts.sys.readFile);
  if (read.error !== undefined)
    throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, path);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    isolatedDeclarations: false,
    sourceMap: false,
  };
}

/**
 * Type-checks the snippets, each as its own module. Returns one line per diagnostic,
 * `SOURCE:LINE:COL - error TSnnnn: message`, where LINE is the line in the Markdown file.
 *
 * @param {{ source: string, line: number, code: string }[]} snippets
 * @param {string} [root]
 * @returns {string[]}
 */
export function typecheckSnippets(snippets, root = here) {
  const written = writeSnippets(snippets, root);
  try {
    const program = ts.createProgram({
      rootNames: written.files.map((f) => f.file),
      options: compilerOptions(root),
    });
    const problems = [];
    for (const d of program.getOptionsDiagnostics()) problems.push(format(d, undefined, root));
    for (const { snippet, file } of written.files) {
      const sf = program.getSourceFile(file);
      if (sf === undefined) {
        problems.push(`${snippet.source}:${snippet.line}:1 - error: the snippet was not compiled`);
        continue;
      }
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        problems.push(format(d, snippet, root));
      }
    }
    return problems;
  } finally {
    written.remove();
  }
}

function format(d, snippet, root) {
  const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  const kind = ts.DiagnosticCategory[d.category].toLowerCase();
  if (d.file === undefined || d.start === undefined)
    return `${snippet?.source ?? "compiler"}: ${kind} TS${d.code}: ${text}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  if (snippet === undefined || !d.file.fileName.includes("readme-snippets-")) {
    return `${relative(root, d.file.fileName)}:${line + 1}:${character + 1} - ${kind} TS${d.code}: ${text}`;
  }
  return `${snippet.source}:${snippet.line + line}:${character + 1} - ${kind} TS${d.code}: ${text}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const snippets = snippetsOf(markdownFiles());
  const problems = typecheckSnippets(snippets);
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length > 0) {
    process.stderr.write(`error: SnippetError: ${problems.length} diagnostic(s) in README examples\n`);
    process.exit(1);
  }
  process.stdout.write(
    `${JSON.stringify({ snippets: snippets.length, runnable: snippets.filter((s) => s.runnable).length })}\n`,
  );
}
