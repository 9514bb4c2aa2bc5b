/**
 * The `external_senders` GroupContext extension (RFC 9420 §12.1.8.1), in its RFC form:
 *
 * ```
 * struct {
 *   SignaturePublicKey signature_key;
 *   Credential credential;
 * } ExternalSender;
 *
 * ExternalSender external_senders<V>;
 * ```
 *
 * ts-mls 1.6.4 encodes one `ExternalSender` per extension; the project's patch of ts-mls (see
 * `patches/`) makes it use the list, and index `sender_index` into it.
 */
import type { Extension, ExternalSender } from "@mimi/ts-mls";
import { decodeStrict } from "./codec.js";
import {
  decodeExternalSendersList as tsDecodeExternalSenders,
  encodeExternalSendersList as tsEncodeExternalSenders,
} from "./ts-mls-patch.js";

/** The `external_senders` extension type (RFC 9420 §17.3). */
export const EXTERNAL_SENDERS_EXTENSION_TYPE = 0x0005;

/** Encode `ExternalSender external_senders<V>` (RFC 9420 §12.1.8.1). */
export function encodeExternalSenders(senders: readonly ExternalSender[]): Uint8Array {
  // [MLS-EXTSEND-01] RFC 9420 §12.1.8.1: the external_senders extension data is
  // `ExternalSender external_senders<V>` (one extension, a list), in both directions.
  return tsEncodeExternalSenders([...senders]);
}

/**
 * Decode `ExternalSender external_senders<V>` (RFC 9420 §12.1.8.1).
 *
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeExternalSenders(bytes: Uint8Array): ExternalSender[] {
  return decodeStrict(tsDecodeExternalSenders, bytes, "external_senders", "/extension_data");
}

/** The `external_senders` GroupContext extension listing `senders`, in order (their `sender_index`). */
export function externalSendersExtension(senders: readonly ExternalSender[]): Extension {
  return { extensionType: "external_senders", extensionData: encodeExternalSenders(senders) };
}

/**
 * The external senders of a GroupContext extension list (empty if it has none).
 *
 * @throws CodecError if the extension is malformed.
 */
export function externalSendersOf(extensions: readonly Extension[]): ExternalSender[] {
  const ext = extensions.find((e) => e.extensionType === "external_senders");
  return ext === undefined ? [] : decodeExternalSenders(ext.extensionData);
}
