/**
 * The body of the client API's KeyPackage upload (`docs/client-api.md`), `@mimi/protocol`'s
 * `KeyPackageUpload`:
 *
 * ```tls
 * MLSMessage key_packages<V>;   // each an mls_key_package
 * ```
 */
import type { KeyPackage } from "@mimi/mls-profile";
import { keyPackageUploadCodec, mlsOf } from "@mimi/protocol";
import { CodecError, decodeWith, encodeWith } from "@mimi/wire";

/** Encode KeyPackages as the upload body. */
export function encodeKeyPackageUpload(keyPackages: readonly KeyPackage[]): Uint8Array {
  return encodeWith(keyPackageUploadCodec, {
    key_packages: keyPackages.map((keyPackage) =>
      mlsOf("MLSMessage", { version: "mls10", wireformat: "mls_key_package", keyPackage }),
    ),
  });
}

/**
 * Decode an upload body strictly: a non-empty vector of MLSMessages, each a KeyPackage, nothing
 * after it.
 *
 * @throws CodecError naming the element that is malformed.
 */
export function decodeKeyPackageUpload(body: Uint8Array): KeyPackage[] {
  const upload = decodeWith(keyPackageUploadCodec, body);
  if (upload.key_packages.length === 0)
    throw new CodecError("no KeyPackage in the upload", { path: "/key_packages" });
  return upload.key_packages.map(({ value: message }, i) => {
    if (message.wireformat !== "mls_key_package")
      throw new CodecError(`expected a KeyPackage, got ${message.wireformat}`, {
        path: `/key_packages/${i}/wire_format`,
      });
    return message.keyPackage;
  });
}
