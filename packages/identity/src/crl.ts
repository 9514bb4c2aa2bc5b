/**
 * Certificate revocation lists (RFC 5280 §5) and their use in path validation (§6.3).
 *
 * RFC 5280 §5.1:
 * ```asn1
 * CertificateList  ::=  SEQUENCE  {
 *      tbsCertList          TBSCertList,
 *      signatureAlgorithm   AlgorithmIdentifier,
 *      signatureValue       BIT STRING  }
 * ```
 */
import { bytesEqual, CodecError } from "@mimi/wire";
import * as pkijs from "pkijs";
import { parseBer } from "./ber.js";
import { byteKey } from "./byte-key.js";
import { type DecodedCertificate, partsOf, serialNumberHex } from "./certificate.js";
import { mimiCryptoEngine } from "./crypto-engine.js";

/** A decoded CRL with the facts validation reads. */
export interface DecodedCrl {
  readonly pkijs: pkijs.CertificateRevocationList;
  /** DER of the whole CRL. */
  readonly der: Uint8Array;
  readonly thisUpdate: Date;
  /** Absent when the CRL has no nextUpdate (RFC 5280 §5.1.2.5 says conforming CAs include it). */
  readonly nextUpdate: Date | undefined;
  /** Revoked serial numbers (as {@link serialNumberHex}) with their revocation dates. */
  readonly revoked: readonly { readonly serialNumber: string; readonly revocationDate: Date }[];
}

/**
 * Decode one DER CRL strictly (one ASN.1 value, no trailing bytes, v2 structure pkijs accepts).
 *
 * @throws CodecError naming `path` when the bytes are not a CRL.
 */
export function decodeCrl(der: Uint8Array, path = "/"): DecodedCrl {
  const key = byteKey(der);
  const known = decoded.get(key);
  if (known !== undefined && bytesEqual(known.der, der)) {
    decoded.delete(key);
    decoded.set(key, known);
    return known;
  }
  const out = decodeFresh(der, path);
  decoded.delete(key);
  if (decoded.size >= DECODED_CACHE_SIZE) decoded.delete(decoded.keys().next().value!);
  decoded.set(key, out);
  return out;
}

/**
 * CRLs decoded lately, by their DER ({@link byteKey}, the bytes compared on a hit), least recently used first: the same CRLs are given with
 * every chain validated (only successes are kept; the objects are shared, callers only read them).
 */
const decoded = new Map<string, DecodedCrl>();
const DECODED_CACHE_SIZE = 64;

function decodeFresh(der: Uint8Array, path: string): DecodedCrl {
  const schema = parseBer(der, "CRL", path);
  try {
    const crl = new pkijs.CertificateRevocationList({ schema });
    return Object.freeze({
      pkijs: crl,
      der: der.slice(),
      thisUpdate: crl.thisUpdate.value,
      nextUpdate: crl.nextUpdate?.value,
      revoked: (crl.revokedCertificates ?? []).map((r) => ({
        serialNumber: serialNumberHex(r.userCertificate.valueBlock.valueHexView),
        revocationDate: r.revocationDate.value,
      })),
    });
  } catch (e) {
    throw new CodecError(`not an X.509 CRL: ${(e as Error).message}`, { path, cause: e });
  }
}

/** Per CRL (internal): revocation dates by serial number, and what is known about its issuers. */
interface CrlState {
  readonly bySerial: ReadonlyMap<string, Date>;
  /** DER of the CRL's issuer Name. */
  readonly issuer: Uint8Array;
  readonly names: WeakMap<DecodedCertificate, boolean>;
  readonly signedBy: WeakMap<DecodedCertificate, Promise<boolean>>;
}

const states = new WeakMap<DecodedCrl, CrlState>();

function stateOf(crl: DecodedCrl): CrlState {
  let s = states.get(crl);
  if (s === undefined) {
    const bySerial = new Map<string, Date>();
    // the earliest date of a serial listed more than once
    for (const r of crl.revoked) {
      const d = bySerial.get(r.serialNumber);
      if (d === undefined || r.revocationDate.getTime() < d.getTime())
        bySerial.set(r.serialNumber, r.revocationDate);
    }
    s = {
      bySerial,
      issuer: new Uint8Array(crl.pkijs.issuer.toSchema().toBER(false)),
      names: new WeakMap(),
      signedBy: new WeakMap(),
    };
    states.set(crl, s);
  }
  return s;
}

/** Whether the CRL's issuer is `issuer`'s subject (same DER, or equal under pkijs's comparison). */
export function crlNamesIssuer(crl: DecodedCrl, issuer: DecodedCertificate): boolean {
  const s = stateOf(crl);
  let named = s.names.get(issuer);
  if (named === undefined) {
    named = bytesEqual(s.issuer, partsOf(issuer).subject) || crl.pkijs.issuer.isEqual(issuer.pkijs.subject);
    s.names.set(issuer, named);
  }
  return named;
}

/** Whether the CRL's signature verifies with `issuer`'s key (checked once per CRL and issuer). */
export function crlSignedBy(crl: DecodedCrl, issuer: DecodedCertificate): Promise<boolean> {
  const s = stateOf(crl);
  let signed = s.signedBy.get(issuer);
  if (signed === undefined) {
    signed = crl.pkijs.verify({ issuerCertificate: issuer.pkijs }, mimiCryptoEngine()).catch(() => false);
    s.signedBy.set(issuer, signed);
  }
  return signed;
}

/** The revocation date of the certificate with `serialNumber` on this CRL, if it is listed. */
export function revocationOf(crl: DecodedCrl, serialNumber: string): Date | undefined {
  return stateOf(crl).bySerial.get(serialNumber);
}
