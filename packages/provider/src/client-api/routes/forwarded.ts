/**
 * `/client/v1/<endpoint>/{param}` for every directory endpoint the endpoint table marks
 * `clientApi`: handled by our own handler when we serve the room or user, forwarded to the
 * provider that does otherwise (decision 0640).
 */
import { domainOf, mimiUriEquals, parseRoomUri, userOfClient } from "@mimi/identifiers";
import {
  abuseReportCodec,
  type DirectoryName,
  endpoints,
  keyMaterialRequestCodec,
  submitMessageRequestCodec,
} from "@mimi/protocol";
import { decodeWith } from "@mimi/wire";
import { HttpRejection } from "../../server/http-error.js";
import { subscribe } from "../inbox.js";
import type { ClientCall, RouteAnswer } from "../route.js";

function sameUser(a: string, b: string): boolean {
  try {
    return mimiUriEquals(a, b);
  } catch {
    return false;
  }
}

/** Refuse requests in which the client speaks for someone else. */
function checkIdentity(name: DirectoryName, client: string, body: Uint8Array, domain: string): void {
  const user = userOfClient(client);
  const notUs = (field: string, uri: string): HttpRejection =>
    new HttpRejection(403, `${field} ${uri} is not ${user ?? "this client's user"}`, {
      path: `/${field}`,
      rule: "PROTO-CAPI-05",
    });
  // [PROTO-CAPI-05] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0643): the user named as requester, sender or reporter
  // is the authenticated client's user (a pseudonym sender must be of our domain).
  if (name === "keyMaterial") {
    const r = decodeWith(keyMaterialRequestCodec, body);
    if (user === undefined || !sameUser(r.requestingUser.uri, user))
      throw notUs("requestingUser", r.requestingUser.uri);
  } else if (name === "submitMessage") {
    const sender = decodeWith(submitMessageRequestCodec, body).sendingUri.uri;
    let ok = false;
    try {
      ok = /^mimi:\/\/[^/]+\/p\//.test(sender)
        ? domainOf(sender) === domain
        : user !== undefined && sameUser(sender, user);
    } catch {
      ok = false;
    }
    if (!ok) throw notUs("sendingUri", sender);
  } else if (name === "reportAbuse") {
    const r = decodeWith(abuseReportCodec, body);
    if (user === undefined || !sameUser(r.reportingUser.uri, user))
      throw notUs("reportingUser", r.reportingUser.uri);
  }
}

/** The handler of the directory endpoint `name`. */
export function forwarded(name: DirectoryName) {
  return async ({ client, param, body, ctx }: ClientCall): Promise<RouteAnswer> => {
    // The table says what the parameter names: the room whose hub, or the user whose provider,
    // serves the endpoint.
    const owner = domainOf(endpoints[name].servedBy === "room" ? parseRoomUri(param) : param);
    checkIdentity(name, client, body, ctx.domain);
    // A client that submits an update for a room (an external join) is subscribed to it; before
    // the request, so the room's fanout of the commit cannot slip past its inbox.
    if (name === "update") await subscribe(ctx.db, client, parseRoomUri(param), ctx.now());
    return ctx.dispatch(name, owner, param, body);
  };
}
