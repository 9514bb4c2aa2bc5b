/**
 * Roles (draft-ietf-mimi-room-policy-03 §3): the `roles_list` component.
 */
import { type CapabilityType, capabilityTypeSchema } from "./capability-type.js";
import { decodeWithSchema, encodeWithSchema, type Schema, t } from "./codec/schema.js";

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
export const singleSourceRoleChangeTargetsSchema: Schema = t.struct("SingleSourceRoleChangeTargets", [
  { name: "from_role_index", type: t.uint32 },
  { name: "target_role_indexes", type: t.vector(t.uint32) },
]);

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
export const roleSchema: Schema = t.struct("Role", [
  { name: "role_index", type: t.uint32 },
  { name: "role_name", type: t.text },
  { name: "role_description", type: t.text },
  { name: "role_capabilities", type: t.vector(capabilityTypeSchema) },
  { name: "minimum_participants_constraint", type: t.uint32 },
  { name: "maximum_participants_constraint", type: t.optional(t.uint32) },
  { name: "minimum_active_participants_constraint", type: t.uint32 },
  { name: "maximum_active_participants_constraint", type: t.optional(t.uint32) },
  { name: "authorized_role_changes", type: t.vector(singleSourceRoleChangeTargetsSchema) },
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
export const roleDataSchema: Schema = t.struct("RoleData", [{ name: "roles", type: t.vector(roleSchema) }]);

/** Encode a {@link Role}. @throws CodecError when a field is out of range. */
export function encodeRole(value: Role): Uint8Array {
  return encodeWithSchema(roleSchema, value);
}

/** Decode a {@link Role}. @throws CodecError on malformed bytes, naming the field. */
export function decodeRole(bytes: Uint8Array): Role {
  return decodeWithSchema(roleSchema, bytes) as Role;
}

/** Encode a {@link RoleData} (`roles_list` or `RoleUpdate`). @throws CodecError when a field is out of range. */
export function encodeRoleData(value: RoleData): Uint8Array {
  return encodeWithSchema(roleDataSchema, value);
}

/** Decode a {@link RoleData}. @throws CodecError on malformed bytes, naming the field. */
export function decodeRoleData(bytes: Uint8Array): RoleData {
  return decodeWithSchema(roleDataSchema, bytes) as RoleData;
}
