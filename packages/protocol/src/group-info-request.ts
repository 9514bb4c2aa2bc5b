import type { Credential } from "@mimi/mls-profile";
import { type Codec, fields, opaque, optional, struct } from "@mimi/wire";
import { credential, type Mls } from "./codec/mls.js";
import { type CipherSuite, cipherSuiteCodec, hpkePublicKeyCodec, signaturePublicKeyCodec } from "./common.js";
import { type Protocol, protocolCodec } from "./protocol.js";

/**
 * draft-ietf-mimi-protocol-06 §5.6 `GroupInfoRequestTBS`:
 *
 * ```tls
 * struct {
 *   Protocol protocol;
 *   select (protocol) {
 *     case mls10:
 *       CipherSuite cipher_suite;
 *       SignaturePublicKey requestingSignatureKey;
 *       Credential requestingCredential;
 *       HPKEPublicKey groupInfoPublicKey;
 *       optional opaque joiningCode<V>;
 *   };
 * } GroupInfoRequestTBS;
 * ```
 *
 * `joiningCode` is `optional<opaque<V>>` here and in {@link GroupInfoRequest}, whose printed form
 * drops `optional` (DI-PROTO-06, decision 0606): the request is its TBS followed by the signature.
 */
export interface GroupInfoRequestTBS {
  readonly protocol: Protocol;
  readonly cipher_suite: CipherSuite;
  readonly requestingSignatureKey: Uint8Array;
  readonly requestingCredential: Mls<Credential>;
  readonly groupInfoPublicKey: Uint8Array;
  readonly joiningCode?: Uint8Array;
}

/**
 * draft-ietf-mimi-protocol-06 §5.6 `GroupInfoRequest`: the TBS fields followed by
 *
 * ```tls
 *       /* SignWithLabel(requestingSignatureKey,          *\/
 *       /*    "GroupInfoRequestTBS", GroupInfoRequestTBS) *\/
 *       opaque signature<V>;
 * ```
 */
export interface GroupInfoRequest extends GroupInfoRequestTBS {
  readonly signature: Uint8Array;
}

const tbsFields = fields([
  ["protocol", protocolCodec],
  ["cipher_suite", cipherSuiteCodec],
  ["requestingSignatureKey", signaturePublicKeyCodec],
  ["requestingCredential", credential],
  ["groupInfoPublicKey", hpkePublicKeyCodec],
  ["joiningCode", optional(opaque)],
]);

/** The `GroupInfoRequestTBS` codec. */
export const groupInfoRequestTBSCodec: Codec<GroupInfoRequestTBS> = struct("GroupInfoRequestTBS", tbsFields);

/** The `GroupInfoRequest` codec. */
export const groupInfoRequestCodec: Codec<GroupInfoRequest> = struct("GroupInfoRequest", [
  ...tbsFields,
  ["signature", opaque],
]);
