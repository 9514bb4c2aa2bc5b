/**
 * `@mimi/room-policy`: room policy for MIMI (draft-ietf-mimi-room-policy-03): the TLS codecs of
 * every policy component, the role capability registry, and the authorization engine.
 *
 * @packageDocumentation
 */
export * from "./asset-policy.js";
export * from "./base-room-policy.js";
export * from "./bot-policy.js";
export * from "./capability-type.js";
export {
  decodeWithSchema,
  encodeWithSchema,
  type FieldSchema,
  fromJsonValue,
  type Schema,
  type StructSchema,
  toJsonValue,
} from "./codec/schema.js";
export * from "./common.js";
export * from "./component-ids.js";
export * from "./engine/authorize.js";
export {
  allowsTransition,
  type CapabilityCodePoints,
  type EngineOptions,
  firstPreauthorizedRole,
} from "./engine/context.js";
export * from "./engine/room-state.js";
export { actionCapabilities, type PolicyRule, policyRules, type RuleResult } from "./engine/rules.js";
export * from "./engine/state-json.js";
export * from "./engine/validate-policy.js";
export * from "./history-policy.js";
export * from "./join-link-policy.js";
export * from "./join-links.js";
export * from "./link-preview-policy.js";
export * from "./logging-policy.js";
export * from "./media-type.js";
export * from "./message-expiration.js";
export * from "./operational-parameters.js";
export * from "./pre-auth-data.js";
export * from "./role.js";
export * from "./role-examples.js";
export * from "./status-notification-policy.js";
export * from "./structures.js";
