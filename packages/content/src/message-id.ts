import { utf8, ValidationError } from "@mimi/wire";
import { sha256 } from "#platform";
import { decodeMimiContent, MESSAGE_ID_LENGTH } from "./mimi-content.js";
import { hashAlgorithms } from "./registries.js";

/**
 * draft-ietf-mimi-content-08 §3.3 "Message ID":
 *
 * ```
 * hash_output = hash( senderUriLength || senderUri ||
 *                     roomUriLength   || roomUri   ||
 *                     message         || salt )
 * messageId = hashAlg || hash_output[0..30]
 * ```
 *
 * `message` is the whole encoded content; its salt is read from it (so the content is decoded
 * strictly first). Only SHA-256 (`hashAlg` 1), the default, is implemented.
 *
 * @example
 * ```ts
 * const id = computeMessageId(bytes, "mimi://example.com/u/alice-smith", "mimi://example.com/r/engineering_team");
 * ```
 * @throws CodecError when `message` is not valid MIMI content; ValidationError when a URI is longer
 * than 65535 octets.
 */
export function computeMessageId(message: Uint8Array, senderUri: string, roomUri: string): Uint8Array {
  const { salt } = decodeMimiContent(message);
  return messageIdFromParts(message, salt, senderUri, roomUri);
}

function u16Prefixed(uri: string, path: string): Uint8Array {
  const bytes = utf8(uri);
  if (bytes.length > 0xffff) {
    // [CONTENT-ID-02] draft-ietf-mimi-content-08 §3.3: senderUriLength and roomUriLength are unsigned 16-bit integers.
    throw new ValidationError(`URI of ${bytes.length} octets does not fit a 16-bit length`, {
      path,
      rule: "CONTENT-ID-02",
    });
  }
  const out = new Uint8Array(2 + bytes.length);
  out[0] = bytes.length >> 8;
  out[1] = bytes.length & 0xff;
  out.set(bytes, 2);
  return out;
}

/**
 * The message ID of already-encoded content whose salt the caller knows (no decoding).
 *
 * @throws ValidationError when a URI is longer than 65535 octets.
 */
export function messageIdFromParts(
  message: Uint8Array,
  salt: Uint8Array,
  senderUri: string,
  roomUri: string,
): Uint8Array {
  // [CONTENT-ID-01] draft-ietf-mimi-content-08 §3.3: messageId = 0x01 || SHA-256(u16 len || senderUri || u16 len || roomUri || message || salt)[0..30].
  const digest = sha256(
    u16Prefixed(senderUri, "/senderUri"),
    u16Prefixed(roomUri, "/roomUri"),
    message,
    salt,
  );
  const id = new Uint8Array(MESSAGE_ID_LENGTH);
  id[0] = hashAlgorithms.sha256;
  id.set(digest.subarray(0, MESSAGE_ID_LENGTH - 1), 1);
  return id;
}

/**
 * True when the first octet of `id` names a hash algorithm this implementation knows (§9.1: an
 * unknown one is "log and discard").
 */
export function isKnownMessageIdAlgorithm(id: Uint8Array): boolean {
  return id.length === MESSAGE_ID_LENGTH && id[0] === hashAlgorithms.sha256;
}
