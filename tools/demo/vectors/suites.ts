/**
 * Vector suite of the demo: `spec-vectors/generated/federation/transcript.json`, the recorded
 * federation transcript (every request and answer body decodes as its protocol-06 structure and
 * encodes back to the same bytes; no recorded answer is a 5xx).
 */
import { allCases, loadVectorFile, runCases, type VectorSuite } from "@mimi/spec-vectors";
import { checkTranscriptCase, TRANSCRIPT_FILE } from "./transcript.js";

export { generateVectors } from "./transcript.js";

export const vectorSuites: readonly VectorSuite[] = [
  {
    name: "federation/transcript",
    source: "draft-ietf-mimi-protocol-06 §3, §5 (spec-vectors/generated/federation/transcript.json)",
    run: () =>
      runCases(
        allCases(loadVectorFile(TRANSCRIPT_FILE)),
        ({ test }) => String(test.tcId),
        ({ test }) => checkTranscriptCase(test),
      ),
  },
];
