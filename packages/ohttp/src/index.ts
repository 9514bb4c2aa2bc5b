/**
 * Oblivious HTTP (RFC 9458) and known-length binary HTTP (RFC 9292): what the hub's OHTTP gateway
 * and the follower's relay speak (draft-ietf-mimi-protocol-06 §5.10.3).
 */
export {
  BHTTP_MEDIA_TYPE,
  type BinaryHttpField,
  type BinaryHttpInformational,
  type BinaryHttpRequest,
  type BinaryHttpResponse,
  decodeBinaryHttpRequest,
  decodeBinaryHttpResponse,
  encodeBinaryHttpRequest,
  encodeBinaryHttpResponse,
  encodeQuicVarint,
  headerValue,
} from "./binary-http.js";
export {
  type ClientResponseContext,
  decapsulateRequest,
  decapsulateResponse,
  encapsulateRequest,
  encapsulateResponse,
  type GatewayKey,
  type GatewayResponseContext,
  makeGatewayKey,
  OHTTP_REQUEST_MEDIA_TYPE,
  OHTTP_RESPONSE_MEDIA_TYPE,
  responseKeys,
} from "./encapsulation.js";
export {
  AEAD_AES_128_GCM,
  decodeKeyConfig,
  decodeKeyConfigs,
  encodeKeyConfig,
  encodeKeyConfigs,
  KDF_HKDF_SHA256,
  KEM_X25519_HKDF_SHA256,
  type KeyConfig,
  OHTTP_KEYS_MEDIA_TYPE,
  type SymmetricAlgorithm,
} from "./key-config.js";
