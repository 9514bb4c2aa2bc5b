/**
 * Oblivious HTTP encapsulation (RFC 9458 §4): HPKE-sealed binary HTTP requests and the responses
 * sealed with a key exported from the same HPKE context. One suite is implemented:
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM (HPKE via `@hpke/core`; the response
 * AEAD with `@noble/ciphers`).
 *
 * ```
 * Encapsulated Request {
 *   Key Identifier (8), HPKE KEM ID (16), HPKE KDF ID (16), HPKE AEAD ID (16),
 *   Encapsulated KEM Shared Secret (8 * Nenc),
 *   HPKE-Protected Request (..),
 * }
 * Encapsulated Response { Nonce (8 * max(Nn, Nk)), AEAD-Protected Response (..) }
 * ```
 *
 * Every failure on untrusted bytes (a malformed header, an unknown key or suite, a ciphertext that
 * does not open) is a `CodecError` naming what and where.
 */
import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";
import { CodecError, concatBytes, utf8 } from "@mimi/wire";
import { gcm } from "@noble/ciphers/aes.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { expand, extract } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { AEAD_AES_128_GCM, KDF_HKDF_SHA256, KEM_X25519_HKDF_SHA256, type KeyConfig } from "./key-config.js";

/** Media types of encapsulated messages (RFC 9458 §4.5). */
export const OHTTP_REQUEST_MEDIA_TYPE = "message/ohttp-req";
export const OHTTP_RESPONSE_MEDIA_TYPE = "message/ohttp-res";

const NENC = 32;
const NK = 16;
const NN = 12;
const TAG = 16;
/** max(Nn, Nk). */
const RESPONSE_NONCE = Math.max(NN, NK);
const HEADER = 7;

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes128Gcm(),
});

/** A gateway's key: its configuration and X25519 secret key. */
export interface GatewayKey {
  readonly config: KeyConfig;
  readonly secretKey: Uint8Array;
}

/** What a client keeps to open the response to its request. */
export interface ClientResponseContext {
  readonly enc: Uint8Array;
  readonly secret: Uint8Array;
}

/** What a gateway keeps to seal the response to a request. */
export interface GatewayResponseContext {
  readonly enc: Uint8Array;
  readonly secret: Uint8Array;
}

const u16 = (v: number) => Uint8Array.of(v >> 8, v & 0xff);
const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer as ArrayBuffer;

/**
 * A gateway key for `keyId` with a given X25519 secret key (32 bytes), or a fresh random one.
 *
 * @throws CodecError for a secret key that is not 32 bytes or a key identifier out of range.
 */
export function makeGatewayKey(
  keyId: number,
  secretKey: Uint8Array = globalThis.crypto.getRandomValues(new Uint8Array(32)),
): GatewayKey {
  if (secretKey.length !== 32)
    throw new CodecError("an X25519 secret key is 32 bytes", { path: "/secretKey" });
  if (!Number.isInteger(keyId) || keyId < 0 || keyId > 255)
    throw new CodecError("the key identifier is not 0..255", { path: "/keyId" });
  return {
    secretKey: new Uint8Array(secretKey),
    config: {
      keyId,
      kemId: KEM_X25519_HKDF_SHA256,
      publicKey: x25519.getPublicKey(secretKey),
      symmetric: [{ kdfId: KDF_HKDF_SHA256, aeadId: AEAD_AES_128_GCM }],
    },
  };
}

/** The request header (key ID, KEM, KDF, AEAD), RFC 9458 §4.1. */
function header(keyId: number): Uint8Array {
  return concatBytes(
    Uint8Array.of(keyId),
    u16(KEM_X25519_HKDF_SHA256),
    u16(KDF_HKDF_SHA256),
    u16(AEAD_AES_128_GCM),
  );
}

/** The HPKE info of a request: "message/bhttp request" || 0x00 || header (RFC 9458 §4.3). */
function requestInfo(hdr: Uint8Array): Uint8Array {
  return concatBytes(utf8("message/bhttp request"), Uint8Array.of(0), hdr);
}

const EXPORT_LABEL = utf8("message/bhttp response");

/**
 * Encapsulate a binary HTTP request for the gateway of `config` (RFC 9458 §4.3).
 * `ephemeral` fixes the client's ephemeral X25519 key (for test vectors only).
 *
 * @throws CodecError when `config` does not offer X25519 with HKDF-SHA256 and AES-128-GCM.
 */
export async function encapsulateRequest(
  config: KeyConfig,
  request: Uint8Array,
  ephemeral?: { readonly secretKey: Uint8Array },
): Promise<{ readonly encapsulated: Uint8Array; readonly context: ClientResponseContext }> {
  if (config.kemId !== KEM_X25519_HKDF_SHA256 || config.publicKey.length !== 32)
    throw new CodecError("the key configuration is not for DHKEM(X25519, HKDF-SHA256)", { path: "/kemId" });
  if (!config.symmetric.some((s) => s.kdfId === KDF_HKDF_SHA256 && s.aeadId === AEAD_AES_128_GCM))
    throw new CodecError("the key configuration does not offer HKDF-SHA256 with AES-128-GCM", {
      path: "/symmetric",
    });
  const hdr = header(config.keyId);
  const recipientPublicKey = await suite.kem.importKey("raw", ab(config.publicKey), true);
  const ekm =
    ephemeral === undefined
      ? undefined
      : {
          privateKey: await suite.kem.importKey("raw", ab(ephemeral.secretKey), false),
          publicKey: await suite.kem.importKey("raw", ab(x25519.getPublicKey(ephemeral.secretKey)), true),
        };
  const sender = await suite.createSenderContext({
    recipientPublicKey,
    info: ab(requestInfo(hdr)),
    ...(ekm === undefined ? {} : { ekm }),
  });
  const ct = new Uint8Array(await sender.seal(ab(request)));
  const enc = new Uint8Array(sender.enc);
  const secret = new Uint8Array(await sender.export(ab(EXPORT_LABEL), RESPONSE_NONCE));
  return { encapsulated: concatBytes(hdr, enc, ct), context: { enc, secret } };
}

