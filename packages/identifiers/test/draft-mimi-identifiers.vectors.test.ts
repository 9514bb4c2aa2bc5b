import { allCases, loadVectorFile } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import { checkMimiUriCase, upstreamTableUris, vectorSuites } from "../vectors/suites.js";

describe("identifier vector suites", () => {
  for (const suite of vectorSuites) {
    it(`${suite.name} passes every case`, async () => {
      const outcomes = await suite.run();
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    });
  }

  it("the drafts' URI tables give a kind for each table row", () => {
    const rows = upstreamTableUris();
    expect(rows.filter(([, k]) => k !== undefined).length).toBeGreaterThanOrEqual(12);
  });
});

for (const file of ["identifiers/draft-uri-literals.json", "identifiers/mimi-uri-grammar.json"]) {
  describe(`spec-vectors/${file}`, () => {
    const cases = allCases(loadVectorFile(file)).map(({ test }) => test);
    it.each(cases)("tcId $tcId: $comment ($result)", (t) => {
      checkMimiUriCase(t);
    });
  });
}
