/**
 * RFC 9420 §5.3 `Credential`, as carried inside MIMI components (`FrankingAgentData`) and the
 * `external_senders` extension.
 */
import { decodeTls, encodeTls, type TlsReader, type TlsWriter } from "@mimi/wire";
import type { Credential } from "../adapter/types.js";

/** RFC 9420 §17.5 credential types this codec understands. */
export const credentialTypes = { basic: 0x0001, x509: 0x0002 } as const;

/*
 * RFC 9420 §5.3, read and written in the adapter's (ts-mls's) representation of `Credential`:
 *
 * ```tls
 * struct {
 *     opaque cert_data<V>;
 * } Certificate;
 *
 * struct {
 *     CredentialType credential_type;
 *     select (Credential.credential_type) {
 *         case basic:
 *             opaque identity<V>;
 *
 *         case x509:
 *             Certificate certificates<V>;
 *     };
 * } Credential;
 * ```
 */

/**
 * Read a `Credential`.
 *
 * @throws CodecError (`MLS-XSND-03`) for a credential type whose body this codec cannot delimit;
 * CodecError on truncation.
 */
export function readCredential(r: TlsReader): Credential {
  const t = r.field("credential_type", () => r.uint16());
  if (t === credentialTypes.basic)
    return { credentialType: "basic", identity: r.field("identity", () => r.opaque()) };
  if (t === credentialTypes.x509) {
    return {
      credentialType: "x509",
      certificates: r.field("certificates", () => r.vector((cr) => cr.field("cert_data", () => cr.opaque()))),
    };
  }
  // [MLS-XSND-03] RFC 9420 §5.3: the body of a credential type is defined by its specification;
  // without it the struct cannot be delimited, so only basic and x509 are accepted (decision 0537).
  return r.field("credential_type", () => r.fail(`unsupported credential type ${t}`, "MLS-XSND-03"));
}

/** Write a `Credential`. @throws CodecError when a field is out of range. */
export function writeCredential(w: TlsWriter, c: Credential): void {
  if (c.credentialType === "basic") {
    w.uint16(credentialTypes.basic);
    w.opaque(c.identity);
  } else {
    w.uint16(credentialTypes.x509);
    w.vector(c.certificates, (cw, cert) => cw.opaque(cert));
  }
}

/** Encode a `Credential`. */
export function encodeCredential(c: Credential): Uint8Array {
  return encodeTls((w) => writeCredential(w, c));
}

/** Decode a `Credential`. @throws CodecError on malformed input or an unsupported type. */
export function decodeCredential(bytes: Uint8Array): Credential {
  return decodeTls(bytes, readCredential);
}
