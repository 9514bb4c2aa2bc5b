import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  answerIdentifierQuery,
  Directory,
  type DiscoveryProvider,
  discover,
  type IdentifierRequest,
  type IdentifierResponse,
  parseDiscoveryProviders,
  type QueryProvider,
  RateLimiter,
  type Requester,
} from "../src/index.js";
import { alice, bob } from "./fixtures.js";

const phone = "tel:+12015550123";

/** Three providers: a.example and c.example know the number, b.example does not. */
async function federation(): Promise<{
  providers: readonly DiscoveryProvider[];
  query: QueryProvider;
  seen: { request: IdentifierRequest; requester: Requester }[];
}> {
  const dirs = new Map<string, Directory>();
  const a = new Directory("a.example");
  await a.publish({ kind: "user", user: alice }, alice, [
    { handle: phone, discoverability: "anyone", tags: ["Personal"] },
  ]);
  const c = new Directory("c.example");
  const carolC = "mimi://c.example/u/carol" as typeof alice;
  await c.publish(
    { kind: "user", user: carolC },
    carolC,
    [{ handle: phone, discoverability: "anyone", tags: ["Business"] }],
    {
      reveal: [carolC, "mimi://c.example/p/c4"],
    },
  );
  dirs.set("a.example", a).set("b.example", new Directory("b.example")).set("c.example", c);
  const limiter = new RateLimiter();
  const seen: { request: IdentifierRequest; requester: Requester }[] = [];
  const providers = parseDiscoveryProviders([
    { domain: "a.example", url: "https://a.example/" },
    { domain: "b.example", url: "https://b.example/" },
    { domain: "c.example", url: "https://c.example/" },
  ]);
  const query: QueryProvider = async (p, request, requester) => {
    seen.push({ request, requester });
    return answerIdentifierQuery(dirs.get(p.domain) as Directory, limiter, request, requester, 0);
  };
  return { providers, query, seen };
}

describe("discovery across providers", () => {
  it("DISC-R3-01 DISC-R5-01 retrieves every mapping and classifies the result", async () => {
    const { providers, query } = await federation();
    const all = await discover("tel:+1-201-555-0123", providers, query, { from: "d.example" });
    expect(all.outcome).toBe("manyProviders");
    expect(all.mappings).toEqual([
      { provider: "a.example", uris: [alice], tags: ["Personal"] },
      {
        provider: "c.example",
        uris: ["mimi://c.example/u/carol", "mimi://c.example/p/c4"],
        tags: ["Business"],
      },
    ]);
    const [pa, pb, pc] = providers as [DiscoveryProvider, DiscoveryProvider, DiscoveryProvider];
    expect((await discover(phone, [pa, pb], query, { from: "d.example" })).outcome).toBe(
      "oneProviderOneIdentifier",
    );
    expect((await discover(phone, [pc], query, { from: "d.example" })).outcome).toBe(
      "oneProviderManyIdentifiers",
    );
    const none = await discover(phone, [pb], query, { from: "d.example" });
    expect(none.outcome).toBe("none");
    expect(none.mappings).toEqual([]);
  });

  it("DISC-R3-01 a provider that fails is reported, the others still answer", async () => {
    const { providers, query } = await federation();
    const flaky: QueryProvider = (p, r, q) =>
      p.domain === "c.example" ? Promise.reject(new Error("down")) : query(p, r, q);
    const result = await discover(phone, providers, flaky, { from: "d.example" });
    expect(result.failed).toEqual(["c.example"]);
    expect(result.outcome).toBe("oneProviderOneIdentifier");
  });

  it("DISC-R4-01 drops identifiers a provider returns for another domain", async () => {
    const liar: QueryProvider = async (): Promise<IdentifierResponse> => ({
      responseCode: "success",
      uri: [
        "mimi://a.example/u/alice",
        "mimi://evil.example/u/mallory",
        "mimi://evil.example/r/room",
        "not a uri",
      ],
      foundProfiles: [],
      id_response_extensions: { component_data: [] },
    });
    const result = await discover(
      phone,
      parseDiscoveryProviders([{ domain: "evil.example", url: "https://evil.example/" }]),
      liar,
      {
        from: "d.example",
      },
    );
    expect(result.mappings).toEqual([
      { provider: "evil.example", uris: ["mimi://evil.example/u/mallory"], tags: [] },
    ]);
    expect(result.rejected.map((r) => r.uri)).toEqual([
      "mimi://a.example/u/alice",
      "mimi://evil.example/r/room",
      "not a uri",
    ]);
  });

  it("DISC-R6-01 the query names the sender's provider only, unless the sender asks as a contact", async () => {
    const { providers, query, seen } = await federation();
    await discover(phone, providers, query, { from: "b.example" });
    for (const s of seen) {
      expect(s.requester).toEqual({ provider: "b.example" });
      expect(JSON.stringify(s.request)).not.toContain("bob");
    }
    seen.length = 0;
    await discover(phone, providers, query, { from: "b.example", as: bob });
    expect(seen.every((s) => s.requester.user === bob)).toBe(true);
  });

  it("DISC-R7-01 DISC-CONF-01 providers are reached only over https", async () => {
    const rule = (v: unknown) => {
      try {
        parseDiscoveryProviders(v);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).rule;
      }
      return undefined;
    };
    expect(rule([{ domain: "a.example", url: "http://a.example/" }])).toBe("DISC-R7-01");
    expect(rule([{ domain: "a.example", url: "https://a.example/" }])).toBeUndefined();
    expect(rule({})).toBe("DISC-CONF-01");
    expect(rule([{ domain: "a.example" }])).toBe("DISC-CONF-01");
    expect(rule([null])).toBe("DISC-CONF-01");
    expect(rule([{ domain: "a.example", url: "::" }])).toBe("DISC-CONF-01");
  });
});
