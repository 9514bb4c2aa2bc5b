/**
 * Requirement traceability, generated from the code.
 *
 * - A requirement ID has the form `AREA-TOPIC-NN` (upper-case segments, a final number of at least
 *   two digits).
 * - A requirement is *cited* in source (`packages/*\/src`, `packages/*\/vectors`, `spec-vectors/src`) as
 *   `[ID] <document> §<section>`, e.g. `// [CONTENT-ID-01] draft-ietf-mimi-content-08 §3.3: ...`.
 *   One citation with a source is enough; other citations may be a bare `[ID]`.
 * - A requirement is *tested* by each test whose title names it (`it("CONTENT-ID-01 ...")`, also
 *   through `it.each(...)`, `test.prop(...)`, …), and by each case of a vector file of ours that
 *   lists it in `reqs` (vector files must be read by a test or a suite).
 *
 * `mimi reqs --check` fails when a cited ID has no test, when a test or vector names an ID that no
 * source cites, when an ID has no source, or when two citations give different sources.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { listVectorFiles, loadVectorFile } from "@mimi/spec-vectors";

/** One requirement with its source and how many tests name it. */
interface Requirement {
  readonly id: string;
  readonly source: string;
  readonly tests: number;
  /** Source files that cite it (relative paths). */
  readonly citedIn: readonly string[];
}

/** Result of a scan. */
export interface RequirementScan {
  readonly requirements: readonly Requirement[];
  readonly problems: readonly string[];
}

const ID = "[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+-[0-9]{2,}";
const CITATION = new RegExp(
  String.raw`\[(${ID})\](?:\s+((?:draft-[a-z0-9-]+|RFC\s?\d+|ITU-T [A-Z]\.\d+)(?:\s*§\s*[A-Za-z0-9.]+(?:\s*(?:,|and)\s*§\s*[A-Za-z0-9.]+)*)?))?`,
  "g",
);
const ID_ANYWHERE = new RegExp(String.raw`\b(${ID})\b`, "g");

function walk(dir: string, accept: (path: string) => boolean, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === "node_modules" || name === "dist") continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, accept, out);
    else if (accept(full)) out.push(full);
  }
  return out;
}

function workspaceDirs(root: string): string[] {
  const out: string[] = [];
  for (const parent of ["packages", "tools"]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(root, parent)).sort();
    } catch {
      continue;
    }
    for (const n of names) if (statSync(join(root, parent, n)).isDirectory()) out.push(join(root, parent, n));
  }
  return out;
}

/** Skip over a string literal starting at `i` (the quote); returns the index after it. */
function skipString(text: string, i: number): number {
  const quote = text[i];
  let j = i + 1;
  while (j < text.length && text[j] !== quote) {
    if (text[j] === "\\") j++;
    else if (quote === "`" && text[j] === "$" && text[j + 1] === "{") {
      j = skipBalanced(text, j + 1) - 1;
    }
    j++;
  }
  return j + 1;
}

/** Skip a balanced (), [] or {} group starting at `i`; returns the index after it. */
function skipBalanced(text: string, i: number): number {
  const open = text[i];
  const close = open === "(" ? ")" : open === "[" ? "]" : "}";
  let depth = 0;
  let j = i;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '"' || c === "'" || c === "`") {
      j = skipString(text, j);
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0 && c === close) return j + 1;
    }
    j++;
  }
  return j;
}

/**
 * Titles of the tests declared in a test file: the first string argument of `it(…)`/`test(…)`,
 * including modifier chains such as `it.each(table)(…)`, `test.prop([…])(…)`, `it.concurrent(…)`.
 */
export function testTitles(source: string): string[] {
  const titles: string[] = [];
  const start = /\b(?:it|test)\b/g;
  for (let m = start.exec(source); m !== null; m = start.exec(source)) {
    const before = source[m.index - 1];
    if (before === "." || (before !== undefined && /[\w$]/.test(before))) continue;
    let j = m.index + m[0].length;
    // modifier chain: (.name | (args))*
    for (;;) {
      while (/\s/.test(source[j] ?? "")) j++;
      if (source[j] === ".") {
        j++;
        while (/[\w$]/.test(source[j] ?? "")) j++;
        continue;
      }
      if (source[j] === "(") {
        const argStart = j + 1;
        let k = argStart;
        while (/\s/.test(source[k] ?? "")) k++;
        const q = source[k];
        if (q === '"' || q === "'" || q === "`") {
          const end = skipString(source, k);
          titles.push(source.slice(k + 1, end - 1));
          break;
        }
        j = skipBalanced(source, j);
        continue;
      }
      break;
    }
  }
  return titles;
}

