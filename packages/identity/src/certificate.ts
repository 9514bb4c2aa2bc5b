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
import { bytesEqual, CodecError } from "@mimi/wire";
import * as pkijs from "pkijs";
import { parseBer } from "./ber.js";
import { byteKey } from "./byte-key.js";
import { type DerReader, derTags, derTop, isUtf8, type Tlv } from "./der.js";

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

/**
 * A decoded certificate: the extracted facts, and pkijs's object for what is rare (the full
 * RFC 5280 engine, name constraints on other name forms, CRL signatures), built from the DER on
 * first use only.
 */
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
  // joined, not concatenated: one flat string, not a chain of pieces kept with the certificate
  const digits: string[] = [];
  for (; i < contentOctets.length; i++) digits.push(hexOctets[contentOctets[i]!]!);
  return digits.join("");
}

const hexOctets = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** The URI and dNSName subtrees of a nameConstraints extension (RFC 5280 §4.2.1.10). */
interface UriDnsSubtrees {
  readonly permittedUri: readonly string[];
  readonly excludedUri: readonly string[];
  readonly permittedDns: readonly string[];
  readonly excludedDns: readonly string[];
}

/** An AlgorithmIdentifier (RFC 5280 §4.1.1.2): its OID and the DER of its parameters, if any. */
export interface AlgorithmIdentifier {
  readonly oid: string;
  readonly params: Uint8Array | undefined;
  /** DER of the whole AlgorithmIdentifier. */
  readonly encoded: Uint8Array;
}

/**
 * What the fast path of validation reads besides the facts (internal): views into `facts.der`.
 */
export interface CertificateParts {
  /** DER of tbsCertificate, the signed bytes. */
  readonly tbs: Uint8Array;
  /** DER of the issuer and subject Names. */
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  /** The signatureValue BIT STRING's octets, and its unused-bit count. */
  readonly signature: Uint8Array;
  readonly signatureUnusedBits: number;
  readonly publicKeyAlgorithm: AlgorithmIdentifier;
  /** The subjectPublicKey BIT STRING's octets, and its unused-bit count. */
  readonly publicKey: Uint8Array;
  readonly publicKeyUnusedBits: number;
  /** The nameConstraints' URI and dNSName subtrees, when the extension is present. */
  readonly subtrees: UriDnsSubtrees | undefined;
  /** Whether nameConstraints constrain another name form, or use minimum/maximum. */
  readonly otherNameConstraints: boolean;
  /** Whether a policy extension (RFC 5280 §4.2.1.4, .5, .11, .14) is present. */
  readonly policyExtensions: boolean;
}

const policyExtensionOids = new Set<string>([
  extensionOids.certificatePolicies,
  "2.5.29.33", // policyMappings
  "2.5.29.36", // policyConstraints
  "2.5.29.54", // inhibitAnyPolicy
]);

function algorithmIdentifier(r: DerReader, field: string): AlgorithmIdentifier {
  const t = r.expect(derTags.sequence, field);
  const a = r.into(t, field);
  const oid = a.oid("algorithm");
  const params = a.atEnd() ? undefined : a.encoded(a.any("parameters"));
  a.finish("AlgorithmIdentifier");
  return { oid, params, encoded: r.encoded(t) };
}

/** PrintableString's characters (X.680 §41.4): letters, digits, space and '()+,-./:=?, by octet. */
const printable = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?") {
  printable[ch.charCodeAt(0)] = 1;
}

function isPrintable(c: Uint8Array): boolean {
  for (let i = 0; i < c.length; i++) if (c[i]! >= 0x80 || printable[c[i]!] === 0) return false;
  return true;
}

