import { allCases, loadVectorFile } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import { checkProtocolBodyCase, vectorSuites } from "../vectors/suites.js";

describe("vector suites", () => {
  for (const suite of vectorSuites) {
    it(`${suite.name} passes every case`, async () => {
      const outcomes = await suite.run();
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    });
  }
});

describe("spec-vectors/generated/protocol/bodies.json", () => {
  const cases = allCases(loadVectorFile("generated/protocol/bodies.json")).map(({ test }) => test);
  it("covers every structure with a valid case", () => {
    const structs = new Set(cases.filter((t) => t.result === "valid").map((t) => t["struct"]));
    expect(structs.size).toBeGreaterThanOrEqual(33);
  });
  it.each(cases)("tcId $tcId: $comment ($result)", (t) => {
    checkProtocolBodyCase(t);
  });
});
