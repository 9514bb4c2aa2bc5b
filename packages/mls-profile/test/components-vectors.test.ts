import { allCases, loadVectorFile, readVectorsFile } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import {
  checkComponentsCase,
  componentsSuite,
  componentsVectorPath,
  generateComponentsVectors,
} from "../vectors/components.js";

describe("spec-vectors/generated/mls-profile/components.json", () => {
  it("is what the generator produces", () => {
    expect(JSON.parse(readVectorsFile(componentsVectorPath))).toEqual(
      JSON.parse(JSON.stringify(generateComponentsVectors())),
    );
  });

  const file = loadVectorFile(componentsVectorPath);
  for (const { group, test } of allCases(file)) {
    it(`${test.tcId} ${group.type ?? ""}: ${test.comment} ${(test.reqs ?? []).join(" ")}`, () => {
      checkComponentsCase(group.type, test);
    });
  }

  it("fails cases whose expectation is wrong", () => {
    const [first] = allCases(file);
    expect(() => checkComponentsCase(first!.group.type, { ...first!.test, expected: "00" })).toThrow();
    expect(() => checkComponentsCase(first!.group.type, { ...first!.test, result: "invalid" })).toThrow();
    expect(() => checkComponentsCase("NoSuchGroup", first!.test)).toThrow();
  });

  it("runs as a vector suite with every case passing", async () => {
    const outcomes = await componentsSuite.run();
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes).toHaveLength(file.numberOfTests);
  });
});
