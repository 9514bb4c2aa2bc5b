/**
 * Chat history policy (draft-ietf-mimi-room-policy-03 §6.6).
 */
import { type Codec, decodeWith, encodeWith, fields, select, uint32, vector } from "@mimi/wire";
import { closedEnum, type Optionality, optionality, optionalitySchema, policyBool } from "./common.js";

/**
 * ```tls
 * struct {
 *   Optionality history_sharing;
 *   select (history_sharing) {
 *     case mandatory:
 *       uint32 roles_that_can_share<V>;
 *       bool automatically_share;
 *       uint32 max_time_period;
 *     case optional:
 *       uint32 roles_that_can_share<V>;
 *       bool automatically_share;
 *       uint32 max_time_period;
 *     case forbidden:
 *       struct {};
 *   }
 * } HistoryPolicy;
 * ```
 *
 * `case mandatory` is `required(1)` (DI-POLICY-03).
 */
export interface HistoryPolicy {
  readonly history_sharing: Optionality;
  readonly roles_that_can_share?: readonly number[];
  readonly automatically_share?: boolean;
  readonly max_time_period?: number;
}

const armFields = fields([
  ["roles_that_can_share", vector(uint32)],
  ["automatically_share", policyBool],
  ["max_time_period", uint32],
]);

/** TLS shape of {@link HistoryPolicy}. */
export const historyPolicySchema: Codec<HistoryPolicy> = select("HistoryPolicy", {
  head: [["history_sharing", optionalitySchema]],
  on: "history_sharing",
  arms: { [optionality.required]: armFields, [optionality.optional]: armFields, [optionality.forbidden]: [] },
  noArm: "no case for history_sharing",
  noArmRule: closedEnum.rule,
});

/** Encode a {@link HistoryPolicy}. @throws CodecError when a field is out of range. */
export function encodeHistoryPolicy(value: HistoryPolicy): Uint8Array {
  return encodeWith(historyPolicySchema, value);
}

/** Decode a {@link HistoryPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeHistoryPolicy(bytes: Uint8Array): HistoryPolicy {
  return decodeWith(historyPolicySchema, bytes);
}
