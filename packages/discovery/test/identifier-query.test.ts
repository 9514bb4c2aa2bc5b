import { describe, expect, it } from "vitest";
import {
  answerIdentifierQuery,
  evaluateIdentifierRequest,
  type IdentifierRequest,
  MATCH_SLOTS,
  notFoundResponse,
  type QueryElement,
  RateLimiter,
} from "../src/index.js";
import { alice, bob, populated } from "./fixtures.js";

function req(...query_elements: QueryElement[]): IdentifierRequest {
  return { query_elements, id_request_extensions: { component_data: [] } };
}
const fromB = { provider: "b.example" };

describe("identifier query (protocol-06 §5.8)", () => {
  it("DISC-QUERY-03 finds a user by handle, phone and nick when the user allows anyone, with tags (R2)", async () => {
    const { directory } = await populated();
    for (const e of [
      { searchType: "handle", searchValue: "tel:+12015550123" },
      { searchType: "handle", searchValue: "TEL:+1.201.555.0123" },
      { searchType: "phone", searchValue: "+12015550123" },
      { searchType: "nick", searchValue: "alice.smith" },
    ] as const) {
      const r = await evaluateIdentifierRequest(directory, req(e), fromB);
      expect(r.responseCode, e.searchValue).toBe("success");
      expect(r.uri).toEqual([alice]);
      expect(r.foundProfiles[0]?.stableUri).toBe(alice);
    }
  });

  it("DISC-QUERY-03 answers notFound for a handle the user made undiscoverable, and for a contacts-only handle to a non-contact", async () => {
    const { directory } = await populated();
    expect(
      await evaluateIdentifierRequest(
        directory,
        req({ searchType: "email", searchValue: "alice@mail.example" }),
        fromB,
      ),
    ).toEqual(notFoundResponse());
    const dave = req({ searchType: "email", searchValue: "dave@mail.example" });
    expect(await evaluateIdentifierRequest(directory, dave, fromB)).toEqual(notFoundResponse());
    expect(await evaluateIdentifierRequest(directory, dave, { provider: "b.example", user: alice })).toEqual(
      notFoundResponse(),
    );
    const asBob = await evaluateIdentifierRequest(directory, dave, { provider: "b.example", user: bob });
    expect(asBob.responseCode).toBe("success");
    // only the pseudonym dave chose to reveal
    expect(asBob.uri).toEqual(["mimi://a.example/p/koala75"]);
  });

  it("DISC-QUERY-03 ANDs the query elements", async () => {
    const { directory } = await populated();
    const both = req(
      { searchType: "phone", searchValue: "+12015550123" },
      { searchType: "nick", searchValue: "alice.smith" },
    );
    expect((await evaluateIdentifierRequest(directory, both, fromB)).responseCode).toBe("success");
    const mixed = req(
      { searchType: "phone", searchValue: "+12015550123" },
      { searchType: "nick", searchValue: "dave" },
    );
    expect(await evaluateIdentifierRequest(directory, mixed, fromB)).toEqual(notFoundResponse());
  });

  it("DISC-QUERY-01 answers unsupportedField for search types it does not evaluate", async () => {
    const { directory } = await populated();
    for (const e of [
      { searchType: "partialName", searchValue: "ali" },
      { searchType: "oidcStdClaim", claimName: "email", searchValue: "alice@mail.example" },
      { searchType: 200, searchValue: "x" },
    ] as QueryElement[]) {
      expect((await evaluateIdentifierRequest(directory, req(e), fromB)).responseCode).toBe(
        "unsupportedField",
      );
    }
  });

  it("DISC-QUERY-02 an empty query matches nobody", async () => {
    const { directory } = await populated();
    expect(await evaluateIdentifierRequest(directory, req(), fromB)).toEqual(notFoundResponse());
  });

  it("DISC-QUERY-03 answers ambiguous when several visible users match", async () => {
    const { directory } = await populated();
    await directory.publish({ kind: "user", user: bobLocal() }, bobLocal(), [
      { handle: "im:alice.smith@other.example", discoverability: "anyone" },
    ]);
    expect(
      await evaluateIdentifierRequest(
        directory,
        req({ searchType: "nick", searchValue: "alice.smith" }),
        fromB,
      ),
    ).toEqual({
      ...notFoundResponse(),
      responseCode: "ambiguous",
    });
  });

  it("DISC-QUERY-04 an opted-out user, an unknown user and a malformed value get identical answers after identical work", async () => {
    const { directory, store } = await populated();
    const work = async (e: QueryElement) => {
      store.calls.length = 0;
      const response = await evaluateIdentifierRequest(directory, req(e), fromB);
      return { response, calls: [...store.calls] };
    };
    const optedOut = await work({ searchType: "phone", searchValue: "+12015550199" });
    const unknown = await work({ searchType: "phone", searchValue: "+12015550100" });
    const malformed = await work({ searchType: "phone", searchValue: "12" });
    const contactsOnly = await work({ searchType: "email", searchValue: "dave@mail.example" });
    expect(optedOut.response).toEqual(notFoundResponse());
    const hit = await work({ searchType: "phone", searchValue: "+12015550123" });
    expect(hit.response.responseCode).toBe("success");
    expect(hit.calls).toEqual(optedOut.calls);
    for (const other of [unknown, malformed, contactsOnly]) {
      expect(other.response).toEqual(optedOut.response);
      expect(JSON.stringify(other.response)).toBe(JSON.stringify(optedOut.response));
      expect(other.calls).toEqual(optedOut.calls);
    }
    expect(optedOut.calls).toEqual(["lookup", ...Array<string>(MATCH_SLOTS).fill("isContact"), "getUser"]);
  });
});

