/**
 * Loader for the project's test vectors. Packages never keep copies of vectors: they read them
 * through this module.
 *
 * - `upstream/` holds the drafts' examples and the RFC 9420 vectors, byte for byte as imported
 *   (provenance in `upstream/INDEX.md`, `upstream/mls-rfc9420/SOURCE.md` and `PROVENANCE.md`;
 *   SHA-256 of every file in `upstream.sha256`).
 * - Every other `*.json` file under this folder (outside `schema/` and `upstream/`, and other than
 *   `manifest.json` and `package.json`) is a vector file in our own format: it names its schema
 *   (`schema/<vector type>.schema.json`) by a relative `$schema`, and is documented in `README.md`.
 * - `manifest.json` lists every vector file with its SHA-256, source and schema (written by
 *   `mimi vectors generate`, checked by the `spec-vectors/manifest` suite).
 *
 * Files are read from this package's folder, or from another copy of it (a downloaded one) inside
 * {@link withVectorsRoot}.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import * as files from "#files";

const { listVectorsFiles, readVectorsText, setReadRoot } = files;

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
  /** The file's schema, relative to the file (e.g. `../schema/mimi-uri-parse.schema.json`). */
  readonly $schema?: string;
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
  if (value["$schema"] !== undefined && typeof value["$schema"] !== "string")
    bad("$schema is not a string", "/$schema");
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

/**
 * Whether a path (relative to the spec-vectors folder, with `/`) is one of the vector files we
 * author: a `.json` file in a folder other than `upstream/`, `schema/` and `dist/` (the files at the
 * top, `manifest.json`, `package.json` and the build's `tsconfig.build.json`, are not vectors).
 */
export function isVectorFilePath(rel: string): boolean {
  return (
    rel.endsWith(".json") &&
    rel.includes("/") &&
    !rel.startsWith("upstream/") &&
    !rel.startsWith("schema/") &&
    !rel.startsWith("dist/")
  );
}

/** Whether a path (relative to the spec-vectors folder) is a JSON Schema of ours (`schema/*.schema.json`). */
export function isSchemaPath(rel: string): boolean {
  return /^schema\/[^/]+\.schema\.json$/.test(rel);
}

/** Paths (relative, with `/`) of every vector file we author. */
export function listVectorFiles(): string[] {
  return listVectorsFiles().filter(isVectorFilePath);
}

/** Paths (relative, with `/`) of every JSON Schema under `schema/`. */
export function listSchemaFiles(): string[] {
  return listVectorsFiles().filter(isSchemaPath);
}

let switched = false;

/**
 * Run `fn` with every read of this module (`readVectorsFile`, `loadVectorFile`, `listVectorFiles`,
 * the suites, …) served from the copy of the spec-vectors folder at `dir` (e.g. a downloaded copy),
 * then read from this package's folder again. Node only. One at a time: the switch is global.
 *
 * @throws VectorFileError when another switch is under way.
 */
export async function withVectorsRoot<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  if (switched) throw new VectorFileError("vector files are already read from another folder", dir);
  switched = true;
  setReadRoot(dir);
  try {
    return await fn();
  } finally {
    setReadRoot(undefined);
    switched = false;
  }
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

/** Lowercase hex SHA-256 of a text's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  let out = "";
  for (const b of sha256(new TextEncoder().encode(text))) out += b.toString(16).padStart(2, "0");
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
        const actual = sha256Hex(readUpstreamText(rel)); // every upstream file is UTF-8 text
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

/** The manifest's file name, in the spec-vectors folder. */
export const MANIFEST_FILE = "manifest.json";

/** The version of the published format (manifest, vector files, schemas) this package writes and reads. */
export const MANIFEST_FORMAT_VERSION = 1;

/** The list of the upstream files and their SHA-256, in the spec-vectors folder. */
const UPSTREAM_INDEX = "upstream.sha256";