/** An attribute value's string, when it is one of the string types, well formed for its type. */
function attributeValue(r: DerReader, t: Tlv): void {
  const c = r.contents(t);
  switch (t.tag) {
    case derTags.utf8String:
      if (!isUtf8(c)) r.fail("UTF8String is not UTF-8", "value");
      return;
    case derTags.printableString:
      if (!isPrintable(c)) r.fail("PrintableString has other characters", "value");
      return;
    case derTags.ia5String:
      r.ia5("value", t);
      return;
    case 0x1e: // BMPString: UCS-2
      if (c.length % 2 !== 0) r.fail("BMPString of an odd length", "value");
      return;
    case 0x1c: // UniversalString: UCS-4
      if (c.length % 4 !== 0) r.fail("UniversalString of a length not a multiple of 4", "value");
      return;
    default:
      return;
  }
}

/** A Name (RFC 5280 §4.1.2.4): SEQUENCE OF SET SIZE (1..MAX) OF SEQUENCE { type, value }. */
function name(r: DerReader, field: string): Uint8Array {
  const t = r.expect(derTags.sequence, field);
  const rdns = r.into(t, field);
  for (let i = 0; !rdns.atEnd(); i++) {
    const rdn = rdns.enter(derTags.set, String(i));
    if (rdn.atEnd()) rdn.fail("empty RelativeDistinguishedName");
    for (let k = 0; !rdn.atEnd(); k++) {
      const atv = rdn.enter(derTags.sequence, String(k));
      atv.oid("type");
      attributeValue(atv, atv.any("value"));
      atv.finish("AttributeTypeAndValue");
    }
  }
  return r.encoded(t);
}

/** GeneralName (RFC 5280 §4.2.1.6): [2] dNSName and [6] uniformResourceIdentifier are read. */
type GeneralName =
  | { readonly kind: "uri"; readonly value: string }
  | { readonly kind: "dns"; readonly value: string }
  | { readonly kind: "other" };

function generalName(r: DerReader, field: string): GeneralName {
  const t = r.any(field);
  switch (t.tag) {
    case 0x82:
      return { kind: "dns", value: r.ia5(field, t) };
    case 0x86:
      return { kind: "uri", value: r.ia5(field, t) };
    case 0x81: // rfc822Name
      r.ia5(field, t);
      return { kind: "other" };
    case 0xa0: // otherName
    case 0xa3: // x400Address
    case 0xa4: // directoryName
    case 0xa5: // ediPartyName
    case 0x87: // iPAddress
      return { kind: "other" };
    case 0x88: // registeredID
      r.oid(field, t);
      return { kind: "other" };
    default:
      return r.fail(`identifier 0x${t.tag.toString(16)} is not a GeneralName`, field);
  }
}

/** A SEQUENCE SIZE (1..MAX) OF GeneralName. */
function generalNames(r: DerReader): GeneralName[] {
  const out: GeneralName[] = [];
  while (!r.atEnd()) out.push(generalName(r, String(out.length)));
  if (out.length === 0) r.fail("empty GeneralNames");
  return out;
}

const keyUsageList = Object.entries(keyUsageBits) as [KeyUsageName, number][];

function keyUsageNames(bits: Uint8Array): KeyUsageName[] {
  const out: KeyUsageName[] = [];
  for (const [n, bit] of keyUsageList) {
    const byte = bits[bit >> 3] ?? 0;
    if ((byte & (0x80 >> (bit & 7))) !== 0) out.push(n);
  }
  return out;
}

/** Mutable state while reading the extensions. */
interface Extensions {
  isCa: boolean;
  pathLenConstraint: number | undefined;
  keyUsage: KeyUsageName[] | undefined;
  extKeyUsage: string[] | undefined;
  sanUris: string[];
  sanDnsNames: string[];
  sanOtherCount: number;
  criticalExtensions: string[];
  subtrees: UriDnsSubtrees | undefined;
  otherNameConstraints: boolean;
  policyExtensions: boolean;
}

