/**
 * The AppDataUpdate proposal (draft-ietf-mls-extensions-10 §4.7).
 */
import { type Codec, decodeWith, encodeWith, enumeration, opaque, select } from "@mimi/wire";
import { type ComponentID, componentIdCodec } from "./component-id.js";

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

/** The `AppDataUpdate` codec. */
export const appDataUpdateCodec: Codec<AppDataUpdate> = select("AppDataUpdate", {
  head: [
    ["component_id", componentIdCodec],
    // [MLS-EXT-02] draft-ietf-mls-extensions-10 §4.7: op is update(1) or remove(2); invalid(0)
    // and undefined values have no body and cannot be processed.
    [
      "op",
      enumeration(
        "AppDataUpdateOperation",
        { update: appDataUpdateOperations.update, remove: appDataUpdateOperations.remove },
        { closed: true, rule: "MLS-EXT-02" },
      ),
    ],
  ],
  on: "op",
  arms: { update: [["update", opaque]], remove: [] },
});

/** Encode an `AppDataUpdate` (the body of an `app_data_update` proposal). */
export function encodeAppDataUpdate(v: AppDataUpdate): Uint8Array {
  return encodeWith(appDataUpdateCodec, v);
}

/**
 * Decode an `AppDataUpdate`.
 *
 * @throws CodecError on malformed input, trailing bytes, or an undefined operation (`MLS-EXT-02`).
 */
export function decodeAppDataUpdate(bytes: Uint8Array): AppDataUpdate {
  return decodeWith(appDataUpdateCodec, bytes);
}
