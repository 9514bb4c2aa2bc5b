/**
 * Loader for the project's test vectors. Packages never keep copies of vectors: they read them
 * through this module.
 *
 * - `upstream/` holds the drafts' examples and the RFC 9420 vectors, byte for byte as imported
 *   (provenance in `upstream/INDEX.md`, `upstream/mls-rfc9420/SOURCE.md` and `PROVENANCE.md`;
 *   SHA-256 of every file in `upstream.sha256`).
 * - Every other `*.json` file under this folder (outside `schema/` and `upstream/`) is a vector
 *   file in our own format (`schema/vector-file.schema.json`, documented in `README.md`).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import * as files from "#files";

const { listVectorsFiles, readVectorsText } = files;

/**
 * The spec-vectors folder: an absolute path in Node; in a browser (through Vite), the URL it is
 * served from. Files are read with {@link readVectorsFile}, which works in both.
 */
export const vectorsRoot: string = files.vectorsRoot;

/**
 * A vector file or upstream file that cannot be used: not JSON, not hex, or not of the vector
 * format. This package sits below every other (it depends on none of ours), so it has its own error;
 * `what` and `path` are as in `@mimi/wire`'s errors.
 */
export class VectorFileError extends Error {
  override readonly name = "VectorFileError";
  constructor(
    readonly what: string,
    readonly path = "/",
  ) {
    super(`${what} at ${path}`);
  }
}

/** Bytes of hex text, whitespace ignored. */
function hexBytes(text: string, rel: string): Uint8Array {
  const hex = text.replace(/\s+/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new VectorFileError(`${rel}: not hex`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Text of a file, by path relative to the spec-vectors folder (e.g. `generated/content/x.json`).
 *
 * @throws VectorFileError when there is no such file.
 */
export function readVectorsFile(rel: string): string {
  const text = readVectorsText(rel);
  if (text === undefined) throw new VectorFileError(`${rel}: no such file`);
  return text;
}

/** Text of an upstream file. */
export function readUpstreamText(rel: string): string {
  return readVectorsFile(`upstream/${rel}`);
}

/** Bytes of an upstream `.hex` file (whitespace ignored). */
export function readUpstreamHex(rel: string): Uint8Array {
  return hexBytes(readUpstreamText(rel), rel);
}

/** Parsed JSON of an upstream file. */
export function readUpstreamJson(rel: string): unknown {
  return JSON.parse(readUpstreamText(rel)) as unknown;
}

/** Result of one vector case. */
export type VectorResult = "valid" | "invalid" | "acceptable";

/** One case of a vector file. Fields beyond the common ones are defined by the file's algorithm. */
export interface VectorCase {
  readonly tcId: number;
  readonly comment: string;
  readonly result: VectorResult;
  readonly flags: readonly string[];
  readonly reqs?: readonly string[];
  readonly [field: string]: unknown;
}

/** A group of cases sharing parameters. */
export interface VectorGroup {
  readonly type?: string;
  readonly tests: readonly VectorCase[];
  readonly [field: string]: unknown;
}

/** A vector file in our format. */
export interface VectorFile {
  readonly algorithm: string;
  readonly source: string;
  readonly generator?: string;
  readonly numberOfTests: number;
  readonly header?: readonly string[];
  readonly notes?: Readonly<Record<string, string>>;
  readonly testGroups: readonly VectorGroup[];
}

const ID_PATTERN = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+-[0-9]{2,}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Check the structure of a parsed vector file: the fields the schema requires, unique positive
 * `tcId`s, known `result` values, `numberOfTests` equal to the number of cases, and flags that are
 * explained in `notes`.
 *
 * @throws VectorFileError naming the offending field.
 */
export function checkVectorFile(value: unknown, name = "vector file"): VectorFile {
  const bad = (what: string, path: string): never => {
    throw new VectorFileError(`${name}: ${what}`, path);
  };
  if (!isRecord(value)) return bad("not a JSON object", "/");
  for (const key of ["algorithm", "source"] as const) {
    if (typeof value[key] !== "string" || value[key] === "") bad(`missing ${key}`, `/${key}`);
  }
  if (!Array.isArray(value["testGroups"])) return bad("testGroups is not an array", "/testGroups");
  const notes = value["notes"];
  if (notes !== undefined && !isRecord(notes)) bad("notes is not an object", "/notes");
  const ids = new Set<number>();
  let count = 0;
  const groups = value["testGroups"] as unknown[];
  for (const [g, group] of groups.entries()) {
    if (!isRecord(group) || !Array.isArray(group["tests"]))
      return bad("group without tests", `/testGroups/${g}`);
    for (const [i, t] of (group["tests"] as unknown[]).entries()) {
      const at = `/testGroups/${g}/tests/${i}`;
      if (!isRecord(t)) return bad("case is not an object", at);
      const tcId = t["tcId"];
      if (typeof tcId !== "number" || !Number.isInteger(tcId) || tcId < 1)
        return bad("tcId is not a positive integer", at);
      if (ids.has(tcId)) bad(`duplicate tcId ${tcId}`, at);
      ids.add(tcId);
      if (typeof t["comment"] !== "string") bad("comment is not a string", `${at}/comment`);
      if (t["result"] !== "valid" && t["result"] !== "invalid" && t["result"] !== "acceptable") {
        bad(`unknown result ${JSON.stringify(t["result"])}`, `${at}/result`);
      }
      const flags = t["flags"];
      if (!Array.isArray(flags) || !flags.every((f) => typeof f === "string")) {
        return bad("flags is not a string array", `${at}/flags`);
      }
      for (const f of flags as string[]) {
        if (!isRecord(notes) || typeof notes[f] !== "string")
          bad(`flag ${f} is not explained in notes`, `${at}/flags`);
      }
      const reqs = t["reqs"];
      if (
        reqs !== undefined &&
        (!Array.isArray(reqs) || !reqs.every((r) => typeof r === "string" && ID_PATTERN.test(r)))
      ) {
        bad("reqs is not a list of requirement IDs", `${at}/reqs`);
      }
      count++;
    }
  }
  if (value["numberOfTests"] !== count)
    bad(`numberOfTests is ${String(value["numberOfTests"])} but there are ${count} cases`, "/numberOfTests");
  return value as unknown as VectorFile;
}

/** Load and check a vector file, by path relative to the spec-vectors folder. */
export function loadVectorFile(rel: string): VectorFile {
  const text = readVectorsFile(rel);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new VectorFileError(`${rel}: not JSON (${(e as Error).message})`);
  }
  return checkVectorFile(parsed, rel);
}

/** Every case of a file with its group, in order. */
export function allCases(file: VectorFile): { readonly group: VectorGroup; readonly test: VectorCase }[] {
  return file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));
}