/** GeneralSubtrees of a nameConstraints extension, into `uri` and `dns`; true if others are seen. */
function generalSubtrees(r: DerReader, uri: string[], dns: string[]): boolean {
  let other = false;
  if (r.atEnd()) r.fail("empty GeneralSubtrees");
  for (let i = 0; !r.atEnd(); i++) {
    const s = r.enter(derTags.sequence, String(i));
    const base = generalName(s, "base");
    if (base.kind === "uri") uri.push(base.value);
    else if (base.kind === "dns") dns.push(base.value);
    else other = true;
    // minimum [0] DEFAULT 0 and maximum [1]: RFC 5280 §4.2.1.10 says they MUST be absent (other = unchecked here)
    if (s.optional(0x80, "minimum") !== undefined) other = true;
    if (s.optional(0x81, "maximum") !== undefined) other = true;
    s.finish("GeneralSubtree");
  }
  return other;
}

/** Read one extension's value (RFC 5280 §4.2.1) into `x`. */
function extensionValue(oid: string, v: DerReader, x: Extensions): void {
  switch (oid) {
    case extensionOids.basicConstraints: {
      const bc = v.enter(derTags.sequence, "basicConstraints");
      const ca = bc.optional(derTags.boolean, "cA");
      if (ca !== undefined) {
        if (!bc.boolean("cA", ca)) bc.defaultEncoded("cA FALSE", "cA");
        x.isCa = true;
      }
      const len = bc.optional(derTags.integer, "pathLenConstraint");
      if (len !== undefined) x.pathLenConstraint = bc.smallNonNegative("pathLenConstraint", len);
      bc.finish("BasicConstraints");
      break;
    }
    case extensionOids.keyUsage:
      x.keyUsage = keyUsageNames(v.bitString("keyUsage").bits);
      break;
    case extensionOids.extKeyUsage: {
      const eku = v.enter(derTags.sequence, "extKeyUsage");
      const purposes: string[] = [];
      while (!eku.atEnd()) purposes.push(eku.oid(String(purposes.length)));
      if (purposes.length === 0) eku.fail("empty ExtKeyUsageSyntax");
      x.extKeyUsage = purposes;
      break;
    }
    case extensionOids.subjectAltName:
      for (const n of generalNames(v.enter(derTags.sequence, "subjectAltName"))) {
        if (n.kind === "uri") x.sanUris.push(n.value);
        else if (n.kind === "dns") x.sanDnsNames.push(n.value);
        else x.sanOtherCount++;
      }
      break;
    case extensionOids.nameConstraints: {
      const nc = v.enter(derTags.sequence, "nameConstraints");
      const s = { permittedUri: [], excludedUri: [], permittedDns: [], excludedDns: [] } as {
        permittedUri: string[];
        excludedUri: string[];
        permittedDns: string[];
        excludedDns: string[];
      };
      const permitted = nc.optional(0xa0, "permittedSubtrees");
      if (permitted !== undefined) {
        const r = nc.into(permitted, "permittedSubtrees");
        if (generalSubtrees(r, s.permittedUri, s.permittedDns)) x.otherNameConstraints = true;
      }
      const excluded = nc.optional(0xa1, "excludedSubtrees");
      if (excluded !== undefined) {
        const r = nc.into(excluded, "excludedSubtrees");
        if (generalSubtrees(r, s.excludedUri, s.excludedDns)) x.otherNameConstraints = true;
      }
      // RFC 5280 §4.2.1.10: at least one of permittedSubtrees and excludedSubtrees MUST be present.
      if (permitted === undefined && excluded === undefined) nc.fail("empty NameConstraints");
      nc.finish("NameConstraints");
      x.subtrees = s;
      break;
    }
    default:
      // not read here: its value stays opaque (a critical one is refused by path validation)
      if (policyExtensionOids.has(oid)) x.policyExtensions = true;
      return;
  }
  v.finish(`${oid} extension value`);
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension (RFC 5280 §4.1.2.9). */
function extensions(r: DerReader, x: Extensions): void {
  const seen = new Set<string>();
  if (r.atEnd()) r.fail("empty Extensions");
  for (let i = 0; !r.atEnd(); i++) {
    const e = r.enter(derTags.sequence, String(i));
    const oid = e.oid("extnID");
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(oid)) e.fail(`duplicate extension ${oid}`);
    seen.add(oid);
    const critical = e.optional(derTags.boolean, "critical");
    if (critical !== undefined) {
      if (!e.boolean("critical", critical)) e.defaultEncoded("critical FALSE", "critical");
      x.criticalExtensions.push(oid);
    }
    const value = e.expect(derTags.octetString, "extnValue");
    e.finish("Extension");
    const v = e.into(value, "extnValue");
    extensionValue(oid, v, x);
  }
}

