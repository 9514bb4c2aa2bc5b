/**
 * `ComponentData` (draft-ietf-mls-extensions-10 §4.6).
 */
import { type Codec, decodeWith, encodeWith, opaque, struct } from "@mimi/wire";
import { type ComponentID, componentIdCodec } from "./component-id.js";

/**
 * draft-ietf-mls-extensions-10 §4.6
 *
 * ```tls
 * struct {
 *     ComponentID component_id;
 *     opaque data<V>;
 * } ComponentData;
 * ```
 */
export interface ComponentData {
  readonly component_id: ComponentID;
  readonly data: Uint8Array;
}

/** The `ComponentData` codec. */
export const componentDataCodec: Codec<ComponentData> = struct("ComponentData", [
  ["component_id", componentIdCodec],
  ["data", opaque],
]);

/** Encode a `ComponentData`. @throws CodecError when a field is out of range. */
export function encodeComponentData(v: ComponentData): Uint8Array {
  return encodeWith(componentDataCodec, v);
}

/** Decode a `ComponentData`. @throws CodecError on malformed input or trailing bytes. */
export function decodeComponentData(bytes: Uint8Array): ComponentData {
  return decodeWith(componentDataCodec, bytes);
}
