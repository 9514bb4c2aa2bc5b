/**
 * RFC 9420 §5 primitives the other packages call directly: labelled signatures and encryption
 * (§5.1.2, §5.1.3), KeyPackage and proposal references (§5.2), and a KeyPackage's signature
 * (§10.1). Each takes the suite's implementation (`MlsCiphersuite.impl`, or a hub view's
 * `cipherSuite`), or its signature scheme.
 */

import type { CiphersuiteImpl, HPKECiphertext, KeyPackage, PublicMessage } from "@mimi/ts-mls";
import { ValidationError } from "@mimi/wire";
import {
  type Signature,
  decryptWithLabel as tsDecryptWithLabel,
  encryptWithLabel as tsEncryptWithLabel,
  makeKeyPackageRef as tsMakeKeyPackageRef,
  makeProposalRef as tsMakeProposalRef,
  signWithLabel as tsSignWithLabel,
  verifyKeyPackage as tsVerifyKeyPackage,
  verifyWithLabel as tsVerifyWithLabel,
} from "./internals.js";

/** SignWithLabel(SignatureKey, Label, Content) (RFC 9420 §5.1.2) with the suite's signature scheme. */
export function signWithLabel(
  signature: Signature,
  signKey: Uint8Array,
  label: string,
  content: Uint8Array,
): Promise<Uint8Array> {
  return tsSignWithLabel(signKey, label, content, signature);
}

/**
 * VerifyWithLabel(VerificationKey, Label, Content, SignatureValue) (RFC 9420 §5.1.2) with the
 * suite's signature scheme: false for a
 * signature that does not verify, and for a key or signature the suite cannot parse.
 */
export function verifyWithLabel(
  signature: Signature,
  publicKey: Uint8Array,
  label: string,
  content: Uint8Array,
  signatureValue: Uint8Array,
): Promise<boolean> {
  return tsVerifyWithLabel(publicKey, label, content, signatureValue, signature).catch(() => false);
}

/**
 * EncryptWithLabel(PublicKey, Label, Context, Plaintext) (RFC 9420 §5.1.3) to an encoded HPKE
 * public key of the suite.
 *
 * @throws ValidationError if `publicKey` is not an HPKE public key of the suite.
 */
export async function encryptWithLabel(
  cs: CiphersuiteImpl,
  publicKey: Uint8Array,
  label: string,
  context: Uint8Array,
  plaintext: Uint8Array,
): Promise<HPKECiphertext> {
  let sealed: { ct: Uint8Array; enc: Uint8Array };
  try {
    const key = await cs.hpke.importPublicKey(publicKey);
    sealed = await tsEncryptWithLabel(key, label, context, plaintext, cs.hpke);
  } catch (e) {
    throw new ValidationError("not an HPKE public key of the suite", { path: "/", cause: e });
  }
  return { kemOutput: sealed.enc, ciphertext: sealed.ct };
}

/**
 * DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext) (RFC 9420 §5.1.3) with an
 * encoded HPKE private key of the suite.
 *
 * @throws ValidationError if the key is not one of the suite or the ciphertext does not open.
 */
export async function decryptWithLabel(
  cs: CiphersuiteImpl,
  privateKey: Uint8Array,
  label: string,
  context: Uint8Array,
  ciphertext: HPKECiphertext,
): Promise<Uint8Array> {
  try {
    const key = await cs.hpke.importPrivateKey(privateKey);
    return await tsDecryptWithLabel(
      key,
      label,
      context,
      ciphertext.kemOutput,
      ciphertext.ciphertext,
      cs.hpke,
    );
  } catch (e) {
    throw new ValidationError("the HPKE ciphertext does not open", { path: "/", cause: e });
  }
}

/** KeyPackageRef = MakeKeyPackageRef(KeyPackage) (RFC 9420 §5.2). */
export function makeKeyPackageRef(cs: CiphersuiteImpl, keyPackage: KeyPackage): Promise<Uint8Array> {
  return tsMakeKeyPackageRef(keyPackage, cs.hash);
}

/** ProposalRef = MakeProposalRef(AuthenticatedContent) of a proposal sent as a PublicMessage (RFC 9420 §5.2). */
export function makeProposalRef(cs: CiphersuiteImpl, message: PublicMessage): Promise<Uint8Array> {
  return tsMakeProposalRef(
    { wireformat: "mls_public_message", content: message.content, auth: message.auth } as never,
    cs.hash,
  );
}

/**
 * Whether a KeyPackage's signature verifies under its LeafNode's signature key (RFC 9420 §10.1):
 * false also for a key the suite cannot parse.
 */
export function verifyKeyPackageSignature(cs: CiphersuiteImpl, keyPackage: KeyPackage): Promise<boolean> {
  return tsVerifyKeyPackage(keyPackage, cs.signature).catch(() => false);
}
