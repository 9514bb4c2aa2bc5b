/**
 * The identifier query served by a real provider server: mutual TLS on loopback, the §4.1
 * checks, and the discovery endpoint mounted next to the transport's own endpoints.
 */

import { type QueryElement, RateLimiter } from "@mimi/discovery";
import { alice, populated } from "@mimi/discovery/testing";
import { identifierRequestCodec, identifierResponseCodec } from "@mimi/protocol";
import { decodeWith, encodeWith, toHex } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Database,
  identifierQueryEndpoint,
  implementedEndpoints,
  migrate,
  openDatabase,
  type ProviderServer,
  startProviderServer,
} from "../src/index.js";
import { makeClient, makePki, type TestClient } from "./support/index.js";

const pki = makePki("discovery test CA", ["a.example", "b.example"]);
let db: Database;
let server: ProviderServer;
let fromB: TestClient;

beforeAll(async () => {
  db = await openDatabase("memory://");
  await migrate(db);
  const { directory } = await populated();
  server = await startProviderServer({
    domain: "a.example",
    key: pki.providers["a.example"]!.key,
    cert: pki.providers["a.example"]!.cert,
    ca: pki.caCert,
    db,
    endpoints: [...implementedEndpoints, identifierQueryEndpoint(directory, new RateLimiter())],
    log: () => {},
  });
  fromB = makeClient(server.port, "a.example", { ...pki.providers["b.example"]!, ca: pki.caCert });
});

afterAll(async () => {
  fromB?.close();
  await server?.close(1000);
  await db?.close();
});

const query = (...query_elements: QueryElement[]) =>
  encodeWith(identifierRequestCodec, { query_elements, id_request_extensions: { component_data: [] } });
const post = (body: Uint8Array) =>
  fromB.send({
    method: "POST",
    path: "/v1/identifierQuery/a.example",
    headers: { host: "a.example", from: "mimi@b.example" },
    body,
  });

describe("identifierQuery over mutual TLS (protocol-06 §5.8)", () => {
  it("is listed in the provider's directory", async () => {
    const r = await fromB.send({
      method: "GET",
      path: "/.well-known/mimi-protocol-directory",
      headers: { host: "a.example", from: "mimi@b.example" },
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString("utf8"))["identifierQuery"]).toMatch(
      /\/v1\/identifierQuery\/\{domain\}$/,
    );
  });

  it("DISC-QUERY-03 answers a peer provider's query with the IdentifierResponse", async () => {
    const r = await post(query({ searchType: "phone", searchValue: "+12015550123" }));
    expect(r.status).toBe(200);
    const response = decodeWith(identifierResponseCodec, new Uint8Array(r.body));
    expect(response.responseCode).toBe("success");
    expect(response.uri).toEqual([{ uri: alice }]);
  });

  it("DISC-QUERY-04 gives an opted-out and an unknown user byte-identical answers on the wire", async () => {
    const optedOut = await post(query({ searchType: "phone", searchValue: "+12015550199" }));
    const unknown = await post(query({ searchType: "phone", searchValue: "+12015550100" }));
    expect(optedOut.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(toHex(new Uint8Array(unknown.body))).toBe(toHex(new Uint8Array(optedOut.body)));
  });

  it("answers an undecodable body with 400 and a reason, never 5xx", async () => {
    const r = await post(new Uint8Array([1, 2, 3]));
    expect(r.status).toBe(400);
    expect(r.body.length).toBeGreaterThan(0);
  });
});
