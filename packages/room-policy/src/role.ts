/**
 * Roles (draft-ietf-mimi-room-policy-03 §3): the `roles_list` component.
 */

import { type Codec, decodeWith, encodeWith, struct, uint32, utf8String, vector } from "@mimi/wire";
import { type CapabilityType, capabilityTypeSchema } from "./capability-type.js";
import { optionalField } from "./common.js";

/**
 * The roles a member of one role may move a user between.
 *
 * ```tls
 * struct {
 *    uint32 from_role_index;
 *    uint32 target_role_indexes<V>;
 * } SingleSourceRoleChangeTargets;
 * ```
 */
export interface SingleSourceRoleChangeTargets {
  readonly from_role_index: number;
  readonly target_role_indexes: readonly number[];
}

/** TLS shape of {@link SingleSourceRoleChangeTargets}. */
export const singleSourceRoleChangeTargetsSchema: Codec<SingleSourceRoleChangeTargets> = struct(
  "SingleSourceRoleChangeTargets",
  [
    ["from_role_index", uint32],
    ["target_role_indexes", vector(uint32)],
  ],
);

/**
 * A role (draft-ietf-mimi-room-policy-03 §3).
 *
 * ```tls
 * struct {
 *   uint32 role_index;
 *   opaque role_name<V>;
 *   opaque role_description<V>;
 *   CapabilityType role_capabilities<V>;
 *   uint32 minimum_participants_constraint;
 *   optional uint32 maximum_participants_constraint;
 *   uint32 minimum_active_participants_constraint;
 *   optional uint32 maximum_active_participants_constraint;
 *   SingleSourceRoleChangeTargets authorized_role_changes<V>;
 * } Role;
 * ```
 *
 * `role_name` and `role_description` are decoded as UTF-8 (decision 0302). `optional uint32` is
 * read as `optional<uint32>` (DI-POLICY-03).
 */
export interface Role {
  readonly role_index: number;
  readonly role_name: string;
  readonly role_description: string;
  readonly role_capabilities: readonly CapabilityType[];
  readonly minimum_participants_constraint: number;
  readonly maximum_participants_constraint?: number;
  readonly minimum_active_participants_constraint: number;
  readonly maximum_active_participants_constraint?: number;
  readonly authorized_role_changes: readonly SingleSourceRoleChangeTargets[];
}

/** TLS shape of {@link Role}. */
export const roleSchema: Codec<Role> = struct("Role", [
  ["role_index", uint32],
  ["role_name", utf8String],
  ["role_description", utf8String],
  ["role_capabilities", vector(capabilityTypeSchema)],
  ["minimum_participants_constraint", uint32],
  ["maximum_participants_constraint", optionalField(uint32)],
  ["minimum_active_participants_constraint", uint32],
  ["maximum_active_participants_constraint", optionalField(uint32)],
  ["authorized_role_changes", vector(singleSourceRoleChangeTargetsSchema)],
]);

/**
 * The `roles_list` component's data, and its update (a complete replacement).
 *
 * ```tls
 * struct {
 *   Role roles<V>;
 * } RoleData;
 *
 * RoleData roles_list;
 * RoleData RoleUpdate;
 * ```
 */
export interface RoleData {
  readonly roles: readonly Role[];
}

/** TLS shape of {@link RoleData}. */
export const roleDataSchema: Codec<RoleData> = struct("RoleData", [["roles", vector(roleSchema)]]);

/** Encode a {@link Role}. @throws CodecError when a field is out of range. */
export function encodeRole(value: Role): Uint8Array {
  return encodeWith(roleSchema, value);
}

/** Decode a {@link Role}. @throws CodecError on malformed bytes, naming the field. */
export function decodeRole(bytes: Uint8Array): Role {
  return decodeWith(roleSchema, bytes);
}

/** Encode a {@link RoleData} (`roles_list` or `RoleUpdate`). @throws CodecError when a field is out of range. */
export function encodeRoleData(value: RoleData): Uint8Array {
  return encodeWith(roleDataSchema, value);
}

/** Decode a {@link RoleData}. @throws CodecError on malformed bytes, naming the field. */
export function decodeRoleData(bytes: Uint8Array): RoleData {
  return decodeWith(roleDataSchema, bytes);
}
