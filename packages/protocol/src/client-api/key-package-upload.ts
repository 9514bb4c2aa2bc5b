import type { MLSMessage } from "@mimi/mls-profile";
import { type Codec, struct, vector } from "@mimi/wire";
import { type Mls, mlsMessage } from "../codec/mls.js";

/**
 * The body of the client API's `POST /client/v1/keyPackages` (our client API, outside protocol-06;
 * decision 0641):
 *
 * ```tls
 * struct {
 *   MLSMessage key_packages<V>;   /* each an MLSMessage holding a KeyPackage *\/
 * } KeyPackageUpload;
 * ```
 */
export interface KeyPackageUpload {
  readonly key_packages: readonly Mls<MLSMessage>[];
}

/** The `KeyPackageUpload` codec. */
export const keyPackageUploadCodec: Codec<KeyPackageUpload> = struct("KeyPackageUpload", [
  ["key_packages", vector(mlsMessage)],
]);
