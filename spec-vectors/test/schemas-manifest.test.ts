/**
 * The published form of the vectors: every vector file we author validates against the schema its
 * `$schema` names (ajv, JSON Schema 2020-12), `manifest.json` lists every file with the SHA-256 of
 * its bytes, and both checks fail on a copy with a wrong case field or a changed byte.
 */
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildManifest,
  type CaseOutcome,
  listSchemaFiles,
  listVectorFiles,
  MANIFEST_FILE,
  MANIFEST_FORMAT_VERSION,
  manifestInputs,
  manifestSuite,
  renderManifest,
  type SchemaValidatorFactory,
  schemaPathOf,
  schemaSuite,
  type VectorManifest,
  vectorsRoot,
  withVectorsRoot,
} from "../src/index.js";

/** ajv's 2020-12 build over every schema (the same setup as `mimi vectors verify`'s). */
const ajvValidator: SchemaValidatorFactory = (schemas) => {
  const ajv = new Ajv2020.default({ allErrors: true, strictTypes: false });
  for (const s of schemas) ajv.addSchema(s as object);
  return (id, value) => {
    const validate = ajv.getSchema(id);
    if (validate === undefined) return [`no schema ${id}`];
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
};

const temps: string[] = [];
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** A copy of the folder as published (without src/, test/, node_modules/) in a temporary folder. */
function publishedCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "mimi-spec-vectors-"));
  temps.push(dir);
  cpSync(vectorsRoot, dir, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|src|test)$/.test(src.slice(vectorsRoot.length)),
  });
  return dir;
}

const failures = (outcomes: readonly CaseOutcome[]) => outcomes.filter((o) => !o.ok);
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

describe("vector schemas", () => {
  it("every vector file we author names a schema of its own vector type and validates against it", async () => {
    const files = listVectorFiles();
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const rel of files) {
      const file = readJson(join(vectorsRoot, rel));
      const schema = readJson(join(vectorsRoot, schemaPathOf(rel, file["$schema"])));
      // Each type's schema fixes the file's algorithm: a file cannot name another type's schema.
      expect((schema["properties"] as { algorithm: { const: string } }).algorithm.const, rel).toBe(
        file["algorithm"],
      );
    }
    const outcomes = await schemaSuite(ajvValidator).run();
    expect(failures(outcomes)).toEqual([]);
    // every schema, every vector file and the manifest
    expect(outcomes.map((o) => o.id).sort()).toEqual([...listSchemaFiles(), ...files, MANIFEST_FILE].sort());
  });

  it("resolves $schema relative to the file and refuses one outside schema/", () => {
    expect(schemaPathOf("wire/x.json", "../schema/a.schema.json")).toBe("schema/a.schema.json");
    expect(schemaPathOf("generated/wire/x.json", "../../schema/a.schema.json")).toBe("schema/a.schema.json");
    expect(() => schemaPathOf("wire/x.json", "../../schema/a.schema.json")).toThrow(/leaves/);
    expect(() => schemaPathOf("wire/x.json", "https://example.com/a.schema.json")).toThrow(/relative/);
    expect(() => schemaPathOf("wire/x.json", "../upstream/a.json")).toThrow(/not a schema/);
    expect(() => schemaPathOf("wire/x.json", undefined)).toThrow(/names no \$schema/);
  });

  it("a copy with a wrong case field, a wrong value or a missing $schema fails, naming the file and the case", async () => {
    const dir = publishedCopy();
    const tls = join(dir, "wire", "tls-codec.json");
    const file = readJson(tls) as { testGroups: { tests: Record<string, unknown>[] }[] };
    const first = file.testGroups[0]!.tests[0]!;
    first["encodedHex"] = first["encoded"]; // a field the type does not define
    delete first["encoded"]; // and a required one missing
    file.testGroups[0]!.tests[1]!["type"] = "uint24"; // not a type of the vector type
    writeFileSync(tls, JSON.stringify(file, null, 2));
    const uris = join(dir, "identifiers", "handle-uris.json");
    const { $schema: _, ...rest } = readJson(uris);
    writeFileSync(uris, JSON.stringify(rest, null, 2));

    const bad = failures(await withVectorsRoot(dir, () => schemaSuite(ajvValidator).run()));
    expect(bad.map((o) => o.id)).toEqual(["identifiers/handle-uris.json", "wire/tls-codec.json"]);
    expect(bad[0]!.message).toMatch(/names no \$schema/);
    const message = bad[1]!.message ?? "";
    expect(message).toContain("tls-presentation-language-decode.schema.json");
    expect(message).toContain("/testGroups/0/tests/0 must have required property 'encoded'");
    expect(message).toContain("/testGroups/0/tests/0 must NOT have unevaluated properties");
    expect(message).toContain("/testGroups/0/tests/1/type must be equal to one of the allowed values");
  });
});

