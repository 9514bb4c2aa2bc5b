import type { MLSMessage } from "@mimi/mls-profile";
import { type Codec, opaque, struct } from "@mimi/wire";
import { type Mls, mlsMessage } from "../codec/mls.js";

/**
 * The body of the client API's `POST /client/v1/rooms/{roomId}` (our client API, outside
 * protocol-06; decision 0641): the creator's first GroupInfo and the group's ratchet tree.
 *
 * ```tls
 * struct {
 *   MLSMessage group_info;      /* an MLSMessage holding the GroupInfo of epoch 0 *\/
 *   opaque ratchet_tree<V>;     /* the RatchetTree (RFC 9420 §12.4.3.3), TLS-encoded *\/
 * } CreateRoomRequest;
 * ```
 */
export interface CreateRoomRequest {
  readonly group_info: Mls<MLSMessage>;
  readonly ratchet_tree: Uint8Array;
}

/** The `CreateRoomRequest` codec. */
export const createRoomRequestCodec: Codec<CreateRoomRequest> = struct("CreateRoomRequest", [
  ["group_info", mlsMessage],
  ["ratchet_tree", opaque],
]);