/** Paths (relative, with `/`) of every vector file we author. */
export function listVectorFiles(): string[] {
  return listVectorsFiles().filter(
    (rel) =>
      rel.endsWith(".json") &&
      rel !== "package.json" &&
      !rel.startsWith("upstream/") &&
      !rel.startsWith("schema/"),
  );
}

/** The outcome of one case of a suite. */
export interface CaseOutcome {
  readonly id: string;
  readonly ok: boolean;
  readonly message?: string;
}

/** A named set of vector checks, run by `mimi vectors verify` and by the test suite. */
export interface VectorSuite {
  /** Short stable name, e.g. `content/draft-examples`. */
  readonly name: string;
  /** What the suite checks against: a draft or RFC and its revision. */
  readonly source: string;
  /** Run every case. Must not throw: a failing case is an outcome with `ok: false`. */
  run(): Promise<readonly CaseOutcome[]>;
}

/** Run `check` for each item, turning thrown errors into failed outcomes. */
export async function runCases<T>(
  items: readonly T[],
  id: (item: T) => string,
  check: (item: T) => void | Promise<void>,
): Promise<CaseOutcome[]> {
  const out: CaseOutcome[] = [];
  for (const item of items) {
    try {
      await check(item);
      out.push({ id: id(item), ok: true });
    } catch (e) {
      out.push({ id: id(item), ok: false, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

/** Expected SHA-256 of every upstream file, from `upstream.sha256`. */
export function upstreamDigests(): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of readVectorsFile("upstream.sha256").split("\n")) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (m !== null) map.set(m[2]!, m[1]!);
  }
  return map;
}

/** Suite: every imported upstream file is present and unchanged. */
export const upstreamIntegritySuite: VectorSuite = {
  name: "upstream/integrity",
  source: "shared vectors as imported (upstream.sha256)",
  run: () =>
    runCases(
      [...upstreamDigests()],
      ([rel]) => rel,
      ([rel, digest]) => {
        const bytes = new TextEncoder().encode(readUpstreamText(rel)); // every upstream file is UTF-8 text
        let actual = "";
        for (const b of sha256(bytes)) actual += b.toString(16).padStart(2, "0");
        if (actual !== digest) throw new Error(`${rel} changed since import (sha256 ${actual})`);
      },
    ),
};

/** Suite: every vector file we author follows the format. */
export const vectorFormatSuite: VectorSuite = {
  name: "spec-vectors/format",
  source: "spec-vectors/schema/vector-file.schema.json",
  run: () =>
    runCases(
      listVectorFiles(),
      (rel) => rel,
      (rel) => {
        loadVectorFile(rel);
      },
    ),
};

/** The suites this package itself contributes. */
export const vectorSuites: readonly VectorSuite[] = [upstreamIntegritySuite, vectorFormatSuite];
