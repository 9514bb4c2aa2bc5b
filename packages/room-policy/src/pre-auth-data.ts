/**
 * Preauthorized users (draft-ietf-mimi-room-policy-03 §4): the `preauth_list` component.
 */
import { type Codec, decodeWith, encodeWith, opaque, struct, uint16, vector } from "@mimi/wire";
import { type Role, roleSchema } from "./role.js";

/**
 * What a claim is about.
 *
 * ```tls
 * struct {
 *   // MLS Credential Type of the "claim"
 *   CredentialType credential_type;
 *   // the binary representation of an X.509 OID, a JWT claim name
 *   // string, or the CBOR map claim key in a CWT (an int or tstr)
 *   opaque id<V>;
 * } ClaimId;
 * ```
 */
export interface ClaimId {
  readonly credential_type: number;
  readonly id: Uint8Array;
}

/** TLS shape of {@link ClaimId} (`CredentialType` is RFC 9420's uint16). */
export const claimIdSchema: Codec<ClaimId> = struct("ClaimId", [
  ["credential_type", uint16],
  ["id", opaque],
]);

/**
 * A claim and the value it must have.
 *
 * ```tls
 * struct {
 *   ClaimId claim_id;
 *   opaque claim_value<V>;
 * } Claim;
 * ```
 */
export interface Claim {
  readonly claim_id: ClaimId;
  readonly claim_value: Uint8Array;
}

/** TLS shape of {@link Claim}. */
export const claimSchema: Codec<Claim> = struct("Claim", [
  ["claim_id", claimIdSchema],
  ["claim_value", opaque],
]);

/**
 * A claim set and the role it preauthorizes.
 *
 * ```tls
 * struct {
 *   // when all claims in the claimset are satisfied, the claimset
 *   // is satisfied
 *   Claim claimset<V>;
 *   Role target_role;
 * } PreAuthRoleEntry;
 * ```
 *
 * The printed comment is broken (`*​/ is satisfied *​/`, DI-POLICY-03). `target_role.role_index`
 * names a role of `roles_list`, whose definition governs (decision 0305).
 */
export interface PreAuthRoleEntry {
  readonly claimset: readonly Claim[];
  readonly target_role: Role;
}

/** TLS shape of {@link PreAuthRoleEntry}. */
export const preAuthRoleEntrySchema: Codec<PreAuthRoleEntry> = struct("PreAuthRoleEntry", [
  ["claimset", vector(claimSchema)],
  ["target_role", roleSchema],
]);

/**
 * The `preauth_list` component's data, and its update (a complete replacement).
 *
 * ```tls
 * struct {
 *   PreAuthRoleEntry preauthorized_entries<V>;
 * } PreAuthData;
 *
 * PreAuthData preauth_list;
 * PreAuthData PreAuthUpdate;
 * ```
 */
export interface PreAuthData {
  readonly preauthorized_entries: readonly PreAuthRoleEntry[];
}

/** TLS shape of {@link PreAuthData}. */
export const preAuthDataSchema: Codec<PreAuthData> = struct("PreAuthData", [
  ["preauthorized_entries", vector(preAuthRoleEntrySchema)],
]);

/** Encode a {@link PreAuthData}. @throws CodecError when a field is out of range. */
export function encodePreAuthData(value: PreAuthData): Uint8Array {
  return encodeWith(preAuthDataSchema, value);
}

/** Decode a {@link PreAuthData}. @throws CodecError on malformed bytes, naming the field. */
export function decodePreAuthData(bytes: Uint8Array): PreAuthData {
  return decodeWith(preAuthDataSchema, bytes);
}
