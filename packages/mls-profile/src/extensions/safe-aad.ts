/**
 * Safe AAD (draft-ietf-mls-extensions-10 §4.9): the `authenticated_data` of a message in a group
 * whose GroupContext lists the `safe_aad` component.
 */
import { childPath, decodeTls, encodeWith, opaque, struct, ValidationError, vector } from "@mimi/wire";
import { type ComponentID, componentIdCodec } from "./component-id.js";

/**
 * draft-ietf-mls-extensions-10 §4.9
 *
 * ```tls
 * struct {
 *   ComponentID component_id;
 *   opaque aad_item_data<V>;
 * } SafeAADItem;
 * ```
 */
export interface SafeAADItem {
  readonly component_id: ComponentID;
  readonly aad_item_data: Uint8Array;
}

/**
 * draft-ietf-mls-extensions-10 §4.9
 *
 * ```tls
 * struct {
 *   SafeAADItem aad_items<V>;
 * } SafeAAD;
 * ```
 *
 * In -10 the whole `authenticated_data` is a `SafeAAD` (no unsafe trailer, unlike -09); items
 * are sorted by `component_id`.
 */
export interface SafeAAD {
  readonly aad_items: readonly SafeAADItem[];
}

/**
 * Check that the items are sorted by `component_id`, one per component.
 *
 * @throws ValidationError (`MLS-AAD-01`) at the first item out of order.
 */
export function checkSafeAAD(aad: SafeAAD, path = "/aad_items"): void {
  for (let i = 1; i < aad.aad_items.length; i++) {
    const prev = aad.aad_items[i - 1]!.component_id;
    const cur = aad.aad_items[i]!.component_id;
    // [MLS-AAD-01] draft-ietf-mls-extensions-10 §4.9: the SafeAADItems MUST be sorted by
    // component_id (we also reject two items of one component, see decision 0531).
    if (cur <= prev) {
      throw new ValidationError(
        `aad item for component ${cur} after ${prev}: items must be sorted and unique`,
        {
          path: childPath(childPath(path, i), "component_id"),
          rule: "MLS-AAD-01",
        },
      );
    }
  }
}

const safeAADItemsCodec = vector(
  struct("SafeAADItem", [
    ["component_id", componentIdCodec],
    ["aad_item_data", opaque],
  ]),
);

/**
 * Encode a `SafeAAD` (the complete `authenticated_data`).
 *
 * @throws ValidationError (`MLS-AAD-01`) when unsorted; CodecError when a field is out of range.
 */
export function encodeSafeAAD(aad: SafeAAD): Uint8Array {
  checkSafeAAD(aad);
  return encodeWith(safeAADItemsCodec, aad.aad_items);
}

/**
 * Decode the `authenticated_data` of a message as a `SafeAAD`.
 *
 * @throws CodecError (`MLS-AAD-02` for trailing bytes: the entire authenticated_data is the
 * SafeAAD) on malformed input; ValidationError (`MLS-AAD-01`) when unsorted.
 */
export function decodeSafeAAD(bytes: Uint8Array): SafeAAD {
  return decodeTls(bytes, (r) => {
    const aad_items = r.field("aad_items", () => safeAADItemsCodec.read(r, bytes));
    // [MLS-AAD-02] draft-ietf-mls-extensions-10 §4.9: when safe_aad is in the GroupContext the
    // entire authenticated_data is a SafeAAD; bytes after it are not allowed.
    if (r.remaining > 0) r.fail(`${r.remaining} byte(s) after the SafeAAD`, "MLS-AAD-02");
    const aad = { aad_items };
    checkSafeAAD(aad);
    return aad;
  });
}

/** The data of the item of component `id`, or `undefined`. */
export function getSafeAADItem(aad: SafeAAD, id: ComponentID): Uint8Array | undefined {
  for (const item of aad.aad_items) if (item.component_id === id) return item.aad_item_data;
  return undefined;
}
