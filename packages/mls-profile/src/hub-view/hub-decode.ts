import type { MLSMessage } from "ts-mls";
import { decodeMlsMessage } from "../adapter/internals.js";
import { checkCodec, decodeAs } from "./hub-errors.js";

/**
 * Decode exactly one MLSMessage: ts-mls's decoder returns `undefined` for bad input, may throw on
 * crafted input, and ignores trailing bytes (hub-view notes P8); all three become a CodecError.
 *
 * @throws CodecError (MLS-HUB-01) when the bytes are not exactly one MLSMessage.
 */
export function decodeMlsMessageExactly(bytes: Uint8Array): MLSMessage {
  const decoded = decodeAs("MLS-HUB-01", "/", "MLSMessage does not decode", () => decodeMlsMessage(bytes, 0));
  // [MLS-HUB-01] RFC 9420 §6: an MLSMessage is exactly one encoded value; undecodable or trailing bytes are rejected
  checkCodec(decoded !== undefined, "MLSMessage does not decode", "MLS-HUB-01", "/");
  const [message, end] = decoded;
  checkCodec(
    end === bytes.length,
    `${bytes.length - end} trailing bytes after the MLSMessage`,
    "MLS-HUB-01",
    "/",
  );
  return message;
}
