import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { readEnrollmentCodeFile } from "../src/client-api/enrollment.js";
import { mergeEndpoints } from "../src/provider/provider.js";
import { parseProviderConfig } from "../src/server/config.js";
import type { Endpoint } from "../src/server/endpoint.js";
import { atLeast, errorFields } from "../src/server/log.js";

const base = {
  domain: "b.example",
  listen: { port: 0 },
  tls: { key: "b.key", cert: "b.pem", ca: "ca.pem" },
};

function pathOf(v: unknown): string {
  try {
    parseProviderConfig(v, "/x");
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).path;
  }
  return "accepted";
}

describe("provider configuration: clientApi and peers", () => {
  it("parses clientApi (CA files resolved) and peers (domains lower-cased), keeping old configurations valid", () => {
    const c = parseProviderConfig(
      {
        ...base,
        clientApi: { port: 9443, ca: ["clients-ca.pem", "/abs/ca2.pem"] },
        peers: { "A.example": "127.0.0.1:8442", "c.example": "c.example:443" },
      },
      "/etc/mimi",
    );
    expect(c.clientApi).toEqual({
      host: "127.0.0.1",
      port: 9443,
      ca: ["/etc/mimi/clients-ca.pem", "/abs/ca2.pem"],
    });
    expect(c.peers).toEqual({ "a.example": "127.0.0.1:8442", "c.example": "c.example:443" });
    const old = parseProviderConfig(base, "/etc/mimi");
    expect(old.clientApi).toBeUndefined();
    expect(old.peers).toBeUndefined();
    expect(
      parseProviderConfig({ ...base, clientApi: { host: "0.0.0.0", port: 1, ca: "c.pem" } }, "/e").clientApi,
    ).toEqual({
      host: "0.0.0.0",
      port: 1,
      ca: ["/e/c.pem"],
    });
  });

  it("parses the browser listener, the enrollment issuer and the code file (decision 0811)", () => {
    const c = parseProviderConfig(
      {
        ...base,
        clientApi: {
          port: 9443,
          ca: "clients-ca.pem",
          web: { port: 8080, origin: "https://chat.b.example", app: "web" },
          issuer: { key: "clients-ca.key", cert: "clients-ca.pem" },
          enrollmentCodes: "codes.json",
        },
      },
      "/etc/mimi",
    );
    expect(c.clientApi).toEqual({
      host: "127.0.0.1",
      port: 9443,
      ca: ["/etc/mimi/clients-ca.pem"],
      web: { host: "127.0.0.1", port: 8080, origin: ["https://chat.b.example"], app: "/etc/mimi/web" },
      issuer: { key: "/etc/mimi/clients-ca.key", cert: "/etc/mimi/clients-ca.pem" },
      enrollmentCodes: "/etc/mimi/codes.json",
    });
    const web = (w: unknown) => pathOf({ ...base, clientApi: { port: 1, ca: "c", web: w } });
    expect(web({ port: 1, extra: 1 })).toBe("/clientApi/web/extra");
    expect(web({ port: 1, key: "k" })).toBe("/clientApi/web");
    expect(web({ port: 1, origin: [] })).toBe("/clientApi/web/origin");
    expect(pathOf({ ...base, clientApi: { port: 1, ca: "c", enrollmentCodes: "x.json" } })).toBe(
      "/clientApi/enrollmentCodes",
    );
    expect(pathOf({ ...base, clientApi: { port: 1, ca: "c", issuer: { key: "k" } } })).toBe(
      "/clientApi/issuer/cert",
    );
  });

  it("reads an enrollment code file and names what is wrong in one", () => {
    const dir = mkdtempSync(join(tmpdir(), "mimi-codes-"));
    try {
      const file = join(dir, "codes.json");
      writeFileSync(
        file,
        JSON.stringify([
          { code: "abcdefgh", user: "mimi://b.example/u/bob", expiresAt: "2030-01-02T03:04:05Z" },
        ]),
      );
      expect(readEnrollmentCodeFile(file)).toEqual([
        { code: "abcdefgh", user: "mimi://b.example/u/bob", expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5) },
      ]);
      const bad = (v: unknown): string => {
        writeFileSync(file, typeof v === "string" ? v : JSON.stringify(v));
        try {
          readEnrollmentCodeFile(file);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          return (e as ValidationError).path;
        }
        return "accepted";
      };
      expect(bad("{")).toBe("/clientApi/enrollmentCodes");
      expect(bad({})).toBe("/clientApi/enrollmentCodes");
      expect(bad([{ code: "abcdefgh", user: "u", expiresAt: "tomorrow" }])).toBe(
        "/clientApi/enrollmentCodes/0/expiresAt",
      );
      expect(bad([{ code: "abcdefgh", user: "u", expiresAt: "2030-01-01T00:00:00Z", x: 1 }])).toBe(
        "/clientApi/enrollmentCodes/0",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the offending field", () => {
    expect(pathOf({ ...base, clientApi: { port: 1 } })).toBe("/clientApi/ca");
    expect(pathOf({ ...base, clientApi: { port: 1, ca: [] } })).toBe("/clientApi/ca");
    expect(pathOf({ ...base, clientApi: { port: -1, ca: "c" } })).toBe("/clientApi/port");
    expect(pathOf({ ...base, clientApi: { port: 1, ca: "c", extra: 1 } })).toBe("/clientApi/extra");
    expect(pathOf({ ...base, clientApi: "x" })).toBe("/clientApi");
    expect(pathOf({ ...base, peers: [] })).toBe("/peers");
    expect(pathOf({ ...base, peers: { "a.example": "nohostport" } })).toBe("/peers/a.example");
    expect(pathOf({ ...base, peers: { "a.example": 8442 } })).toBe("/peers/a.example");
    expect(pathOf({ ...base, peers: { "not a domain": "h:1" } })).toBe("/peers/not a domain");
  });

  it("merges endpoint lists, a later endpoint replacing an earlier one of the same name", async () => {
    const e = (name: Endpoint["name"], tag: number): Endpoint => ({
      name,
      handle: async () => ({ status: tag }),
    });
    const merged = mergeEndpoints(
      [e("notify", 1), e("update", 2)],
      [e("update", 3), e("identifierQuery", 4)],
    );
    expect(merged.map((x) => x.name)).toEqual(["notify", "update", "identifierQuery"]);
    expect((await merged[1]!.handle(undefined as never)).status).toBe(3);
  });
});

describe("provider configuration: peers' asset hosts (decision 0670)", () => {
  it("parses assetHosts (hosts and peers lower-cased, address optional)", () => {
    const c = parseProviderConfig(
      {
        ...base,
        assetHosts: {
          "A.example": { peer: "A.example" },
          "cdn.c.example": { peer: "c.example", address: "10.0.0.7:443" },
        },
      },
      "/e",
    );
    expect(c.assetHosts).toEqual({
      "a.example": { peer: "a.example" },
      "cdn.c.example": { peer: "c.example", address: "10.0.0.7:443" },
    });
    expect(parseProviderConfig(base, "/e").assetHosts).toBeUndefined();
  });

  it("names the offending asset host field", () => {
    expect(pathOf({ ...base, assetHosts: [] })).toBe("/assetHosts");
    expect(pathOf({ ...base, assetHosts: { "a.example": "a.example" } })).toBe("/assetHosts/a.example");
    expect(pathOf({ ...base, assetHosts: { "a.example": {} } })).toBe("/assetHosts/a.example/peer");
    expect(pathOf({ ...base, assetHosts: { "a.example": { peer: "not a domain" } } })).toBe(
      "/assetHosts/a.example/peer",
    );
    expect(pathOf({ ...base, assetHosts: { "a.example": { peer: "a.example", address: "x" } } })).toBe(
      "/assetHosts/a.example/address",
    );
    expect(pathOf({ ...base, assetHosts: { "a.example": { peer: "a.example", port: 1 } } })).toBe(
      "/assetHosts/a.example/port",
    );
    expect(pathOf({ ...base, assetHosts: { "a host": { peer: "a.example" } } })).toBe("/assetHosts/a host");
  });
});

describe("provider configuration: logLevel", () => {
  it("defaults to info, accepts the four levels, and names a wrong value", () => {
    expect(parseProviderConfig(base, "/e").logLevel).toBe("info");
    for (const level of ["debug", "info", "warn", "error"] as const)
      expect(parseProviderConfig({ ...base, logLevel: level }, "/e").logLevel).toBe(level);
    expect(pathOf({ ...base, logLevel: "verbose" })).toBe("/logLevel");
    expect(pathOf({ ...base, logLevel: 3 })).toBe("/logLevel");
  });

  it("a sink at a level passes that level and more severe ones, never less severe ones", () => {
    const seen: string[] = [];
    const sink = atLeast("info", (r) => seen.push(r.level));
    for (const level of ["debug", "info", "warn", "error", "debug"] as const)
      sink({ level, msg: "m", ts: "t" });
    expect(seen).toEqual(["info", "warn", "error"]);
  });

  it("an error record carries the error's stack; a thrown non-Error its text", () => {
    const e = new TypeError("x is not a function");
    const f = errorFields(e);
    expect(f.error).toBe("TypeError: x is not a function");
    expect(f.stack).toMatch(/^TypeError: x is not a function\n\s+at .*provider-config\.test\.ts/);
    expect(errorFields("plain")).toEqual({ error: "plain" });
  });
});
