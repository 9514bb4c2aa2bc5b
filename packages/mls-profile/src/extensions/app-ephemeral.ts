/**
 * The AppEphemeral proposal (draft-ietf-mls-extensions-10 §4.8).
 */
import { decodeWith, encodeWith, opaque, struct } from "@mimi/wire";
import { type ComponentID, componentIdCodec } from "./component-id.js";

/**
 * draft-ietf-mls-extensions-10 §4.8
 *
 * ```tls
 * struct {
 *     ComponentID component_id;
 *     opaque data<V>;
 * } AppEphemeral;
 * ```
 */
export interface AppEphemeral {
  readonly component_id: ComponentID;
  readonly data: Uint8Array;
}

const appEphemeralCodec = struct("AppEphemeral", [
  ["component_id", componentIdCodec],
  ["data", opaque],
]);

/** Encode an `AppEphemeral`. @throws CodecError when a field is out of range. */
export function encodeAppEphemeral(v: AppEphemeral): Uint8Array {
  return encodeWith(appEphemeralCodec, v);
}

/** Decode an `AppEphemeral`. @throws CodecError on malformed input or trailing bytes. */
export function decodeAppEphemeral(bytes: Uint8Array): AppEphemeral {
  return decodeWith(appEphemeralCodec, bytes);
}
