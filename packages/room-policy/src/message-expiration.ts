/**
 * Message expiration policy (draft-ietf-mimi-room-policy-03 §6.8).
 */
import { type Codec, decodeWith, encodeWith, fields, select, uint32 } from "@mimi/wire";
import { closedEnum, type Optionality, optionalField, optionality, optionalitySchema } from "./common.js";

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

const armFields = fields([
  ["min_expiration_duration", uint32],
  ["max_expiration_duration", uint32],
  ["default_expiration_duration", optionalField(uint32)],
]);

/** TLS shape of {@link MessageExpiration}. */
export const messageExpirationSchema: Codec<MessageExpiration> = select("MessageExpiration", {
  head: [["expiring_messages", optionalitySchema]],
  on: "expiring_messages",
  arms: { [optionality.required]: armFields, [optionality.optional]: armFields, [optionality.forbidden]: [] },
  noArm: "no case for expiring_messages",
  noArmRule: closedEnum.rule,
});

/** Encode a {@link MessageExpiration}. @throws CodecError when a field is out of range. */
export function encodeMessageExpiration(value: MessageExpiration): Uint8Array {
  return encodeWith(messageExpirationSchema, value);
}

/** Decode a {@link MessageExpiration}. @throws CodecError on malformed bytes, naming the field. */
export function decodeMessageExpiration(bytes: Uint8Array): MessageExpiration {
  return decodeWith(messageExpirationSchema, bytes);
}
