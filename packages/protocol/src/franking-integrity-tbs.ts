import { type Codec, fixed, struct } from "@mimi/wire";
import { type CipherSuite, cipherSuiteCodec } from "./common.js";
import { type ServerFrankingContext, serverFrankingContextCodec } from "./server-franking-context.js";

/**
 * draft-ietf-mimi-protocol-06 §5.4.1 `FrankingIntegrityTBS`:
 *
 * ```tls
 * struct {
 *     opaque server_frank[32];
 *     CipherSuite franking_signature_ciphersuite;
 *     ServerFrankingContext context;
 * } FrankingIntegrityTBS;
 * ```
 */
export interface FrankingIntegrityTBS {
  readonly server_frank: Uint8Array;
  readonly franking_signature_ciphersuite: CipherSuite;
  readonly context: ServerFrankingContext;
}

/** The `FrankingIntegrityTBS` codec. */
export const frankingIntegrityTBSCodec: Codec<FrankingIntegrityTBS> = struct("FrankingIntegrityTBS", [
  ["server_frank", fixed(32)],
  ["franking_signature_ciphersuite", cipherSuiteCodec],
  ["context", serverFrankingContextCodec],
]);
