import { loadVectorFile } from "@mimi/spec-vectors";
import { fromHex } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import type { RecordedFederation } from "../src/recorded.js";
import { outsidePeer, peerRequest, peerTarget } from "../src/recorded.js";
import { endpointOf, recordDemo, TRANSCRIPT_FILE } from "../vectors/transcript.js";

// Issue 16 §3: every endpoint fuzzed with mutations of the valid recorded bodies of the federation
// transcript. The recorded demo federation runs the scenario; then, as the provider that sent each
// recorded request, this test sends mutations of its body (bytes changed, cut short, one byte
// more) to the provider that received it: no answer may be a 5xx, and a refused request must leave
// the receiving provider's storage exactly as it was.

/** A digest of every table of a provider's storage (its whole persistent state). */
async function stateOf(fed: RecordedFederation, domain: string): Promise<string> {
  const db = fed.providers.find((p) => p.domain === domain)!.running.db;
  const tables = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name",
  );
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = await db.query(`SELECT * FROM "${table_name}"`);
    const text = rows.map((r) =>
      JSON.stringify(r, (_, v: unknown) =>
        typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
      ),
    );
    parts.push(`${table_name}:${text.sort().join("\n")}`);
  }
  return parts.join("\n\n");
}

/** Deterministic mutations of `body`: changed bytes at spread positions, cuts, one byte more. */
function mutations(body: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (body.length === 0) return [new Uint8Array([0]), new Uint8Array([0xff, 0xff])];
  for (const at of new Set([
    0,
    1,
    Math.floor(body.length / 3),
    Math.floor(body.length / 2),
    body.length - 1,
  ])) {
    if (at >= body.length) continue;
    for (const v of [body[at]! ^ 0x01, body[at]! ^ 0x80, 0xff]) {
      const m = new Uint8Array(body);
      m[at] = v;
      out.push(m);
    }
  }
  for (const cut of new Set([0, 1, Math.floor(body.length / 2), body.length - 1]))
    if (cut < body.length) out.push(body.subarray(0, cut));
  out.push(new Uint8Array([...body, 0]));
  return out;
}

describe("the recorded federation's endpoints, fuzzed with mutations of their recorded bodies", () => {
  it("never answer a 5xx, and a refused request changes nothing the provider stores", {
    timeout: 400_000,
  }, async () => {
    const file = loadVectorFile(TRANSCRIPT_FILE);
    const exchanges = file.testGroups
      .filter((g) => g.type === "FederationExchange")
      .flatMap((g) => g.tests)
      .filter((t) => t["method"] === "POST" && String(t["request"]) !== "");
    // one recorded request of each (endpoint, sender, receiver): the bodies of repeated ones are alike
    const seen = new Set<string>();
    const picked = exchanges.filter((t) => {
      const key = `${endpointOf(String(t["to"]), String(t["path"]))} ${t["from"]} ${t["to"]}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const endpoints = new Set(picked.map((t) => endpointOf(String(t["to"]), String(t["path"]))));
    let sent = 0;
    let refused = 0;
    const fiveHundreds: string[] = [];
    const changed: string[] = [];
    await recordDemo(async (fed) => {
      for (const t of picked) {
        const from = fed.providers.find((p) => p.domain === t["from"]);
        const to = fed.providers.find((p) => p.domain === t["to"]);
        if (from === undefined || to === undefined) continue;
        let before = await stateOf(fed, to.domain);
        for (const body of mutations(fromHex(String(t["request"])))) {
          const answer = await peerRequest(
            outsidePeer(from.pki),
            peerTarget(to),
            "POST",
            String(t["path"]),
            body,
          );
          await fed.settle();
          sent++;
          const what = `tc ${t.tcId} ${t["path"]} (${body.length} bytes) → ${answer.status} ${Buffer.from(answer.body).toString().slice(0, 200)}`;
          if (answer.status >= 500) fiveHundreds.push(what);
          const after = await stateOf(fed, to.domain);
          if (answer.status >= 400) {
            refused++;
            if (after !== before) changed.push(what);
          }
          before = after;
        }
      }
    });
    expect(fiveHundreds).toEqual([]);
    expect(changed).toEqual([]);
    // it reached every POST endpoint of the transcript, and most mutations were refused
    expect([...endpoints].sort()).toEqual(
      expect.arrayContaining([
        "groupInfo",
        "identifierQuery",
        "keyMaterial",
        "notify",
        "submitMessage",
        "update",
        "updateConsent",
      ]),
    );
    expect(sent).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(sent / 2);
  });
});
