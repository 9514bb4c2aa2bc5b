import {
  allCases,
  loadVectorFile,
  readUpstreamHex,
  readUpstreamText,
  readVectorsFile,
} from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import {
  buildStatusVectors,
  DECODE_VECTORS_FILE,
  renderDecodeVectors,
  STATUS_VECTORS_FILE,
} from "../vectors/generate.js";
import {
  checkDecodeCase,
  checkDraftExample,
  checkStatusCase,
  draftExamples,
  staleChecks,
  vectorSuites,
} from "../vectors/suites.js";

describe("draft-ietf-mimi-content-08 examples", () => {
  it("has the 14 examples of -08", () => {
    expect(draftExamples()).toHaveLength(14);
  });
  it.each(draftExamples().map((v) => [v.name, v] as const))(
    "CONTENT-ID-01 CONTENT-MSG-01 CONTENT-CBOR-05 %s decodes, re-encodes byte-exact and its message ID recomputes",
    (_name, v) => {
      checkDraftExample(v);
    },
  );
  it.each(staleChecks().map((c) => [c.id, c] as const))(
    "CONTENT-IMPLIED-01 stale printed example %s is still stale (-07 message ID)",
    (_id, c) => {
      c.check();
    },
  );
  it("the inline dumps that are not stale equal the examples", () => {
    for (const v of draftExamples()) {
      if (v.draft_inline_vs_cbor !== "match" || v.draft_inline_hex_file === null) continue;
      const text = readUpstreamText(`content/${v.draft_inline_hex_file}`);
      const hex = text
        .split("\n")
        .map((l) => l.replace(/#.*$/, ""))
        .join("")
        .replace(/\s+/g, "");
      expect(hex).toBe(readUpstreamText(`content/${v.cbor_hex_file}`).trim());
    }
    expect(readUpstreamHex("content/original.hex").length).toBe(193);
  });
});

describe("our decode vectors", () => {
  it("the committed file is the generator's output", () => {
    expect(JSON.parse(readVectorsFile(DECODE_VECTORS_FILE))).toEqual(JSON.parse(renderDecodeVectors()));
  });
  const cases = allCases(loadVectorFile(DECODE_VECTORS_FILE)).map(({ test }) => test);
  it("has at least 60 invalid cases", () => {
    expect(cases.filter((t) => t.result === "invalid").length).toBeGreaterThanOrEqual(60);
  });
  it.each(cases.map((t) => [t.tcId, t.comment, t] as const))("%i %s", (_id, _c, t) => {
    checkDecodeCase(t);
  });
});

describe("our message-status vectors", () => {
  it("the committed file is the generator's output", () => {
    expect(JSON.parse(readVectorsFile(STATUS_VECTORS_FILE))).toEqual(buildStatusVectors());
  });
  const cases = allCases(loadVectorFile(STATUS_VECTORS_FILE)).map(({ test }) => test);
  it.each(cases.map((t) => [t.tcId, t.comment, t] as const))("%i %s", (_id, _c, t) => {
    checkStatusCase(t);
  });
});

describe("vector suites", () => {
  it.each(vectorSuites.map((s) => [s.name, s] as const))("suite %s passes", async (_n, s) => {
    const failed = (await s.run()).filter((o) => !o.ok);
    expect(failed).toEqual([]);
  });
});
