import { describe, expect, it } from "vitest";
import { checkVectorFile, upstreamDigests, vectorSuites } from "../src/index.js";

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
