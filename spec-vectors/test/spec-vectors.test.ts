import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import schema from "../schema/vector-file.schema.json" with { type: "json" };
import {
  checkVectorFile,
  listVectorFiles,
  upstreamDigests,
  vectorSuites,
  vectorsRoot,
} from "../src/index.js";

describe("spec-vectors", () => {
  for (const suite of vectorSuites) {
    it(`${suite.name} passes every case`, async () => {
      const outcomes = await suite.run();
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    });
  }

  it("records a digest for every imported upstream file, including all 16 RFC 9420 vector files", () => {
    const digests = upstreamDigests();
    const rfc = [...digests.keys()].filter((k) => k.startsWith("mls-rfc9420/") && k.endsWith(".json"));
    expect(rfc).toHaveLength(16);
    expect(digests.has("INDEX.md")).toBe(true);
  });

  it("every vector file we author validates against the JSON Schema", () => {
    const ajv = new Ajv2020.default({ strict: false });
    const validate = ajv.compile(schema);
    for (const rel of listVectorFiles()) {
      const doc = JSON.parse(readFileSync(join(vectorsRoot, rel), "utf8")) as unknown;
      expect(validate(doc), `${rel}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it("the structural check rejects duplicate tcIds, unknown results and unexplained flags", () => {
    const base = { algorithm: "x", source: "y", numberOfTests: 2, notes: { F: "a flag" } };
    const t = (tcId: number, result: string, flags: string[] = []) => ({ tcId, comment: "", result, flags });
    expect(() =>
      checkVectorFile({ ...base, testGroups: [{ tests: [t(1, "valid"), t(1, "valid")] }] }),
    ).toThrow(/duplicate tcId/);
    expect(() =>
      checkVectorFile({ ...base, testGroups: [{ tests: [t(1, "valid"), t(2, "maybe")] }] }),
    ).toThrow(/unknown result/);
    expect(() =>
      checkVectorFile({ ...base, testGroups: [{ tests: [t(1, "valid"), t(2, "valid", ["G"])] }] }),
    ).toThrow(/not explained/);
    expect(() => checkVectorFile({ ...base, testGroups: [{ tests: [t(1, "valid")] }] })).toThrow(
      /numberOfTests/,
    );
    expect(
      checkVectorFile({ ...base, testGroups: [{ tests: [t(1, "valid"), t(2, "invalid", ["F"])] }] })
        .testGroups,
    ).toHaveLength(1);
  });
});
