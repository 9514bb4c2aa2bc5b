/**
 * The 16 RFC 9420 test-vector files (mlswg/mls-implementations) through the adapter: every case of
 * the fast files, a deterministic sample of the slow ones (decision 0006; `mimi vectors verify`
 * runs them all).
 */
import { describe, expect, it } from "vitest";
import { rfc9420Files, rfc9420Suite, testSampling } from "../vectors/suites.js";

describe("RFC 9420 test vectors", () => {
  it("covers all 16 files", () => {
    expect(Object.keys(rfc9420Files)).toHaveLength(16);
  });

  it.each(Object.keys(rfc9420Files))("%s", async (name) => {
    const outcomes = await rfc9420Suite(name, testSampling[name] ?? {}).run();
    expect(outcomes.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  });
});
