/**
 * The signatures protocol-06 defines over its bodies, computed with RFC 9420 §5.1.2
 * `SignWithLabel` / `VerifyWithLabel` (ts-mls), with the labels the draft names:
 * "KeyMaterialRequestTBS" (§5.2), "GroupInfoRequestTBS" and "GroupInfoResponseTBS" (§5.6),
 * "FrankingIntegrityTBS" (§5.4.1). The labels are used with the plain MLS functions, not the
 * Safe (component) API (spec digest §4.17 item 4).
 *
 * The caller chooses the signature scheme (`Signature` of a ts-mls cipher suite): see decision
 * 0607 for which suite each signature uses.
 */

import { type Signature, signWithLabel, verifyWithLabel } from "@mimi/mls-profile";
import { encodeWith, ValidationError } from "@mimi/wire";
import { type FrankingIntegrityTBS, frankingIntegrityTBSCodec } from "./franking-integrity-tbs.js";
import {
  type GroupInfoRequest,
  type GroupInfoRequestTBS,
  groupInfoRequestTBSCodec,
} from "./group-info-request.js";
import {
  type GroupInfoResponse,
  type GroupInfoResponseTBS,
  groupInfoResponseTBSCodec,
} from "./group-info-response.js";
import {
  type KeyMaterialRequest,
  type KeyMaterialRequestTBS,
  keyMaterialRequestTBSCodec,
} from "./key-material-request.js";

export type { Signature };

/** The signature labels of protocol-06. */
export const signatureLabels = {
  keyMaterialRequest: "KeyMaterialRequestTBS",
  groupInfoRequest: "GroupInfoRequestTBS",
  groupInfoResponse: "GroupInfoResponseTBS",
  frankingIntegrity: "FrankingIntegrityTBS",
} as const;

/** `VerifyWithLabel`, throwing `failure` as a ValidationError when the signature does not verify. */
async function verifyOrThrow(
  publicKey: Uint8Array,
  label: string,
  content: Uint8Array,
  sig: Uint8Array,
  signature: Signature,
  failure: { readonly what: string; readonly path: string; readonly rule: string },
): Promise<void> {
  const ok = await verifyWithLabel(signature, publicKey, label, content, sig);
  if (!ok) throw new ValidationError(failure.what, { path: failure.path, rule: failure.rule });
}

/**
 * Sign a key material request with the requester's signature private key (§5.2).
 *
 * @throws CodecError when the TBS cannot be encoded.
 */
export async function signKeyMaterialRequest(
  tbs: KeyMaterialRequestTBS,
  signKey: Uint8Array,
  signature: Signature,
): Promise<KeyMaterialRequest> {
  const content = encodeWith(keyMaterialRequestTBSCodec, tbs);
  const sig = await signWithLabel(signature, signKey, signatureLabels.keyMaterialRequest, content);
  return { ...tbs, key_material_request_signature: sig };
}

/**
 * Verify a key material request's signature by `requesterSignatureKey` (§5.2).
 *
 * @throws ValidationError (`PROTO-KM-01`) when the signature does not verify.
 */
export async function verifyKeyMaterialRequest(
  request: KeyMaterialRequest,
  signature: Signature,
): Promise<void> {
  const { key_material_request_signature: sig, ...tbs } = request;
  const content = encodeWith(keyMaterialRequestTBSCodec, tbs);
  // [PROTO-KM-01] draft-ietf-mimi-protocol-06 §5.2: key_material_request_signature =
  // SignWithLabel(requesterSignatureKey, "KeyMaterialRequestTBS", KeyMaterialRequestTBS).
  await verifyOrThrow(
    request.requesterSignatureKey,
    signatureLabels.keyMaterialRequest,
    content,
    sig,
    signature,
    {
      what: "key material request signature does not verify",
      path: "/key_material_request_signature",
      rule: "PROTO-KM-01",
    },
  );
}

/**
 * Sign a GroupInfo request with the requesting client's signature private key (§5.6).
 *
 * @throws CodecError when the TBS cannot be encoded.
 */
export async function signGroupInfoRequest(
  tbs: GroupInfoRequestTBS,
  signKey: Uint8Array,
  signature: Signature,
): Promise<GroupInfoRequest> {
  const content = encodeWith(groupInfoRequestTBSCodec, tbs);
  const sig = await signWithLabel(signature, signKey, signatureLabels.groupInfoRequest, content);
  return { ...tbs, signature: sig };
}