/** One vector file in the manifest. */
export interface ManifestVectorFile {
  /** Relative to the spec-vectors folder, with `/`. */
  readonly path: string;
  readonly algorithm: string;
  /** The file's `source`, verbatim. */
  readonly source: string;
  /** The drafts (with revision, when `source` gives one) and RFCs that `source` names, in order. */
  readonly follows: readonly string[];
  /** The file's schema, relative to the spec-vectors folder. */
  readonly schema: string;
  readonly numberOfTests: number;
  /** Lowercase hex SHA-256 of the file's bytes. */
  readonly sha256: string;
}

/** `manifest.json`: what a copy of the vectors holds (`schema/manifest.schema.json`). */
export interface VectorManifest {
  readonly $schema: string;
  readonly formatVersion: number;
  readonly vectorFiles: readonly ManifestVectorFile[];
  readonly schemas: readonly { readonly path: string; readonly sha256: string }[];
  /** `upstream.sha256` (which lists every upstream file's SHA-256): its own SHA-256 and how many files it lists. */
  readonly upstream: { readonly index: string; readonly sha256: string; readonly files: number };
}

/** The drafts and RFCs a `source` names, in order, each once: `draft-ietf-mimi-content-08`, `RFC 8949`. */
export function followsOf(source: string): string[] {
  return [...new Set(source.match(/\bdraft-[a-z0-9]+(?:-[a-z0-9]+)*|\bRFC \d+/g) ?? [])];
}

/**
 * The schema a vector file names: its `$schema`, a path relative to the file, resolved against the
 * spec-vectors folder (e.g. `schema/mimi-uri-parse.schema.json` for `../schema/mimi-uri-parse.schema.json`
 * in `identifiers/x.json`).
 *
 * @throws VectorFileError when `$schema` is missing, absolute, or does not name a file of `schema/`.
 */
export function schemaPathOf(rel: string, schemaRef: unknown): string {
  const bad = (what: string): never => {
    throw new VectorFileError(`${rel}: ${what}`, "/$schema");
  };
  if (typeof schemaRef !== "string") return bad("names no $schema");
  if (/^[a-z][a-z0-9+.-]*:|^\//i.test(schemaRef)) bad(`$schema ${schemaRef} is not a relative path`);
  const parts = rel.split("/").slice(0, -1);
  for (const seg of schemaRef.split("/")) {
    if (seg === "..") {
      if (parts.length === 0) bad(`$schema ${schemaRef} leaves the spec-vectors folder`);
      parts.pop();
    } else if (seg !== "." && seg !== "") parts.push(seg);
  }
  const path = parts.join("/");
  if (!isSchemaPath(path)) bad(`$schema ${schemaRef} is not a schema of schema/`);
  return path;
}

/** A vector file's manifest entry, from its text. */
function manifestEntry(rel: string, text: string): ManifestVectorFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new VectorFileError(`${rel}: not JSON (${(e as Error).message})`);
  }
  const file = checkVectorFile(parsed, rel);
  return {
    path: rel,
    algorithm: file.algorithm,
    source: file.source,
    follows: followsOf(file.source),
    schema: schemaPathOf(rel, file.$schema),
    numberOfTests: file.numberOfTests,
    sha256: sha256Hex(text),
  };
}

/**
 * The manifest of a set of files: `files` maps each path (relative to the spec-vectors folder) to its
 * text, and must hold every vector file, every schema and `upstream.sha256`.
 *
 * @throws VectorFileError when a vector file is not of the format or names no schema of `files`.
 */
export function buildManifest(files: ReadonlyMap<string, string>): VectorManifest {
  const paths = [...files.keys()].sort();
  const vectorFiles = paths.filter(isVectorFilePath).map((rel) => manifestEntry(rel, files.get(rel)!));
  for (const v of vectorFiles) {
    if (!files.has(v.schema)) throw new VectorFileError(`${v.path}: no schema ${v.schema}`, "/$schema");
  }
  const index = files.get(UPSTREAM_INDEX);
  if (index === undefined) throw new VectorFileError(`${UPSTREAM_INDEX}: no such file`);
  return {
    $schema: "schema/manifest.schema.json",
    formatVersion: MANIFEST_FORMAT_VERSION,
    vectorFiles,
    schemas: paths.filter(isSchemaPath).map((path) => ({ path, sha256: sha256Hex(files.get(path)!) })),
    upstream: {
      index: UPSTREAM_INDEX,
      sha256: sha256Hex(index),
      files: index.split("\n").filter((l) => l !== "").length,
    },
  };
}

