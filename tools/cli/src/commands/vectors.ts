import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  buildManifest,
  type CaseOutcome,
  MANIFEST_FILE,
  manifestInputs,
  readManifest,
  renderManifest,
  type VectorSuite,
  withVectorsRoot,
} from "@mimi/spec-vectors";
import {
  type Command,
  EXIT,
  type Io,
  parseOptions,
  printJson,
  progress,
  progressDone,
  UsageError,
} from "../command.js";
import { type GeneratedVectorFile, vectorGenerators, vectorSuiteLoaders } from "../registry.js";

const usage = `usage: mimi vectors verify [--json] [--suite NAME]... [--dir DIR]
       mimi vectors generate [--out DIR] [--check]

verify: runs every registered vector suite (or those named by --suite, which may be repeated) and
prints one row per suite with its passed and failed counts (or JSON with --json). Exits 1 when any
case fails. With --dir, verifies a copy of
the spec-vectors folder (a downloaded one) instead of the workspace's: its manifest.json (every
listed file present with its SHA-256, no unlisted vector file), every vector file against the
schema its $schema names, and then every suite run on the files of DIR. Exits 1, naming the file,
on a mismatch; 2 when DIR is not a folder.

generate: runs every registered deterministic generator and writes its files under DIR (default
spec-vectors/generated), removing .json files there that no generator produces; prints the
written paths as JSON. Without --out it also writes spec-vectors/manifest.json (every vector
file's path, source, schema and SHA-256, every schema's SHA-256, formatVersion). With --check,
writes nothing: exits 1, naming each file, when a file under DIR differs from what the generators
produce, is missing, or is not produced by any generator, or (without --out) when
spec-vectors/manifest.json is not the manifest of the files as generated.`;

/** Every generated file, keyed by its path under the output folder, in registry order. */
async function generateAll(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [area, generate] of Object.entries(vectorGenerators)) {
    for (const f of (await generate()) as readonly GeneratedVectorFile[]) {
      if (out.has(f.path)) throw new Error(`generator ${area} writes ${f.path} a second time`);
      out.set(f.path, f.content);
    }
  }
  return out;
}

/**
 * What the generators produce, generated once per process: they are deterministic (two runs give
 * the same bytes, which tools/cli/test/vectors-generate.test.ts checks), and the recorded
 * federation alone takes seconds. A failed generation is not kept.
 */
let generated: Promise<Map<string, string>> | undefined;
export function generatedFiles(): Promise<Map<string, string>> {
  generated ??= generateAll().catch((e: unknown) => {
    generated = undefined;
    throw e;
  });
  return generated;
}

/** Paths (relative, with `/`) of the .json files under `dir` (none when it does not exist). */
function jsonFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".json")) out.push(relative(dir, full).split(sep).join("/"));
    }
  };
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true) walk(dir);
  return out;
}

/** One problem `--check` found. */
interface Stale {
  readonly path: string;
  readonly problem: "differs" | "missing" | "extra";
}

/** Compare the generated files with what is under `dir`. */
function findStale(dir: string, files: ReadonlyMap<string, string>): Stale[] {
  const stale: Stale[] = [];
  for (const [path, content] of files) {
    const full = join(dir, path);
    if (statSync(full, { throwIfNoEntry: false })?.isFile() !== true)
      stale.push({ path, problem: "missing" });
    else if (readFileSync(full, "utf8") !== content) stale.push({ path, problem: "differs" });
  }
  for (const path of jsonFilesUnder(dir)) if (!files.has(path)) stale.push({ path, problem: "extra" });
  return stale;
}

/** The manifest of the workspace's spec-vectors folder with `files` as its generated/ files. */
function workspaceManifest(root: string, files: ReadonlyMap<string, string>): Promise<string> {
  return withVectorsRoot(join(root, "spec-vectors"), async () =>
    renderManifest(buildManifest(manifestInputs(files))),
  );
}

