/**
 * External content (draft-ietf-mimi-content-08 §4.5, §7.1): encrypt a file with AES-128-GCM
 * before upload and describe it in an ExternalPart; after download, check `contentHash` and
 * decrypt. WebCrypto (`globalThis.crypto.subtle`, in Node and browsers) does the AEAD.
 */

import { bytesEqual, ValidationError } from "@mimi/wire";
import { sha256 } from "#platform";
import type { ExternalPart } from "./nested-part.js";
import { aeadAlgorithms, dispositions, hashAlgorithms } from "./registries.js";

const KEY_LENGTH = 16;
const NONCE_LENGTH = 12;

/** What describes the file apart from the cryptography. */
export interface AttachmentInfo {
  readonly contentType: string;
  /** Where the ciphertext will be stored. */
  readonly url: string;
  readonly filename?: string;
  readonly description?: string;
  readonly language?: string;
  readonly disposition?: number;
  /** Seconds since the UNIX epoch after which the URL is invalid; 0 = none. */
  readonly expires?: number;
  /** Additional authenticated data; empty by default (§4.5). */
  readonly aad?: Uint8Array;
}

async function aesKey(raw: Uint8Array, usage: "encrypt" | "decrypt") {
  return globalThis.crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "AES-GCM" },
    false,
    [usage],
  );
}

/**
 * Encrypt `plaintext` with a fresh AES-128-GCM key and nonce and return the ciphertext to upload
 * and the ExternalPart that lets receivers fetch and decrypt it. `size` and `contentHash`
 * (SHA-256) describe the ciphertext, i.e. the content at the URL (decision 0206).
 */
export async function encryptAttachment(
  plaintext: Uint8Array,
  info: AttachmentInfo,
): Promise<{ readonly ciphertext: Uint8Array; readonly part: ExternalPart }> {
  // [CONTENT-ATT-01] draft-ietf-mimi-content-08 §4.5, §7.1: implementations MUST implement AES-128-GCM (IANA AEAD 1) for external content.
  const key = globalThis.crypto.getRandomValues(new Uint8Array(KEY_LENGTH));
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_LENGTH));
  const aad = info.aad ?? new Uint8Array();
  const ciphertext = new Uint8Array(
    await globalThis.crypto.subtle.encrypt(
      {
        name: "AES-GCM",
        iv: nonce as Uint8Array<ArrayBuffer>,
        additionalData: aad as Uint8Array<ArrayBuffer>,
      },
      await aesKey(key, "encrypt"),
      plaintext as Uint8Array<ArrayBuffer>,
    ),
  );
  return {
    ciphertext,
    part: {
      disposition: info.disposition ?? dispositions.attachment,
      language: info.language ?? "",
      cardinality: 2,
      contentType: info.contentType,
      url: info.url,
      expires: info.expires ?? 0,
      size: ciphertext.length,
      encAlg: aeadAlgorithms.aes128gcm,
      key,
      nonce,
      aad,
      hashAlg: hashAlgorithms.sha256,
      contentHash: sha256(ciphertext),
      description: info.description ?? "",
      filename: info.filename ?? "",
    },
  };
}

/**
 * Check downloaded external content against its ExternalPart and decrypt it.
 *
 * @throws ValidationError when the size or hash does not match (`CONTENT-ATT-02`), the hash or
 * AEAD algorithm is unsupported, the key or nonce has the wrong size, or authentication fails.
 */
export async function decryptAttachment(part: ExternalPart, downloaded: Uint8Array): Promise<Uint8Array> {
  const bad = (what: string, path: string, rule: string): never => {
    throw new ValidationError(what, { path, rule });
  };
  const size = typeof part.size === "bigint" ? Number(part.size) : part.size;
  // [CONTENT-ATT-02] draft-ietf-mimi-content-08 §4.5: the downloaded content must match the part's size (when non-zero) and contentHash.
  if (size !== 0 && size !== downloaded.length)
    bad(`downloaded ${downloaded.length} octets, part says ${size}`, "/size", "CONTENT-ATT-02");
  if (part.hashAlg === hashAlgorithms.sha256) {
    if (!bytesEqual(sha256(downloaded), part.contentHash))
      bad("contentHash does not match", "/contentHash", "CONTENT-ATT-02");
  } else if (part.hashAlg !== hashAlgorithms.none || part.contentHash.length !== 0) {
    bad(`unsupported hash algorithm ${part.hashAlg}`, "/hashAlg", "CONTENT-ATT-02");
  }
  if (part.encAlg === aeadAlgorithms.none) return downloaded;
  if (part.encAlg !== aeadAlgorithms.aes128gcm)
    bad(`unsupported AEAD algorithm ${part.encAlg}`, "/encAlg", "CONTENT-ATT-01");
  if (part.key.length !== KEY_LENGTH) bad("AES-128-GCM key is not 16 octets", "/key", "CONTENT-ATT-01");
  if (part.nonce.length !== NONCE_LENGTH)
    bad("AES-128-GCM nonce is not 12 octets", "/nonce", "CONTENT-ATT-01");
  try {
    return new Uint8Array(
      await globalThis.crypto.subtle.decrypt(
        {
          name: "AES-GCM",
          iv: part.nonce as Uint8Array<ArrayBuffer>,
          additionalData: part.aad as Uint8Array<ArrayBuffer>,
        },
        await aesKey(part.key, "decrypt"),
        downloaded as Uint8Array<ArrayBuffer>,
      ),
    );
  } catch {
    return bad("AES-128-GCM authentication failed", "/", "CONTENT-ATT-01");
  }
}
