/**
 * `POST /keyMaterial/{…}` (draft-ietf-mimi-protocol-06 §5), answered by the hub.
 */
import type { Hub } from "../../hub/hub.js";
import { handleKeyMaterial } from "../../hub/key-material.js";
import type { Endpoint } from "../endpoint.js";

/** The hub's `/keyMaterial` endpoint. */
export function keyMaterialEndpoint(hub: Hub): Endpoint {
  return {
    name: "keyMaterial",
    method: "POST",
    handle: async (ctx) => ({ status: 200, body: await handleKeyMaterial(hub, ctx) }),
  };
}
