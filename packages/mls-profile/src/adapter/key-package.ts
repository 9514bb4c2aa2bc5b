/**
 * KeyPackages (RFC 9420 §10): generated with a fresh signature key or with a given one (for
 * example the key of an X.509 leaf certificate, which must sign the LeafNode).
 */
import {
  type Capabilities,
  type Credential,
  defaultCapabilities,
  defaultLifetime,
  type Extension,
  generateKeyPackage,
  generateKeyPackageWithKey,
  type KeyPackage,
  type Lifetime,
  type PrivateKeyPackage,
} from "@mimi/ts-mls";
import type { MlsCiphersuite } from "./ciphersuite.js";
import { guarded } from "./errors.js";

/** A signature key pair in ts-mls's form (Ed25519 private keys raw or PKCS#8). */
export interface SignatureKeyPair {
  readonly signKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A KeyPackage with its private keys (init key, encryption key, signature key). */
export interface KeyPackageBundle {
  readonly publicPackage: KeyPackage;
  readonly privatePackage: PrivateKeyPackage;
}

/** What goes into a new KeyPackage. */
export interface KeyPackageOptions {
  /** The credential of the LeafNode. */
  readonly credential: Credential;
  /** Capabilities; default: ts-mls's defaults (every RFC 9420 type, plus GREASE). */
  readonly capabilities?: Capabilities;
  /** Validity; default: ts-mls's default lifetime. */
  readonly lifetime?: Lifetime;
  /** KeyPackage extensions. */
  readonly extensions?: readonly Extension[];
  /** LeafNode extensions. */
  readonly leafNodeExtensions?: readonly Extension[];
  /** The signature key to use; default: a fresh one. */
  readonly signatureKeyPair?: SignatureKeyPair;
}

/**
 * Generate a KeyPackage and its private keys.
 *
 * @throws ValidationError if ts-mls refuses the inputs (e.g. a key of the wrong kind).
 */
export function createKeyPackage(cs: MlsCiphersuite, options: KeyPackageOptions): Promise<KeyPackageBundle> {
  const capabilities = options.capabilities ?? defaultCapabilities();
  const lifetime = options.lifetime ?? defaultLifetime;
  const extensions = [...(options.extensions ?? [])];
  const leafExtensions = [...(options.leafNodeExtensions ?? [])];
  const pair = options.signatureKeyPair;
  return guarded("KeyPackage generation", () =>
    pair === undefined
      ? generateKeyPackage(options.credential, capabilities, lifetime, extensions, cs.impl, leafExtensions)
      : generateKeyPackageWithKey(
          options.credential,
          capabilities,
          lifetime,
          extensions,
          { signKey: pair.signKey, publicKey: pair.publicKey },
          cs.impl,
          leafExtensions,
        ),
  );
}

/** Generate a signature key pair for the suite. */
export function generateSignatureKeyPair(cs: MlsCiphersuite): Promise<SignatureKeyPair> {
  return cs.impl.signature.keygen();
}