/**
 * {@link CertificateParts} kept as offsets into the certificate's DER, the views made when read:
 * a decoded certificate is kept by the caches, and every object kept costs the garbage collector
 * each time it moves it (nine views and two objects per certificate before).
 */
class Parts implements CertificateParts {
  readonly #der: Uint8Array;
  readonly #at: readonly number[];
  readonly #signatureOid: string;
  readonly #publicKeyOid: string;
  readonly signatureUnusedBits: number;
  readonly publicKeyUnusedBits: number;
  readonly subtrees: UriDnsSubtrees | undefined;
  readonly otherNameConstraints: boolean;
  readonly policyExtensions: boolean;

  constructor(der: Uint8Array, p: CertificateParts) {
    this.#der = der;
    // views into `der` (offsets, small integers in one array); -1 for absent parameters
    const views = [
      p.tbs,
      p.issuer,
      p.subject,
      p.signature,
      p.publicKey,
      p.signatureAlgorithm.encoded,
      p.signatureAlgorithm.params,
      p.publicKeyAlgorithm.encoded,
      p.publicKeyAlgorithm.params,
    ];
    const at: number[] = [];
    for (const v of views) {
      const start = v === undefined ? -1 : v.byteOffset - der.byteOffset;
      at.push(start, v === undefined ? -1 : start + v.length);
    }
    this.#at = at;
    this.#signatureOid = p.signatureAlgorithm.oid;
    this.#publicKeyOid = p.publicKeyAlgorithm.oid;
    this.signatureUnusedBits = p.signatureUnusedBits;
    this.publicKeyUnusedBits = p.publicKeyUnusedBits;
    this.subtrees = p.subtrees;
    this.otherNameConstraints = p.otherNameConstraints;
    this.policyExtensions = p.policyExtensions;
  }

  #view(i: number): Uint8Array {
    return this.#der.subarray(this.#at[i]!, this.#at[i + 1]!);
  }

  #algorithm(i: number, oid: string): AlgorithmIdentifier {
    return { oid, params: this.#at[i + 2]! < 0 ? undefined : this.#view(i + 2), encoded: this.#view(i) };
  }

  get tbs(): Uint8Array {
    return this.#view(0);
  }
  get issuer(): Uint8Array {
    return this.#view(2);
  }
  get subject(): Uint8Array {
    return this.#view(4);
  }
  get signature(): Uint8Array {
    return this.#view(6);
  }
  get publicKey(): Uint8Array {
    return this.#view(8);
  }
  get signatureAlgorithm(): AlgorithmIdentifier {
    return this.#algorithm(10, this.#signatureOid);
  }
  get publicKeyAlgorithm(): AlgorithmIdentifier {
    return this.#algorithm(14, this.#publicKeyOid);
  }
}

