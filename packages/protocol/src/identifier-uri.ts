import { type Codec, decodeWith, encodeWith, struct, utf8String } from "@mimi/wire";
/**
 * draft-ietf-mimi-protocol-06 §5 `IdentifierUri`:
 *
 * ```tls
 * struct {
 *     opaque uri<V>;
 * } IdentifierUri;
 * ```
 *
 * The bytes must be UTF-8 (a URI is text); whether they are a valid `mimi:` URI is checked by the
 * layer that interprets them. The draft also writes `IdentifierURI` (§5.4) and `RoomId` (§5.7)
 * without defining them; both are this type (DI-PROTO-03).
 */
export interface IdentifierUri {
  readonly uri: string;
}

/** The `IdentifierUri` codec (JSON: `{ "uri": "..." }`). */
export const identifierUriCodec: Codec<IdentifierUri> = struct("IdentifierUri", [["uri", utf8String]]);

/** `RoomId` (§5.7), read as an {@link IdentifierUri} (DI-PROTO-03). */
export type RoomId = IdentifierUri;

/**
 * Decode an `IdentifierUri`.
 *
 * @throws CodecError for malformed bytes or invalid UTF-8.
 */
export function decodeIdentifierUri(bytes: Uint8Array): IdentifierUri {
  return decodeWith(identifierUriCodec, bytes);
}

/**
 * Encode an `IdentifierUri`.
 *
 * @throws CodecError when the URI is longer than a varint can frame.
 */
export function encodeIdentifierUri(value: IdentifierUri): Uint8Array {
  return encodeWith(identifierUriCodec, value);
}
