import { type Codec, decodeWith, encodeWith, opaque, struct, uint, vector } from "./codec/schema.js";

/**
 * draft-ietf-mls-extensions `ComponentData`, as used by protocol-06's extension points:
 *
 * ```tls
 * uint16 ComponentID;
 * struct { ComponentID component_id; opaque data<V>; } ComponentData;
 * ```
 */
export interface ComponentData {
  readonly component_id: number;
  readonly data: Uint8Array;
}

/**
 * draft-ietf-mls-extensions `AppDataDictionary` (the `consent_extensions`, `id_request_extensions`,
 * `id_response_extensions` and `abuse_extensions` fields of protocol-06 §5.7–§5.9):
 *
 * ```tls
 * struct { ComponentData component_data<V>; } AppDataDictionary;
 * ```
 */
export interface AppDataDictionary {
  readonly component_data: readonly ComponentData[];
}

/** The `ComponentData` codec. */
export const componentDataCodec: Codec<ComponentData> = struct<ComponentData>("ComponentData", [
  ["component_id", uint(16)],
  ["data", opaque],
]);

/** The `AppDataDictionary` codec. */
export const appDataDictionaryCodec: Codec<AppDataDictionary> = struct<AppDataDictionary>(
  "AppDataDictionary",
  [["component_data", vector(componentDataCodec)]],
);

/** An empty dictionary (no extensions). */
export const emptyAppDataDictionary: AppDataDictionary = { component_data: [] };

/**
 * Decode an `AppDataDictionary`.
 *
 * @throws CodecError for malformed bytes.
 */
export function decodeAppDataDictionary(bytes: Uint8Array): AppDataDictionary {
  return decodeWith(appDataDictionaryCodec, bytes);
}

/** Encode an `AppDataDictionary`. */
export function encodeAppDataDictionary(value: AppDataDictionary): Uint8Array {
  return encodeWith(appDataDictionaryCodec, value);
}
