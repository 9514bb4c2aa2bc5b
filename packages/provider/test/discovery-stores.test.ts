/**
 * One store suite over every back-end (memory, PGlite, PostgreSQL): the directory and consent
 * stores keep what they are given, and the guarantees of the identifier query and of consent hold
 * on each of them.
 */

import {
  applyConsentOperation,
  consentCheck,
  Directory,
  evaluateIdentifierRequest,
  hasConsent,
  MATCH_SLOTS,
  notFoundResponse,
  parseDirectoryHandle,
  type QueryElement,
  requireConsent,
  type UserRecord,
} from "@mimi/discovery";
import { alice, bob, carol, dave, populated } from "@mimi/discovery/testing";
import { ProtocolError } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrateDiscovery, openDatabase, SqlConsentStore, SqlDirectoryStore } from "../src/index.js";
import { backends, freshPostgres, type Stores } from "./discovery-stores.js";

const req = (...query_elements: QueryElement[]) => ({
  query_elements,
  id_request_extensions: { component_data: [] },
});
const fromB = { provider: "b.example" };
const room = "mimi://hub.example/r/clubhouse";
const aToB = { senderDomain: "a.example", receiverDomain: "b.example" };
const bToA = { senderDomain: "b.example", receiverDomain: "a.example" };

describe.each(backends)("stores on %s", (_name, open) => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await open().catch((e: Error) => {
      throw new Error(`${e.message} ${process.env["MIMI_TEST_POSTGRES_ERROR"] ?? ""}`);
    });
  });
  afterAll(async () => {
    await stores?.done();
  });

  it("keeps a user's record, indexes every search key of its handles, and re-indexes on replace", async () => {
    const s = stores.directory;
    const user = "mimi://a.example/u/erin" as typeof alice;
    const record: UserRecord = {
      user,
      handles: [
        { handle: parseDirectoryHandle("tel:+12015550777"), discoverability: "anyone", tags: ["Personal"] },
        { handle: parseDirectoryHandle("mailto:erin@mail.example"), discoverability: "contacts", tags: [] },
      ],
      reveal: [user, "mimi://a.example/p/owl3" as typeof alice],
      contacts: [bob],
    };
    await s.putUser(record);
    expect(await s.getUser(user)).toEqual(record);
    for (const key of ["handle:tel:+12015550777", "phone:+12015550777"])
      expect(await s.lookup(key, 5)).toEqual([{ user, entry: record.handles[0] }]);
    for (const key of ["email:erin@mail.example", "nick:erin", "handle:mailto:erin@mail.example"])
      expect(await s.lookup(key, 5)).toEqual([{ user, entry: record.handles[1] }]);
    expect(await s.isContact(user, bob)).toBe(true);
    expect(await s.isContact(user, alice)).toBe(false);
    await s.putUser({
      ...record,
      handles: [record.handles[1] as UserRecord["handles"][number]],
      contacts: [],
    });
    expect(await s.lookup("phone:+12015550777", 5)).toEqual([]);
    expect(await s.isContact(user, bob)).toBe(false);
    await s.deleteUser(user);
    expect(await s.getUser(user)).toBeUndefined();
    expect(await s.lookup("nick:erin", 5)).toEqual([]);
  });

  it("returns at most `limit` matches of a key", async () => {
    const s = stores.directory;
    for (let i = 0; i < MATCH_SLOTS + 2; i++) {
      const user = `mimi://a.example/u/many${i}` as typeof alice;
      await s.putUser({
        user,
        handles: [
          { handle: parseDirectoryHandle(`im:popular@x${i}.example`), discoverability: "anyone", tags: [] },
        ],
        reveal: [user],
        contacts: [],
      });
    }
    expect(await s.lookup("nick:popular", MATCH_SLOTS + 1)).toHaveLength(MATCH_SLOTS + 1);
    expect(await s.lookup("nick:popular", 100)).toHaveLength(MATCH_SLOTS + 2);
  });

  it("DISC-QUERY-03 DISC-QUERY-04 answers only what users allow, with the same store calls for a hit, a miss, an opted-out user and a contacts-only handle", async () => {
    await stores.directory.deleteUser(alice);
    const { directory, store } = await populated(stores.directory);
    const work = async (e: QueryElement, requester: { provider: string; user?: typeof alice } = fromB) => {
      store.calls.length = 0;
      const response = await evaluateIdentifierRequest(directory, req(e), requester);
      return { response, calls: [...store.calls] };
    };
    const hit = await work({ searchType: "phone", searchValue: "+12015550123" });
    expect(hit.response.uri).toEqual([alice]);
    expect(new TextDecoder().decode(hit.response.foundProfiles[0]?.fields[0]?.fieldValue)).toBe("Personal");
    const optedOut = await work({ searchType: "phone", searchValue: "+12015550199" });
    const unknown = await work({ searchType: "phone", searchValue: "+12015550100" });
    const contactsOnly = await work({ searchType: "email", searchValue: "dave@mail.example" });
    for (const miss of [optedOut, unknown, contactsOnly]) {
      expect(miss.response).toEqual(notFoundResponse());
      expect(miss.calls).toEqual(hit.calls);
    }
    expect(hit.calls).toEqual(["lookup", ...Array<string>(MATCH_SLOTS).fill("isContact"), "getUser"]);
    const asBob = await work(
      { searchType: "email", searchValue: "dave@mail.example" },
      { ...fromB, user: bob },
    );
    expect(asBob.response.uri).toEqual(["mimi://a.example/p/koala75"]);
    expect(asBob.calls).toEqual(hit.calls);
  });

  it("DISC-R9-01 DISC-R10-01 removals persist: a removed handle and a removed user are no longer found", async () => {
    const directory = new Directory("a.example", stores.directory);
    await directory.publish({ kind: "user", user: carol }, carol, [
      { handle: "tel:+12015550188", discoverability: "anyone" },
      { handle: "im:carol@a.example", discoverability: "anyone" },
    ]);
    const phone = req({ searchType: "phone", searchValue: "+12015550188" });
    expect((await evaluateIdentifierRequest(directory, phone, fromB)).uri).toEqual([carol]);
    await expect(
      directory.removeHandle({ kind: "issuer", domain: "mail.example" }, carol, "im:carol@a.example"),
    ).rejects.toMatchObject({ rule: "DISC-R10-01" });
    expect(
      await directory.removeHandle({ kind: "issuer", domain: "a.example" }, carol, "im:carol@a.example"),
    ).toBe(true);
    expect((await stores.directory.getUser(carol))?.handles.map((h) => h.handle.uri)).toEqual([
      "tel:+12015550188",
    ]);
    await directory.removeUser({ kind: "user", user: carol }, carol);
    expect(await evaluateIdentifierRequest(directory, phone, fromB)).toEqual(notFoundResponse());
  });

  it("DISC-CONSENT-04 consent is kept per scope in canonical form: request, grant, a room's revocation", async () => {
    const c = stores.consent;
    const scope = { requesterUri: alice, targetUri: bob };
    await expect(requireConsent(c, alice, bob)).rejects.toMatchObject({ code: "noConsent" });
    await applyConsentOperation(
      c,
      "request",
      { requesterUri: "MIMI://A.EXAMPLE/u/alice", targetUri: bob },
      aToB,
      1,
    );
    expect(await c.get(scope)).toEqual({ scope, state: "requested", updatedAt: 1 });
    await applyConsentOperation(c, "grant", scope, bToA, 2);
    expect(await hasConsent(c, alice, bob, room)).toBe(true);
    await applyConsentOperation(c, "revoke", { ...scope, roomId: room }, bToA, 3);
    expect(await c.get({ ...scope, roomId: "mimi://HUB.example/r/clubhouse" })).toEqual({
      scope: { ...scope, roomId: room },
      state: "revoked",
      updatedAt: 3,
    });
    const check = consentCheck(c);
    expect(await check({ requester: alice, target: bob, roomId: room })).toBe(false);
    expect(await check({ requester: alice, target: bob, roomId: "mimi://hub.example/r/other" })).toBe(true);
    expect(await check({ requester: bob, target: alice, roomId: room })).toBe(false);
    expect(await check({ requester: alice, target: bob, roomId: "" })).toBe(true); // no room named: the room-less grant
    expect(await check({ requester: "not a uri", target: bob, roomId: room })).toBe(false);
  });

  it("DISC-CONSENT-01 an illegal transition stores nothing, and of two racing requests exactly one applies", async () => {
    const c = stores.consent;
    const scope = { requesterUri: dave, targetUri: bob };
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => applyConsentOperation(c, "request", scope, aToB, 10 + i)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ProtocolError);
    const before = await c.get(scope);
    expect(before?.state).toBe("requested");
    await expect(applyConsentOperation(c, "request", scope, aToB, 99)).rejects.toMatchObject({
      rule: "DISC-CONSENT-01",
    });
    expect(await c.get(scope)).toEqual(before);
  });
});