/** Decode the certificate structure into facts and parts (no caching, no pkijs). */
function readCertificate(
  der: Uint8Array,
  path: string,
): { facts: CertificateFacts; parts: CertificateParts } {
  const cert = derTop(der, derTags.sequence, "certificate", path);
  const tbsTlv: Tlv = cert.expect(derTags.sequence, "tbsCertificate");
  const signatureAlgorithm = algorithmIdentifier(cert, "signatureAlgorithm");
  const signatureValue = cert.bitString("signatureValue");
  cert.finish("certificate");

  const tbs = cert.into(tbsTlv, "tbsCertificate");
  const version = tbs.optional(0xa0, "version");
  let v = 0;
  if (version !== undefined) {
    const vr = tbs.into(version, "version");
    v = vr.smallNonNegative("");
    vr.finish("version");
  }
  if (v !== 2) throw new CodecError(`certificate version ${v + 1}, expected v3`, { path });
  const serial = tbs.integerBytes("serialNumber");
  const innerAlgorithm = algorithmIdentifier(tbs, "signature");
  const issuer = name(tbs, "issuer");
  const validity = tbs.enter(derTags.sequence, "validity");
  const notBefore = validity.time("notBefore");
  const notAfter = validity.time("notAfter");
  validity.finish("Validity");
  const subject = name(tbs, "subject");
  const spkiTlv = tbs.expect(derTags.sequence, "subjectPublicKeyInfo");
  const spki = tbs.into(spkiTlv, "subjectPublicKeyInfo");
  const publicKeyAlgorithm = algorithmIdentifier(spki, "algorithm");
  const publicKey = spki.bitString("subjectPublicKey");
  spki.finish("SubjectPublicKeyInfo");
  const issuerUid = tbs.optional(0x81, "issuerUniqueID");
  if (issuerUid !== undefined) tbs.bitString("issuerUniqueID", issuerUid);
  const subjectUid = tbs.optional(0x82, "subjectUniqueID");
  if (subjectUid !== undefined) tbs.bitString("subjectUniqueID", subjectUid);
  const x: Extensions = {
    isCa: false,
    pathLenConstraint: undefined,
    keyUsage: undefined,
    extKeyUsage: undefined,
    sanUris: [],
    sanDnsNames: [],
    sanOtherCount: 0,
    criticalExtensions: [],
    subtrees: undefined,
    otherNameConstraints: false,
    policyExtensions: false,
  };
  const ext = tbs.optional(0xa3, "extensions");
  if (ext !== undefined) {
    const outer = tbs.into(ext, "extensions");
    const list = outer.expect(derTags.sequence, "");
    outer.finish("extensions");
    extensions(tbs.into(list, "extensions"), x);
  }
  tbs.finish("tbsCertificate");

  // [IDENTITY-PATH-09] RFC 5280 §4.1.1.2: signatureAlgorithm MUST contain the same algorithm
  // identifier as the signature field in the sequence tbsCertificate.
  if (!bytesEqual(innerAlgorithm.encoded, signatureAlgorithm.encoded)) {
    throw new CodecError("tbsCertificate.signature differs from signatureAlgorithm", {
      path,
      rule: "IDENTITY-PATH-09",
    });
  }
  const facts: CertificateFacts = Object.freeze({
    der,
    serialNumber: serialNumberHex(serial),
    notBefore,
    notAfter,
    isCa: x.isCa,
    pathLenConstraint: x.pathLenConstraint,
    keyUsage: x.keyUsage,
    extKeyUsage: x.extKeyUsage,
    sanUris: x.sanUris,
    sanDnsNames: x.sanDnsNames,
    sanOtherCount: x.sanOtherCount,
    criticalExtensions: x.criticalExtensions,
    signatureAlgorithm: signatureAlgorithm.oid,
    subjectPublicKeyInfo: der.subarray(spkiTlv.start, spkiTlv.end),
    publicKeyAlgorithm: publicKeyAlgorithm.oid,
  });
  const parts = new Parts(der, {
    tbs: der.subarray(tbsTlv.start, tbsTlv.end),
    issuer,
    subject,
    signatureAlgorithm,
    signature: signatureValue.bits,
    signatureUnusedBits: signatureValue.unused,
    publicKeyAlgorithm,
    publicKey: publicKey.bits,
    publicKeyUnusedBits: publicKey.unused,
    subtrees: x.subtrees,
    otherNameConstraints: x.otherNameConstraints,
    policyExtensions: x.policyExtensions,
  });
  return { facts, parts };
}

/**
 * A DER SubjectPublicKeyInfo (RFC 5280 §4.1): its algorithm and the key's octets.
 *
 * @throws CodecError naming `path` when the bytes are not one.
 */
