/**
 * MLS operational policy (draft-ietf-mimi-room-policy-03 §7): the `mls_operational_policy`
 * component.
 */

import type { MediaType } from "@mimi/mls-profile";
import {
  type Codec,
  decodeWith,
  encodeWith,
  enumCodes,
  select,
  struct,
  uint8,
  uint16,
  uint32,
  uint64,
  vector,
} from "@mimi/wire";
import { type ComponentId, closedEnum, policyBool } from "./common.js";
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
export const extendedCapabilitiesSchema: Codec<ExtendedCapabilities> = struct("ExtendedCapabilities", [
  ["versions", vector(uint16)],
  ["cipher_suites", vector(uint16)],
  ["extensions", vector(uint16)],
  ["proposals", vector(uint16)],
  ["credentials", vector(uint16)],
  ["wire_formats", vector(uint16)],
  ["component_ids", vector(uint16)],
  ["safe_aad_types", vector(uint16)],
  ["media_types", vector(mediaTypeSchema)],
  ["content_types", vector(uint8)],
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
export const pendingProposalPolicySchema: Codec<PendingProposalPolicy> = select("PendingProposalPolicy", {
  head: [
    [
      "pending_proposal_strategy",
      enumCodes("PendingProposalStrategy", pendingProposalStrategies, closedEnum),
    ],
  ],
  on: "pending_proposal_strategy",
  arms: {
    [pendingProposalStrategies.unspecified]: [],
    [pendingProposalStrategies.immediate_commit]: [],
    [pendingProposalStrategies.random_delay]: [
      ["minimum_delay_ms", uint64],
      ["maximum_delay_ms", uint64],
    ],
  },
  noArm: "no case for pending_proposal_strategy",
  noArmRule: closedEnum.rule,
});

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
export const minDefaultMaxTimeSchema: Codec<MinDefaultMaxTime> = struct("MinDefaultMaxTime", [
  ["minimum_time", uint64],
  ["default_time", uint64],
  ["maximum_time", uint64],
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
export const appMessagePolicySchema: Codec<AppMessagePolicy> = struct("AppMessagePolicy", [
  ["epoch_tolerance", uint8],
  ["pad_to_size", uint16],
  ["max_generations_skipahead", uint32],
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
export const operationalParametersSchema: Codec<OperationalParameters> = struct("OperationalParameters", [
  ["mandatory_capabilities", extendedCapabilitiesSchema],
  ["default_capabilities", extendedCapabilitiesSchema],
  ["forbidden_capabilities", extendedCapabilitiesSchema],
  ["handshake_formats", vector(uint16)],
  ["external_proposal_allowed", policyBool],
  ["external_commit_allowed", policyBool],
  ["pending_proposal_policy", pendingProposalPolicySchema],
  ["LeafNode_update_time", minDefaultMaxTimeSchema],
  ["app_message_policy", appMessagePolicySchema],
  ["max_kp_lifetime", uint64],
  ["max_credential_lifetime", uint64],
  ["resumption_psk_lifetime", uint64],
  ["sender_nonce_keypair_lifetime", minDefaultMaxTimeSchema],
  ["max_keypairs", uint32],
  ["buffer_incoming_message_time", minDefaultMaxTimeSchema],
  ["max_buffered_messages", uint32],
]);

/** Encode an {@link OperationalParameters}. @throws CodecError when a field is out of range. */
export function encodeOperationalParameters(value: OperationalParameters): Uint8Array {
  return encodeWith(operationalParametersSchema, value);
}

/** Decode an {@link OperationalParameters}. @throws CodecError on malformed bytes, naming the field. */
export function decodeOperationalParameters(bytes: Uint8Array): OperationalParameters {
  return decodeWith(operationalParametersSchema, bytes);
}

/** Encode a {@link PendingProposalPolicy}. @throws CodecError when a field is out of range. */
export function encodePendingProposalPolicy(value: PendingProposalPolicy): Uint8Array {
  return encodeWith(pendingProposalPolicySchema, value);
}

/** Decode a {@link PendingProposalPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodePendingProposalPolicy(bytes: Uint8Array): PendingProposalPolicy {
  return decodeWith(pendingProposalPolicySchema, bytes);
}
