import { fc } from "@fast-check/vitest";
import { CodecError, encodeWith, toHex } from "@mimi/wire";
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type BodyCodec,
  clientApiPath,
  clientApiRoute,
  directoryNames,
  directoryVariables,
  endpointPath,
  endpoints,
  expandTemplate,
  isDirectoryName,
  type KeyMaterialRequest,
  type KeyMaterialResponse,
  layoutPath,
  layoutTemplate,
  methodOf,
  type RequestOf,
  type ResponseOf,
  structCodecs,
  templateVariable,
  type UpdateRequest,
} from "../src/index.js";
import { arbitraryFor } from "./support/arbitraries.js";
import { mlsFixtures } from "./support/fixtures.js";

// The endpoint summary of draft-ietf-mimi-protocol-06 §5 (one row per section heading):
// name, method, path variable, request structure, success status, response structure.
const draft: readonly [string, string, string, string | undefined, number, string | undefined][] = [
  ["keyMaterial", "POST", "targetUser", "KeyMaterialRequest", 200, "KeyMaterialResponse"],
  ["update", "POST", "roomId", "UpdateRequest", 200, "UpdateRoomResponse"],
  ["notify", "POST", "roomId", "FanoutMessage", 201, undefined],
  ["submitMessage", "POST", "roomId", "SubmitMessageRequest", 200, "SubmitMessageResponse"],
  ["groupInfo", "POST", "roomId", "GroupInfoRequest", 200, "GroupInfoResponse"],
  ["requestConsent", "POST", "targetDomain", "ConsentEntry", 201, undefined],
  ["updateConsent", "POST", "requesterDomain", "ConsentEntry", 201, undefined],
  ["identifierQuery", "POST", "domain", "IdentifierRequest", 200, "IdentifierResponse"],
  ["reportAbuse", "POST", "roomId", "AbuseReport", 201, undefined],
  ["proxyDownload", "GET", "downloadUrl", undefined, 200, undefined],
];

describe("the §5 endpoint table", () => {
  it("has every endpoint of the §5.1 directory with the draft's method, path variable and bodies", () => {
    expect(directoryNames).toEqual(draft.map((d) => d[0]));
    for (const [name, method, variable, request, status, response] of draft) {
      if (!isDirectoryName(name)) throw new Error(`${name} is not a directory name`);
      const e = endpoints[name];
      expect([e.name, e.method, e.pathVariable, e.request?.struct, e.status, e.response?.struct]).toEqual([
        name,
        method,
        variable,
        request,
        status,
        response,
      ]);
    }
    expect(isDirectoryName("toString")).toBe(false);
    expect(methodOf("ohttpGateway")).toBe("POST");
    expect(methodOf("proxyDownload")).toBe("GET");
  });

  it("each body codec is the draft structure's: what it encodes decodes back, and trailing bytes are refused", async () => {
    const fx = await mlsFixtures();
    for (const name of directoryNames) {
      const e = endpoints[name];
      for (const body of [e.request, e.response]) {
        if (body === undefined) continue;
        const b = body as BodyCodec<unknown>;
        const codec = structCodecs[b.struct];
        if (codec === undefined) throw new Error(`${b.struct} is not a known structure`);
        // a /notify body is one or more FanoutMessages, concatenated
        const arb =
          name === "notify"
            ? fc.array(arbitraryFor(codec, fx), { minLength: 1, maxLength: 3 })
            : arbitraryFor(codec, fx);
        fc.assert(
          fc.property(arb, (value) => {
            const bytes = b.encode(value);
            expect(toHex(b.encode(b.decode(bytes)))).toBe(toHex(bytes));
            if (name !== "notify") expect(toHex(encodeWith(codec, value))).toBe(toHex(bytes));
            expect(() => b.decode(new Uint8Array([...bytes, 0]))).toThrow(CodecError);
          }),
          { numRuns: 5 },
        );
      }
    }
  });

  it("types each row's bodies: a codec where the draft has a body, undefined where it has none", () => {
    expectTypeOf(endpoints.keyMaterial.request).toEqualTypeOf<BodyCodec<KeyMaterialRequest>>();
    expectTypeOf(endpoints.keyMaterial.response).toEqualTypeOf<BodyCodec<KeyMaterialResponse>>();
    expectTypeOf(endpoints.notify.response).toEqualTypeOf<undefined>();
    expectTypeOf(endpoints.proxyDownload.request).toEqualTypeOf<undefined>();
    expectTypeOf<RequestOf<"update">>().toEqualTypeOf<UpdateRequest>();
    expectTypeOf<ResponseOf<"reportAbuse">>().toEqualTypeOf<undefined>();
    expect(endpoints.notify.response).toBeUndefined();
    expect(endpoints.proxyDownload.request).toBeUndefined();
  });

  it("expands §5.1 URL templates (RFC 6570 level 1) and builds paths in a layout", () => {
    expect(
      expandTemplate("https://h.example/mimi/pl/rooms/{roomId}/notify", "notify", "mimi://a.example/r/x y!"),
    ).toBe("https://h.example/mimi/pl/rooms/mimi%3A%2F%2Fa.example%2Fr%2Fx%20y%21/notify");
    expect(templateVariable("/c/{targetUser}", "requestConsent")).toBe("targetUser");
    expect(directoryVariables("updateConsent")).toEqual(["requesterDomain", "requesterUser"]);
    for (const bad of ["/n/notify", "/n/{room}", "/n/{roomId}/{roomId}", "/n/{roomId}}", "/{?roomId}"])
      expect(() => templateVariable(bad, "notify"), bad).toThrow(/roomId/);
    expect(layoutTemplate(undefined, "keyMaterial")).toBe("/v1/keyMaterial/{targetUser}");
    expect(layoutTemplate({ prefix: "/mimi/pl" }, "keyMaterial")).toBe("/mimi/pl/keyMaterial/{targetUser}");
    expect(layoutPath({ prefix: "/x", templates: { notify: "/n/{roomId}" } }, "notify", "r")).toBe("/n/r");
    // the default layout's paths are what endpointPath builds
    expect(layoutPath(undefined, "update", "mimi://a.example/r/x y")).toBe(
      endpointPath("/v1", "update", "mimi://a.example/r/x y"),
    );
  });

  it("builds percent-encoded paths for the directory and the client API", () => {
    expect(endpointPath("/v1", "update", "mimi://a.example/r/x y")).toBe(
      "/v1/update/mimi%3A%2F%2Fa.example%2Fr%2Fx%20y",
    );
    expect(clientApiPath("keyPackages")).toBe("/client/v1/keyPackages");
    expect(clientApiPath("submitMessage", "mimi://a.example/r/x")).toBe(
      "/client/v1/submitMessage/mimi%3A%2F%2Fa.example%2Fr%2Fx",
    );
  });

  it("routes the client API's own routes and the directory endpoints marked for clients, nothing else", () => {
    expect(clientApiRoute("inbox")).toEqual({ method: "GET", param: false });
    expect(clientApiRoute("rooms")).toEqual({ method: "POST", param: true });
    expect(clientApiRoute("update")).toEqual({ method: "POST", param: true });
    expect(clientApiRoute("notify")).toBeUndefined();
    expect(clientApiRoute("identifierQuery")).toBeUndefined();
    expect(clientApiRoute("constructor")).toBeUndefined();
  });
});
