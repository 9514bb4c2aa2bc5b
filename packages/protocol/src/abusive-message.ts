import { type Codec, opaque, struct, uint64 } from "@mimi/wire";
import { type Frank, frankCodec } from "./frank.js";

/**
 * draft-ietf-mimi-protocol-06 §5.9 `AbusiveMessage`:
 *
 * ```tls
 * struct {
 *   /* the message content (ex: MIMI Content message) containing *\/
 *   /* allegedly abusive content                                 *\/
 *   opaque message_content<V>;
 *   Frank frank;
 *   uint64 accepted_timestamp;
 * } AbusiveMessage;
 * ```
 */
export interface AbusiveMessage {
  readonly message_content: Uint8Array;
  readonly frank: Frank;
  readonly accepted_timestamp: bigint;
}

/** The `AbusiveMessage` codec. */
export const abusiveMessageCodec: Codec<AbusiveMessage> = struct("AbusiveMessage", [
  ["message_content", opaque],
  ["frank", frankCodec],
  ["accepted_timestamp", uint64],
]);
