import { type AppDataDictionary, appDataDictionaryCodec } from "@mimi/mls-profile";
import { type Codec, enumeration, struct, vector } from "@mimi/wire";
import { type IdentifierUri, identifierUriCodec } from "./identifier-uri.js";
import { type UserProfile, userProfileCodec } from "./user-profile.js";

/**
 * draft-ietf-mimi-protocol-06 §5.8 `IdentifierQueryCode`:
 *
 * ```tls
 * enum {
 *   success(0),
 *   notFound(1),
 *   ambiguous(2),
 *   forbidden(3),
 *   unsupportedField(4),
 *   (255)
 * } IdentifierQueryCode;
 * ```
 */
export const identifierQueryCodes = {
  success: 0,
  notFound: 1,
  ambiguous: 2,
  forbidden: 3,
  unsupportedField: 4,
} as const;
/** An `IdentifierQueryCode` name, or an unassigned code point. */
export type IdentifierQueryCode = keyof typeof identifierQueryCodes | number;

/**
 * draft-ietf-mimi-protocol-06 §5.8 `IdentifierResponse`:
 *
 * ```tls
 * struct {
 *   IdentifierQueryCode responseCode;
 *   IdentifierUri uri<V>;
 *   UserProfile foundProfiles<V>;
 *   AppDataDictionary id_response_extensions;
 * } IdentifierResponse;
 * ```
 */
export interface IdentifierResponse {
  readonly responseCode: IdentifierQueryCode;
  readonly uri: readonly IdentifierUri[];
  readonly foundProfiles: readonly UserProfile[];
  readonly id_response_extensions: AppDataDictionary;
}

/** The `IdentifierResponse` codec. */
export const identifierResponseCodec: Codec<IdentifierResponse> = struct("IdentifierResponse", [
  ["responseCode", enumeration("IdentifierQueryCode", identifierQueryCodes)],
  ["uri", vector(identifierUriCodec)],
  ["foundProfiles", vector(userProfileCodec)],
  ["id_response_extensions", appDataDictionaryCodec],
]);