/**
 * Verify a GroupInfo request's signature by `requestingSignatureKey` (§5.6).
 *
 * @throws ValidationError (`PROTO-GI-01`) when the signature does not verify.
 */
export async function verifyGroupInfoRequest(request: GroupInfoRequest, signature: Signature): Promise<void> {
  const { signature: sig, ...tbs } = request;
  const content = encodeWith(groupInfoRequestTBSCodec, tbs);
  // [PROTO-GI-01] draft-ietf-mimi-protocol-06 §5.6: signature = SignWithLabel(
  // requestingSignatureKey, "GroupInfoRequestTBS", GroupInfoRequestTBS).
  await verifyOrThrow(
    request.requestingSignatureKey,
    signatureLabels.groupInfoRequest,
    content,
    sig,
    signature,
    {
      what: "GroupInfo request signature does not verify",
      path: "/signature",
      rule: "PROTO-GI-01",
    },
  );
}

/**
 * Sign a successful GroupInfo response with the hub's external-sender signature key (§5.6).
 *
 * @throws CodecError when the TBS cannot be encoded.
 */
export async function signGroupInfoResponse(
  tbs: GroupInfoResponseTBS,
  signKey: Uint8Array,
  signature: Signature,
): Promise<GroupInfoResponse> {
  const content = encodeWith(groupInfoResponseTBSCodec, tbs);
  const sig = await signWithLabel(signature, signKey, signatureLabels.groupInfoResponse, content);
  return { ...tbs, status: "success", signature: sig };
}

/**
 * Verify a GroupInfo response's signature by `hub_sender.signature_key` (§5.6). Responses other
 * than `success` carry no signature and pass unchanged.
 *
 * @throws ValidationError (`PROTO-GI-02`) when a success response's signature does not verify.
 */
export async function verifyGroupInfoResponse(
  response: GroupInfoResponse,
  signature: Signature,
): Promise<void> {
  if (response.status !== "success") return;
  const { signature: sig, ...tbs } = response as Extract<
    GroupInfoResponse,
    { readonly signature: Uint8Array }
  >;
  const content = encodeWith(groupInfoResponseTBSCodec, tbs);
  // [PROTO-GI-02] draft-ietf-mimi-protocol-06 §5.6: signature = SignWithLabel(
  // hub_sender.signature_key, "GroupInfoResponseTBS", GroupInfoResponseTBS).
  await verifyOrThrow(
    tbs.hub_sender.value.signaturePublicKey,
    signatureLabels.groupInfoResponse,
    content,
    sig,
    signature,
    {
      what: "GroupInfo response signature does not verify",
      path: "/signature",
      rule: "PROTO-GI-02",
    },
  );
}

/**
 * Compute `franking_integrity_signature` (§5.4.1) with the franking agent's private key.
 *
 * @throws CodecError when the TBS cannot be encoded.
 */
export async function signFrankingIntegrity(
  tbs: FrankingIntegrityTBS,
  signKey: Uint8Array,
  signature: Signature,
): Promise<Uint8Array> {
  return signWithLabel(
    signature,
    signKey,
    signatureLabels.frankingIntegrity,
    encodeWith(frankingIntegrityTBSCodec, tbs),
  );
}

/**
 * Verify `franking_integrity_signature` with the room's `franking_signature_key` (§5.4.1).
 *
 * @throws ValidationError (`PROTO-FRANK-01`) when the signature does not verify.
 */
export async function verifyFrankingIntegrity(
  tbs: FrankingIntegrityTBS,
  franking_integrity_signature: Uint8Array,
  frankingSignatureKey: Uint8Array,
  signature: Signature,
): Promise<void> {
  // [PROTO-FRANK-01] draft-ietf-mimi-protocol-06 §5.4.1: franking_integrity_signature =
  // SignWithLabel(franking_private_key, "FrankingIntegrityTBS", FrankingIntegrityTBS).
  await verifyOrThrow(
    frankingSignatureKey,
    signatureLabels.frankingIntegrity,
    encodeWith(frankingIntegrityTBSCodec, tbs),
    franking_integrity_signature,
    signature,
    {
      what: "franking integrity signature does not verify",
      path: "/franking_integrity_signature",
      rule: "PROTO-FRANK-01",
    },
  );
}