/** The text of `manifest.json` (two-space JSON and a newline). */
export function renderManifest(manifest: VectorManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * What the manifest covers, read from the folder read from: every vector file, every schema and
 * `upstream.sha256`. `generated` (paths relative to `generated/`) replaces the files under
 * `generated/` (what `mimi vectors generate` writes).
 */
export function manifestInputs(generated?: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of [...listVectorFiles(), ...listSchemaFiles(), UPSTREAM_INDEX]) {
    if (generated !== undefined && rel.startsWith("generated/")) continue;
    out.set(rel, readVectorsFile(rel));
  }
  for (const [rel, text] of generated ?? []) out.set(`generated/${rel}`, text);
  return out;
}

/**
 * Read and check `manifest.json` of the folder read from: JSON, of a known `formatVersion`, with the
 * lists the format requires.
 *
 * @throws VectorFileError naming what is wrong.
 */
export function readManifest(): VectorManifest {
  const text = readVectorsFile(MANIFEST_FILE);
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new VectorFileError(`${MANIFEST_FILE}: not JSON (${(e as Error).message})`);
  }
  if (!isRecord(m)) throw new VectorFileError(`${MANIFEST_FILE}: not a JSON object`);
  if (m["formatVersion"] !== MANIFEST_FORMAT_VERSION) {
    throw new VectorFileError(
      `${MANIFEST_FILE}: formatVersion ${JSON.stringify(m["formatVersion"])} is not ${MANIFEST_FORMAT_VERSION}, the version this tool reads`,
      "/formatVersion",
    );
  }
  for (const key of ["vectorFiles", "schemas"]) {
    const list = m[key];
    if (!Array.isArray(list) || !list.every((e) => isRecord(e) && typeof e["path"] === "string"))
      throw new VectorFileError(`${MANIFEST_FILE}: ${key} is not a list of files`, `/${key}`);
  }
  if (!isRecord(m["upstream"])) throw new VectorFileError(`${MANIFEST_FILE}: no upstream`, "/upstream");
  return m as unknown as VectorManifest;
}

/**
 * Suite: the folder read from matches its `manifest.json`. One case per listed file (present, and
 * its SHA-256 and, for a vector file, its entry as the file gives it), one for `upstream.sha256`,
 * and a failing case for every vector file, schema or upstream file that is not listed.
 */
export const manifestSuite: VectorSuite = {
  name: "spec-vectors/manifest",
  source: `${MANIFEST_FILE} (formatVersion ${MANIFEST_FORMAT_VERSION})`,
  async run() {
    let manifest: VectorManifest;
    try {
      manifest = readManifest();
    } catch (e) {
      return [{ id: MANIFEST_FILE, ok: false, message: (e as Error).message }];
    }
    const digest = (rel: string, expected: string): string => {
      const text = readVectorsText(rel);
      if (text === undefined) throw new Error(`${rel}: listed in ${MANIFEST_FILE} but missing`);
      const actual = sha256Hex(text);
      if (actual !== expected)
        throw new Error(`${rel}: SHA-256 ${actual} differs from ${MANIFEST_FILE} (${expected})`);
      return text;
    };
    const out: CaseOutcome[] = [];
    out.push(
      ...(await runCases(
        manifest.vectorFiles,
        (v) => v.path,
        (v) => {
          const text = digest(v.path, v.sha256);
          const actual = manifestEntry(v.path, text);
          for (const key of ["algorithm", "source", "schema", "numberOfTests", "follows"] as const) {
            if (JSON.stringify(actual[key]) !== JSON.stringify(v[key]))
              throw new Error(
                `${v.path}: ${key} is ${JSON.stringify(actual[key])} but ${MANIFEST_FILE} says ${JSON.stringify(v[key])}`,
              );
          }
        },
      )),
      ...(await runCases(
        manifest.schemas,
        (s) => s.path,
        (s) => {
          digest(s.path, s.sha256);
        },
      )),
      ...(await runCases(
        [manifest.upstream],
        (u) => u.index,
        (u) => {
          const text = digest(UPSTREAM_INDEX, u.sha256);
          const count = text.split("\n").filter((l) => l !== "").length;
          if (count !== u.files)
            throw new Error(`${UPSTREAM_INDEX} lists ${count} files, ${MANIFEST_FILE} says ${u.files}`);
        },
      )),
    );
    const listed = new Set([...manifest.vectorFiles, ...manifest.schemas].map((f) => f.path));
    const upstream = upstreamDigests();
    for (const rel of listVectorsFiles()) {
      if ((isVectorFilePath(rel) || isSchemaPath(rel)) && !listed.has(rel))
        out.push({ id: rel, ok: false, message: `${rel}: not listed in ${MANIFEST_FILE}` });
      if (rel.startsWith("upstream/") && !upstream.has(rel.slice("upstream/".length)))
        out.push({ id: rel, ok: false, message: `${rel}: not listed in ${UPSTREAM_INDEX}` });
    }
    return out;
  },
};