export function readSubjectPublicKeyInfo(
  spki: Uint8Array,
  path: string,
): { readonly algorithm: AlgorithmIdentifier; readonly key: Uint8Array; readonly unusedBits: number } {
  const r = derTop(spki, derTags.sequence, "SubjectPublicKeyInfo", path);
  const algorithm = algorithmIdentifier(r, "algorithm");
  const key = r.bitString("subjectPublicKey");
  r.finish("SubjectPublicKeyInfo");
  return { algorithm, key: key.bits, unusedBits: key.unused };
}

/** pkijs's object for the same bytes (the rare paths), built on first use. */
function toPkijs(der: Uint8Array, path: string): pkijs.Certificate {
  try {
    return new pkijs.Certificate({ schema: parseBer(der, "certificate", path) });
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError(`not an X.509 certificate: ${(e as Error).message}`, { path, cause: e });
  }
}

/**
 * Decode one DER certificate strictly: exactly one DER value with no trailing bytes, an X.509 v3
 * structure (RFC 5280 §4.1), no duplicate extensions, the extensions the profile reads well formed,
 * and the inner and outer signature algorithms equal.
 *
 * @throws CodecError naming `path` when the bytes are not such a certificate.
 */
export function decodeCertificate(der: Uint8Array, path = "/"): DecodedCertificate {
  return decodeWithParts(der, path).decoded;
}

/** {@link decodeCertificate} with the internal parts (cached together). */
export function decodeWithParts(
  der: Uint8Array,
  path = "/",
): { readonly decoded: DecodedCertificate; readonly parts: CertificateParts } {
  // the same bytes object again (a chain passed from call to call): compared, not hashed
  const same = byObject.get(der);
  if (same !== undefined && bytesEqual(same.decoded.facts.der, der)) return same;
  const key = byteKey(der);
  const known = decoded.get(key);
  if (known !== undefined && bytesEqual(known.decoded.facts.der, der)) {
    // most recently used last
    decoded.delete(key);
    decoded.set(key, known);
    byObject.set(der, known);
    return known;
  }
  const out = decodeFresh(der, path);
  decoded.delete(key);
  if (decoded.size >= DECODED_CACHE_SIZE) decoded.delete(decoded.keys().next().value!);
  decoded.set(key, out);
  byObject.set(der, out);
  partsByDecoded.set(out.decoded, out.parts);
  return out;
}

/** The parts of a decoded certificate (kept with it, or decoded again from its DER). */
export function partsOf(c: DecodedCertificate): CertificateParts {
  return partsByDecoded.get(c) ?? decodeWithParts(c.facts.der).parts;
}

/** The last decoding of a bytes object (checked against the bytes, which a caller may change). */
const byObject = new WeakMap<Uint8Array, { decoded: DecodedCertificate; parts: CertificateParts }>();
/** The parts of each certificate this module decoded. */
const partsByDecoded = new WeakMap<DecodedCertificate, CertificateParts>();

/**
 * Certificates decoded lately, by their DER bytes ({@link byteKey}, the bytes compared on a hit),
 * least recently used first. Decoding is a
 * pure function of the bytes, and the same certificates come again and again (a room's members
 * seen by every commit and join, a CA under every chain); only successes are kept. The decoded
 * objects are shared: callers only read them.
 */
const decoded = new Map<string, { decoded: DecodedCertificate; parts: CertificateParts }>();
const DECODED_CACHE_SIZE = 1024;

function decodeFresh(
  der: Uint8Array,
  path: string,
): { decoded: DecodedCertificate; parts: CertificateParts } {
  const own = der.slice();
  const { facts, parts } = readCertificate(own, path);
  return { decoded: Object.freeze(new Decoded(facts, path)), parts };
}

/** A {@link DecodedCertificate}: pkijs's object made on first use (no closure per certificate). */
class Decoded implements DecodedCertificate {
  readonly facts: CertificateFacts;
  readonly #path: string;
  #cert: pkijs.Certificate | undefined;
  constructor(facts: CertificateFacts, path: string) {
    this.facts = facts;
    this.#path = path;
  }

  get pkijs(): pkijs.Certificate {
    this.#cert ??= toPkijs(this.facts.der, this.#path);
    return this.#cert;
  }
}
