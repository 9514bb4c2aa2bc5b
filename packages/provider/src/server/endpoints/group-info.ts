/**
 * `POST /groupInfo/{…}` (draft-ietf-mimi-protocol-06 §5), answered by the hub.
 */

import { handleGroupInfo } from "../../hub/group-info.js";
import type { Hub } from "../../hub/hub.js";
import type { Endpoint } from "../endpoint.js";

/** The hub's `/groupInfo` endpoint. */
export function groupInfoEndpoint(hub: Hub): Endpoint {
  return {
    name: "groupInfo",
    method: "POST",
    handle: async (ctx) => ({ status: 200, body: await handleGroupInfo(hub, ctx) }),
  };
}