/**
 * A JSON Schema validator, supplied by the caller (this package has no validator of its own):
 * given every schema of `schema/` (parsed), it returns a function that validates a value against
 * the schema with the given `$id`, returning the errors (none when the value is valid).
 */
export type SchemaValidatorFactory = (
  schemas: readonly unknown[],
) => (schemaId: string, value: unknown) => readonly string[];

/**
 * Suite: every vector file validates against the schema its `$schema` names (and names one), and
 * `manifest.json` against `schema/manifest.schema.json`; each schema has the `$id` of its file name.
 */
export function schemaSuite(validatorFor: SchemaValidatorFactory): VectorSuite {
  return {
    name: "spec-vectors/schemas",
    source: "schema/*.schema.json (JSON Schema 2020-12)",
    async run() {
      const ids = new Map<string, string>();
      const schemas: unknown[] = [];
      const out = await runCases(
        listSchemaFiles(),
        (rel) => rel,
        (rel) => {
          const schema = JSON.parse(readVectorsFile(rel)) as unknown;
          const id = isRecord(schema) ? schema["$id"] : undefined;
          if (typeof id !== "string" || !id.endsWith(`/${rel}`))
            throw new Error(`${rel}: $id ${JSON.stringify(id)} does not end with /${rel}`);
          ids.set(rel, id);
          schemas.push(schema);
        },
      );
      if (out.some((o) => !o.ok)) return out;
      const validate = validatorFor(schemas);
      const check = (rel: string, schemaRel: string, value: unknown): void => {
        const id = ids.get(schemaRel);
        if (id === undefined) throw new Error(`${rel}: names ${schemaRel}, which is not a schema here`);
        const errors = validate(id, value);
        if (errors.length > 0) throw new Error(`${rel}: does not match ${schemaRel}: ${errors.join("; ")}`);
      };
      const json = (rel: string): unknown => {
        try {
          return JSON.parse(readVectorsFile(rel)) as unknown;
        } catch (e) {
          throw new Error(`${rel}: not JSON (${(e as Error).message})`);
        }
      };
      out.push(
        ...(await runCases(
          listVectorFiles(),
          (rel) => rel,
          (rel) => {
            const value = json(rel);
            check(rel, schemaPathOf(rel, isRecord(value) ? value["$schema"] : undefined), value);
          },
        )),
        ...(await runCases(
          readVectorsText(MANIFEST_FILE) === undefined ? [] : [MANIFEST_FILE],
          (rel) => rel,
          (rel) => check(rel, "schema/manifest.schema.json", json(rel)),
        )),
      );
      return out;
    },
  };
}

/** The suites this package itself contributes (the schema suite needs a validator: {@link schemaSuite}). */
export const vectorSuites: readonly VectorSuite[] = [
  upstreamIntegritySuite,
  vectorFormatSuite,
  manifestSuite,
];
