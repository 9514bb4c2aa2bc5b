/**
 * The hub's endpoints for the provider server.
 */
import { parseMimiUri, parseUserUri } from "@mimi/identifiers";
import {
  type DirectoryName,
  type EndpointSpec,
  endpoints,
  type RequestOf,
  type ResponseOf,
} from "@mimi/protocol";
import type { AssetSource } from "../federation/assets.js";
import type { Endpoint, RequestContext } from "../server/endpoint.js";
import { ohttpGatewayEndpoint, ohttpKeysEndpoint } from "../server/endpoints/ohttp-gateway.js";
import { proxyDownloadEndpoint } from "../server/endpoints/proxy-download.js";
import { HttpRejection } from "../server/http-error.js";
import { handleGroupInfo } from "./group-info.js";
import { type Hub, hostedRoomId } from "./hub.js";
import { handleKeyMaterial } from "./key-material.js";
import { loadOhttpGatewayKeys, type OhttpGatewayKeys, type OhttpKeyRotation } from "./keys.js";
import { handleReportAbuse, handleSubmitMessage } from "./messages.js";
import { handleUpdate } from "./update.js";

/** What a hub handler is given: the path's target checked to be ours, and the decoded request. */
export interface HubCall<N extends DirectoryName> {
  /**
   * The path parameter, parsed and checked to be hosted here: the room URI (endpoints served by
   * the room's hub) or the user URI (served by the user's provider).
   */
  readonly target: string;
  /** The request body, decoded strictly with the endpoint table's codec. */
  readonly request: RequestOf<N>;
  readonly ctx: RequestContext;
}

/** A hub handler: the endpoint table's request in, its response out (encoded by the router). */
export type HubHandler<N extends DirectoryName> = (hub: Hub, call: HubCall<N>) => Promise<ResponseOf<N>>;

/** The user a path names, when it is one of ours (404 otherwise, as a room of another hub). */
function hostedUser(param: string, domain: string): string {
  let user: string;
  try {
    user = parseUserUri(param);
  } catch {
    throw new HttpRejection(404, "the path names no user", { path: "/path" });
  }
  if (parseMimiUri(user).domain !== domain)
    throw new HttpRejection(404, `${user} is not a user of ${domain}`, { path: "/path" });
  return user;
}

/**
 * The route of one endpoint of the table served by the hub: the path's target is checked (404),
 * the request decoded (400 on a malformed body), the handler called, and its answer encoded with
 * the status the table gives.
 */
function hubRoute<N extends DirectoryName>(hub: Hub, name: N, handler: HubHandler<N>): Endpoint {
  // TypeScript cannot correlate `endpoints[name]` with `N` (a union of rows); the row is N's.
  const spec = endpoints[name] as unknown as EndpointSpec<RequestOf<N>, ResponseOf<N>>;
  return {
    name,
    handle: async (ctx) => {
      const target =
        spec.servedBy === "user" ? hostedUser(ctx.param, hub.domain) : hostedRoomId(ctx.param, hub.domain);
      const request = (
        spec.request === undefined ? undefined : spec.request.decode(ctx.body)
      ) as RequestOf<N>;
      const response = await handler(hub, { target, request, ctx });
      return spec.response === undefined
        ? { status: spec.status }
        : { status: spec.status, body: spec.response.encode(response) };
    },
  };
}

/**
 * The endpoints backed by a hub (protocol-06 §5): keyMaterial (for our users), update,
 * submitMessage, groupInfo, reportAbuse (for the rooms we host) and proxyDownload (our blobs and,
 * with `options.assets`, our peers' configured asset hosts, decision 0670), and the OHTTP gateway
 * for the same assets with its key configuration (§5.10.3, decision 0672).
 */
export function hubEndpoints(
  hub: Hub,
  options: { readonly assets?: AssetSource; readonly ohttpKeyRotation?: OhttpKeyRotation } = {},
): readonly Endpoint[] {
  // The gateway's keys are read from storage at most once a minute, and well within the grace
  // time of a replaced key, so a cached set never lacks the key clients were just given.
  const cacheMs = Math.min(60_000, (options.ohttpKeyRotation?.graceMs ?? 86_400_000) / 2);
  let keys: { readonly at: number; readonly loaded: Promise<OhttpGatewayKeys> } | undefined;
  const gatewayKeys = (now: number): Promise<OhttpGatewayKeys> => {
    if (keys === undefined || now - keys.at >= cacheMs || now < keys.at) {
      const loaded = loadOhttpGatewayKeys(hub.db, now, options.ohttpKeyRotation).catch((e: unknown) => {
        keys = undefined;
        throw e;
      });
      keys = { at: now, loaded };
    }
    return keys.loaded;
  };
  return [
    // the endpoints of the table a hub serves, each with its handler
    hubRoute(hub, "keyMaterial", handleKeyMaterial),
    hubRoute(hub, "update", handleUpdate),
    hubRoute(hub, "submitMessage", handleSubmitMessage),
    hubRoute(hub, "groupInfo", handleGroupInfo),
    hubRoute(hub, "reportAbuse", handleReportAbuse),
    proxyDownloadEndpoint(hub.domain, options.assets),
    ohttpKeysEndpoint(gatewayKeys),
    ohttpGatewayEndpoint(hub.domain, gatewayKeys, options.assets),
  ];
}
