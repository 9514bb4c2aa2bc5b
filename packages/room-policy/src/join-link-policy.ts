/**
 * Join link policy (draft-ietf-mimi-room-policy-03 §6.2).
 */

import type { Uri } from "@mimi/mls-profile";
import { type Codec, decodeWith, encodeWith, struct, uint32 } from "@mimi/wire";
import { policyBool, uriSchema } from "./common.js";

/**
 * ```tls
 * struct {
 *   bool on_request;
 *   Uri join_link;
 *   bool multiuser;
 *   uint32 expiration;
 * } JoinLinkPolicy;
 * ```
 */
export interface JoinLinkPolicy {
  readonly on_request: boolean;
  readonly join_link: Uri;
  readonly multiuser: boolean;
  readonly expiration: number;
}

/** TLS shape of {@link JoinLinkPolicy}. */
export const joinLinkPolicySchema: Codec<JoinLinkPolicy> = struct("JoinLinkPolicy", [
  ["on_request", policyBool],
  ["join_link", uriSchema],
  ["multiuser", policyBool],
  ["expiration", uint32],
]);

/** Encode a {@link JoinLinkPolicy}. @throws CodecError when a field is out of range. */
export function encodeJoinLinkPolicy(value: JoinLinkPolicy): Uint8Array {
  return encodeWith(joinLinkPolicySchema, value);
}

/** Decode a {@link JoinLinkPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeJoinLinkPolicy(bytes: Uint8Array): JoinLinkPolicy {
  return decodeWith(joinLinkPolicySchema, bytes);
}
