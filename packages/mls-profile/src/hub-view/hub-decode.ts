import type { MLSMessage } from "@mimi/ts-mls";
import { decodeStrict } from "../adapter/codec.js";
import { decodeMlsMessage } from "../adapter/internals.js";

/**
 * Decode exactly one MLSMessage with the adapter's strict decoder, failures named MLS-HUB-01.
 *
 * @throws CodecError (MLS-HUB-01) when the bytes are not exactly one MLSMessage.
 */
export function decodeMlsMessageExactly(bytes: Uint8Array): MLSMessage {
  // [MLS-HUB-01] RFC 9420 §6: an MLSMessage is exactly one encoded value; undecodable or trailing bytes are rejected
  return decodeStrict(decodeMlsMessage, bytes, "MLSMessage", "/", "MLS-HUB-01");
}
