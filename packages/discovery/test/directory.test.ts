import type { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  Directory,
  evaluateIdentifierRequest,
  notFoundResponse,
  parseDirectoryHandle,
} from "../src/index.js";
import { alice, bob, populated } from "./fixtures.js";

async function errorOf(fn: () => unknown): Promise<{ name: string; rule: string | undefined }> {
  try {
    await fn();
  } catch (e) {
    return { name: (e as Error).name, rule: (e as ValidationError).rule };
  }
  throw new Error("expected an error");
}

const byPhone = (n: string) => ({
  query_elements: [{ searchType: "phone" as const, searchValue: n }],
  id_request_extensions: { component_data: [] },
});

describe("directory handles", () => {
  it("canonicalizes every handle scheme with @mimi/identifiers", async () => {
    expect(parseDirectoryHandle("tel:+1-201-555-0123")).toMatchObject({
      uri: "tel:+12015550123",
      scheme: "tel",
      issuer: undefined,
    });
    expect(parseDirectoryHandle("mailto:Alice@Mail.Example")).toMatchObject({
      uri: "mailto:Alice@mail.example",
      issuer: "mail.example",
    });
    expect(parseDirectoryHandle("im:alice.smith@A.example").uri).toBe("im:alice.smith@a.example");
    expect(parseDirectoryHandle("MIMI://A.example/p/crazykoala75")).toMatchObject({
      uri: "mimi://a.example/p/crazykoala75",
      scheme: "pseudonym",
    });
    expect(parseDirectoryHandle("mimi://a.example/u/alice").keys).toContain("nick:alice");
  });

  it("DISC-HANDLE-01 rejects mimi: URIs that do not name a user", async () => {
    expect((await errorOf(() => parseDirectoryHandle("mimi://a.example/r/clubhouse"))).rule).toBe(
      "DISC-HANDLE-01",
    );
    expect((await errorOf(() => parseDirectoryHandle("https://a.example/"))).name).toBe("IdentifierError");
  });
});

describe("publishing preferences", () => {
  it("DISC-R1-01 only the user can publish (authorize) mappings of its own handles", async () => {
    const directory = new Directory("a.example");
    const e = await errorOf(() =>
      directory.publish({ kind: "user", user: bob }, alice, [
        { handle: "tel:+12015550123", discoverability: "anyone" },
      ]),
    );
    expect(e).toEqual({ name: "ProtocolError", rule: "DISC-R1-01" });
    const issuer = await errorOf(() =>
      directory.publish({ kind: "issuer", domain: "a.example" }, alice, [
        { handle: "im:alice@a.example", discoverability: "anyone" },
      ]),
    );
    expect(issuer.rule).toBe("DISC-R1-01");
    expect(await directory.store.getUser(alice)).toBeUndefined();
  });

  it("DISC-DIR-01 DISC-DIR-02 holds only its own users and reveals only their own identifiers", async () => {
    const directory = new Directory("b.example");
    expect((await errorOf(() => directory.publish({ kind: "user", user: alice }, alice, []))).rule).toBe(
      "DISC-DIR-01",
    );
    expect(
      (
        await errorOf(() =>
          directory.publish({ kind: "user", user: bob }, bob, [], { reveal: ["mimi://a.example/u/alice"] }),
        )
      ).rule,
    ).toBe("DISC-DIR-02");
    expect(
      (
        await errorOf(() =>
          directory.publish({ kind: "user", user: bob }, bob, [
            { handle: "tel:+12015550123", discoverability: "some" as "anyone" },
          ]),
        )
      ).rule,
    ).toBe("DISC-DIR-02");
  });

  it("DISC-R2-01 keeps the user's tags per mapping and returns them (vCard CATEGORIES)", async () => {
    const { directory } = await populated();
    const r = await evaluateIdentifierRequest(directory, byPhone("+12015550123"), { provider: "b.example" });
    const field = r.foundProfiles[0]?.fields[0];
    expect(field?.fieldName).toBe("CATEGORIES");
    expect(new TextDecoder().decode(field?.fieldValue)).toBe("Personal");
  });
});

describe("removing mappings", () => {
  it("DISC-R9-01 the user removes a mapping and it is no longer found", async () => {
    const { directory } = await populated();
    expect(
      (await evaluateIdentifierRequest(directory, byPhone("+12015550123"), { provider: "b.example" }))
        .responseCode,
    ).toBe("success");
    expect(await directory.removeHandle({ kind: "user", user: alice }, alice, "tel:+1.201.555.0123")).toBe(
      true,
    );
    expect(
      await evaluateIdentifierRequest(directory, byPhone("+12015550123"), { provider: "b.example" }),
    ).toEqual(notFoundResponse());
    expect(await directory.removeHandle({ kind: "user", user: alice }, alice, "tel:+12015550123")).toBe(
      false,
    );
    await directory.removeUser({ kind: "user", user: alice }, alice);
    expect(await directory.store.getUser(alice)).toBeUndefined();
  });

  it("DISC-R10-01 only the user or the handle's issuer (CSIP) can remove a mapping", async () => {
    const { directory } = await populated();
    expect(
      await errorOf(() =>
        directory.removeHandle({ kind: "user", user: bob }, alice, "im:alice.smith@a.example"),
      ),
    ).toEqual({
      name: "ProtocolError",
      rule: "DISC-R10-01",
    });
    expect(
      await errorOf(() =>
        directory.removeHandle({ kind: "issuer", domain: "mail.example" }, alice, "im:alice.smith@a.example"),
      ),
    ).toMatchObject({ rule: "DISC-R10-01" });
    // tel: has no issuer domain: only the user can remove it
    expect(
      await errorOf(() =>
        directory.removeHandle({ kind: "issuer", domain: "a.example" }, alice, "tel:+12015550123"),
      ),
    ).toMatchObject({ rule: "DISC-R10-01" });
    expect(
      await errorOf(() => directory.removeUser({ kind: "issuer", domain: "a.example" }, alice)),
    ).toMatchObject({
      rule: "DISC-R10-01",
    });
    expect(
      await directory.removeHandle(
        { kind: "issuer", domain: "a.example" },
        alice,
        "im:alice.smith@a.example",
      ),
    ).toBe(true);
    expect(
      await directory.removeHandle(
        { kind: "issuer", domain: "mail.example" },
        alice,
        "mailto:alice@mail.example",
      ),
    ).toBe(true);
    expect((await directory.store.getUser(alice))?.handles.map((h) => h.handle.uri)).toEqual([
      "tel:+12015550123",
    ]);
  });
});
