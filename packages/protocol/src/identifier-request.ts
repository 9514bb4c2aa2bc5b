import { type AppDataDictionary, appDataDictionaryCodec } from "@mimi/mls-profile";
import { type Codec, struct, vector } from "@mimi/wire";
import { type QueryElement, queryElementCodec } from "./query-element.js";

/**
 * draft-ietf-mimi-protocol-06 §5.8 `IdentifierRequest`:
 *
 * ```tls
 * struct {
 *   QueryElement query_elements<V>;
 *   AppDataDictionary id_request_extensions;
 * } IdentifierRequest;
 * ```
 */
export interface IdentifierRequest {
  readonly query_elements: readonly QueryElement[];
  readonly id_request_extensions: AppDataDictionary;
}

/** The `IdentifierRequest` codec. */
export const identifierRequestCodec: Codec<IdentifierRequest> = struct("IdentifierRequest", [
  ["query_elements", vector(queryElementCodec)],
  ["id_request_extensions", appDataDictionaryCodec],
]);
