import { allCases, loadVectorFile } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const cases = allCases(loadVectorFile("generated/protocol/bodies.json")).map(({ test }) => test);
const valid = cases.filter((t) => t.result === "valid");

describe("mimi protocol", () => {
  it("decodes hex to the vector's JSON and encodes that JSON back to the same hex", async () => {
    for (const t of valid.filter((_, i) => i % 7 === 0)) {
      const d = await runCli(["protocol", "decode", String(t["struct"]), "--hex", "-"], String(t["encoded"]));
      expect(d.code).toBe(0);
      expect(JSON.parse(d.stdout)).toEqual(t["json"]);
      const e = await runCli(["protocol", "encode", String(t["struct"])], d.stdout);
      expect(e.code).toBe(0);
      expect(e.stdout.trim()).toBe(t["encoded"]);
    }
  });

  it("reads binary input from stdin without --hex", async () => {
    const r = await runCli(["protocol", "decode", "IdentifierUri"], "\x05hello");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ uri: "hello" });
  });

  it("exits 1 with the error format on bad bytes and bad JSON", async () => {
    const r = await runCli(["protocol", "decode", "SubmitMessageRequest", "--hex"], "00");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: CodecError: unsupported protocol 0 .* at \/protocol/);
    const j = await runCli(["protocol", "encode", "Frank"], '{"server_frank":"00"}');
    expect(j.code).toBe(1);
    expect(j.stderr).toMatch(/^error: CodecError: expected 32 bytes, got 1 at \/server_frank/);
    expect((await runCli(["protocol", "encode", "Frank"], "{")).code).toBe(1);
  });

  it("exits 2 on usage errors and lists the structures", async () => {
    expect((await runCli(["protocol", "decode", "NoSuchStruct"])).code).toBe(2);
    expect((await runCli(["protocol", "frob"])).code).toBe(2);
    const s = await runCli(["protocol", "structs"]);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout)).toContain("FanoutMessages");
    expect((await runCli(["protocol", "endpoints", "extra"])).code).toBe(2);
  });

  it("prints the §5 endpoint table", async () => {
    const s = await runCli(["protocol", "endpoints"]);
    expect(s.code).toBe(0);
    const table = JSON.parse(s.stdout) as { name: string; path: string; request: string | null }[];
    expect(table.map((e) => e.name)).toEqual([
      "keyMaterial",
      "update",
      "notify",
      "submitMessage",
      "groupInfo",
      "requestConsent",
      "updateConsent",
      "identifierQuery",
      "reportAbuse",
      "proxyDownload",
    ]);
    expect(table[0]).toEqual({
      name: "keyMaterial",
      section: "§5.2",
      method: "POST",
      path: "/v1/keyMaterial/{targetUser}",
      servedBy: "user",
      request: "KeyMaterialRequest",
      status: 200,
      response: "KeyMaterialResponse",
      clientApi: true,
    });
  });
});

describe("mimi serve (arguments)", () => {
  it("exits 2 without --config and 1 for an unreadable or invalid configuration", async () => {
    expect((await runCli(["serve"])).code).toBe(2);
    const missing = await runCli(["serve", "--config", "no/such/file.json"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: ValidationError: cannot read the configuration/);
  });
});
