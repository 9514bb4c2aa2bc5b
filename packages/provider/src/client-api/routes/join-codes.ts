/**
 * `POST /client/v1/joinCodes/{roomId}`: issue a joining code for a room this provider hosts, or
 * revoke one (JSON body, decision 0662).
 */
import { domainOf, parseRoomUri } from "@mimi/identifiers";
import { fromHex, toHex, ValidationError } from "@mimi/wire";
import { HttpRejection } from "../../server/http-error.js";
import { type ClientRouteHandler, jsonAnswer } from "../route.js";

type JoinCodeRequest =
  | { readonly role_index: number; readonly expiresAt: number; readonly maxUses?: number }
  | { readonly revoke: Uint8Array };

/** The JSON body: `{ role_index, expiresAt, maxUses? }` to issue, `{ revoke: <hex> }` to revoke. */
function readJoinCodeRequest(body: Uint8Array): JoinCodeRequest {
  let j: unknown;
  try {
    j = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new ValidationError("the body is not UTF-8 JSON", { path: "/body" });
  }
  if (typeof j !== "object" || j === null || Array.isArray(j))
    throw new ValidationError("the body is not a JSON object", { path: "/body" });
  const o = j as Record<string, unknown>;
  if ("revoke" in o) {
    const code = o["revoke"];
    if (typeof code !== "string" || !/^(?:[0-9a-f]{2})+$/.test(code) || Object.keys(o).length !== 1)
      throw new ValidationError("revoke must be the code in lower-case hex, alone", { path: "/revoke" });
    return { revoke: fromHex(code) };
  }
  for (const k of Object.keys(o))
    if (k !== "role_index" && k !== "expiresAt" && k !== "maxUses")
      throw new ValidationError(`unknown field ${JSON.stringify(k.slice(0, 40))}`, {
        path: `/${k.slice(0, 40)}`,
      });
  const int = (k: string): number | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
      throw new ValidationError(`${k} must be a non-negative integer`, { path: `/${k}` });
    return v;
  };
  const required = (k: string): number => {
    const v = int(k);
    if (v === undefined) throw new ValidationError(`${k} must be a non-negative integer`, { path: `/${k}` });
    return v;
  };
  const role_index = required("role_index");
  const expiresAt = required("expiresAt");
  const maxUses = int("maxUses");
  return { role_index, expiresAt, ...(maxUses === undefined ? {} : { maxUses }) };
}

export const joinCodes: ClientRouteHandler = async ({ client, param, body, ctx }) => {
  const roomId = parseRoomUri(param);
  // [PROTO-CAPI-11] draft-ietf-mimi-room-policy-03 §10.2 (our client API, decision 0662): a
  // client issues or revokes joining codes of rooms its own provider hosts, as itself; the
  // hub's own checks (PROTO-JC-01/02) decide whether it may.
  if (ctx.joinCodes === undefined || domainOf(roomId) !== ctx.domain)
    throw new HttpRejection(404, `${ctx.domain} does not issue joining codes for ${roomId}`, {
      path: "/path",
      rule: "PROTO-CAPI-11",
    });
  const r = readJoinCodeRequest(body);
  if ("revoke" in r) {
    const gone = await ctx.joinCodes.revoke(roomId, r.revoke, client);
    if (!gone) throw new HttpRejection(404, "no such code that this client may revoke", { path: "/revoke" });
    return { status: 204 };
  }
  const code = await ctx.joinCodes.create({ roomId, creatorClient: client, ...r });
  return jsonAnswer(201, { code: toHex(code) });
};
