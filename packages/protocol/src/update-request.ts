import { type Codec, struct } from "@mimi/wire";
import { type HandshakeBundle, handshakeBundleCodec } from "./handshake-bundle.js";

/**
 * draft-ietf-mimi-protocol-06 §5.3 `UpdateRequest`:
 *
 * ```tls
 * struct {
 *   select (room.protocol) {
 *     case mls10:
 *       HandshakeBundle bundle;
 *   };
 * } UpdateRequest;
 * ```
 *
 * The protocol is the room's (not a field of the body); every room here is `mls10`.
 */
export interface UpdateRequest {
  readonly bundle: HandshakeBundle;
}

/** The `UpdateRequest` codec. */
export const updateRequestCodec: Codec<UpdateRequest> = struct("UpdateRequest", [
  ["bundle", handshakeBundleCodec],
]);
