/**
 * The body of the client API's KeyPackage upload (`docs/client-api.md`):
 *
 * ```tls
 * MLSMessage key_packages<V>;   // each an mls_key_package
 * ```
 */
import { encodeMlsMessage, type KeyPackage } from "@mimi/mls-profile";
import { CodecError, encodeTls, TlsReader } from "@mimi/wire";
import { decodeMlsMessage as decodeMlsMessageAt } from "ts-mls/message.js";

/** Encode KeyPackages as the upload body. */
export function encodeKeyPackageUpload(keyPackages: readonly KeyPackage[]): Uint8Array {
  return encodeTls((w) =>
    w.vector(keyPackages, (iw, keyPackage) =>
      iw.bytes(encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage })),
    ),
  );
}

/**
 * Decode an upload body strictly: a non-empty vector of MLSMessages, each a KeyPackage, nothing
 * after it.
 *
 * @throws CodecError naming the element that is malformed.
 */
export function decodeKeyPackageUpload(body: Uint8Array): KeyPackage[] {
  const r = new TlsReader(body);
  const inner = r.opaque();
  r.finish();
  const out: KeyPackage[] = [];
  let at = 0;
  while (at < inner.length) {
    const path = `/key_packages/${out.length}`;
    let decoded: ReturnType<typeof decodeMlsMessageAt>;
    try {
      decoded = decodeMlsMessageAt(inner, at);
    } catch (e) {
      throw new CodecError(`malformed MLSMessage (${(e as Error).message})`, { path, cause: e });
    }
    if (decoded === undefined) throw new CodecError("malformed MLSMessage", { path });
    const [message, length] = decoded;
    if (message.wireformat !== "mls_key_package") {
      throw new CodecError(`expected a KeyPackage, got ${message.wireformat}`, {
        path: `${path}/wire_format`,
      });
    }
    out.push(message.keyPackage);
    at += length;
  }
  if (out.length === 0) throw new CodecError("no KeyPackage in the upload", { path: "/key_packages" });
  return out;
}