async function generate(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, {
    out: { type: "string" },
    check: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new UsageError("expected: vectors generate [--out DIR] [--check]");
  const outOption = values["out"] as string | undefined;
  if (outOption === "") throw new UsageError("--out needs a folder");
  const dir = resolve(io.root, outOption ?? join("spec-vectors", "generated"));
  const files = await generatedFiles();
  // The manifest describes the workspace's folder: it is written and checked only without --out.
  const manifestPath = join(io.root, "spec-vectors", MANIFEST_FILE);
  const manifest = outOption === undefined ? await workspaceManifest(io.root, files) : undefined;
  if (values["check"] === true) {
    const stale = findStale(dir, files);
    let manifestState: "current" | "differs" | "missing" | undefined;
    if (manifest !== undefined) {
      const onDisk = statSync(manifestPath, { throwIfNoEntry: false })?.isFile() === true;
      manifestState = !onDisk
        ? "missing"
        : readFileSync(manifestPath, "utf8") === manifest
          ? "current"
          : "differs";
    }
    printJson(io, {
      checked: files.size,
      stale,
      ...(manifestState === undefined ? {} : { manifest: manifestState }),
    });
    for (const s of stale) {
      const hint = s.problem === "extra" ? "no generator produces it" : "run `pnpm mimi vectors generate`";
      io.stderr(`error: StaleVector: ${s.problem} (${hint}) at ${s.path}\n`);
    }
    if (manifestState !== undefined && manifestState !== "current") {
      io.stderr(
        `error: StaleManifest: ${manifestState} (run \`pnpm mimi vectors generate\`) at spec-vectors/${MANIFEST_FILE}\n`,
      );
    }
    return stale.length === 0 && (manifestState ?? "current") === "current" ? EXIT.ok : EXIT.failed;
  }
  for (const path of jsonFilesUnder(dir)) if (!files.has(path)) rmSync(join(dir, path));
  for (const [path, content] of files) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  if (manifest !== undefined) writeFileSync(manifestPath, manifest);
  printJson(io, {
    written: [...files.keys()],
    ...(manifest === undefined ? {} : { manifest: MANIFEST_FILE }),
  });
  return EXIT.ok;
}

/** Every registered suite, in registry order. */
export async function loadSuites(): Promise<VectorSuite[]> {
  const out: VectorSuite[] = [];
  for (const load of vectorSuiteLoaders) out.push(...(await load()));
  return out;
}

interface SuiteRow {
  readonly suite: string;
  readonly source: string;
  readonly passed: number;
  readonly failed: number;
  readonly failures: readonly CaseOutcome[];
}

export const vectorsCommand: Command = {
  name: "vectors",
  summary: "verify every registered vector suite; generate the deterministic vector files",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    if (args[0] === "generate") return generate(args, io);
    const { values, positionals } = parseOptions(args, {
      json: { type: "boolean" },
      suite: { type: "string", multiple: true },
      dir: { type: "string" },
    });
    if (positionals[0] !== "verify" || positionals.length !== 1)
      throw new UsageError("expected: vectors verify | vectors generate");
    const only = values["suite"] as string[] | undefined;
    const all = await loadSuites();
    const unknown = only?.find((name) => !all.some((s) => s.name === name));
    if (unknown !== undefined) throw new UsageError(`no suite named ${unknown}`);
    const suites = all.filter((s) => only === undefined || only.includes(s.name));
    const dirOption = values["dir"] as string | undefined;
    if (dirOption === undefined) return verify(suites, values["json"] === true, io);
    if (dirOption === "") throw new UsageError("--dir needs a folder");
    const dir = resolve(io.root, dirOption);
    if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true)
      throw new UsageError(`--dir ${dirOption} is not a folder`);
    return withVectorsRoot(dir, async () => {
      readManifest(); // a copy without a manifest of a known format is refused before any suite runs
      return verify(suites, values["json"] === true, io);
    });
  },
};

/** Run the suites (on the folder read from) and print one row each; exit 1 when a case fails. */
async function verify(suites: readonly VectorSuite[], json: boolean, io: Io): Promise<number> {
  const rows: SuiteRow[] = [];
  for (const s of suites) {
    progress(io, `verifying ${s.name} ...`);
    let outcomes: readonly CaseOutcome[];
    try {
      outcomes = await s.run();
    } catch (e) {
      // A suite that cannot start (e.g. its vector file is missing from a copy) is one failed case.
      outcomes = [{ id: "*", ok: false, message: e instanceof Error ? e.message : String(e) }];
    }
    const failures = outcomes.filter((o) => !o.ok);
    rows.push({
      suite: s.name,
      source: s.source,
      passed: outcomes.length - failures.length,
      failed: failures.length,
      failures,
    });
  }
  progressDone(io);
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  if (json) {
    printJson(io, rows);
  } else {
    const w = Math.max(5, ...rows.map((r) => r.suite.length));
    io.stdout(`${"suite".padEnd(w)}  passed  failed  source\n`);
    for (const r of rows) {
      io.stdout(
        `${r.suite.padEnd(w)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${r.source}\n`,
      );
    }
    const passed = rows.reduce((n, r) => n + r.passed, 0);
    io.stdout(`${rows.length} suites: ${passed} passed, ${failed} failed\n`);
    for (const r of rows) {
      for (const f of r.failures)
        io.stderr(`error: VectorFailure: ${f.message ?? "failed"} at ${r.suite}#${f.id}\n`);
    }
  }
  return failed === 0 ? EXIT.ok : EXIT.failed;
}