describe("manifest.json", () => {
  const manifest = readJson(join(vectorsRoot, MANIFEST_FILE)) as unknown as VectorManifest;

  it("is the manifest of the files as they are (mimi vectors generate wrote it)", () => {
    expect(manifest.formatVersion).toBe(MANIFEST_FORMAT_VERSION);
    expect(readFileSync(join(vectorsRoot, MANIFEST_FILE), "utf8")).toBe(
      renderManifest(buildManifest(manifestInputs())),
    );
  });

  it("lists every vector file and schema with the SHA-256 of its bytes", () => {
    const sha256 = (rel: string) =>
      createHash("sha256")
        .update(readFileSync(join(vectorsRoot, rel)))
        .digest("hex");
    expect(manifest.vectorFiles.map((f) => f.path)).toEqual(listVectorFiles());
    expect(manifest.schemas.map((f) => f.path)).toEqual(listSchemaFiles());
    for (const f of [...manifest.vectorFiles, ...manifest.schemas])
      expect(sha256(f.path), f.path).toBe(f.sha256);
    expect(sha256("upstream.sha256")).toBe(manifest.upstream.sha256);
    for (const f of manifest.vectorFiles) {
      expect(f.source, f.path).toBe(readJson(join(vectorsRoot, f.path))["source"]);
      expect(f.follows.length, `${f.path}: no draft or RFC in its source`).toBeGreaterThan(0);
    }
  });

  it("a copy with a changed byte, a missing file or an unlisted file fails, naming each", async () => {
    const dir = publishedCopy();
    expect(failures(await withVectorsRoot(dir, () => manifestSuite.run()))).toEqual([]);
    const changed = "generated/content/mimi-content-decode.json";
    const bytes = readFileSync(join(dir, changed));
    const at = bytes.indexOf("minimal");
    bytes[at] = bytes[at]! ^ 0x20; // one byte: "minimal" becomes "Minimal"
    writeFileSync(join(dir, changed), bytes);
    const schemaChanged = "schema/mimi-uri-parse.schema.json";
    writeFileSync(join(dir, schemaChanged), `${readFileSync(join(dir, schemaChanged), "utf8")} `);
    rmSync(join(dir, "wire", "tls-codec.json"));
    writeFileSync(join(dir, "wire", "extra.json"), "{}\n");
    writeFileSync(join(dir, "upstream", "extra.hex"), "00\n");

    const bad = failures(await withVectorsRoot(dir, () => manifestSuite.run()));
    expect(Object.fromEntries(bad.map((o) => [o.id, o.message]))).toEqual({
      [changed]: expect.stringMatching(/SHA-256 [0-9a-f]{64} differs from manifest.json/),
      [schemaChanged]: expect.stringMatching(/SHA-256 [0-9a-f]{64} differs from manifest.json/),
      "wire/tls-codec.json": "wire/tls-codec.json: listed in manifest.json but missing",
      "wire/extra.json": "wire/extra.json: not listed in manifest.json",
      "upstream/extra.hex": "upstream/extra.hex: not listed in upstream.sha256",
    });
  });

  it("a copy whose manifest is of an unknown formatVersion is refused", async () => {
    const dir = publishedCopy();
    const m = readJson(join(dir, MANIFEST_FILE));
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify({ ...m, formatVersion: 2 }));
    const outcomes = await withVectorsRoot(dir, () => manifestSuite.run());
    expect(outcomes).toEqual([
      { id: MANIFEST_FILE, ok: false, message: expect.stringMatching(/formatVersion 2 is not 1/) },
    ]);
  });
});
