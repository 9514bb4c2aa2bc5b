/** `POST /client/v1/rooms/{roomId}`: create a room this provider hosts (body: CreateRoomRequest). */
import { domainOf, parseRoomUri } from "@mimi/identifiers";
import { createRoomRequestCodec } from "@mimi/protocol";
import { decodeWith } from "@mimi/wire";
import { HttpRejection } from "../../server/http-error.js";
import { roomState } from "../../storage/room-log.js";
import { subscribe } from "../inbox.js";
import type { ClientRouteHandler } from "../route.js";

export const rooms: ClientRouteHandler = async ({ client, param, body, ctx }) => {
  if (ctx.createRoom === undefined) throw new HttpRejection(404, `${ctx.domain} does not host rooms`);
  const roomId = parseRoomUri(param);
  // [PROTO-CAPI-08] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0641): a client creates rooms only in its provider's
  // domain (that provider is the room's hub, decision 0611), and never one that exists.
  if (domainOf(roomId) !== ctx.domain)
    throw new HttpRejection(403, `${roomId} is not a room ID of ${ctx.domain}`, {
      path: "/path",
      rule: "PROTO-CAPI-08",
    });
  const r = decodeWith(createRoomRequestCodec, body);
  if ((await roomState(ctx.db, roomId)) !== undefined)
    throw new HttpRejection(409, `${roomId} exists`, { path: "/path", rule: "PROTO-CAPI-08" });
  await subscribe(ctx.db, client, roomId, ctx.now());
  await ctx.createRoom(roomId, r.group_info.bytes, r.ratchet_tree, client);
  return { status: 201 };
};
