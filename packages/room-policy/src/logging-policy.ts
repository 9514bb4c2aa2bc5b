/**
 * Logging policy (draft-ietf-mimi-room-policy-03 §6.5).
 */

import type { Uri } from "@mimi/mls-profile";
import { type Codec, decodeWith, encodeWith, fields, select, vector } from "@mimi/wire";
import { closedEnum, type Optionality, optionality, optionalitySchema, uriSchema } from "./common.js";

/**
 * ```tls
 * struct {
 *   Optionality logging;
 *   select (logging) {
 *     case mandatory:
 *       Uri logging_clients<V>;
 *       Uri machine_readable_policy;
 *       Uri human_readable_policy;
 *     case optional:
 *       Uri logging_clients<V>;
 *       Uri machine_readable_policy;
 *       Uri human_readable_policy;
 *     case forbidden:
 *       struct {};
 *   }
 * } LoggingPolicy;
 * ```
 *
 * `case mandatory` is `required(1)` (DI-POLICY-03).
 */
export interface LoggingPolicy {
  readonly logging: Optionality;
  readonly logging_clients?: readonly Uri[];
  readonly machine_readable_policy?: Uri;
  readonly human_readable_policy?: Uri;
}

const armFields = fields([
  ["logging_clients", vector(uriSchema)],
  ["machine_readable_policy", uriSchema],
  ["human_readable_policy", uriSchema],
]);

/** TLS shape of {@link LoggingPolicy}. */
export const loggingPolicySchema: Codec<LoggingPolicy> = select("LoggingPolicy", {
  head: [["logging", optionalitySchema]],
  on: "logging",
  arms: { [optionality.required]: armFields, [optionality.optional]: armFields, [optionality.forbidden]: [] },
  noArm: "no case for logging",
  noArmRule: closedEnum.rule,
});

/** Encode a {@link LoggingPolicy}. @throws CodecError when a field is out of range. */
export function encodeLoggingPolicy(value: LoggingPolicy): Uint8Array {
  return encodeWith(loggingPolicySchema, value);
}

/** Decode a {@link LoggingPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeLoggingPolicy(bytes: Uint8Array): LoggingPolicy {
  return decodeWith(loggingPolicySchema, bytes);
}
