/**
 * `POST /reportAbuse/{roomId}` (draft-ietf-mimi-protocol-06 §5.9): 201 when the hub accepted and
 * stored the report; the status only says whether it was accepted.
 */
import type { Hub } from "../../hub/hub.js";
import { handleReportAbuse } from "../../hub/messages.js";
import type { Endpoint } from "../endpoint.js";

/** The hub's `/reportAbuse` endpoint. */
export function reportAbuseEndpoint(hub: Hub): Endpoint {
  return {
    name: "reportAbuse",
    method: "POST",
    handle: async (ctx) => {
      await handleReportAbuse(hub, ctx);
      return { status: 201 };
    },
  };
}
