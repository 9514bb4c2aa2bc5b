/**
 * The `app_data_dictionary` extension (draft-ietf-mls-extensions-10 §4.6).
 */
import {
  type Codec,
  childPath,
  decodeWith,
  encodeWith,
  refine,
  struct,
  ValidationError,
  vector,
} from "@mimi/wire";
import { type ComponentData, componentDataCodec } from "./component-data.js";
import type { ComponentID } from "./component-id.js";

/**
 * draft-ietf-mls-extensions-10 §4.6
 *
 * ```tls
 * struct {
 *     ComponentData component_data<V>;
 * } AppDataDictionary;
 * ```
 *
 * `component_data` is sorted by `component_id`, with at most one entry per ID.
 */
export interface AppDataDictionary {
  readonly component_data: readonly ComponentData[];
}

/**
 * Check that `component_data` is sorted by `component_id` with at most one entry per ID.
 *
 * @throws ValidationError (`MLS-EXT-01`) naming the first entry out of order.
 */
export function checkAppDataDictionary(dict: AppDataDictionary, path = "/component_data"): void {
  const items = dict.component_data;
  for (let i = 1; i < items.length; i++) {
    // [MLS-EXT-01] draft-ietf-mls-extensions-10 §4.6: component_data MUST be sorted by
    // component_id, and contain at most one entry per component_id.
    if (items[i]!.component_id <= items[i - 1]!.component_id) {
      throw new ValidationError(
        `component_id ${items[i]!.component_id} after ${items[i - 1]!.component_id}: entries must be sorted and unique`,
        { path: childPath(childPath(path, i), "component_id"), rule: "MLS-EXT-01" },
      );
    }
  }
}

/**
 * The `AppDataDictionary` codec: `component_data` sorted by `component_id` with at most one entry
 * per ID (MLS-EXT-01, {@link checkAppDataDictionary}), checked when read, written or taken from JSON.
 */
export const appDataDictionaryCodec: Codec<AppDataDictionary> = refine(
  struct("AppDataDictionary", [["component_data", vector(componentDataCodec)]]),
  (dict, at) => checkAppDataDictionary(dict, childPath(at, "component_data")),
);

/**
 * Encode an `AppDataDictionary` (the `app_data_dictionary` extension's `extension_data`).
 *
 * @throws ValidationError (`MLS-EXT-01`) when unsorted or with duplicate IDs; CodecError when a
 * field is out of range.
 */
export function encodeAppDataDictionary(dict: AppDataDictionary): Uint8Array {
  return encodeWith(appDataDictionaryCodec, dict);
}

/**
 * Decode an `AppDataDictionary`.
 *
 * @throws CodecError on malformed input; ValidationError (`MLS-EXT-01`) when unsorted or duplicated.
 */
export function decodeAppDataDictionary(bytes: Uint8Array): AppDataDictionary {
  return decodeWith(appDataDictionaryCodec, bytes);
}

/** The empty dictionary. */
export const emptyAppDataDictionary: AppDataDictionary = { component_data: [] };

/** The data of component `id`, or `undefined` when the dictionary has no entry for it. */
export function getComponentData(dict: AppDataDictionary, id: ComponentID): Uint8Array | undefined {
  for (const c of dict.component_data) if (c.component_id === id) return c.data;
  return undefined;
}

/** A new dictionary with `id` set to `data`, inserted in sort order (§4.7 "insert … in order"). */
export function setComponentData(
  dict: AppDataDictionary,
  id: ComponentID,
  data: Uint8Array,
): AppDataDictionary {
  const out: ComponentData[] = [];
  let placed = false;
  for (const c of dict.component_data) {
    if (!placed && c.component_id >= id) {
      out.push({ component_id: id, data });
      placed = true;
      if (c.component_id === id) continue;
    }
    out.push(c);
  }
  if (!placed) out.push({ component_id: id, data });
  return { component_data: out };
}

/** A new dictionary without an entry for `id` (unchanged when there is none). */
export function removeComponentData(dict: AppDataDictionary, id: ComponentID): AppDataDictionary {
  return { component_data: dict.component_data.filter((c) => c.component_id !== id) };
}
