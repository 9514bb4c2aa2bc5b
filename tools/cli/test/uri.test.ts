import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Io } from "../src/command.js";
import { main } from "../src/main.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdin: async () => new Uint8Array(),
    isTTY: false,
    root,
  };
  return { code: await main(argv, io), stdout, stderr };
}

describe("mimi uri parse", () => {
  it("prints the canonical form, kind, domain and decoded segments", async () => {
    const r = await run(["uri", "parse", "MIMI://Bücher.example/d/alice/Client%41%2f1"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({
      canonical: "mimi://xn--bcher-kva.example/d/alice/ClientA%2F1",
      kind: "d",
      domain: "xn--bcher-kva.example",
      segments: ["alice", "ClientA/1"],
    });
  });

  it("prints a provider URI with kind provider and no segments", async () => {
    const r = await run(["uri", "parse", "mimi://a.example"]);
    expect(JSON.parse(r.stdout)).toEqual({
      canonical: "mimi://a.example",
      kind: "provider",
      domain: "a.example",
      segments: [],
    });
  });

  it("ID-PATH-01 exits 1 with the typed error, its rule and position", async () => {
    const r = await run(["uri", "parse", "mimi://b.example/b/bob"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "error: IdentifierError: unknown type segment 'b' (expected u, p, d, r, g or t) [ID-PATH-01] at @17\n",
    );
  });

  it("handle prints a canonical handle with its parts and the XMPP mapping", async () => {
    const r = await run(["uri", "handle", "xmpp:Juliet@Example.com/balcony"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      canonical: "xmpp:juliet@example.com/balcony",
      scheme: "xmpp",
      localPart: "juliet",
      domain: "example.com",
      resource: "balcony",
      mimiUri: "mimi://example.com/d/juliet/balcony",
    });
    const tel = await run(["uri", "handle", "tel:+1-201-555-0123"]);
    expect(JSON.parse(tel.stdout)).toEqual({
      canonical: "tel:+12015550123",
      scheme: "tel",
      number: "+12015550123",
    });
  });

  it("ID-TEL-02 handle exits 1 on an invalid handle", async () => {
    const r = await run(["uri", "handle", "tel:+1;ext=2"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: IdentifierError: .* \[ID-TEL-02\] at @6\n$/);
  });

  it("exits 2 on a missing or extra argument", async () => {
    expect((await run(["uri", "parse"])).code).toBe(2);
    expect((await run(["uri", "parse", "mimi://a.example", "x"])).code).toBe(2);
    expect((await run(["uri", "frob", "mimi://a.example"])).code).toBe(2);
  });
});
