/** `GET /client/v1/hubSender`: the hub's ExternalSender for rooms of this provider (decision 0807). */
import { encodeExternalSenders } from "@mimi/mls-profile";
import { HttpRejection } from "../../server/http-error.js";
import type { ClientRouteHandler } from "../route.js";

export const hubSender: ClientRouteHandler = async ({ ctx }) => {
  // [PROTO-CAPI-09] draft-ietf-mimi-protocol-06 §7.4 (our client API, decision 0807): the hub's
  // ExternalSender, as the content of an external_senders extension with exactly that entry.
  if (ctx.hubSender === undefined) throw new HttpRejection(404, `${ctx.domain} does not host rooms`);
  return { status: 200, body: encodeExternalSenders([await ctx.hubSender()]) };
};
