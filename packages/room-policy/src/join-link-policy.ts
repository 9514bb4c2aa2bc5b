/**
 * Join link policy (draft-ietf-mimi-room-policy-03 §6.2).
 */

import type { Uri } from "@mimi/mls-profile";
import { decodeWithSchema, encodeWithSchema, type Schema, t } from "./codec/schema.js";
import { uriSchema } from "./common.js";

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
export const joinLinkPolicySchema: Schema = t.struct("JoinLinkPolicy", [
  { name: "on_request", type: t.bool },
  { name: "join_link", type: uriSchema },
  { name: "multiuser", type: t.bool },
  { name: "expiration", type: t.uint32 },
]);

/** Encode a {@link JoinLinkPolicy}. @throws CodecError when a field is out of range. */
export function encodeJoinLinkPolicy(value: JoinLinkPolicy): Uint8Array {
  return encodeWithSchema(joinLinkPolicySchema, value);
}

/** Decode a {@link JoinLinkPolicy}. @throws CodecError on malformed bytes, naming the field. */
export function decodeJoinLinkPolicy(bytes: Uint8Array): JoinLinkPolicy {
  return decodeWithSchema(joinLinkPolicySchema, bytes) as JoinLinkPolicy;
}
