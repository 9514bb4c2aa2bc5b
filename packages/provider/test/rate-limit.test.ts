import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningProvider, startProvider } from "../src/provider/provider.js";
import { parseProviderConfig } from "../src/server/config.js";
import { RateLimiter } from "../src/server/rate-limit.js";
import { api, apiClient, type TestIdentity, testIdentity } from "./provider-harness.js";
import { makeClient } from "./support/https-client.js";

describe("token buckets", () => {
  it("a key may burst, then goes at the rate; keys are independent; the wait is whole seconds", () => {
    let t = 0;
    const l = new RateLimiter({ perSecond: 2, burst: 3 }, () => t);
    expect([l.take("a"), l.take("a"), l.take("a")]).toEqual([0, 0, 0]);
    expect(l.take("a")).toBe(1);
    expect(l.take("b")).toBe(0);
    t = 499;
    expect(l.take("a")).toBe(1);
    t = 500;
    expect(l.take("a")).toBe(0);
    t = 10_000; // refills to the burst, no further
    expect([l.take("a"), l.take("a"), l.take("a"), l.take("a")]).toEqual([0, 0, 0, 1]);
    expect(new RateLimiter({ perSecond: 0.1, burst: 1 }, () => 0).take("x")).toBe(0);
    const slow = new RateLimiter({ perSecond: 0.1, burst: 1 }, () => 0);
    slow.take("x");
    expect(slow.take("x")).toBe(10);
    expect(() => new RateLimiter({ perSecond: 0, burst: 1 })).toThrow(RangeError);
  });

  it("the configuration takes rateLimits per peer and per client, or false, and names a wrong field", () => {
    const base = { domain: "b.example", listen: { port: 0 }, tls: { key: "k", cert: "c", ca: "ca" } };
    expect(
      parseProviderConfig(
        { ...base, rateLimits: { peer: { perSecond: 50, burst: 100 }, client: false } },
        "/x",
      ).rateLimits,
    ).toEqual({ peer: { perSecond: 50, burst: 100 }, client: false });
    const pathOf = (rateLimits: unknown) => {
      try {
        parseProviderConfig({ ...base, rateLimits }, "/x");
      } catch (e) {
        return (e as { path: string }).path;
      }
      return "accepted";
    };
    expect(pathOf({ peer: { perSecond: 0, burst: 1 } })).toBe("/rateLimits/peer/perSecond");
    expect(pathOf({ client: { perSecond: 1, burst: 0 } })).toBe("/rateLimits/client/burst");
    expect(pathOf({ client: { perSecond: 1, burst: 1, extra: 1 } })).toBe("/rateLimits/client/extra");
    expect(pathOf({ hub: false })).toBe("/rateLimits/hub");
  });
});

let id: TestIdentity;
let provider: RunningProvider;
beforeAll(async () => {
  id = await testIdentity("b.example");
  provider = await startProvider({
    domain: "b.example",
    tls: {
      key: id.pki.server.privateKeyPem,
      cert: id.pki.server.certificatePem,
      ca: id.pki.ca.certificatePem,
    },
    clientApi: { port: 0, ca: id.pki.ca.certificatePem },
    rateLimits: { peer: { perSecond: 0.5, burst: 2 }, client: { perSecond: 0.5, burst: 2 } },
    log: () => {},
  });
});
afterAll(async () => {
  await provider?.stop(1000);
});

describe("rate limits on the providers' listeners (decision 0675)", () => {
  it("a peer past its burst gets 429 with Retry-After", async () => {
    // the provider's own certificate stands in for two peers: the limit is per authenticated domain
    const tls = {
      key: id.pki.server.privateKeyPem,
      cert: id.pki.server.certificatePem,
      ca: id.pki.ca.certificatePem,
    };
    const peer = makeClient(provider.port, "b.example", tls);
    try {
      const directory = () =>
        peer.send({
          method: "GET",
          path: "/.well-known/mimi-protocol-directory",
          headers: { host: "b.example", from: "mimi@b.example" },
        });
      expect([(await directory()).status, (await directory()).status]).toEqual([200, 200]);
      const refused = await directory();
      expect(refused.status).toBe(429);
      expect(refused.headers["retry-after"]).toBe("2");
      expect(JSON.parse(refused.body.toString())).toMatchObject({
        error: "HttpRejection",
        what: "too many requests from b.example",
      });
    } finally {
      peer.close();
    }
  });

  it("a client past its burst gets 429 with Retry-After, and another client does not", async () => {
    const alice = apiClient(
      provider.clientApiPort!,
      "b.example",
      await id.client("mimi://b.example/d/alice/1"),
    );
    const bob = apiClient(provider.clientApiPort!, "b.example", await id.client("mimi://b.example/d/bob/1"));
    try {
      const hubSender = (c: typeof alice) => c.send("GET", api("hubSender"));
      expect([(await hubSender(alice)).status, (await hubSender(alice)).status]).toEqual([200, 200]);
      const refused = await hubSender(alice);
      expect(refused.status).toBe(429);
      expect(refused.headers["retry-after"]).toBe("2");
      expect((await hubSender(bob)).status).toBe(200);
    } finally {
      alice.close();
      bob.close();
    }
  });
});
