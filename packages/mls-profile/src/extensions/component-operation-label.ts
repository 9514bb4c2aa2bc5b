/**
 * `ComponentOperationLabel` (draft-ietf-mls-extensions-10 §4.2–§4.3), the label the Safe API
 * passes to RFC 9420's `SignWithLabel`/`EncryptWithLabel`.
 */
import { decodeWith, encodeWith, opaque, struct, utf8 } from "@mimi/wire";
import { type ComponentID, componentIdCodec } from "./component-id.js";

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

const componentOperationLabelCodec = struct("ComponentOperationLabel", [
  ["base_label", opaque],
  ["component_id", componentIdCodec],
  ["label", opaque],
]);

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
  return encodeWith(componentOperationLabelCodec, v);
}

/** Decode a `ComponentOperationLabel`. @throws CodecError on malformed input or trailing bytes. */
export function decodeComponentOperationLabel(bytes: Uint8Array): ComponentOperationLabel {
  return decodeWith(componentOperationLabelCodec, bytes);
}
