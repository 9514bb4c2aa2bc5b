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
import { CodecError } from "@mimi/wire";
import * as pkijs from "pkijs";
import { parseBer } from "./ber.js";
import { serialNumberHex } from "./certificate.js";

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
  const schema = parseBer(der, "CRL", path);
  try {
    const crl = new pkijs.CertificateRevocationList({ schema });
    return {
      pkijs: crl,
      der: der.slice(),
      thisUpdate: crl.thisUpdate.value,
      nextUpdate: crl.nextUpdate?.value,
      revoked: (crl.revokedCertificates ?? []).map((r) => ({
        serialNumber: serialNumberHex(r.userCertificate.valueBlock.valueHexView),
        revocationDate: r.revocationDate.value,
      })),
    };
  } catch (e) {
    throw new CodecError(`not an X.509 CRL: ${(e as Error).message}`, { path, cause: e });
  }
}
