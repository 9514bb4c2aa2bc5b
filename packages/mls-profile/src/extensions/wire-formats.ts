/**
 * `supported_wire_formats` and `required_wire_formats` (draft-ietf-mls-extensions-10 §5.2).
 */
import { decodeWith, encodeWith, struct, uint16, vector } from "@mimi/wire";

/** RFC 9420 §17.2 wire formats (uint16), and the ones later drafts add by configuration. */
export const wireFormats = {
  mls_public_message: 0x0001,
  mls_private_message: 0x0002,
  mls_welcome: 0x0003,
  mls_group_info: 0x0004,
  mls_key_package: 0x0005,
} as const;

/**
 * draft-ietf-mls-extensions-10 §5.2
 *
 * ```tls
 * struct {
 *    WireFormat wire_formats<V>;
 * } WireFormats;
 *
 * WireFormats supported_wire_formats;
 * WireFormats required_wire_formats;
 * ```
 */
export interface WireFormats {
  readonly wire_formats: readonly number[];
}

const wireFormatsCodec = struct("WireFormats", [["wire_formats", vector(uint16)]]);

/** Encode `WireFormats`. @throws CodecError when a value is not a uint16. */
export function encodeWireFormats(v: WireFormats): Uint8Array {
  return encodeWith(wireFormatsCodec, v);
}

/** Decode `WireFormats`. Unknown values are kept. @throws CodecError on malformed input. */
export function decodeWireFormats(bytes: Uint8Array): WireFormats {
  return decodeWith(wireFormatsCodec, bytes);
}
