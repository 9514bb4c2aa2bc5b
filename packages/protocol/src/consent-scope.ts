import { type Codec, type Field, optional, struct } from "./codec/schema.js";
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
export const consentScopeCodec: Codec<ConsentScope> = struct<ConsentScope>("ConsentScope", [
  ["requesterUri", identifierUriCodec],
  ["targetUri", identifierUriCodec],
  ["roomId", optional(identifierUriCodec)],
] as Field[]);