function bobLocal() {
  return "mimi://a.example/u/bob" as typeof alice;
}

describe("enumeration resistance (R8)", () => {
  it("DISC-R8-01 refuses a requester past its distinct-handle budget, per requester", async () => {
    const { directory } = await populated();
    const limiter = new RateLimiter({ queriesPerWindow: 100, distinctKeysPerWindow: 3, windowMs: 1000 });
    const q = async (n: string, who = fromB, now = 0) =>
      (
        await answerIdentifierQuery(
          directory,
          limiter,
          req({ searchType: "phone", searchValue: n }),
          who,
          now,
        )
      ).responseCode;
    expect(await q("+12015550001")).toBe("notFound");
    expect(await q("+12015550002")).toBe("notFound");
    expect(await q("+12015550123")).toBe("success");
    expect(await q("+12015550123")).toBe("success"); // asking again about a known key costs no budget
    expect(await q("+12015550003")).toBe("notFound"); // the fourth distinct key is refused
    expect(await q("+12015550123")).toBe("notFound"); // and the requester stays refused for the window
    expect(await q("+12015550123", { provider: "c.example" })).toBe("success"); // another requester is not
    expect(await q("+12015550123", fromB, 1000)).toBe("success"); // a new window
  });

  it("DISC-R8-01 refuses a requester past its query rate", async () => {
    const { directory } = await populated();
    const limiter = new RateLimiter({ queriesPerWindow: 2, distinctKeysPerWindow: 100, windowMs: 1000 });
    const q = () =>
      answerIdentifierQuery(
        directory,
        limiter,
        req({ searchType: "phone", searchValue: "+12015550123" }),
        fromB,
        5,
      );
    expect([await q(), await q(), await q()].map((r) => r.responseCode)).toEqual([
      "success",
      "success",
      "notFound",
    ]);
  });

  it("DISC-R8-02 a refused query gets the answer of a miss, after the same work", async () => {
    const { directory, store } = await populated();
    const limiter = new RateLimiter({ queriesPerWindow: 1, distinctKeysPerWindow: 100, windowMs: 1000 });
    store.calls.length = 0;
    const miss = await answerIdentifierQuery(
      directory,
      limiter,
      req({ searchType: "phone", searchValue: "+12015550100" }),
      fromB,
      0,
    );
    const missCalls = [...store.calls];
    store.calls.length = 0;
    store.keys.length = 0;
    const limited = await answerIdentifierQuery(
      directory,
      limiter,
      req({ searchType: "phone", searchValue: "+12015550123" }),
      fromB,
      0,
    );
    expect(limited).toEqual(miss);
    expect(JSON.stringify(limited)).toBe(JSON.stringify(miss));
    expect(store.calls).toEqual(missCalls);
    // a refused query never touches a real entry: it does the work of a miss, even for a known handle
    for (const k of store.keys) expect(await store.inner.lookup(k, MATCH_SLOTS + 1)).toEqual([]);
  });
});
