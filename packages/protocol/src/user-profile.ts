import { type Codec, struct, vector } from "@mimi/wire";
import { type IdentifierUri, identifierUriCodec } from "./identifier-uri.js";
import { type ProfileField, profileFieldCodec } from "./profile-field.js";

/**
 * draft-ietf-mimi-protocol-06 §5.8 `UserProfile`:
 *
 * ```tls
 * struct {
 *   IdentifierUri stableUri;
 *   ProfileField fields<V>;
 * } UserProfile;
 * ```
 */
export interface UserProfile {
  readonly stableUri: IdentifierUri;
  readonly fields: readonly ProfileField[];
}

/** The `UserProfile` codec. */
export const userProfileCodec: Codec<UserProfile> = struct("UserProfile", [
  ["stableUri", identifierUriCodec],
  ["fields", vector(profileFieldCodec)],
]);