/** Scan the repository rooted at `root`. */
export function scanRequirements(root: string): RequirementScan {
  const problems: string[] = [];
  const sources = new Map<string, Set<string>>();
  const citedIn = new Map<string, Set<string>>();
  const tests = new Map<string, number>();
  const rel = (p: string): string => relative(root, p).split(sep).join("/");
  const isTs = (p: string): boolean => p.endsWith(".ts") && !p.endsWith(".d.ts");

  const sourceFiles: string[] = [];
  const testFiles: string[] = [];
  for (const dir of workspaceDirs(root)) {
    const isPackage = relative(root, dir).startsWith("packages");
    // tools' vector generators and suites read vector files too (tools/demo/vectors)
    for (const sub of isPackage ? ["src", "vectors"] : ["vectors"]) walk(join(dir, sub), isTs, sourceFiles);
    walk(join(dir, "test"), isTs, testFiles);
  }
  walk(join(root, "spec-vectors", "src"), isTs, sourceFiles);
  walk(join(root, "spec-vectors", "test"), isTs, testFiles);

  for (const file of sourceFiles) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(CITATION)) {
      const id = m[1]!;
      if (!citedIn.has(id)) citedIn.set(id, new Set());
      citedIn.get(id)!.add(rel(file));
      const src = m[2]?.replace(/\s+/g, " ").trim();
      if (src !== undefined && src !== "") {
        if (!sources.has(id)) sources.set(id, new Set());
        sources.get(id)!.add(src);
      }
    }
  }

  const tested = new Set<string>();
  for (const file of testFiles) {
    for (const title of testTitles(readFileSync(file, "utf8"))) {
      for (const m of title.matchAll(ID_ANYWHERE)) {
        tests.set(m[1]!, (tests.get(m[1]!) ?? 0) + 1);
        tested.add(m[1]!);
      }
    }
  }

  const readers = [...sourceFiles, ...testFiles].map((f) => readFileSync(f, "utf8")).join("\n");
  for (const vf of listVectorFiles()) {
    const file = loadVectorFile(vf);
    const base = vf.split("/").pop()!;
    if (!readers.includes(base)) problems.push(`vector file ${vf} is not read by any test or suite`);
    for (const g of file.testGroups) {
      for (const t of g.tests) {
        for (const id of t.reqs ?? []) {
          tests.set(id, (tests.get(id) ?? 0) + 1);
          tested.add(id);
        }
      }
    }
  }

  const requirements: Requirement[] = [];
  for (const [id, files] of [...citedIn].sort(([a], [b]) => a.localeCompare(b))) {
    const srcs = sources.get(id);
    if (srcs === undefined)
      problems.push(`${id} is cited without a source (write "[${id}] <draft> §<section>" once)`);
    else if (srcs.size > 1) problems.push(`${id} has conflicting sources: ${[...srcs].join(" | ")}`);
    const n = tests.get(id) ?? 0;
    if (n === 0) problems.push(`${id} has no test naming it (cited in ${[...files].join(", ")})`);
    requirements.push({
      id,
      source: srcs === undefined ? "" : [...srcs][0]!,
      tests: n,
      citedIn: [...files].sort(),
    });
  }
  for (const id of [...tested].sort()) {
    if (!citedIn.has(id)) problems.push(`${id} is named by tests but cited nowhere in the source`);
  }
  return { requirements, problems };
}

/** The generated coverage table (`docs/requirements.md`). */
export function requirementsMarkdown(scan: RequirementScan): string {
  const lines = [
    "# Requirement coverage",
    "",
    "Generated by `pnpm mimi reqs --write` from the code: do not edit. Each requirement ID is cited",
    "at the check that enforces it (`[ID] <draft> §<section>`) and named by the tests that prove it.",
    "",
    "| ID | Source | Tests | Enforced in |",
    "| --- | --- | ---: | --- |",
  ];
  for (const r of scan.requirements) {
    lines.push(`| ${r.id} | ${r.source} | ${r.tests} | ${r.citedIn.map((f) => `\`${f}\``).join(", ")} |`);
  }
  lines.push("", `${scan.requirements.length} requirements.`, "");
  return lines.join("\n");
}
