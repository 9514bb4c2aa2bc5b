import { ValidationError } from "@mimi/wire";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { SALT_LENGTH } from "./mimi-content.js";

/**
 * A fresh 16-octet salt from the system CSPRNG.
 *
 * [CONTENT-SALT-01] draft-ietf-mimi-content-08 §4.1: the per-message salt MUST be cryptographically random.
 */
export function generateSalt(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(SALT_LENGTH));
}

/**
 * draft-ietf-mimi-content-08 §9.2 "Generating the random salt":
 *
 * ```
 * hash_output = HMAC_SHA256( salt_base_secret, nonce )
 * salt = hash_output[0..15]
 * ```
 *
 * `saltBaseSecret` is exported from the MLS key schedule by the caller (the draft names no
 * exporter label; see decision 0205); `nonce` is locally generated and must not repeat.
 *
 * @throws ValidationError when the secret or the nonce is empty.
 */
export function deriveSalt(saltBaseSecret: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (saltBaseSecret.length === 0)
    throw new ValidationError("empty salt_base_secret", { path: "/saltBaseSecret", rule: "CONTENT-SALT-01" });
  if (nonce.length === 0)
    throw new ValidationError("empty nonce", { path: "/nonce", rule: "CONTENT-SALT-01" });
  return hmac(sha256, saltBaseSecret, nonce).slice(0, SALT_LENGTH);
}
