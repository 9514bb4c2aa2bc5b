/**
 * PEM (RFC 7468) for certificates, CRLs and PKCS #8 private keys.
 */
import { CodecError, fromBase64, toBase64 } from "@mimi/wire";

/** PEM labels this package reads and writes (RFC 7468 §5, §6, §10). */
export const pemLabels = {
  certificate: "CERTIFICATE",
  crl: "X509 CRL",
  privateKey: "PRIVATE KEY",
} as const;

/** One of {@link pemLabels}. */
export type PemLabel = (typeof pemLabels)[keyof typeof pemLabels];

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Encode DER as PEM with 64-character lines (RFC 7468 §2). */
export function encodePem(label: PemLabel, der: Uint8Array): string {
  const b64 = toBase64(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * Decode every PEM block with `label` in `text`, in order (RFC 7468 §3, strict base64).
 * Text outside the blocks is ignored, as RFC 7468 §2 allows.
 *
 * @throws CodecError when a block is unterminated or its body is not base64, or no block is found.
 */
export function decodePemAll(text: string, label: PemLabel, path = "/"): Uint8Array[] {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const out: Uint8Array[] = [];
  let at = text.indexOf(begin);
  while (at >= 0) {
    const bodyStart = at + begin.length;
    const stop = text.indexOf(end, bodyStart);
    if (stop < 0) throw new CodecError(`unterminated PEM block ${label}`, { path: `${path}@${at}` });
    const body = text.slice(bodyStart, stop).replace(/\s+/g, "");
    if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body)) {
      throw new CodecError(`PEM ${label} body is not base64`, { path: `${path}@${bodyStart}` });
    }
    out.push(fromBase64(body, `${path}@${bodyStart}`));
    at = text.indexOf(begin, stop + end.length);
  }
  if (out.length === 0) throw new CodecError(`no PEM ${label} block`, { path });
  return out;
}

/**
 * Decode the single PEM block with `label` in `text`.
 *
 * @throws CodecError when there is no block, more than one, or the body is not base64.
 */
export function decodePem(text: string, label: PemLabel, path = "/"): Uint8Array {
  const all = decodePemAll(text, label, path);
  if (all.length !== 1)
    throw new CodecError(`expected one PEM ${label} block, found ${all.length}`, { path });
  return all[0]!;
}
