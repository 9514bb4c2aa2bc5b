/**
 * MLS operational policy (draft-ietf-mimi-room-policy-03 §7): the `mls_operational_policy`
 * component.
 */

import type { MediaType } from "@mimi/mls-profile";
import { decodeWithSchema, encodeWithSchema, type Schema, t } from "./codec/schema.js";
import type { ComponentId } from "./common.js";
import { mediaTypeSchema } from "./media-type.js";

/**
 * ```tls
 * struct {
 *   ProtocolVersion versions<V>;
 *   CipherSuite cipher_suites<V>;
 *   ExtensionType extensions<V>;
 *   ProposalType proposals<V>;
 *   CredentialType credentials<V>;
 *   WireFormats wire_formats<V>;
 *   ComponentID component_ids<V>;
 *   ComponentID safe_aad_types<V>;
 *   MediaType media_types<V>;
 *   ContentType content_types<V>;
 * } ExtendedCapabilities;
 * ```
 *
 * RFC 9420 types: `ProtocolVersion`, `CipherSuite`, `ExtensionType`, `ProposalType`,
 * `CredentialType` and `WireFormat` are uint16, `ContentType` is uint8. `WireFormats wire_formats<V>`
 * (a vector of the mls-extensions struct that itself holds a vector) is read as
 * `WireFormat wire_formats<V>` (decision 0301, DI-POLICY-03).
 */
export interface ExtendedCapabilities {
  readonly versions: readonly number[];
  readonly cipher_suites: readonly number[];
  readonly extensions: readonly number[];
  readonly proposals: readonly number[];
  readonly credentials: readonly number[];
  readonly wire_formats: readonly number[];
  readonly component_ids: readonly ComponentId[];
  readonly safe_aad_types: readonly ComponentId[];
  readonly media_types: readonly MediaType[];
  readonly content_types: readonly number[];
}

/** TLS shape of {@link ExtendedCapabilities}. */
export const extendedCapabilitiesSchema: Schema = t.struct("ExtendedCapabilities", [
  { name: "versions", type: t.vector(t.uint16) },
  { name: "cipher_suites", type: t.vector(t.uint16) },
  { name: "extensions", type: t.vector(t.uint16) },
  { name: "proposals", type: t.vector(t.uint16) },
  { name: "credentials", type: t.vector(t.uint16) },
  { name: "wire_formats", type: t.vector(t.uint16) },
  { name: "component_ids", type: t.vector(t.uint16) },
  { name: "safe_aad_types", type: t.vector(t.uint16) },
  { name: "media_types", type: t.vector(mediaTypeSchema) },
  { name: "content_types", type: t.vector(t.uint8) },
]);

/**
 * ```tls
 * enum {
 *   unspecified(0),
 *   immediate_commit(1),
 *   random_delay(2),
 *   (255)
 * } PendingProposalStrategy;
 * ```
 */
export const pendingProposalStrategies = { unspecified: 0, immediate_commit: 1, random_delay: 2 } as const;

/**
 * ```tls
 * struct {
 *   PendingProposalStrategy pending_proposal_strategy;
 *   select (pending_proposal_strategy) {
 *     case unspecified:
 *       struct {};
 *     case immediate_commit:
 *       struct {};
 *     case random_delay:
 *       uint64 minimum_delay_ms;
 *       uint64 maximum_delay_ms;
 *     case extension:
 *       ComponentID id_of_strategy_params;
 *   }
 * } PendingProposalPolicy;
 * ```
 *
 * The `extension` case names no enum value; it is left out, and any strategy other than 0–2 is a
 * decoding error (decision 0301, DI-POLICY-03).
 */
export interface PendingProposalPolicy {
  readonly pending_proposal_strategy: number;
  readonly minimum_delay_ms?: bigint;
  readonly maximum_delay_ms?: bigint;
}

/** TLS shape of {@link PendingProposalPolicy}. */
export const pendingProposalPolicySchema: Schema = t.struct("PendingProposalPolicy", [
  { name: "pending_proposal_strategy", type: t.enum8(pendingProposalStrategies, true) },
  {
    select: "pending_proposal_strategy",
    cases: {
      [pendingProposalStrategies.unspecified]: [],
      [pendingProposalStrategies.immediate_commit]: [],
      [pendingProposalStrategies.random_delay]: [
        { name: "minimum_delay_ms", type: t.uint64 },
        { name: "maximum_delay_ms", type: t.uint64 },
      ],
    },
  },
]);

/**
 * ```tls
 * struct {
 *   uint64 minimum_time;
 *   uint64 default_time;
 *   uint64 maximum_time;
 * } MinDefaultMaxTime;
 * ```
 */
export interface MinDefaultMaxTime {
  readonly minimum_time: bigint;
  readonly default_time: bigint;
  readonly maximum_time: bigint;
}

/** TLS shape of {@link MinDefaultMaxTime}. */
export const minDefaultMaxTimeSchema: Schema = t.struct("MinDefaultMaxTime", [
  { name: "minimum_time", type: t.uint64 },
  { name: "default_time", type: t.uint64 },
  { name: "maximum_time", type: t.uint64 },
]);

