/**
 * Bot policy (draft-ietf-mimi-room-policy-03 §6.7).
 */

import type { Uri } from "@mimi/mls-profile";
import { type Codec, decodeWith, encodeWith, struct, uint32, utf8String, vector } from "@mimi/wire";
import { policyBool, uriSchema } from "./common.js";

/**
 * ```tls
 * struct {
 *   opaque name<V>;
 *   opaque description<V>;
 *   Uri homepage;
 *   bool local_client_bot;
 *   uint32 bot_role_index;
 *   bool can_target_message_in_group;
 *   bool per_user_content;
 * } Bot;
 * ```
 *
 * `name` and `description` are decoded as UTF-8 (decision 0302).
 */
export interface Bot {
  readonly name: string;
  readonly description: string;
  readonly homepage: Uri;
  readonly local_client_bot: boolean;
  readonly bot_role_index: number;
  readonly can_target_message_in_group: boolean;
  readonly per_user_content: boolean;
}

/**
 * ```tls
 * struct {
 *   Bot allowed_bots<V>;
 * } BotPolicy;
 * ```
 */
export interface BotPolicy {
  readonly allowed_bots: readonly Bot[];
}

/** TLS shape of {@link Bot}. */
export const botSchema: Codec<Bot> = struct("Bot", [
  ["name", utf8String],
  ["description", utf8String],
  ["homepage", uriSchema],
  ["local_client_bot", policyBool],
  ["bot_role_index", uint32],
  ["can_target_message_in_group", policyBool],
  ["per_user_content", policyBool],
]);

/** TLS shape of {@link BotPolicy}. */
export const botPolicySchema: Codec<BotPolicy> = struct("BotPolicy", [["allowed_bots", vector(botSchema)]]);

/** Encode a {@link BotPolicy}. @throws CodecError when a field is out of range. */
export function encodeBotPolicy(value: BotPolicy): Uint8Array {
  return encodeWith(botPolicySchema, value);
}

/** Decode a {@link BotPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeBotPolicy(bytes: Uint8Array): BotPolicy {
  return decodeWith(botPolicySchema, bytes);
}
