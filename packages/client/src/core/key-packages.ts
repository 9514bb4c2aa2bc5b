/**
 * This client's KeyPackages (uploaded through the client API, kept here until a Welcome uses
 * one) and the KeyMaterialRequest for another user's (protocol-06 §5.2).
 */

import {
  createKeyPackage,
  encodeKeyPackage,
  type KeyPackage,
  type KeyPackageBundle,
  mimiCapabilities,
  mimiRequiredCapabilities,
} from "@mimi/mls-profile";
import { decodeMls, encodeKeyMaterialRequest, mlsOf, signKeyMaterialRequest } from "@mimi/protocol";
import { encodeTls, toHex, utf8 } from "@mimi/wire";
import { encodeKeyPackageUpload } from "../key-package-upload.js";
import type { CoreState } from "./state.js";

const KEY_PACKAGE_REF_LABEL = "MLS 1.0 KeyPackage Reference";

/** The KeyPackageRef (RFC 9420 §5.2) of a KeyPackage, in hex. */
export async function keyPackageRef(core: CoreState, kp: KeyPackage): Promise<string> {
  const value = encodeKeyPackage(kp);
  const input = encodeTls((w) => w.opaque(utf8(KEY_PACKAGE_REF_LABEL)).opaque(value));
  return toHex(await core.cs.impl.hash.digest(input));
}

/** A fresh KeyPackage of this client with MIMI's capabilities. */
export function newKeyPackage(core: CoreState): Promise<KeyPackageBundle> {
  return createKeyPackage(core.cs, {
    credential: core.identity.credential,
    signatureKeyPair: core.identity.signatureKeyPair,
    capabilities: mimiCapabilities(core.base.codePoints),
  });
}

/**
 * Generate `count` KeyPackages and return the client API upload body,
 * `MLSMessage key_packages<V>`; their private parts stay here until a Welcome uses one.
 */
export async function generateKeyPackages(core: CoreState, count: number): Promise<Uint8Array> {
  const keyPackages: KeyPackage[] = [];
  for (let i = 0; i < count; i++) {
    const kp = await newKeyPackage(core);
    core.keyPackages.set(await keyPackageRef(core, kp.publicPackage), kp);
    keyPackages.push(kp.publicPackage);
  }
  return encodeKeyPackageUpload(keyPackages);
}

/**
 * The unused KeyPackage one of whose KeyPackageRefs (hex) is in `refs`, with its ref, or
 * undefined when none is this client's.
 */
export function ownKeyPackage(
  core: CoreState,
  refs: readonly string[],
): { readonly ref: string; readonly bundle: KeyPackageBundle } | undefined {
  for (const ref of refs) {
    const bundle = core.keyPackages.get(ref);
    if (bundle !== undefined) return { ref, bundle };
  }
  return undefined;
}

/**
 * A signed KeyMaterialRequest (protocol-06 §5.2) for `targetUser`'s clients, to add them to
 * `roomUri` (empty: not in the context of a room, decision 0602).
 */
export async function keyMaterialRequest(
  core: CoreState,
  targetUser: string,
  roomUri: string,
): Promise<Uint8Array> {
  const required = mimiRequiredCapabilities(core.base.codePoints);
  const request = await signKeyMaterialRequest(
    {
      protocol: "mls10",
      requestingUser: { uri: core.identity.userUri },
      targetUser: { uri: targetUser },
      roomId: { uri: roomUri },
      acceptableCiphersuites: [core.cs.id],
      requiredCapabilities: decodeMls("RequiredCapabilities", required.extensionData),
      requesterSignatureKey: core.identity.signatureKeyPair.publicKey,
      requesterCredential: mlsOf("Credential", core.identity.credential),
    },
    core.identity.signatureKeyPair.signKey,
    core.cs.impl.signature,
  );
  return encodeKeyMaterialRequest(request);
}
