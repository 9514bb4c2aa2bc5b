/**
 * `GET /client/v1/ohttpKeys/{hub}` and `POST /client/v1/ohttpRelay/{hub}`: the provider as its
 * clients' OHTTP relay (RFC 9458; protocol-06 §5.10.3, decision 0672).
 */
import { OHTTP_KEYS_MEDIA_TYPE, OHTTP_REQUEST_MEDIA_TYPE, OHTTP_RESPONSE_MEDIA_TYPE } from "@mimi/ohttp";
import { extensionRoutes } from "@mimi/protocol";
import { HttpRejection } from "../../server/http-error.js";
import { type ClientCall, type ClientRouteHandler, isProviderDomain, type RouteAnswer } from "../route.js";

const OHTTP_GATEWAY_PATH = extensionRoutes.ohttpGateway.path;

async function relay(call: ClientCall, toGateway: boolean): Promise<RouteAnswer> {
  const { ctx, body } = call;
  const hub = call.param.toLowerCase();
  if (!isProviderDomain(hub)) throw new HttpRejection(400, "not a provider domain", { path: "/path" });
  // [PROTO-CAPI-12] draft-ietf-mimi-protocol-06 §5.10.3 (our client API, decision 0672): the
  // provider is its clients' OHTTP relay: it forwards the opaque Encapsulated Request to the
  // hub's gateway as itself (nothing of the client is sent) and relays the answer unchanged.
  if (hub === ctx.domain) {
    const endpoint = ctx.local.get(toGateway ? "ohttpGateway" : "ohttpKeys");
    if (endpoint === undefined)
      throw new HttpRejection(404, `${ctx.domain} runs no OHTTP gateway`, { path: "/path" });
    const out = await endpoint.handle({
      domain: ctx.domain,
      peerDomain: ctx.domain,
      param: "",
      body,
      db: ctx.db,
      now: ctx.now(),
      log: ctx.log,
    });
    return {
      status: out.status,
      ...(out.body === undefined ? {} : { body: out.body }),
      ...(out.contentType === undefined ? {} : { contentType: out.contentType }),
    };
  }
  const res = await ctx.federation.request(hub, {
    method: toGateway ? "POST" : "GET",
    path: OHTTP_GATEWAY_PATH,
    ...(toGateway ? { body, contentType: OHTTP_REQUEST_MEDIA_TYPE } : {}),
  });
  return {
    status: res.status,
    body: res.body,
    contentType: toGateway ? OHTTP_RESPONSE_MEDIA_TYPE : OHTTP_KEYS_MEDIA_TYPE,
  };
}

export const ohttpKeys: ClientRouteHandler = (call) => relay(call, false);
export const ohttpRelay: ClientRouteHandler = (call) => relay(call, true);
