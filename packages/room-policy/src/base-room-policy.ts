/**
 * The base room policy (draft-ietf-mimi-room-policy-03 §5): the `base_room_policy` component.
 */

import type { Uri } from "@mimi/mls-profile";
import { decodeWithSchema, encodeWithSchema, type Schema, t } from "./codec/schema.js";
import { type ComponentId, uriSchema } from "./common.js";

/**
 * ```tls
 * struct {
 *     bool fixed_membership;
 *     bool parent_dependant;
 *     Uri parent_room<V>;
 *     bool multi_device;
 *     optional uint32 max_clients;
 *     optional uint32 max_users;
 *     bool pseudonyms_allowed;
 *     bool persistent_room;
 *     bool discoverable;
 *     Component policy_component_ids<V>;
 * } BaseRoomPolicy;
 *
 * BaseRoomPolicy BaseRoomData;
 * BaseRoomPolicy BaseRoomUpdate;
 * ```
 *
 * `Component` is read as `ComponentID` (uint16); `parent_room` stays a vector of `Uri` as printed,
 * with at most one entry (decision 0301, DI-POLICY-03). The field keeps the printed spelling
 * `parent_dependant` (the text says "parent_dependent").
 */
export interface BaseRoomPolicy {
  readonly fixed_membership: boolean;
  readonly parent_dependant: boolean;
  readonly parent_room: readonly Uri[];
  readonly multi_device: boolean;
  readonly max_clients?: number;
  readonly max_users?: number;
  readonly pseudonyms_allowed: boolean;
  readonly persistent_room: boolean;
  readonly discoverable: boolean;
  readonly policy_component_ids: readonly ComponentId[];
}

/** TLS shape of {@link BaseRoomPolicy}. */
export const baseRoomPolicySchema: Schema = t.struct("BaseRoomPolicy", [
  { name: "fixed_membership", type: t.bool },
  { name: "parent_dependant", type: t.bool },
  { name: "parent_room", type: t.vector(uriSchema) },
  { name: "multi_device", type: t.bool },
  { name: "max_clients", type: t.optional(t.uint32) },
  { name: "max_users", type: t.optional(t.uint32) },
  { name: "pseudonyms_allowed", type: t.bool },
  { name: "persistent_room", type: t.bool },
  { name: "discoverable", type: t.bool },
  { name: "policy_component_ids", type: t.vector(t.uint16) },
]);

/** Encode a {@link BaseRoomPolicy}. @throws CodecError when a field is out of range. */
export function encodeBaseRoomPolicy(value: BaseRoomPolicy): Uint8Array {
  return encodeWithSchema(baseRoomPolicySchema, value);
}

/** Decode a {@link BaseRoomPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeBaseRoomPolicy(bytes: Uint8Array): BaseRoomPolicy {
  return decodeWithSchema(baseRoomPolicySchema, bytes) as BaseRoomPolicy;
}
