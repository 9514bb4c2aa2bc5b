/**
 * Strict decoding of X.509 certificates (RFC 5280 §4.1) and the facts the profile checks.
 *
 * RFC 5280 §4.1:
 * ```asn1
 * Certificate  ::=  SEQUENCE  {
 *      tbsCertificate       TBSCertificate,
 *      signatureAlgorithm   AlgorithmIdentifier,
 *      signatureValue       BIT STRING  }
 * ```
 */
import { CodecError, toHex } from "@mimi/wire";
import type * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { parseBer } from "./ber.js";

/** Extension OIDs (RFC 5280 §4.2.1). */
export const extensionOids = {
  authorityKeyIdentifier: "2.5.29.35",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  certificatePolicies: "2.5.29.32",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  extKeyUsage: "2.5.29.37",
  crlDistributionPoints: "2.5.29.31",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
} as const;

/** Extended key usage purposes (RFC 5280 §4.2.1.12). */
export const extKeyUsageOids = {
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  anyExtendedKeyUsage: "2.5.29.37.0",
} as const;

/** The key usage bits (RFC 5280 §4.2.1.3), by name. */
export const keyUsageBits = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;

/** A key usage name. */
export type KeyUsageName = keyof typeof keyUsageBits;

/** Signature algorithm OIDs the profile accepts (RFC 5758 §3.2, RFC 8410 §3). */
export const signatureAlgorithmOids = {
  "ecdsa-with-SHA256": "1.2.840.10045.4.3.2",
  "ecdsa-with-SHA384": "1.2.840.10045.4.3.3",
  "ecdsa-with-SHA512": "1.2.840.10045.4.3.4",
  Ed25519: "1.3.101.112",
} as const;

/** Public key algorithms (RFC 5480 §2.1.1, RFC 8410 §3) and named curves (RFC 5480 §2.1.1.1). */
export const publicKeyOids = {
  ecPublicKey: "1.2.840.10045.2.1",
  Ed25519: "1.3.101.112",
  secp256r1: "1.2.840.10045.3.1.7",
  secp384r1: "1.3.132.0.34",
} as const;

/** What the profile reads from a certificate, as plain data. */
export interface CertificateFacts {
  /** DER of the whole certificate. */
  readonly der: Uint8Array;
  /** Serial number, lowercase hex without leading zero octets ({@link serialNumberHex}). */
  readonly serialNumber: string;
  /** The validity period (RFC 5280 §4.1.2.5). */
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints cA (RFC 5280 §4.2.1.9); false when the extension is absent. */
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint, when present. */
  readonly pathLenConstraint: number | undefined;
  /** Key usage names set, or undefined when the extension is absent. */
  readonly keyUsage: readonly KeyUsageName[] | undefined;
  /** Extended key usage OIDs, or undefined when the extension is absent. */
  readonly extKeyUsage: readonly string[] | undefined;
  /** subjectAltName uniformResourceIdentifier entries, in order. */
  readonly sanUris: readonly string[];
  /** subjectAltName dNSName entries, in order. */
  readonly sanDnsNames: readonly string[];
  /** Number of subjectAltName entries of other types. */
  readonly sanOtherCount: number;
  /** OIDs of the critical extensions. */
  readonly criticalExtensions: readonly string[];
  /** The outer signatureAlgorithm OID. */
  readonly signatureAlgorithm: string;
  /** DER of subjectPublicKeyInfo. */
  readonly subjectPublicKeyInfo: Uint8Array;
  /** The subjectPublicKeyInfo algorithm OID. */
  readonly publicKeyAlgorithm: string;
}

/** A decoded certificate: pkijs's object for path validation and the extracted facts. */
export interface DecodedCertificate {
  readonly pkijs: pkijs.Certificate;
  readonly facts: CertificateFacts;
}

/**
 * A serial number as lowercase hex without leading zero octets (RFC 5280 §4.1.2.2: serial numbers
 * are positive, so a leading 00 octet is only DER's sign padding).
 */
export function serialNumberHex(contentOctets: Uint8Array): string {
  let i = 0;
  while (i < contentOctets.length - 1 && contentOctets[i] === 0) i++;
  return toHex(contentOctets.subarray(i));
}

