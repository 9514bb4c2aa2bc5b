/**
 * Status notification policy (draft-ietf-mimi-room-policy-03 §6.1).
 */
import { type Codec, decodeWith, encodeWith, struct } from "@mimi/wire";
import { type Optionality, optionalitySchema } from "./common.js";

/**
 * ```tls
 * struct {
 *   Optionality delivery_notifications;
 *   Optionality read_receipts;
 * } StatusNotificationPolicy;
 * ```
 */
export interface StatusNotificationPolicy {
  readonly delivery_notifications: Optionality;
  readonly read_receipts: Optionality;
}

/** TLS shape of {@link StatusNotificationPolicy}. */
export const statusNotificationPolicySchema: Codec<StatusNotificationPolicy> = struct(
  "StatusNotificationPolicy",
  [
    ["delivery_notifications", optionalitySchema],
    ["read_receipts", optionalitySchema],
  ],
);

/** Encode a {@link StatusNotificationPolicy}. @throws CodecError when a field is out of range. */
export function encodeStatusNotificationPolicy(value: StatusNotificationPolicy): Uint8Array {
  return encodeWith(statusNotificationPolicySchema, value);
}

/** Decode a {@link StatusNotificationPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeStatusNotificationPolicy(bytes: Uint8Array): StatusNotificationPolicy {
  return decodeWith(statusNotificationPolicySchema, bytes);
}
