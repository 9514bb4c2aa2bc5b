/**
 * Chat history policy (draft-ietf-mimi-room-policy-03 §6.6).
 */
import { decodeWithSchema, encodeWithSchema, type Schema, t } from "./codec/schema.js";
import { type Optionality, optionality, optionalitySchema } from "./common.js";

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

const fields = [
  { name: "roles_that_can_share", type: t.vector(t.uint32) },
  { name: "automatically_share", type: t.bool },
  { name: "max_time_period", type: t.uint32 },
];

/** TLS shape of {@link HistoryPolicy}. */
export const historyPolicySchema: Schema = t.struct("HistoryPolicy", [
  { name: "history_sharing", type: optionalitySchema },
  {
    select: "history_sharing",
    cases: { [optionality.required]: fields, [optionality.optional]: fields, [optionality.forbidden]: [] },
  },
]);

/** Encode a {@link HistoryPolicy}. @throws CodecError when a field is out of range. */
export function encodeHistoryPolicy(value: HistoryPolicy): Uint8Array {
  return encodeWithSchema(historyPolicySchema, value);
}

/** Decode a {@link HistoryPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeHistoryPolicy(bytes: Uint8Array): HistoryPolicy {
  return decodeWithSchema(historyPolicySchema, bytes) as HistoryPolicy;
}
