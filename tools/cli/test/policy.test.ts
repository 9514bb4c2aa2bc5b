import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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

const dir = mkdtempSync(join(tmpdir(), "mimi-policy-"));
function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

const U = (n: string) => `mimi://example.com/u/${n}`;
const D = (n: string, d: string) => `mimi://example.com/d/${n}/${d}`;
const state = {
  roles: "cooperative",
  participants: [
    { user: U("ann"), role_index: 4 },
    { user: U("cal"), role_index: 2 },
    { user: U("hub"), role_index: 5 },
  ],
  clients: [
    { client: D("ann", "a1"), user: U("ann") },
    { client: D("cal", "c1"), user: U("cal") },
  ],
};
const add = (role: number) => ({
  actor: { user: U("cal"), client: D("cal", "c1") },
  participantList: {
    changedRoleParticipants: [],
    removedIndices: [],
    addedParticipants: [{ user: U("gus"), role_index: role }],
  },
  adds: [{ client: D("gus", "g1"), user: U("gus") }],
});

describe("mimi policy check", () => {
  it("prints an allowed verdict and exits 0", async () => {
    const r = await runCli(["policy", "check", file("s.json", state), file("c.json", add(2))]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ allowed: true });
    expect(JSON.parse(r.stdout).rules).toContain("POLICY-ADD-01");
  });

  it("prints a denial with rule, reason and path, and exits 1", async () => {
    const r = await runCli(["policy", "check", file("s.json", state), file("c.json", add(3))]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      allowed: false,
      rule: "POLICY-ADD-01",
      reason: "role 2 may not add users with role 3",
      path: "/participantList/addedParticipants/0",
    });
    expect(r.stderr).toBe("");
  });

  it("reads the change from stdin with -", async () => {
    const r = await runCli(["policy", "check", file("s.json", state), "-"], utf8(JSON.stringify(add(2))));
    expect(r.code).toBe(0);
  });

  it("POLICY-URI-01 rejects a participant that is not a mimi: user URI, at its JSON pointer", async () => {
    const bad = { ...state, participants: [{ user: "mimi://example.com/r/room", role_index: 2 }] };
    const r = await runCli(["policy", "check", file("s.json", bad), file("c.json", add(2))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: ValidationError: .* at \/participants\/0\/user\n$/);
  });

  it("POLICY-URI-02 rejects a client URI that belongs to another user", async () => {
    const bad = { ...state, clients: [{ client: D("ann", "a1"), user: U("cal") }] };
    const r = await runCli(["policy", "check", file("s.json", bad), file("c.json", add(2))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[POLICY-URI-02\] at \/clients\/0\/user/);
  });

  it("POLICY-PL-04 rejects a state whose participant holds role 0 or an undefined role", async () => {
    const bad = { ...state, participants: [{ user: U("ann"), role_index: 0 }] };
    const r = await runCli(["policy", "check", file("s.json", bad), file("c.json", add(2))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\[POLICY-PL-04\] at \/participants\/0\/role_index/);
  });

  it("rejects a state with invalid roles, malformed JSON and unknown fields with exit 1", async () => {
    const roles = {
      roles: [
        {
          role_index: 3,
          role_name: "x",
          role_description: "",
          role_capabilities: ["canOpenJoin"],
          minimum_participants_constraint: 0,
          minimum_active_participants_constraint: 0,
          authorized_role_changes: [],
        },
      ],
    };
    const r1 = await runCli([
      "policy",
      "check",
      file("s.json", { ...state, roles, participants: [], clients: [] }),
      file("c.json", add(2)),
    ]);
    expect(r1.stderr).toMatch(/\[POLICY-ROLES-02\] at \/roles\/roles\/0\/role_capabilities/);
    const r2 = await runCli(["policy", "check", file("s.json", "{"), file("c.json", add(2))]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/^error: CodecError: STATE is not JSON/);
    const r3 = await runCli([
      "policy",
      "check",
      file("s.json", state),
      file("c.json", { ...add(2), extra: true }),
    ]);
    expect(r3.stderr).toMatch(/unknown field extra at \/extra/);
    const r4 = await runCli([
      "policy",
      "check",
      file("s.json", { ...state, roles: "anarchy" }),
      file("c.json", add(2)),
    ]);
    expect(r4.stderr).toMatch(/unknown example/);
  });

  it("exits 2 on wrong arguments", async () => {
    expect((await runCli(["policy", "check", "only-one.json"])).code).toBe(2);
    expect((await runCli(["policy", "frobnicate"])).code).toBe(2);
    expect((await runCli(["policy"])).code).toBe(2);
  });
});

describe("mimi policy decode / encode", () => {
  const status = { delivery_notifications: "forbidden", read_receipts: "required" };

  it("encodes JSON to hex and decodes it back", async () => {
    const e = await runCli(["policy", "encode", "StatusNotificationPolicy"], utf8(JSON.stringify(status)));
    expect(e.code).toBe(0);
    expect(e.stdout).toBe("0201\n");
    const d = await runCli(["policy", "decode", "StatusNotificationPolicy", "--hex"], utf8(e.stdout));
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout)).toEqual(status);
  });

  it("decodes binary input from a file", async () => {
    const path = join(dir, "roles.bin");
    writeFileSync(path, new Uint8Array([0x00]));
    const d = await runCli(["policy", "decode", "RoleData", path]);
    expect(JSON.parse(d.stdout)).toEqual({ roles: [] });
  });

  it("reports malformed bytes with exit 1 and the field path", async () => {
    const d = await runCli(["policy", "decode", "StatusNotificationPolicy", "--hex"], utf8("0301"));
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(
      /^error: CodecError: unknown enum value 3 \[POLICY-CODEC-02\] at \/delivery_notifications/,
    );
  });

  it("lists the structures, and exits 2 on an unknown one", async () => {
    const l = await runCli(["policy", "decode", "--list"]);
    expect(JSON.parse(l.stdout)).toContain("OperationalParameters");
    expect((await runCli(["policy", "decode", "Nope", "--hex"], utf8("00"))).code).toBe(2);
  });
});
