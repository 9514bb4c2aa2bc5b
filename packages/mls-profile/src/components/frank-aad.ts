/**
 * The `frank_aad` Safe AAD component and the franking tag (draft-ietf-mimi-protocol-06 §5.4.1).
 */
import { bytesEqualConstantTime, decodeTls, encodeTls } from "@mimi/wire";
import { syncHmac } from "../crypto-provider.js";

/** Length of a franking tag (HMAC-SHA256 output). */
export const FRANKING_TAG_LENGTH = 32;

/**
 * draft-ietf-mimi-protocol-06 §5.4.1
 *
 * ```tls
 * struct {
 *   uint8 franking_tag[32];
 * } FrankAAD;
 *
 * FrankAAD frank_aad;
 * ```
 */
export interface FrankAAD {
  readonly franking_tag: Uint8Array;
}

/** Encode a `FrankAAD`. @throws CodecError (`MLS-FRANK-01`) unless the tag is 32 bytes. */
export function encodeFrankAAD(v: FrankAAD): Uint8Array {
  return encodeTls((w) => w.bytes(v.franking_tag, FRANKING_TAG_LENGTH));
}

/**
 * Decode a `FrankAAD` (the `aad_item_data` of the `frank_aad` SafeAADItem).
 *
 * @throws CodecError (`MLS-FRANK-01`) unless it is exactly 32 bytes.
 */
export function decodeFrankAAD(bytes: Uint8Array): FrankAAD {
  return decodeTls(bytes, (r) => {
    // [MLS-FRANK-01] draft-ietf-mimi-protocol-06 §5.4.1: frank_aad is a 32-byte franking_tag.
    if (r.remaining !== FRANKING_TAG_LENGTH) {
      r.fail(`franking_tag must be ${FRANKING_TAG_LENGTH} bytes, got ${r.remaining}`, "MLS-FRANK-01");
    }
    return { franking_tag: r.field("franking_tag", () => r.fixed(FRANKING_TAG_LENGTH)) };
  });
}

// Node's HMAC in Node (about twice the pure-JavaScript one's speed on a receiver's hot path), @noble/hashes elsewhere
const hmacSha256 = syncHmac("SHA-256");

/**
 * draft-ietf-mimi-protocol-06 §5.4.1: `franking_tag = HMAC_SHA256(salt, application_data)`,
 * where `salt` is the MIMI content's salt and `application_data` the bytes the MLS
 * PrivateMessage carries (including the ApplicationFraming when content advertisement is used).
 */
export function computeFrankingTag(salt: Uint8Array, application_data: Uint8Array): Uint8Array {
  return hmacSha256(salt, application_data);
}

/**
 * Whether `tag` is the franking tag of `application_data` under `salt` (constant time).
 * Receivers recompute the tag before storing the hub's frank (§5.4.1).
 */
export function verifyFrankingTag(tag: Uint8Array, salt: Uint8Array, application_data: Uint8Array): boolean {
  return bytesEqualConstantTime(tag, computeFrankingTag(salt, application_data));
}
