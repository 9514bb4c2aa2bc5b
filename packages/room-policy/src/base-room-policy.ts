/**
 * The base room policy (draft-ietf-mimi-room-policy-03 §5): the `base_room_policy` component.
 */

import type { Uri } from "@mimi/mls-profile";
import { type Codec, decodeWith, encodeWith, struct, uint16, uint32, vector } from "@mimi/wire";
import { type ComponentId, optionalField, policyBool, uriSchema } from "./common.js";

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
export const baseRoomPolicySchema: Codec<BaseRoomPolicy> = struct("BaseRoomPolicy", [
  ["fixed_membership", policyBool],
  ["parent_dependant", policyBool],
  ["parent_room", vector(uriSchema)],
  ["multi_device", policyBool],
  ["max_clients", optionalField(uint32)],
  ["max_users", optionalField(uint32)],
  ["pseudonyms_allowed", policyBool],
  ["persistent_room", policyBool],
  ["discoverable", policyBool],
  ["policy_component_ids", vector(uint16)],
]);

/** Encode a {@link BaseRoomPolicy}. @throws CodecError when a field is out of range. */
export function encodeBaseRoomPolicy(value: BaseRoomPolicy): Uint8Array {
  return encodeWith(baseRoomPolicySchema, value);
}

/** Decode a {@link BaseRoomPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeBaseRoomPolicy(bytes: Uint8Array): BaseRoomPolicy {
  return decodeWith(baseRoomPolicySchema, bytes);
}