/**
 * ```tls
 * struct {
 *   uint8  epoch_tolerance;
 *   uint16 pad_to_size;
 *   uint32 max_generations_skipahead;
 * } AppMessagePolicy;
 * ```
 */
export interface AppMessagePolicy {
  readonly epoch_tolerance: number;
  readonly pad_to_size: number;
  readonly max_generations_skipahead: number;
}

/** TLS shape of {@link AppMessagePolicy}. */
export const appMessagePolicySchema: Schema = t.struct("AppMessagePolicy", [
  { name: "epoch_tolerance", type: t.uint8 },
  { name: "pad_to_size", type: t.uint16 },
  { name: "max_generations_skipahead", type: t.uint32 },
]);

/**
 * ```tls
 * struct {
 *   ExtendedCapabilities mandatory_capabilities;
 *   ExtendedCapabilities default_capabilities;
 *   ExtendedCapabilities forbidden_capabilities;
 *   WireFormats handshake_formats<V>;
 *   bool external_proposal_allowed;
 *   bool external_commit_allowed;
 *   PendingProposalPolicy pending_proposal_policy;
 *   MinDefaultMaxTime LeafNode_update_time;
 *   AppMessagePolicy app_message_policy;
 *   unit64 max_kp_lifetime;
 *   uint64 max_credential_lifetime;
 *   uint64 resumption_psk_lifetime;
 *   MinDefaultMaxTime sender_nonce_keypair_lifetime;
 *   uint32 max_keypairs;
 *   MinDefaultMaxTime buffer_incoming_message_time;
 *   uint32 max_buffered_messages;
 * } OperationalParameters;
 * ```
 *
 * `unit64` is `uint64`; `WireFormats handshake_formats<V>` is read as `WireFormat
 * handshake_formats<V>` (DI-POLICY-03).
 */
export interface OperationalParameters {
  readonly mandatory_capabilities: ExtendedCapabilities;
  readonly default_capabilities: ExtendedCapabilities;
  readonly forbidden_capabilities: ExtendedCapabilities;
  readonly handshake_formats: readonly number[];
  readonly external_proposal_allowed: boolean;
  readonly external_commit_allowed: boolean;
  readonly pending_proposal_policy: PendingProposalPolicy;
  readonly LeafNode_update_time: MinDefaultMaxTime;
  readonly app_message_policy: AppMessagePolicy;
  readonly max_kp_lifetime: bigint;
  readonly max_credential_lifetime: bigint;
  readonly resumption_psk_lifetime: bigint;
  readonly sender_nonce_keypair_lifetime: MinDefaultMaxTime;
  readonly max_keypairs: number;
  readonly buffer_incoming_message_time: MinDefaultMaxTime;
  readonly max_buffered_messages: number;
}

/** TLS shape of {@link OperationalParameters}. */
export const operationalParametersSchema: Schema = t.struct("OperationalParameters", [
  { name: "mandatory_capabilities", type: extendedCapabilitiesSchema },
  { name: "default_capabilities", type: extendedCapabilitiesSchema },
  { name: "forbidden_capabilities", type: extendedCapabilitiesSchema },
  { name: "handshake_formats", type: t.vector(t.uint16) },
  { name: "external_proposal_allowed", type: t.bool },
  { name: "external_commit_allowed", type: t.bool },
  { name: "pending_proposal_policy", type: pendingProposalPolicySchema },
  { name: "LeafNode_update_time", type: minDefaultMaxTimeSchema },
  { name: "app_message_policy", type: appMessagePolicySchema },
  { name: "max_kp_lifetime", type: t.uint64 },
  { name: "max_credential_lifetime", type: t.uint64 },
  { name: "resumption_psk_lifetime", type: t.uint64 },
  { name: "sender_nonce_keypair_lifetime", type: minDefaultMaxTimeSchema },
  { name: "max_keypairs", type: t.uint32 },
  { name: "buffer_incoming_message_time", type: minDefaultMaxTimeSchema },
  { name: "max_buffered_messages", type: t.uint32 },
]);

/** Encode an {@link OperationalParameters}. @throws CodecError when a field is out of range. */
export function encodeOperationalParameters(value: OperationalParameters): Uint8Array {
  return encodeWithSchema(operationalParametersSchema, value);
}

/** Decode an {@link OperationalParameters}. @throws CodecError on malformed bytes, naming the field. */
export function decodeOperationalParameters(bytes: Uint8Array): OperationalParameters {
  return decodeWithSchema(operationalParametersSchema, bytes) as OperationalParameters;
}

/** Encode a {@link PendingProposalPolicy}. @throws CodecError when a field is out of range. */
export function encodePendingProposalPolicy(value: PendingProposalPolicy): Uint8Array {
  return encodeWithSchema(pendingProposalPolicySchema, value);
}

/** Decode a {@link PendingProposalPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodePendingProposalPolicy(bytes: Uint8Array): PendingProposalPolicy {
  return decodeWithSchema(pendingProposalPolicySchema, bytes) as PendingProposalPolicy;
}
