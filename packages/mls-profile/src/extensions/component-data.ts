/**
 * `ComponentData` (draft-ietf-mls-extensions-10 §4.6).
 */
import { decodeTls, encodeTls, type TlsReader, type TlsWriter } from "@mimi/wire";
import { type ComponentID, readComponentId, writeComponentId } from "./component-id.js";

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

/** Read a `ComponentData`. @throws CodecError on malformed input. */
export function readComponentData(r: TlsReader): ComponentData {
  const component_id = r.field("component_id", () => readComponentId(r));
  const data = r.field("data", () => r.opaque());
  return { component_id, data };
}

/** Write a `ComponentData`. @throws CodecError when a field is out of range. */
export function writeComponentData(w: TlsWriter, v: ComponentData): void {
  writeComponentId(w, v.component_id);
  w.opaque(v.data);
}

/** Encode a `ComponentData`. @throws CodecError when a field is out of range. */
export function encodeComponentData(v: ComponentData): Uint8Array {
  return encodeTls((w) => writeComponentData(w, v));
}

/** Decode a `ComponentData`. @throws CodecError on malformed input or trailing bytes. */
export function decodeComponentData(bytes: Uint8Array): ComponentData {
  return decodeTls(bytes, readComponentData);
}
