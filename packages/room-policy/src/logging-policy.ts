/**
 * Logging policy (draft-ietf-mimi-room-policy-03 §6.5).
 */

import type { Uri } from "@mimi/mls-profile";
import { decodeWithSchema, encodeWithSchema, type Schema, t } from "./codec/schema.js";
import { type Optionality, optionality, optionalitySchema, uriSchema } from "./common.js";

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

const fields = [
  { name: "logging_clients", type: t.vector(uriSchema) },
  { name: "machine_readable_policy", type: uriSchema },
  { name: "human_readable_policy", type: uriSchema },
];

/** TLS shape of {@link LoggingPolicy}. */
export const loggingPolicySchema: Schema = t.struct("LoggingPolicy", [
  { name: "logging", type: optionalitySchema },
  {
    select: "logging",
    cases: { [optionality.required]: fields, [optionality.optional]: fields, [optionality.forbidden]: [] },
  },
]);

/** Encode a {@link LoggingPolicy}. @throws CodecError when a field is out of range. */
export function encodeLoggingPolicy(value: LoggingPolicy): Uint8Array {
  return encodeWithSchema(loggingPolicySchema, value);
}

/** Decode a {@link LoggingPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeLoggingPolicy(bytes: Uint8Array): LoggingPolicy {
  return decodeWithSchema(loggingPolicySchema, bytes) as LoggingPolicy;
}
