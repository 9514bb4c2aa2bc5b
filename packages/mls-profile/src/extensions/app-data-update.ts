/**
 * The AppDataUpdate proposal (draft-ietf-mls-extensions-10 §4.7).
 */
import { decodeTls, encodeTls, type TlsReader, type TlsWriter } from "@mimi/wire";
import { type ComponentID, readComponentId, writeComponentId } from "./component-id.js";

/**
 * draft-ietf-mls-extensions-10 §4.7
 *
 * ```tls
 * enum {
 *     invalid(0),
 *     update(1),
 *     remove(2),
 *     (255)
 * } AppDataUpdateOperation;
 * ```
 */
export const appDataUpdateOperations = { invalid: 0, update: 1, remove: 2 } as const;

/**
 * draft-ietf-mls-extensions-10 §4.7
 *
 * ```tls
 * struct {
 *     ComponentID component_id;
 *     AppDataUpdateOperation op;
 *
 *     select (AppDataUpdate.op) {
 *         case update: opaque update<V>;
 *         case remove: struct{};
 *     };
 * } AppDataUpdate;
 * ```
 */
export type AppDataUpdate =
  | { readonly component_id: ComponentID; readonly op: "update"; readonly update: Uint8Array }
  | { readonly component_id: ComponentID; readonly op: "remove" };

/**
 * Read an `AppDataUpdate`.
 *
 * @throws CodecError (`MLS-EXT-02`) for the `invalid` operation or an operation with no defined
 * body; CodecError on truncation.
 */
export function readAppDataUpdate(r: TlsReader): AppDataUpdate {
  const component_id = r.field("component_id", () => readComponentId(r));
  const op = r.field("op", () => r.uint8());
  if (op === appDataUpdateOperations.update) {
    return { component_id, op: "update", update: r.field("update", () => r.opaque()) };
  }
  if (op === appDataUpdateOperations.remove) return { component_id, op: "remove" };
  // [MLS-EXT-02] draft-ietf-mls-extensions-10 §4.7: op is update(1) or remove(2); invalid(0)
  // and undefined values have no body and cannot be processed.
  return r.field("op", () =>
    r.fail(op === 0 ? "AppDataUpdate op invalid(0)" : `unknown AppDataUpdate op ${op}`, "MLS-EXT-02"),
  );
}

/** Write an `AppDataUpdate`. @throws CodecError when a field is out of range. */
export function writeAppDataUpdate(w: TlsWriter, v: AppDataUpdate): void {
  writeComponentId(w, v.component_id);
  if (v.op === "update") {
    w.uint8(appDataUpdateOperations.update);
    w.opaque(v.update);
  } else {
    w.uint8(appDataUpdateOperations.remove);
  }
}

/** Encode an `AppDataUpdate` (the body of an `app_data_update` proposal). */
export function encodeAppDataUpdate(v: AppDataUpdate): Uint8Array {
  return encodeTls((w) => writeAppDataUpdate(w, v));
}

/**
 * Decode an `AppDataUpdate`.
 *
 * @throws CodecError on malformed input, trailing bytes, or an undefined operation (`MLS-EXT-02`).
 */
export function decodeAppDataUpdate(bytes: Uint8Array): AppDataUpdate {
  return decodeTls(bytes, readAppDataUpdate);
}
