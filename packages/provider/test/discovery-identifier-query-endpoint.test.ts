import { type QueryElement, RateLimiter } from "@mimi/discovery";
import { alice, populated } from "@mimi/discovery/testing";
import { identifierRequestCodec, identifierResponseCodec } from "@mimi/protocol";
import { CodecError, decodeWith, encodeWith, toHex } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Database,
  HttpRejection,
  identifierQueryEndpoint,
  openDatabase,
  type RequestContext,
} from "../src/index.js";

let db: Database;
beforeAll(async () => {
  db = await openDatabase("memory://");
});
afterAll(async () => {
  await db.close();
});

function ctx(body: Uint8Array, param = "a.example", peerDomain = "b.example"): RequestContext {
  return { domain: "a.example", peerDomain, param, body, db, now: 0, log: () => {} };
}
const body = (...query_elements: QueryElement[]) =>
  encodeWith(identifierRequestCodec, { query_elements, id_request_extensions: { component_data: [] } });

describe("identifierQuery endpoint (protocol-06 §5.8)", () => {
  it("DISC-QUERY-03 answers a query with the TLS-encoded IdentifierResponse", async () => {
    const { directory } = await populated();
    const endpoint = identifierQueryEndpoint(directory, new RateLimiter());
    const result = await endpoint.handle(ctx(body({ searchType: "phone", searchValue: "+12015550123" })));
    expect(result.status).toBe(200);
    const response = decodeWith(identifierResponseCodec, result.body as Uint8Array);
    expect(response.responseCode).toBe("success");
    expect(response.uri).toEqual([{ uri: alice }]);
  });

  it("DISC-QUERY-04 DISC-R8-02 an opted-out user, an unknown user and a rate-limited query get byte-identical answers", async () => {
    const { directory } = await populated();
    const endpoint = identifierQueryEndpoint(
      directory,
      new RateLimiter({ queriesPerWindow: 2, distinctKeysPerWindow: 10, windowMs: 1000 }),
    );
    const optedOut = await endpoint.handle(ctx(body({ searchType: "phone", searchValue: "+12015550199" })));
    const unknown = await endpoint.handle(ctx(body({ searchType: "phone", searchValue: "+12015550100" })));
    const limited = await endpoint.handle(ctx(body({ searchType: "phone", searchValue: "+12015550123" })));
    expect(optedOut.status).toBe(200);
    for (const other of [unknown, limited]) {
      expect(other.status).toBe(optedOut.status);
      expect(toHex(other.body as Uint8Array)).toBe(toHex(optedOut.body as Uint8Array));
    }
  });

  it("refuses another domain's path and undecodable bodies with typed errors", async () => {
    const { directory } = await populated();
    const endpoint = identifierQueryEndpoint(directory, new RateLimiter());
    await expect(endpoint.handle(ctx(body(), "c.example"))).rejects.toBeInstanceOf(HttpRejection);
    await expect(endpoint.handle(ctx(new Uint8Array([1, 2, 3])))).rejects.toBeInstanceOf(CodecError);
  });
});
