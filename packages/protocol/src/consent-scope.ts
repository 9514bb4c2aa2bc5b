import { type Codec, optional, struct } from "@mimi/wire";
import { type IdentifierUri, identifierUriCodec, type RoomId } from "./identifier-uri.js";

/**
 * draft-ietf-mimi-protocol-06 §5.7 `ConsentScope`:
 *
 * ```tls
 * struct {
 *   IdentifierUri requesterUri;
 *   IdentifierUri targetUri;
 *   optional<RoomId> roomId;
 * } ConsentScope;
 * ```
 */
export interface ConsentScope {
  readonly requesterUri: IdentifierUri;
  readonly targetUri: IdentifierUri;
  readonly roomId?: RoomId;
}

/** The `ConsentScope` codec. */
export const consentScopeCodec: Codec<ConsentScope> = struct("ConsentScope", [
  ["requesterUri", identifierUriCodec],
  ["targetUri", identifierUriCodec],
  ["roomId", optional(identifierUriCodec)],
]);
