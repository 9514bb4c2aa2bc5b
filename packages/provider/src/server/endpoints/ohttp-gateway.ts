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
 *
 * Replays (RFC 9458 §6.5): the inner request must carry a `Date` within the replay window of the
 * gateway's clock, and a request whose encapsulation (its KEM share `enc`, fresh per request) was
 * seen within the window is refused; a refusal for the date carries the gateway's `Date`
 * (§6.5.2), so a client with a wrong clock can correct it. Keys rotate (`loadOhttpGatewayKeys`).
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
import { CodecError, type MimiError, toHex, ValidationError } from "@mimi/wire";
import type { AssetSource } from "../../federation/assets.js";
import type { Endpoint } from "../endpoint.js";
import { HttpRejection } from "../http-error.js";
import { type AssetLocations, isServedAsset, loadAsset } from "./proxy-download.js";

/** The gateway's keys at a time: the one it offers, and those it still accepts. */
export type GatewayKeys = (now: number) => Promise<{
  readonly current: GatewayKey;
  readonly accepted: readonly GatewayKey[];
}>;

/** `GET /.well-known/ohttp-gateway`: the key configuration of the gateway's current key. */
export function ohttpKeysEndpoint(keys: GatewayKeys): Endpoint {
  return {
    name: "ohttpKeys",
    async handle(ctx) {
      return {
        status: 200,
        body: encodeKeyConfigs([(await keys(ctx.now)).current.config]),
        contentType: OHTTP_KEYS_MEDIA_TYPE,
      };
    },
  };
}

/** How far the `Date` of a request may be from the gateway's clock, and how long `enc`s are kept. */
const OHTTP_REPLAY_WINDOW_MS = 60_000;

/** The encapsulations seen within the replay window (`enc` in hex → when it is forgotten). */
class SeenRequests {
  private readonly until = new Map<string, number>();
  /** True when `enc` was seen within the window; remembers it otherwise. */
  replayed(enc: Uint8Array, now: number, windowMs: number): boolean {
    // insertion order is arrival order: the expired ones are at the front
    for (const [k, t] of this.until) {
      if (t > now) break;
      this.until.delete(k);
    }
    const key = toHex(enc);
    if (this.until.has(key)) return true;
    this.until.set(key, now + 2 * windowMs);
    return false;
  }
}

/** Why a decapsulated request is not fresh (RFC 9458 §6.5), or undefined. */
function staleness(req: BinaryHttpRequest, now: number, windowMs: number): HttpRejection | undefined {
  const field = req.headers.find((h) => h.name.toLowerCase() === "date");
  const at = field === undefined ? Number.NaN : Date.parse(field.value);
  // [PROTO-OHTTP-02] draft-ietf-mimi-protocol-06 §5.10.3 (RFC 9458 §6.5; decision 0672): the gateway
  // performs a request only once, and only within the replay window: its Date is within
  // OHTTP_REPLAY_WINDOW_MS of the gateway's clock.
  if (field === undefined)
    return new HttpRejection(400, "the request has no Date (the gateway refuses replays by it)", {
      path: "/headers/date",
      rule: "PROTO-OHTTP-02",
    });
  if (Number.isNaN(at) || Math.abs(at - now) > windowMs)
    return new HttpRejection(
      400,
      `the request's Date is not within ${windowMs / 1000} s of the gateway's clock`,
      {
        path: "/headers/date",
        rule: "PROTO-OHTTP-02",
      },
    );
  return undefined;
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
  fresh: (req: BinaryHttpRequest) => HttpRejection | undefined,
): Promise<{ status: number; body: Uint8Array; json: boolean; date?: boolean }> {
  try {
    const req = decodeBinaryHttpRequest(inner);
    const stale = fresh(req);
    if (stale !== undefined) return { status: stale.status, body: reason(stale), json: true, date: true };
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
  keys: GatewayKeys,
  peers?: AssetSource,
  replayWindowMs: number = OHTTP_REPLAY_WINDOW_MS,
): Endpoint {
  const seen = new SeenRequests();
  return {
    name: "ohttpGateway",
    async handle(ctx) {
      let opened: Awaited<ReturnType<typeof decapsulateRequest>>;
      try {
        opened = await decapsulateRequest((await keys(ctx.now)).accepted, ctx.body);
      } catch (e) {
        // Not decapsulated: refused in the clear, with the reason (RFC 9458 §5.2, §5.3).
        if (e instanceof CodecError)
          throw new HttpRejection(400, `not an Encapsulated Request for this gateway: ${e.what}`, {
            path: e.path,
          });
        throw e;
      }
      const where: AssetLocations = { domain, db: ctx.db, ...(peers === undefined ? {} : { peers }) };
      const out = await perform(where, opened.request, (req) => {
        const stale = staleness(req, ctx.now, replayWindowMs);
        if (stale !== undefined) return stale;
        // [PROTO-OHTTP-02] a request whose encapsulation was seen within the window is a replay
        if (seen.replayed(opened.context.enc, ctx.now, replayWindowMs))
          return new HttpRejection(400, "the request was seen before (a replay)", {
            path: "/",
            rule: "PROTO-OHTTP-02",
          });
        return undefined;
      });
      const inner = encodeBinaryHttpResponse({
        informational: [],
        status: out.status,
        headers: [
          { name: "content-type", value: out.json ? "application/json" : "application/octet-stream" },
          ...(out.date === true ? [{ name: "date", value: new Date(ctx.now).toUTCString() }] : []),
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
