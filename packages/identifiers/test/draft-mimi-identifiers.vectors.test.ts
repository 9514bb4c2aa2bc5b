import { allCases, loadVectorFile } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import { checkHandleCase, checkMimiUriCase, upstreamTableUris, vectorSuites } from "../vectors/suites.js";

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

for (const file of [
  "identifiers/draft-uri-literals.json",
  "identifiers/mimi-uri-grammar.json",
  "generated/identifiers/mimi-uri-forms.json",
]) {
  describe(`spec-vectors/${file}`, () => {
    const cases = allCases(loadVectorFile(file)).map(({ test }) => test);
    it.each(cases)("tcId $tcId: $comment ($result)", (t) => {
      checkMimiUriCase(t);
    });
  });
}

describe("spec-vectors/identifiers/handle-uris.json", () => {
  const cases = allCases(loadVectorFile("identifiers/handle-uris.json")).map(({ test }) => test);
  it.each(cases)("tcId $tcId: $comment ($result)", (t) => {
    checkHandleCase(t);
  });
});

describe("the vector checkers can fail", () => {
  const base = { tcId: 1, comment: "", flags: [] };
  it("reject a wrong canonical form, a wrong rule, an accepted invalid case and an unknown result", () => {
    const valid = {
      ...base,
      result: "valid",
      uri: "mimi://A.example",
      kind: "provider",
      domain: "a.example",
      segments: [],
    } as const;
    expect(() => checkMimiUriCase({ ...valid, canonical: "mimi://a.example" })).not.toThrow();
    expect(() => checkMimiUriCase({ ...valid, canonical: "mimi://A.example" })).toThrow(/canonical/);
    expect(() =>
      checkMimiUriCase({ ...base, result: "invalid", uri: "mimi://a.example/", rule: "ID-PATH-02" }),
    ).toThrow(/rule/);
    expect(() =>
      checkMimiUriCase({ ...base, result: "invalid", uri: "mimi://a.example", rule: "ID-URI-01" }),
    ).toThrow(/accepted/);
    expect(() => checkMimiUriCase({ ...base, result: "acceptable", uri: "mimi://a.example" })).toThrow(
      /unknown result/,
    );
    expect(() =>
      checkHandleCase({
        ...base,
        result: "valid",
        uri: "tel:+1-2",
        canonical: "tel:+12",
        scheme: "tel",
        number: "+1",
      }),
    ).toThrow(/number/);
  });
});
