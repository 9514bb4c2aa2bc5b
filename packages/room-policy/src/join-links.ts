/**
 * Join links (draft-ietf-mimi-room-policy-03 §6.2): the `join_links` component.
 */
import { type Codec, decodeWith, encodeWith, struct, uint32, utf8String, vector } from "@mimi/wire";

/**
 * ```tls
 * struct {
 *   opaque join_link;
 * } JoinLink;
 * ```
 *
 * The printed field has no length (`opaque join_link;`); it is read as `opaque join_link<V>` of
 * UTF-8 (decision 0301, DI-POLICY-03).
 */
export interface JoinLink {
  readonly join_link: string;
}

/** TLS shape of {@link JoinLink}. */
export const joinLinkSchema: Codec<JoinLink> = struct("JoinLink", [["join_link", utf8String]]);

/**
 * The `join_links` component's data: `JoinLink JoinLinksData<V>;` (a bare vector, represented as
 * a struct with one field `links` so that it has a JSON object form).
 */
export interface JoinLinksData {
  readonly links: readonly JoinLink[];
}

/** TLS shape of {@link JoinLinksData}: on the wire exactly `JoinLink JoinLinksData<V>`. */
export const joinLinksDataSchema: Codec<JoinLinksData> = struct("JoinLinksData", [
  ["links", vector(joinLinkSchema)],
]);

/**
 * The `join_links` update: incremental, unlike the other components.
 *
 * ```tls
 * struct {
 *   uint32 removedIndices<V>;
 *   JoinLink added_links<V>;
 * } JoinLinksUpdate;
 * ```
 */
export interface JoinLinksUpdate {
  readonly removedIndices: readonly number[];
  readonly added_links: readonly JoinLink[];
}

/** TLS shape of {@link JoinLinksUpdate}. */
export const joinLinksUpdateSchema: Codec<JoinLinksUpdate> = struct("JoinLinksUpdate", [
  ["removedIndices", vector(uint32)],
  ["added_links", vector(joinLinkSchema)],
]);

/** Encode a {@link JoinLinksData}. @throws CodecError when a field is out of range. */
export function encodeJoinLinksData(value: JoinLinksData): Uint8Array {
  return encodeWith(joinLinksDataSchema, value);
}

/** Decode a {@link JoinLinksData}. @throws CodecError on malformed bytes, naming the field. */
export function decodeJoinLinksData(bytes: Uint8Array): JoinLinksData {
  return decodeWith(joinLinksDataSchema, bytes);
}

/** Encode a {@link JoinLinksUpdate}. @throws CodecError when a field is out of range. */
export function encodeJoinLinksUpdate(value: JoinLinksUpdate): Uint8Array {
  return encodeWith(joinLinksUpdateSchema, value);
}

/** Decode a {@link JoinLinksUpdate}. @throws CodecError on malformed bytes, naming the field. */
export function decodeJoinLinksUpdate(bytes: Uint8Array): JoinLinksUpdate {
  return decodeWith(joinLinksUpdateSchema, bytes);
}