// A PGlite data directory is the same SQL on files; creating one costs an initdb (tens of seconds
// on a loaded machine), so the restart is proved on PostgreSQL.
describe("persistence (decision 0709)", () => {
  /** Publishes and grants on one handle of the database, closes it, and reads both back through a new one. */
  async function survivesReopen(url: string) {
    let db = await openDatabase(url);
    expect(await migrateDiscovery(db)).toEqual([1]);
    expect(await migrate(db)).not.toEqual([]); // the transport's own schema sits next to it
    const directory = new Directory("a.example", new SqlDirectoryStore(db));
    await directory.publish({ kind: "user", user: alice }, alice, [
      { handle: "tel:+12015550123", discoverability: "anyone", tags: ["Personal"] },
    ]);
    await applyConsentOperation(
      new SqlConsentStore(db),
      "grant",
      { requesterUri: bob, targetUri: alice },
      aToB, // alice's provider grants bob's request
      5,
    );
    await db.close();
    db = await openDatabase(url);
    try {
      expect(await migrateDiscovery(db)).toEqual([]);
      const again = new Directory("a.example", new SqlDirectoryStore(db));
      const r = await evaluateIdentifierRequest(
        again,
        req({ searchType: "phone", searchValue: "+12015550123" }),
        fromB,
      );
      expect(r.uri).toEqual([alice]);
      expect(
        await consentCheck(new SqlConsentStore(db))({ requester: bob, target: alice, roomId: room }),
      ).toBe(true);
      const versions = await db.query<{ version: unknown }>(
        "SELECT version FROM discovery_schema_migrations",
      );
      expect(versions.map((v) => Number(v.version))).toEqual([1]);
    } finally {
      await db.close();
    }
  }

  it("DISC-CONSENT-04 PostgreSQL keeps the directory and consent across a restart", async () => {
    const fresh = await freshPostgres();
    try {
      await survivesReopen(fresh.url);
    } finally {
      await fresh.drop();
    }
  });

  it("migrates once when several processes start together (advisory lock)", async () => {
    const fresh = await freshPostgres();
    const dbs = await Promise.all([
      openDatabase(fresh.url),
      openDatabase(fresh.url),
      openDatabase(fresh.url),
    ]);
    try {
      const applied = await Promise.all(dbs.map((db) => migrateDiscovery(db)));
      expect(applied.flat()).toEqual([1]);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await fresh.drop();
    }
  });
});
