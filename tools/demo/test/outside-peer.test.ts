import { loadVectorFile, readVectorsFile } from "@mimi/spec-vectors";
import { fromHex, toHex } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { outsidePeer, peerRequest, peerTarget } from "../src/recorded.js";
import { recordDemo, TRANSCRIPT_FILE, transcriptFile } from "../vectors/transcript.js";

// The outside-peer test: a reproducible demo federation (three in-process providers,
// mutual TLS on loopback, seeded randomness, logical clock) runs the scenario; then this test
// acts as d.example and sends, with plain node:https, the requests of the committed transcript,
// built from their bytes alone, and compares every answer byte for byte with the recorded one.
// The whole new run's transcript must also equal the committed file: every request and answer
// between the providers, step by step.
describe("outside peer d.example against a recorded federation (generated transcript)", () => {
  it("answers d.example's hand-built requests exactly as recorded, and the whole run reproduces the transcript", {
    timeout: 240_000,
  }, async () => {
    const file = loadVectorFile(TRANSCRIPT_FILE);
    const peerGroup = file.testGroups.at(-1)!;
    expect(peerGroup.type).toBe("OutsidePeerExchange");
    expect(peerGroup.tests.length).toBeGreaterThanOrEqual(4);
    const answers: { tcId: number; status: number; response: string }[] = [];
    const run = await recordDemo(async (fed) => {
      for (const t of peerGroup.tests) {
        expect(t["from"]).toBe("d.example");
        const to = fed.providers.find((p) => p.domain === t["to"]);
        expect(to, String(t["to"])).toBeDefined();
        const body = String(t["request"]);
        const answer = await peerRequest(
          outsidePeer(fed.peer),
          peerTarget(to!),
          String(t["method"]),
          String(t["path"]),
          body === "" ? undefined : fromHex(body),
        );
        answers.push({ tcId: t.tcId, status: answer.status, response: toHex(answer.body) });
      }
    });
    expect(answers).toEqual(
      peerGroup.tests.map((t) => ({ tcId: t.tcId, status: t["status"], response: t["response"] })),
    );
    // at least one answer carries a protocol-06 body and one is a refusal with a reason
    expect(peerGroup.tests.some((t) => t["responseStruct"] !== undefined)).toBe(true);
    expect(peerGroup.tests.some((t) => Number(t["status"]) >= 400)).toBe(true);
    // a handle its user lets nobody find is answered exactly like a handle nobody has (R8, R1)
    const byComment = (part: string) => answers[peerGroup.tests.findIndex((t) => t.comment.includes(part))]!;
    expect(byComment("lets nobody find").response).toBe(byComment("a handle nobody has").response);
    expect(byComment("lets anyone find").response).not.toBe(byComment("a handle nobody has").response);
    expect(run.report.ok).toBe(true);
    const committed = readVectorsFile(TRANSCRIPT_FILE);
    expect(`${JSON.stringify(transcriptFile(run), null, 2)}\n`).toBe(committed);
  });
});
