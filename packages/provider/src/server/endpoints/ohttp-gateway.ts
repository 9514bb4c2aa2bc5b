/**
 * The hub's Oblivious HTTP gateway (draft-ietf-mimi-protocol-06 §5.10.3, RFC 9458; decision 0672)
 * on the federation server, at `/.well-known/ohttp-gateway` (the gateway location of RFC 9540):
 * `GET` answers the gateway's key configuration (`application/ohttp-keys`), `POST` takes an
 * Encapsulated Request from a relay (a peer provider), performs it and answers the Encapsulated
 * Response.
 *
 * A request that cannot be decapsulated is refused in the clear (400 with a reason). Once it is
 * decapsulated, every answer, refusals included, is encapsulated (RFC 9458 §5.2): a binary HTTP
 * response whose status and JSON reason only the client can read.
 */

import {
  type BinaryHttpRequest,
  decapsulateRequest,
  decodeBinaryHttpRequest,
  encapsulateResponse,
  encodeBinaryHttpResponse,
  encodeKeyConfigs,
  type GatewayKey,
  OHTTP_KEYS_MEDIA_TYPE,
  OHTTP_RESPONSE_MEDIA_TYPE,
} from "@mimi/ohttp";
import { CodecError, type MimiError, ValidationError } from "@mimi/wire";
import type { AssetSource } from "../../federation/assets.js";
import type { Endpoint } from "../endpoint.js";
import { HttpRejection } from "../http-error.js";
import { type AssetLocations, isServedAsset, loadAsset } from "./proxy-download.js";

/** `GET /.well-known/ohttp-gateway`: the gateway's key configuration. */
export function ohttpKeysEndpoint(key: () => Promise<GatewayKey>): Endpoint {
  return {
    name: "ohttpKeys",
    async handle() {
      return {
        status: 200,
        body: encodeKeyConfigs([(await key()).config]),
        contentType: OHTTP_KEYS_MEDIA_TYPE,
      };
    },
  };
}

const reason = (e: MimiError): Uint8Array =>
  new TextEncoder().encode(
    JSON.stringify({
      error: e.name,
      what: e.what,
      path: e.path,
      ...(e.rule === undefined ? {} : { rule: e.rule }),
    }),
  );

/** The target URL of a decapsulated request (scheme, authority, path of its control data). */
function targetOf(req: BinaryHttpRequest): string {
  return `${req.scheme}://${req.authority}${req.path}`;
}

/** Perform a decapsulated request: status, body and media type of the inner response. */
async function perform(
  where: AssetLocations,
  inner: Uint8Array,
): Promise<{ status: number; body: Uint8Array; json: boolean }> {
  try {
    const req = decodeBinaryHttpRequest(inner);
    // [PROTO-OHTTP-01] draft-ietf-mimi-protocol-06 §5.10.3: the hub's gateway MUST only accept
    // Targets configured as its peers' asset locations: here a GET of one of our own blobs or of a
    // URL on a configured peer asset host (decision 0672); nothing else is performed.
    if (req.method !== "GET")
      throw new HttpRejection(
        405,
        `${req.method.slice(0, 20)} is not allowed; the gateway performs GET only`,
        {
          path: "/method",
          rule: "PROTO-OHTTP-01",
        },
      );
    const url = targetOf(req);
    if (!isServedAsset(where, url))
      throw new HttpRejection(403, "the target is not an asset location of this hub or its peers", {
        path: "/target",
        rule: "PROTO-OHTTP-01",
      });
    return { status: 200, body: await loadAsset(where, url), json: false };
  } catch (e) {
    if (e instanceof HttpRejection) return { status: e.status, body: reason(e), json: true };
    if (e instanceof CodecError || e instanceof ValidationError)
      return { status: 400, body: reason(e), json: true };
    throw e;
  }
}

/** `POST /.well-known/ohttp-gateway`: the gateway for our own blobs and our peers' asset hosts. */
export function ohttpGatewayEndpoint(
  domain: string,
  key: () => Promise<GatewayKey>,
  peers?: AssetSource,
): Endpoint {
  return {
    name: "ohttpGateway",
    async handle(ctx) {
      let opened: Awaited<ReturnType<typeof decapsulateRequest>>;
      try {
        opened = await decapsulateRequest(await key(), ctx.body);
      } catch (e) {
        // Not decapsulated: refused in the clear, with the reason (RFC 9458 §5.2, §5.3).
        if (e instanceof CodecError)
          throw new HttpRejection(400, `not an Encapsulated Request for this gateway: ${e.what}`, {
            path: e.path,
          });
        throw e;
      }
      const where: AssetLocations = { domain, db: ctx.db, ...(peers === undefined ? {} : { peers }) };
      const out = await perform(where, opened.request);
      const inner = encodeBinaryHttpResponse({
        informational: [],
        status: out.status,
        headers: [
          { name: "content-type", value: out.json ? "application/json" : "application/octet-stream" },
        ],
        content: out.body,
        trailers: [],
      });
      return {
        status: 200,
        body: encapsulateResponse(opened.context, inner),
        contentType: OHTTP_RESPONSE_MEDIA_TYPE,
      };
    },
  };
}
