import { allCases, checkVectorFile, loadVectorFile } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import {
  GENERATED_X509_VECTORS_FILE,
  generateVectors,
  generateX509ChainVectors,
} from "../vectors/generate.js";
import { checkX509ChainCase, vectorSuites } from "../vectors/suites.js";

const file = loadVectorFile("identity/x509-chains.json");

describe("spec-vectors/identity/x509-chains.json", () => {
  it.each(allCases(file).map(({ test }) => [test.tcId, test.comment, test] as const))(
    "case %i: %s",
    async (_id, _comment, test) => {
      await checkX509ChainCase(test);
    },
  );

  it("the registered suite passes every case", async () => {
    const outcomes = await vectorSuites[0]!.run();
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes).toHaveLength(file.numberOfTests);
  });

  it("a fresh run of the generator gives a well-formed file whose cases all pass", async () => {
    const fresh = checkVectorFile(await generateX509ChainVectors(new Date()), "generated");
    const cases = allCases(fresh);
    expect(cases).toHaveLength(file.numberOfTests);
    for (const { test } of cases) await checkX509ChainCase(test);
  });
});

describe("spec-vectors/generated/identity/x509-chains.json", () => {
  const generated = loadVectorFile(GENERATED_X509_VECTORS_FILE);
  it.each(allCases(generated).map(({ test }) => [test.tcId, test.comment, test] as const))(
    "case %i: %s",
    async (_id, _comment, test) => {
      await checkX509ChainCase(test);
    },
  );

  it("the registered suite passes every case, and the committed file is what the generator writes", async () => {
    const outcomes = await vectorSuites[1]!.run();
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes).toHaveLength(generated.numberOfTests);
    const [written] = await generateVectors();
    expect(JSON.parse(written!.content)).toEqual(JSON.parse(JSON.stringify(generated)));
  });
});
