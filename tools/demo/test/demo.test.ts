import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDirectoryHandle } from "@mimi/discovery";
import { decodeIdentifierResponse, encodeConsentEntry, encodeIdentifierRequest } from "@mimi/protocol";
import { describe, expect, it } from "vitest";
import { DEMO_HANDLES } from "../src/directory.js";
import { runDemo } from "../src/index.js";
import { demoPath } from "../src/layouts.js";
import { peerRequest } from "../src/recorded.js";

interface ProvidersJson {
  readonly providers: readonly { domain: string; url: string; clientApiUrl: string; ca: string }[];
  readonly peer: { domain: string; cert: string; key: string; ca: string };
}

/** A request built by hand, as the outside peer d.example (mutual TLS, Host and From, §4.1). */
async function asPeer(
  j: ProvidersJson,
  domain: string,
  method: "GET" | "POST",
  path: string,
  body?: Uint8Array,
): Promise<{ status: number; body: string; bytes: Uint8Array }> {
  const p = j.providers.find((x) => x.domain === domain)!;
  const a = await peerRequest(j.peer, { domain, url: p.url, ca: p.ca }, method, path, body);
  return { status: a.status, body: new TextDecoder().decode(a.body), bytes: a.body };
}

// The acceptance test: three `mimi serve` processes on loopback with mutual TLS, real
// clients over the client API, the whole protocol-06 §3 scenario; then the outside peer
// d.example of providers.json talks to the federation with hand-built requests.
describe("mimi demo (three provider processes, real HTTPS on loopback)", () => {
  it("every client shows exactly the expected conversation; d.example is a trusted peer", {
    timeout: 480_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "mimi-demo-test-"));
    let out = "";
    const { report, federation } = await runDemo({
      quick: true,
      keepRunning: true,
      dir,
      write: (t) => (out += t),
    });
    try {
      expect(out).toContain("result: OK");
      expect(report.transcripts.every((t) => t.ok)).toBe(true);
      expect(report.delivered).toBe(report.expectedDeliveries);
      expect(report.sent).toBe(10);

      const j = JSON.parse(readFileSync(join(dir, "providers.json"), "utf8")) as ProvidersJson;
      expect(j.providers.map((p) => p.domain)).toEqual(["a.example", "b.example", "c.example"]);
      expect(j.peer.domain).toBe("d.example");
      const directory = await asPeer(j, "a.example", "GET", "/.well-known/mimi-protocol-directory");
      expect(directory.status).toBe(200);
      expect(Object.keys(JSON.parse(directory.body) as object)).toEqual(
        expect.arrayContaining(["keyMaterial", "update", "submitMessage", "groupInfo", "notify"]),
      );
      // a grant from a d.example user to a b.example user's request (protocol-06 §5.7)
      const grant = encodeConsentEntry({
        consentOperation: "grant",
        requesterUri: { uri: "mimi://b.example/u/bob" },
        targetUri: { uri: "mimi://d.example/u/dave" },
        clientKeyPackages: [],
        consent_extensions: { component_data: [] },
      });
      const bDirectory = JSON.parse(
        (await asPeer(j, "b.example", "GET", "/.well-known/mimi-protocol-directory")).body,
      ) as Record<string, string>;
      // three layouts: each provider advertises the paths it serves (decision 0677)
      expect(Object.values(JSON.parse(directory.body) as Record<string, string>)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^https:\/\/a\.example:\d+\/v1\/notify\/\{roomId\}$/)]),
      );
      expect(bDirectory["notify"]).toMatch(/^https:\/\/b\.example:\d+\/mimi\/pl\/notify\/\{roomId\}$/);
      const cDirectory = JSON.parse(
        (await asPeer(j, "c.example", "GET", "/.well-known/mimi-protocol-directory")).body,
      ) as Record<string, string>;
      expect(cDirectory["notify"]).toMatch(
        /^https:\/\/c\.example:\d+\/api\/mimi\/v6\/rooms\/\{roomId\}\/notify$/,
      );
      // b.example's old-style path is not served
      expect(
        (await asPeer(j, "b.example", "POST", "/v1/updateConsent/b.example", new Uint8Array())).status,
      ).toBe(404);
      expect(
        (await asPeer(j, "b.example", "POST", demoPath("b.example", "updateConsent", "b.example"), grant))
          .status,
      ).toBe(201);
      // b.example serves its users' directory: Bob lets anyone find him by his phone number (§5.8)
      const found = await asPeer(
        j,
        "b.example",
        "POST",
        demoPath("b.example", "identifierQuery", "b.example"),
        encodeIdentifierRequest({
          query_elements: [{ searchType: "handle", searchValue: parseDirectoryHandle(DEMO_HANDLES.bob).uri }],
          id_request_extensions: { component_data: [] },
        }),
      );
      expect(found.status).toBe(200);
      const answer = decodeIdentifierResponse(found.bytes);
      expect(answer.responseCode).toBe("success");
      expect(answer.uri.map((u) => u.uri)).toEqual(["mimi://b.example/u/bob"]);
      // d.example is not the room's hub: it may not notify its followers
      const notify = await asPeer(
        j,
        "b.example",
        "POST",
        demoPath("b.example", "notify", "mimi://a.example/r/clubhouse"),
        grant,
      );
      expect(notify.status).toBeGreaterThanOrEqual(400);
      expect(notify.status).toBeLessThan(500);
    } finally {
      await federation?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
