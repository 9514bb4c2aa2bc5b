import { allCases, loadVectorFile, readVectorsFile } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import {
  AUTHORIZATION_VECTORS_FILE,
  buildAuthorizationVectors,
  buildStructureVectors,
  renderVectorFile,
  STRUCTURE_VECTORS_FILE,
} from "../vectors/generate.js";
import { checkAuthorizationCase, checkStructureCase, vectorSuites } from "../vectors/suites.js";

describe("room-policy vector files", () => {
  it("are exactly the generator's output", () => {
    const committed = (file: string): string => readVectorsFile(file);
    expect(committed(STRUCTURE_VECTORS_FILE)).toBe(renderVectorFile(buildStructureVectors()));
    expect(committed(AUTHORIZATION_VECTORS_FILE)).toBe(renderVectorFile(buildAuthorizationVectors()));
  });

  for (const suite of vectorSuites) {
    it(`suite ${suite.name} passes every case`, async () => {
      const outcomes = await suite.run();
      expect(outcomes.length).toBeGreaterThan(10);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    });
  }
});

describe("spec-vectors/generated/room-policy/structures.json", () => {
  const cases = allCases(loadVectorFile(STRUCTURE_VECTORS_FILE)).map(({ test }) => test);
  it.each(cases)("tcId $tcId: $struct $comment ($result)", (t) => {
    checkStructureCase(t);
  });
});

describe("spec-vectors/generated/room-policy/authorization.json", () => {
  const cases = allCases(loadVectorFile(AUTHORIZATION_VECTORS_FILE));
  it.each(cases.map(({ group, test }) => ({ group, test, tcId: test.tcId, comment: test.comment })))(
    "tcId $tcId: $comment",
    ({ group, test }) => {
      checkAuthorizationCase(group, test);
    },
  );

  it("a tampered verdict fails the check", () => {
    const { group, test } = cases.find(({ test }) => test.result === "invalid")!;
    expect(() => checkAuthorizationCase(group, { ...test, verdict: { allowed: true, rules: [] } })).toThrow(
      /verdict/,
    );
  });
});
