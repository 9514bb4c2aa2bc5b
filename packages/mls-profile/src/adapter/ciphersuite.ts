/**
 * Cipher suite selection (RFC 9420 §5.1, §17.1). MIMI uses the RFC 9420 suites 0x0001–0x0007;
 * ts-mls's post-quantum suites use unregistered code points and are not offered here.
 */

import {
  type CiphersuiteImpl,
  type CryptoProvider,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
} from "@mimi/ts-mls";
import { ValidationError } from "@mimi/wire";
import { cachingCryptoProvider } from "../crypto-provider.js";

/** The RFC 9420 cipher suites (§17.1, "MLS Cipher Suites" registry), by name. */
export const rfc9420Ciphersuites = {
  MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519: 0x0001,
  MLS_128_DHKEMP256_AES128GCM_SHA256_P256: 0x0002,
  MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519: 0x0003,
  MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448: 0x0004,
  MLS_256_DHKEMP521_AES256GCM_SHA512_P521: 0x0005,
  MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448: 0x0006,
  MLS_256_DHKEMP384_AES256GCM_SHA384_P384: 0x0007,
} as const;

/** Name of an RFC 9420 cipher suite. */
export type MlsCiphersuiteName = keyof typeof rfc9420Ciphersuites;

/** The suite MIMI uses unless told otherwise: 0x0001, X25519 / AES-128-GCM / SHA-256 / Ed25519. */
export const defaultCiphersuiteName: MlsCiphersuiteName = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

/** A cipher suite ready for use: its name, code point and the ts-mls implementation. */
export interface MlsCiphersuite {
  readonly name: MlsCiphersuiteName;
  readonly id: number;
  readonly impl: CiphersuiteImpl;
}

/** Options of {@link loadCiphersuite}. */
export interface LoadCiphersuiteOptions {
  /**
   * The crypto provider: by default the project's caching provider ({@link cachingCryptoProvider});
   * `"ts-mls-default"` for ts-mls's own default provider (benchmark baselines, cross-checks).
   */
  readonly provider?: CryptoProvider | "ts-mls-default";
}

/** The name of an RFC 9420 cipher suite from its code point, or undefined. */
export function ciphersuiteNameFromId(id: number): MlsCiphersuiteName | undefined {
  for (const [name, value] of Object.entries(rfc9420Ciphersuites)) {
    if (value === id) return name as MlsCiphersuiteName;
  }
  return undefined;
}

/**
 * Load an RFC 9420 cipher suite, by name or code point.
 *
 * @throws ValidationError for a suite that is not one of RFC 9420's.
 */
export async function loadCiphersuite(
  suite: MlsCiphersuiteName | number = defaultCiphersuiteName,
  options: LoadCiphersuiteOptions = {},
): Promise<MlsCiphersuite> {
  const name = typeof suite === "number" ? ciphersuiteNameFromId(suite) : suite;
  if (name === undefined || !Object.hasOwn(rfc9420Ciphersuites, name)) {
    throw new ValidationError(`unsupported cipher suite ${String(suite)}`, { path: "/cipher_suite" });
  }
  const provider = options.provider ?? cachingCryptoProvider;
  const impl =
    provider === "ts-mls-default"
      ? await getCiphersuiteImpl(getCiphersuiteFromName(name))
      : await provider.getCiphersuiteImpl(getCiphersuiteFromName(name));
  return { name, id: rfc9420Ciphersuites[name], impl };
}