function extensionOf(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

function bitsOf(bits: asn1js.BitString): KeyUsageName[] {
  const view = bits.valueBlock.valueHexView;
  const out: KeyUsageName[] = [];
  for (const [name, bit] of Object.entries(keyUsageBits) as [KeyUsageName, number][]) {
    const byte = view[bit >> 3] ?? 0;
    if ((byte & (0x80 >> (bit & 7))) !== 0) out.push(name);
  }
  return out;
}

function factsOf(der: Uint8Array, cert: pkijs.Certificate, path: string): CertificateFacts {
  const seen = new Set<string>();
  for (const [i, e] of (cert.extensions ?? []).entries()) {
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(e.extnID))
      throw new CodecError(`duplicate extension ${e.extnID}`, { path: `${path}/extensions/${i}` });
    seen.add(e.extnID);
    if (e.critical && e.parsedValue === undefined && knownParsed.has(e.extnID)) {
      throw new CodecError(`extension ${e.extnID} does not decode`, { path: `${path}/extensions/${i}` });
    }
  }
  const bc = extensionOf(cert, extensionOids.basicConstraints)?.parsedValue as
    | pkijs.BasicConstraints
    | undefined;
  const ku = extensionOf(cert, extensionOids.keyUsage)?.parsedValue as asn1js.BitString | undefined;
  const eku = extensionOf(cert, extensionOids.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;
  const san = extensionOf(cert, extensionOids.subjectAltName)?.parsedValue as pkijs.AltName | undefined;
  const sanUris: string[] = [];
  const sanDnsNames: string[] = [];
  let sanOtherCount = 0;
  for (const name of san?.altNames ?? []) {
    if (name.type === 6 && typeof name.value === "string") sanUris.push(name.value);
    else if (name.type === 2 && typeof name.value === "string") sanDnsNames.push(name.value);
    else sanOtherCount++;
  }
  const pathLen = bc?.pathLenConstraint;
  return {
    der,
    serialNumber: serialNumberHex(cert.serialNumber.valueBlock.valueHexView),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    isCa: bc?.cA === true,
    pathLenConstraint:
      pathLen === undefined ? undefined : typeof pathLen === "number" ? pathLen : pathLen.valueBlock.valueDec,
    keyUsage: ku === undefined ? undefined : bitsOf(ku),
    extKeyUsage: eku?.keyPurposes,
    sanUris,
    sanDnsNames,
    sanOtherCount,
    criticalExtensions: (cert.extensions ?? []).filter((e) => e.critical).map((e) => e.extnID),
    signatureAlgorithm: cert.signatureAlgorithm.algorithmId,
    subjectPublicKeyInfo: new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false)),
    publicKeyAlgorithm: cert.subjectPublicKeyInfo.algorithm.algorithmId,
  };
}

const knownParsed = new Set<string>([
  extensionOids.keyUsage,
  extensionOids.basicConstraints,
  extensionOids.subjectAltName,
  extensionOids.nameConstraints,
  extensionOids.extKeyUsage,
]);

/**
 * Decode one DER certificate strictly: exactly one ASN.1 value with no trailing bytes, an
 * X.509 v3 structure pkijs accepts, no duplicate extensions, and the inner and outer signature
 * algorithms equal.
 *
 * @throws CodecError naming `path` when the bytes are not such a certificate.
 */
export function decodeCertificate(der: Uint8Array, path = "/"): DecodedCertificate {
  const key = toHex(der);
  const known = decoded.get(key);
  if (known !== undefined) {
    // most recently used last
    decoded.delete(key);
    decoded.set(key, known);
    return known;
  }
  const out = decodeFresh(der, path);
  if (decoded.size >= DECODED_CACHE_SIZE) decoded.delete(decoded.keys().next().value!);
  decoded.set(key, out);
  return out;
}

/**
 * Certificates decoded lately, by their DER bytes (hex), least recently used first. Decoding is a
 * pure function of the bytes, and the same certificates come again and again (a room's members
 * seen by every commit and join, a CA under every chain); only successes are kept. The decoded
 * objects are shared: callers only read them.
 */
const decoded = new Map<string, DecodedCertificate>();
const DECODED_CACHE_SIZE = 1024;

function decodeFresh(der: Uint8Array, path: string): DecodedCertificate {
  const schema = parseBer(der, "certificate", path);
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema });
  } catch (e) {
    throw new CodecError(`not an X.509 certificate: ${(e as Error).message}`, { path, cause: e });
  }
  if (cert.version !== 2)
    throw new CodecError(`certificate version ${cert.version + 1}, expected v3`, { path });
  // [IDENTITY-PATH-09] RFC 5280 §4.1.1.2: signatureAlgorithm MUST contain the same algorithm
  // identifier as the signature field in the sequence tbsCertificate.
  const inner = new Uint8Array(cert.signature.toSchema().toBER(false));
  const outer = new Uint8Array(cert.signatureAlgorithm.toSchema().toBER(false));
  if (toHex(inner) !== toHex(outer)) {
    throw new CodecError("tbsCertificate.signature differs from signatureAlgorithm", {
      path,
      rule: "IDENTITY-PATH-09",
    });
  }
  try {
    return Object.freeze({ pkijs: cert, facts: Object.freeze(factsOf(der.slice(), cert, path)) });
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError(`certificate fields do not decode: ${(e as Error).message}`, { path, cause: e });
  }
}
