/**
 * Message expiration policy (draft-ietf-mimi-room-policy-03 §6.8).
 */
import { decodeWithSchema, encodeWithSchema, type Schema, t } from "./codec/schema.js";
import { type Optionality, optionality, optionalitySchema } from "./common.js";

/**
 * ```tls
 * struct {
 *   Optionality expiring_messages;
 *   select (expiring_messages) {
 *     case mandatory:
 *       uint32 min_expiration_duration;
 *       uint32 max_expiration_duration;
 *       optional uint32 default_expiration_duration;
 *     case optional:
 *       uint32 min_expiration_duration;
 *       uint32 max_expiration_duration;
 *       optional uint32 default_expiration_duration;
 *     case forbidden:
 *       struct {};
 *   }
 * } MessageExpiration;
 * ```
 *
 * `case mandatory` is `required(1)` (DI-POLICY-03).
 */
export interface MessageExpiration {
  readonly expiring_messages: Optionality;
  readonly min_expiration_duration?: number;
  readonly max_expiration_duration?: number;
  readonly default_expiration_duration?: number;
}

const fields = [
  { name: "min_expiration_duration", type: t.uint32 },
  { name: "max_expiration_duration", type: t.uint32 },
  { name: "default_expiration_duration", type: t.optional(t.uint32) },
];

/** TLS shape of {@link MessageExpiration}. */
export const messageExpirationSchema: Schema = t.struct("MessageExpiration", [
  { name: "expiring_messages", type: optionalitySchema },
  {
    select: "expiring_messages",
    cases: { [optionality.required]: fields, [optionality.optional]: fields, [optionality.forbidden]: [] },
  },
]);

/** Encode a {@link MessageExpiration}. @throws CodecError when a field is out of range. */
export function encodeMessageExpiration(value: MessageExpiration): Uint8Array {
  return encodeWithSchema(messageExpirationSchema, value);
}

/** Decode a {@link MessageExpiration}. @throws CodecError on malformed bytes, naming the field. */
export function decodeMessageExpiration(bytes: Uint8Array): MessageExpiration {
  return decodeWithSchema(messageExpirationSchema, bytes) as MessageExpiration;
}
