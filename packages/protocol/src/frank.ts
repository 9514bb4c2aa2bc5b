import { type Codec, fixed, opaque, struct } from "@mimi/wire";
import { type CipherSuite, cipherSuiteCodec } from "./common.js";

/**
 * draft-ietf-mimi-protocol-06 §5.4 `Frank`:
 *
 * ```tls
 * struct {
 *   uint8 server_frank[32];
 *   CipherSuite franking_signature_ciphersuite;
 *   opaque franking_integrity_signature<V>;
 * } Frank;
 * ```
 */
export interface Frank {
  readonly server_frank: Uint8Array;
  readonly franking_signature_ciphersuite: CipherSuite;
  readonly franking_integrity_signature: Uint8Array;
}

/** The `Frank` codec. */
export const frankCodec: Codec<Frank> = struct("Frank", [
  ["server_frank", fixed(32)],
  ["franking_signature_ciphersuite", cipherSuiteCodec],
  ["franking_integrity_signature", opaque],
]);
