import { type Codec, struct, uint64 } from "@mimi/wire";
import { type IdentifierUri, identifierUriCodec } from "./identifier-uri.js";

/**
 * draft-ietf-mimi-protocol-06 §5.4.1 `ServerFrankingContext`:
 *
 * ```tls
 * struct {
 *     IdentifierUri sender_uri;
 *     IdentifierUri room_uri;
 *     uint64 accepted_timestamp;
 * } ServerFrankingContext;
 * ```
 */
export interface ServerFrankingContext {
  readonly sender_uri: IdentifierUri;
  readonly room_uri: IdentifierUri;
  readonly accepted_timestamp: bigint;
}

/** The `ServerFrankingContext` codec. */
export const serverFrankingContextCodec: Codec<ServerFrankingContext> = struct("ServerFrankingContext", [
  ["sender_uri", identifierUriCodec],
  ["room_uri", identifierUriCodec],
  ["accepted_timestamp", uint64],
]);
