/**
 * The AppEphemeral proposal (draft-ietf-mls-extensions-10 §4.8).
 */
import { decodeTls, encodeTls } from "@mimi/wire";
import { type ComponentID, readComponentId, writeComponentId } from "./component-id.js";

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

/** Encode an `AppEphemeral`. @throws CodecError when a field is out of range. */
export function encodeAppEphemeral(v: AppEphemeral): Uint8Array {
  return encodeTls((w) => {
    writeComponentId(w, v.component_id);
    w.opaque(v.data);
  });
}

/** Decode an `AppEphemeral`. @throws CodecError on malformed input or trailing bytes. */
export function decodeAppEphemeral(bytes: Uint8Array): AppEphemeral {
  return decodeTls(bytes, (r) => {
    const component_id = r.field("component_id", () => readComponentId(r));
    const data = r.field("data", () => r.opaque());
    return { component_id, data };
  });
}
