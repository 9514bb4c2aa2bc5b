import type { Credential, RequiredCapabilities } from "@mimi/mls-profile";
import { type Codec, fields, opaque, struct, vector } from "@mimi/wire";
import { credential, type Mls, requiredCapabilities } from "./codec/mls.js";
import { type CipherSuite, cipherSuiteCodec, signaturePublicKeyCodec } from "./common.js";
import { type IdentifierUri, identifierUriCodec } from "./identifier-uri.js";
import { type Protocol, protocolCodec } from "./protocol.js";

/**
 * draft-ietf-mimi-protocol-06 §5.2 `KeyMaterialRequestTBS`:
 *
 * ```tls
 * struct {
 *     Protocol protocol;
 *     IdentifierUri requestingUser;
 *     IdentifierUri targetUser;
 *     IdentifierUri roomId;
 *     select (protocol) {
 *         case mls10:
 *             CipherSuite acceptableCiphersuites<V>;
 *             RequiredCapabilities requiredCapabilities;
 *             SignaturePublicKey requesterSignatureKey;
 *             Credential requesterCredential;
 *     };
 * } KeyMaterialRequestTBS;
 * ```
 *
 * `roomId` is not optional on the wire; an empty URI means the request is not made in the context
 * of adding the user to a room (decision 0602, DI-PROTO-07).
 */
export interface KeyMaterialRequestTBS {
  readonly protocol: Protocol;
  readonly requestingUser: IdentifierUri;
  readonly targetUser: IdentifierUri;
  readonly roomId: IdentifierUri;
  readonly acceptableCiphersuites: readonly CipherSuite[];
  readonly requiredCapabilities: Mls<RequiredCapabilities>;
  readonly requesterSignatureKey: Uint8Array;
  readonly requesterCredential: Mls<Credential>;
}

/**
 * draft-ietf-mimi-protocol-06 §5.2 `KeyMaterialRequest`: the TBS fields followed by
 *
 * ```tls
 *             /* SignWithLabel(requesterSignatureKey,              *\/
 *             /*   "KeyMaterialRequestTBS", KeyMaterialRequestTBS) *\/
 *             opaque key_material_request_signature<V>;
 * ```
 *
 * A decoded request is unverified until {@link verifyKeyMaterialRequest} accepts it.
 */
export interface KeyMaterialRequest extends KeyMaterialRequestTBS {
  readonly key_material_request_signature: Uint8Array;
}

const tbsFields = fields([
  ["protocol", protocolCodec],
  ["requestingUser", identifierUriCodec],
  ["targetUser", identifierUriCodec],
  ["roomId", identifierUriCodec],
  ["acceptableCiphersuites", vector(cipherSuiteCodec)],
  ["requiredCapabilities", requiredCapabilities],
  ["requesterSignatureKey", signaturePublicKeyCodec],
  ["requesterCredential", credential],
]);

/** The `KeyMaterialRequestTBS` codec. */
export const keyMaterialRequestTBSCodec: Codec<KeyMaterialRequestTBS> = struct(
  "KeyMaterialRequestTBS",
  tbsFields,
);

/** The `KeyMaterialRequest` codec. */
export const keyMaterialRequestCodec: Codec<KeyMaterialRequest> = struct("KeyMaterialRequest", [
  ...tbsFields,
  ["key_material_request_signature", opaque],
]);
