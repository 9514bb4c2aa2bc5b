/**
 * `ComponentsList` (draft-ietf-mls-extensions-10 §4.9, §5.3): the data of the `app_components`
 * and `safe_aad` components (supported in a LeafNode, required in the GroupContext).
 */
import { decodeWith, encodeWith, struct, vector } from "@mimi/wire";
import { type ComponentID, componentIdCodec, isGreaseComponentId } from "./component-id.js";

/**
 * draft-ietf-mls-extensions-10 §4.9
 *
 * ```tls
 * struct {
 *     ComponentID component_ids<V>;
 * } ComponentsList;
 *
 * ComponentsList safe_aad;
 * ```
 */
export interface ComponentsList {
  readonly component_ids: readonly ComponentID[];
}

const componentsListCodec = struct("ComponentsList", [["component_ids", vector(componentIdCodec)]]);

/** Encode a `ComponentsList`. @throws CodecError when an ID is not a uint16. */
export function encodeComponentsList(v: ComponentsList): Uint8Array {
  return encodeWith(componentsListCodec, v);
}

/** Decode a `ComponentsList`. Unknown and GREASE IDs are kept. @throws CodecError on malformed input. */
export function decodeComponentsList(bytes: Uint8Array): ComponentsList {
  return decodeWith(componentsListCodec, bytes);
}

/**
 * The IDs of `required` missing from `supported`. GREASE values in `required` are ignored, as
 * draft-ietf-mls-extensions-10 §5.1 says unknown GREASE values are.
 */
export function missingComponents(required: ComponentsList, supported: ComponentsList): ComponentID[] {
  const have = new Set(supported.component_ids);
  return required.component_ids.filter((id) => !isGreaseComponentId(id) && !have.has(id));
}
