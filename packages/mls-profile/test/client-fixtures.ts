/** Shared set-up of the client facade tests: users from client URIs, a profile with a hub. */
import { fromUtf8, utf8, ValidationError } from "@mimi/wire";
import {
  type Credential,
  createKeyPackage,
  type ExternalSender,
  generateSignatureKeyPair,
  type KeyPackageBundle,
  type MimiProfile,
  type MlsCiphersuite,
  mimiCapabilities,
  mimiProfile,
  unsafeAcceptAllCredentials,
} from "../src/index.js";

/** Clients are named mimi://example.com/u/<user>/d/<device>; their user is the part before /d/. */
export const userOf = (c: Credential): Uint8Array => {
  if (c.credentialType !== "basic") throw new ValidationError("not a basic credential");
  const s = fromUtf8(c.identity);
  const at = s.indexOf("/d/");
  return utf8(at < 0 ? s : s.slice(0, at));
};

/** A profile whose hub has a fresh key; test content starts with its 16-byte salt. */
export async function testProfile(
  cs: MlsCiphersuite,
): Promise<{ profile: MimiProfile; hub: ExternalSender }> {
  const hubKey = await generateSignatureKeyPair(cs);
  const hub: ExternalSender = {
    signaturePublicKey: hubKey.publicKey,
    credential: { credentialType: "basic", identity: utf8("hub.example.com") },
  };
  const profile = mimiProfile({
    cs,
    authService: unsafeAcceptAllCredentials,
    hub,
    userOf,
    saltOf: (c) => c.subarray(0, 16),
  });
  return { profile, hub };
}

/** A KeyPackage of client `device` of user `name`, with MIMI's capabilities. */
export function clientKeyPackage(
  cs: MlsCiphersuite,
  name: string,
  device: number,
): Promise<KeyPackageBundle> {
  return createKeyPackage(cs, {
    credential: { credentialType: "basic", identity: utf8(`mimi://example.com/u/${name}/d/${device}`) },
    capabilities: mimiCapabilities(),
  });
}
