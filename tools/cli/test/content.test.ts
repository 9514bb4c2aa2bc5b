import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readUpstreamHex, readUpstreamText } from "@mimi/spec-vectors";
import { utf8 } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import type { Io } from "../src/command.js";
import { main } from "../src/main.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

async function runCli(argv: string[], stdin: Uint8Array = new Uint8Array()) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdin: async () => stdin,
    isTTY: false,
    root,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const ALICE = "mimi://example.com/u/alice-smith";
const ROOM = "mimi://example.com/r/engineering_team";
const originalHex = readUpstreamText("content/original.hex").trim();
const originalId = readUpstreamText("content/original.msgid.hex").trim();

describe("mimi content", () => {
  it("decode --hex prints the JSON form; encode turns it back into the same hex", async () => {
    const d = await runCli(["content", "decode", "--hex"], utf8(originalHex));
    expect(d.code).toBe(0);
    const json = JSON.parse(d.stdout) as { salt: string; mimiExtensions: { key: number; value: string }[] };
    expect(json.salt).toBe("5eed9406c2545547ab6f09f20a18b003");
    expect(json.mimiExtensions[0]).toEqual({ key: 1, value: ALICE });
    const e = await runCli(["content", "encode"], utf8(d.stdout));
    expect(e.code).toBe(0);
    expect(e.stdout.trim()).toBe(originalHex);
  });

  it("decode reads a binary file and, with --sender/--room, adds the message ID", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mimi-content-"));
    const file = join(dir, "original.cbor");
    writeFileSync(file, readUpstreamHex("content/original.hex"));
    const d = await runCli(["content", "decode", "--sender", ALICE, "--room", ROOM, file]);
    expect(d.code).toBe(0);
    const out = JSON.parse(d.stdout) as { messageId: string; content: unknown };
    expect(out.messageId).toBe(originalId);
    const e = await runCli(["content", "encode"], utf8(d.stdout));
    expect(e.stdout.trim()).toBe(originalHex);
  });

  it("id prints the §3.3 message ID", async () => {
    const r = await runCli(["content", "id", "--hex", "--sender", ALICE, "--room", ROOM], utf8(originalHex));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ messageId: originalId });
  });

  it("invalid input exits 1 with the typed error, rule and path", async () => {
    const r = await runCli(["content", "decode", "--hex"], utf8(`${originalHex}00`));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: CodecError: 1 trailing byte\(s\) \[CONTENT-CBOR-01\] at @193/);
    const bad = await runCli(["content", "decode", "--hex"], utf8(originalHex.replace("a201", "a202")));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/CodecError: .*\[CONTENT-/);
    const j = await runCli(["content", "encode"], utf8("{"));
    expect(j.code).toBe(1);
    expect(j.stderr).toMatch(/^error: CodecError: not JSON/);
    const v = await runCli(["content", "encode"], utf8(JSON.stringify({ salt: "00" })));
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/^error: ValidationError: /);
  });

  it("usage errors exit 2", async () => {
    expect((await runCli(["content"])).code).toBe(2);
    expect((await runCli(["content", "frob"])).code).toBe(2);
    expect((await runCli(["content", "id"])).code).toBe(2);
    expect((await runCli(["content", "decode", "--sender", ALICE])).code).toBe(2);
  });

  it("the message ID printed is that of the input and sender given", async () => {
    const bob = "mimi://example.com/u/bob-jones";
    const reply = utf8(readUpstreamText("content/reply.hex"));
    const r = await runCli(["content", "id", "--hex", "--sender", bob, "--room", ROOM], reply);
    expect(JSON.parse(r.stdout)).toEqual({ messageId: readUpstreamText("content/reply.msgid.hex").trim() });
    const other = await runCli(["content", "id", "--hex", "--sender", ALICE, "--room", ROOM], reply);
    expect(JSON.parse(other.stdout)).not.toEqual(JSON.parse(r.stdout));
  });
});
