import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  evaluateIdentifierRequest,
  parseDirectorySeed,
  REQUESTING_USER_COMPONENT,
  requestingUserComponent,
  requestingUserOf,
} from "@mimi/discovery";
import { bob } from "@mimi/discovery/testing";
import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { openDatabase, persistedDirectoryEndpoint, readDirectorySeedFile } from "../src/index.js";

const dict = (...component_data: { component_id: number; data: Uint8Array }[]) => ({ component_data });
const ruleOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).rule;
  }
  throw new Error("expected a ValidationError");
};

describe("the requesting user on the wire (decision 0710)", () => {
  it("DISC-R6-02 round-trips a user of the requesting provider and is absent unless named", () => {
    expect(requestingUserOf(dict(requestingUserComponent(bob)), "b.example")).toBe(bob);
    expect(requestingUserOf(dict(), "b.example")).toBeUndefined();
    expect(
      requestingUserOf(dict({ component_id: 7, data: new Uint8Array([1]) }), "b.example"),
    ).toBeUndefined();
  });

  it("DISC-R6-02 refuses a user of another domain, a repeated, undecodable or non-user component", () => {
    const c = requestingUserComponent(bob);
    expect(ruleOf(() => requestingUserOf(dict(c), "c.example"))).toBe("DISC-R6-02");
    expect(ruleOf(() => requestingUserOf(dict(c, c), "b.example"))).toBe("DISC-R6-02");
    const bad = (data: Uint8Array) => dict({ component_id: REQUESTING_USER_COMPONENT, data });
    expect(ruleOf(() => requestingUserOf(bad(new Uint8Array([5, 1])), "b.example"))).toBe("DISC-R6-02");
    const room = requestingUserComponent("mimi://b.example/r/room" as typeof bob);
    expect(ruleOf(() => requestingUserOf(dict(room), "b.example"))).toBe("DISC-R6-02");
    const text = requestingUserComponent("https://b.example/" as typeof bob);
    expect(ruleOf(() => requestingUserOf(dict(text), "b.example"))).toBe("DISC-R6-02");
  });
});

describe("directory seed (decision 0711)", () => {
  it("DISC-CONF-02 refuses malformed seeds with the path of the fault", () => {
    expect(ruleOf(() => parseDirectorySeed(null))).toBe("DISC-CONF-02");
    expect(ruleOf(() => parseDirectorySeed({ users: [{ user: "mimi://a.example/u/x" }] }))).toBe(
      "DISC-CONF-02",
    );
    expect(
      ruleOf(() =>
        parseDirectorySeed({ users: [{ user: "mimi://a.example/u/x", handles: [{ handle: 1 }] }] }),
      ),
    ).toBe("DISC-CONF-02");
    expect(
      ruleOf(() =>
        parseDirectorySeed({
          users: [
            {
              user: "mimi://a.example/u/x",
              handles: [{ handle: "tel:+1", discoverability: "anyone", tags: [1] }],
            },
          ],
        }),
      ),
    ).toBe("DISC-CONF-02");
    expect(() => parseDirectorySeed({ users: [{ user: "mimi://a.example/r/x", handles: [] }] })).toThrow(
      ValidationError,
    );
  });

  it("DISC-CONF-02 reads the seed file a provider configuration names, relative to the configuration", () => {
    const dir = mkdtempSync(join(tmpdir(), "mimi-seed-"));
    try {
      writeFileSync(join(dir, "directory.json"), JSON.stringify({ users: [] }));
      writeFileSync(join(dir, "broken.json"), "{");
      expect(readDirectorySeedFile("directory.json", dir)).toEqual({ users: [] });
      expect(readDirectorySeedFile(join(dir, "directory.json"), "/")).toEqual({ users: [] });
      for (const bad of ["broken.json", "missing.json", 7, ""])
        expect(ruleOf(() => readDirectorySeedFile(bad, dir))).toBe("DISC-CONF-02");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("seeds the database once per start, replacing each seeded user's record and keeping the others", async () => {
    const db = await openDatabase("memory://");
    try {
      const seed = (phone: string) =>
        parseDirectorySeed({
          users: [
            {
              user: "mimi://a.example/u/x",
              handles: [{ handle: `tel:${phone}`, discoverability: "anyone" }],
            },
          ],
        });
      const first = await persistedDirectoryEndpoint(db, "a.example", seed("+12015550111"));
      expect(first.endpoint.name).toBe("identifierQuery");
      const bobA = "mimi://a.example/u/bob" as typeof bob;
      await first.directory.publish({ kind: "user", user: bobA }, bobA, [
        { handle: "tel:+12015550222", discoverability: "anyone" },
      ]);
      const again = await persistedDirectoryEndpoint(db, "a.example", seed("+12015550333"));
      const q = (phone: string) =>
        evaluateIdentifierRequest(
          again.directory,
          { query_elements: [{ searchType: "phone", searchValue: phone }], id_request_extensions: dict() },
          { provider: "b.example" },
        );
      expect((await q("+12015550111")).responseCode).toBe("notFound");
      expect((await q("+12015550333")).uri).toEqual(["mimi://a.example/u/x"]);
      expect((await q("+12015550222")).uri).toEqual(["mimi://a.example/u/bob"]);
      await expect(persistedDirectoryEndpoint(db, "b.example", seed("+12015550444"))).rejects.toMatchObject({
        rule: "DISC-DIR-01",
      });
    } finally {
      await db.close();
    }
  });
});