/**
 * Remove the encapsulation of a request with the gateway's key, or with the one of `keys` whose
 * identifier the request names (a gateway rotating its keys accepts the current and the previous
 * one; RFC 9458 §4.3).
 *
 * @throws CodecError for a truncated request, a key identifier none of the keys has, an
 * unsupported KEM, KDF or AEAD, or a ciphertext that does not open.
 */
export async function decapsulateRequest(
  keys: GatewayKey | readonly GatewayKey[],
  encapsulated: Uint8Array,
): Promise<{ readonly request: Uint8Array; readonly context: GatewayResponseContext }> {
  if (encapsulated.length < HEADER + NENC + TAG)
    throw new CodecError(
      `an encapsulated request is at least ${HEADER + NENC + TAG} bytes, this one ${encapsulated.length}`,
      { path: "/" },
    );
  const keyId = encapsulated[0]!;
  const u = (o: number) => (encapsulated[o]! << 8) | encapsulated[o + 1]!;
  const key = (Array.isArray(keys) ? (keys as readonly GatewayKey[]) : [keys as GatewayKey]).find(
    (k) => k.config.keyId === keyId,
  );
  if (key === undefined) throw new CodecError(`unknown key identifier ${keyId}`, { path: "/keyId" });
  if (u(1) !== KEM_X25519_HKDF_SHA256)
    throw new CodecError(`unsupported KEM 0x${u(1).toString(16).padStart(4, "0")}`, { path: "/kemId" });
  if (u(3) !== KDF_HKDF_SHA256)
    throw new CodecError(`unsupported KDF 0x${u(3).toString(16).padStart(4, "0")}`, { path: "/kdfId" });
  if (u(5) !== AEAD_AES_128_GCM)
    throw new CodecError(`unsupported AEAD 0x${u(5).toString(16).padStart(4, "0")}`, { path: "/aeadId" });
  const hdr = encapsulated.subarray(0, HEADER);
  const enc = encapsulated.slice(HEADER, HEADER + NENC);
  const ct = encapsulated.subarray(HEADER + NENC);
  let request: Uint8Array;
  let secret: Uint8Array;
  try {
    const recipient = await suite.createRecipientContext({
      recipientKey: await suite.kem.deserializePrivateKey(ab(key.secretKey)),
      enc: ab(enc),
      info: ab(requestInfo(hdr)),
    });
    request = new Uint8Array(await recipient.open(ab(ct)));
    secret = new Uint8Array(await recipient.export(ab(EXPORT_LABEL), RESPONSE_NONCE));
  } catch (e) {
    throw new CodecError("the encapsulated request does not decrypt", { path: "/ciphertext", cause: e });
  }
  return { request, context: { enc, secret } };
}

/**
 * The AEAD key and nonce of a response (RFC 9458 §4.4): `prk = Extract(enc || response_nonce,
 * secret)`, `key = Expand(prk, "key", Nk)`, `nonce = Expand(prk, "nonce", Nn)`.
 */
export function responseKeys(
  context: { readonly enc: Uint8Array; readonly secret: Uint8Array },
  responseNonce: Uint8Array,
): { readonly prk: Uint8Array; readonly key: Uint8Array; readonly nonce: Uint8Array } {
  const prk = extract(sha256, context.secret, concatBytes(context.enc, responseNonce));
  return { prk, key: expand(sha256, prk, utf8("key"), NK), nonce: expand(sha256, prk, utf8("nonce"), NN) };
}

/**
 * Encapsulate the binary HTTP response to a decapsulated request (RFC 9458 §4.4). `responseNonce`
 * fixes the random nonce (for test vectors only).
 */
export function encapsulateResponse(
  context: GatewayResponseContext,
  response: Uint8Array,
  responseNonce: Uint8Array = globalThis.crypto.getRandomValues(new Uint8Array(RESPONSE_NONCE)),
): Uint8Array {
  const { key, nonce } = responseKeys(context, responseNonce);
  return concatBytes(responseNonce, gcm(key, nonce).encrypt(response));
}

/**
 * Open the encapsulated response to our request (RFC 9458 §4.4).
 *
 * @throws CodecError for a truncated response or one that does not decrypt.
 */
export function decapsulateResponse(context: ClientResponseContext, encapsulated: Uint8Array): Uint8Array {
  if (encapsulated.length < RESPONSE_NONCE + TAG)
    throw new CodecError(
      `an encapsulated response is at least ${RESPONSE_NONCE + TAG} bytes, this one ${encapsulated.length}`,
      { path: "/" },
    );
  const { key, nonce } = responseKeys(context, encapsulated.subarray(0, RESPONSE_NONCE));
  try {
    return gcm(key, nonce).decrypt(encapsulated.subarray(RESPONSE_NONCE));
  } catch (e) {
    throw new CodecError("the encapsulated response does not decrypt", { path: "/ciphertext", cause: e });
  }
}
