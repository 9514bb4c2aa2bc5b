/**
 * `POST /submitMessage/{…}` (draft-ietf-mimi-protocol-06 §5), answered by the hub.
 */
import type { Hub } from "../../hub/hub.js";
import { handleSubmitMessage } from "../../hub/messages.js";
import type { Endpoint } from "../endpoint.js";

/** The hub's `/submitMessage` endpoint. */
export function submitMessageEndpoint(hub: Hub): Endpoint {
  return {
    name: "submitMessage",
    method: "POST",
    handle: async (ctx) => ({ status: 200, body: await handleSubmitMessage(hub, ctx) }),
  };
}
