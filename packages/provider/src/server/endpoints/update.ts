/**
 * `POST /update/{roomId}` (protocol-06 §5.3), answered by the room's hub.
 */
import type { Hub } from "../../hub/hub.js";
import { handleUpdate } from "../../hub/update.js";
import type { Endpoint } from "../endpoint.js";

/** The hub's `/update` endpoint. */
export function updateEndpoint(hub: Hub): Endpoint {
  return {
    name: "update",
    method: "POST",
    handle: async (ctx) => ({ status: 200, body: await handleUpdate(hub, ctx) }),
  };
}
