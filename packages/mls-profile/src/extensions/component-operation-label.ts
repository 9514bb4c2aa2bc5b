/**
 * `ComponentOperationLabel` (draft-ietf-mls-extensions-10 §4.2–§4.3), the label the Safe API
 * passes to RFC 9420's `SignWithLabel`/`EncryptWithLabel`.
 */
import { decodeTls, encodeTls, utf8 } from "@mimi/wire";
import { type ComponentID, readComponentId, writeComponentId } from "./component-id.js";

/** The fixed `base_label`: "MLS Component" (draft-ietf-mls-extensions-10 §4.2). */
export const componentBaseLabel: Uint8Array = utf8("MLS Component");

/**
 * draft-ietf-mls-extensions-10 §4.2
 *
 * ```tls
 * struct {
 *   opaque base_label<V>; /* = "MLS Component" *\/
 *   ComponentID component_id;
 *   opaque label<V>;
 * } ComponentOperationLabel;
 * ```
 */
export interface ComponentOperationLabel {
  readonly base_label: Uint8Array;
  readonly component_id: ComponentID;
  readonly label: Uint8Array;
}

/** The `ComponentOperationLabel` of component `id` for operation `label`. */
export function componentOperationLabel(
  id: ComponentID,
  label: string | Uint8Array,
): ComponentOperationLabel {
  return {
    base_label: componentBaseLabel,
    component_id: id,
    label: typeof label === "string" ? utf8(label) : label,
  };
}

/** Encode a `ComponentOperationLabel`. @throws CodecError when a field is out of range. */
export function encodeComponentOperationLabel(v: ComponentOperationLabel): Uint8Array {
  return encodeTls((w) => {
    w.opaque(v.base_label);
    writeComponentId(w, v.component_id);
    w.opaque(v.label);
  });
}

/** Decode a `ComponentOperationLabel`. @throws CodecError on malformed input or trailing bytes. */
export function decodeComponentOperationLabel(bytes: Uint8Array): ComponentOperationLabel {
  return decodeTls(bytes, (r) => {
    const base_label = r.field("base_label", () => r.opaque());
    const component_id = r.field("component_id", () => readComponentId(r));
    const label = r.field("label", () => r.opaque());
    return { base_label, component_id, label };
  });
}
