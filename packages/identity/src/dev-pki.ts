/**
 * A development PKI: a provider CA bound to its domain, the provider's mutual-TLS certificate,
 * client certificates for MLS credentials, and CRLs. Keys and certificates are PEM (PKCS #8 for
 * private keys), so the transport, the demo and `mimi pki` can keep them in files.
 *
 * Not a production CA: keys are generated in process and kept in the returned objects.
 */
import "reflect-metadata";
import { parseClientUri, parseMimiUri, parseUserUri } from "@mimi/identifiers";
import { fromHex, ValidationError } from "@mimi/wire";
import * as x509 from "@peculiar/x509";
import type * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { parseBer } from "./ber.js";
import { extensionOids, publicKeyOids, serialNumberHex } from "./certificate.js";
import { decodePem, encodePem } from "./pem.js";
import { defaultLifetimesMs } from "./profile.js";

const subtle = globalThis.crypto.subtle;
const cryptoImpl = globalThis.crypto as unknown as NonNullable<
  Parameters<typeof x509.X509CertificateGenerator.create>[1]
>;
// WebCrypto's key types, named from the global so Node's and the DOM's typings both give them.
type CryptoKeyPair = Extract<Awaited<ReturnType<typeof subtle.generateKey>>, { privateKey: unknown }>;
type CryptoKey = CryptoKeyPair["privateKey"];

/** Key algorithms the development PKI issues with (decision 0402). */
export const keyAlgorithms = {
  "P-256": { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" },
  "P-384": { name: "ECDSA", namedCurve: "P-384", hash: "SHA-384" },
  Ed25519: { name: "Ed25519" },
} as const;

/** One of {@link keyAlgorithms}. */
export type KeyAlgorithmName = keyof typeof keyAlgorithms;

/** A certificate and its private key, PEM. */
export interface CertifiedKeyPem {
  readonly certificatePem: string;
  /** PKCS #8 PEM. */
  readonly privateKeyPem: string;
}

/** A provider's development PKI. */
export interface ProviderPki {
  /** The provider domain (lower case). */
  readonly domain: string;
  /** The provider CA: the trust anchor other providers configure for `domain`. */
  readonly ca: CertifiedKeyPem;
  /** The provider's certificate for the transport's mutual TLS (server and client side). */
  readonly server: CertifiedKeyPem;
}

/** Options of {@link createProviderPki}. */
export interface ProviderPkiOptions {
  /** Key algorithm of the CA and the server key (default P-256). */
  readonly algorithm?: KeyAlgorithmName;
  /** The issuance time (default now); certificates are valid from one minute before it. */
  readonly now?: Date;
  /** Put nameConstraints on the CA limiting it to `domain` (default true; decision 0403). */
  readonly nameConstraints?: boolean;
  /** pathLenConstraint of the CA (default 0: it issues end-entity certificates only). */
  readonly pathLength?: number;
}

const SKEW_MS = 60_000;

function algorithmOfKey(pkcs8: Uint8Array): KeyAlgorithmName {
  let info: pkijs.PrivateKeyInfo;
  try {
    info = new pkijs.PrivateKeyInfo({ schema: parseBer(pkcs8, "private key", "/privateKey") });
  } catch (e) {
    throw new ValidationError(`private key is not PKCS#8 DER: ${(e as Error).message}`, {
      path: "/privateKey",
      cause: e,
    });
  }
  const id = info.privateKeyAlgorithm.algorithmId;
  if (id === publicKeyOids.Ed25519) return "Ed25519";
  if (id === publicKeyOids.ecPublicKey) {
    const curve = (
      info.privateKeyAlgorithm.algorithmParams as asn1js.ObjectIdentifier | undefined
    )?.valueBlock.toString();
    if (curve === publicKeyOids.secp256r1) return "P-256";
    if (curve === publicKeyOids.secp384r1) return "P-384";
  }
  throw new ValidationError(`private key algorithm ${id} is not in the profile`, { path: "/privateKey" });
}

async function generateKeys(algorithm: KeyAlgorithmName): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(keyAlgorithms[algorithm], true, ["sign", "verify"])) as CryptoKeyPair;
}

async function importPrivateKey(pem: string): Promise<{ key: CryptoKey; algorithm: KeyAlgorithmName }> {
  const der = decodePem(pem, "PRIVATE KEY", "/privateKey");
  const algorithm = algorithmOfKey(der);
  const key = await subtle.importKey("pkcs8", new Uint8Array(der), keyAlgorithms[algorithm], true, ["sign"]);
  return { key, algorithm };
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return encodePem("PRIVATE KEY", new Uint8Array(await subtle.exportKey("pkcs8", key)));
}

function nameConstraintsExtension(domain: string): x509.Extension {
  const subtree = (type: number): pkijs.GeneralSubtree =>
    new pkijs.GeneralSubtree({ base: new pkijs.GeneralName({ type: type as 2 | 6, value: domain }) });
  const nc = new pkijs.NameConstraints({ permittedSubtrees: [subtree(6), subtree(2)] });
  return new x509.Extension(extensionOids.nameConstraints, true, nc.toSchema().toBER(false));
}

function lowerDomain(domain: string): string {
  // The provider URI's canonical domain (identifiers package): validates and lower-cases it.
  const p = parseMimiUri(`mimi://${domain}`);
  if (p.kind !== "provider")
    throw new ValidationError(`not a domain: ${JSON.stringify(domain)}`, { path: "/domain" });
  return p.domain;
}

async function certifiedPem(cert: x509.X509Certificate, key: CryptoKey): Promise<CertifiedKeyPem> {
  return {
    certificatePem: encodePem("CERTIFICATE", new Uint8Array(cert.rawData)),
    privateKeyPem: await privateKeyPem(key),
  };
}

/**
 * Create a provider CA for `domain` and the provider's mutual-TLS certificate.
 *
 * The CA is self-signed, carries the provider URI `mimi://<domain>` in its subjectAltName (which
 * names the domain it vouches for, decision 0401), basicConstraints cA with pathLenConstraint,
 * keyUsage keyCertSign and cRLSign, and by default nameConstraints permitting only `domain` for
 * URIs and DNS names. The server certificate carries dNSName `domain` and URI `mimi://<domain>`,
 * keyUsage digitalSignature and extended key usages serverAuth and clientAuth (decision 0404).
 *
 * @example
 * ```ts
 * const pki = await createProviderPki("a.example");
 * // pki.ca.certificatePem is the anchor peers configure for a.example
 * ```
 * @throws ValidationError when `domain` is not a valid provider domain.
 */
export async function createProviderPki(
  domain: string,
  options: ProviderPkiOptions = {},
): Promise<ProviderPki> {
  const d = lowerDomain(domain);
  const algorithm = options.algorithm ?? "P-256";
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - SKEW_MS);
  const caKeys = await generateKeys(algorithm);
  const caName = `CN=${d} MIMI provider CA, O=${d}`;
  const caExtensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, options.pathLength ?? 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, cryptoImpl),
    new x509.SubjectAlternativeNameExtension([{ type: "url", value: `mimi://${d}` }], false),
  ];
  if (options.nameConstraints !== false) caExtensions.push(nameConstraintsExtension(d));
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: caName,
      keys: caKeys,
      signingAlgorithm: keyAlgorithms[algorithm],
      notBefore,
      notAfter: new Date(notBefore.getTime() + defaultLifetimesMs.ca),
      extensions: caExtensions,
    },
    cryptoImpl,
  );
  const caPem = await certifiedPem(ca, caKeys.privateKey);
  const server = await issueProviderCertificate(caPem, { now });
  return {
    domain: d,
    ca: caPem,
    server: { certificatePem: server.certificatePem, privateKeyPem: server.privateKeyPem! },
  };
}

/** Options common to the certificates a provider CA issues. */
export interface LeafCertificateOptions {
  /**
   * The subject public key, DER SubjectPublicKeyInfo (for an MLS credential: the MLS signature
   * key, see `spkiFromMlsSignatureKey`). When absent, a key pair of `algorithm` is generated and
   * its private key returned.
   */
  readonly publicKey?: Uint8Array;
  /** Algorithm of a generated key (default: the CA's). */
  readonly algorithm?: KeyAlgorithmName;
  /** Issuance time (default now). */
  readonly now?: Date;
  /** Validity period in milliseconds (default: the profile's limit for the purpose). */
  readonly lifetimeMs?: number;
}

/** Options of {@link issueClientCertificate}. */
export interface ClientCertificateOptions extends LeafCertificateOptions {
  /** The user URI (`/u/` or `/p/`) the certificate proves. */
  readonly userUri: string;
  /** The client URI (`/d/`) the certificate proves. */
  readonly clientUri: string;
}

/** An issued certificate. */
export interface IssuedCertificate {
  readonly certificatePem: string;
  /** PKCS #8 PEM of a generated key; absent when the caller supplied `publicKey`. */
  readonly privateKeyPem?: string;
  /** Serial number, lowercase hex (for revocation). */
  readonly serialNumber: string;
}

/** An issued client certificate. */
export type IssuedClientCertificate = IssuedCertificate;

interface IssuingCa {
  readonly cert: x509.X509Certificate;
  readonly key: CryptoKey;
  readonly algorithm: KeyAlgorithmName;
  /** The provider domains the CA names (its `mimi://<domain>` subjectAltName URIs). */
  readonly domains: readonly string[];
}

/**
 * The issuing CAs met so far, by their PEM certificate and key (a few per process): parsing the CA
 * certificate and importing its key cost more than signing a leaf, and a big room's demo issues
 * 10,000 client certificates under three CAs (decision 0684).
 */
const issuingCas = new Map<string, Promise<IssuingCa>>();
const MAX_ISSUING_CAS = 64;

function issuingCa(ca: CertifiedKeyPem): Promise<IssuingCa> {
  const key = `${ca.certificatePem}\u0000${ca.privateKeyPem}`;
  const known = issuingCas.get(key);
  if (known !== undefined) return known;
  const made = parseIssuingCa(ca);
  // a CA that fails to parse is not remembered: the caller gets its error every time
  made.catch(() => issuingCas.delete(key));
  if (issuingCas.size >= MAX_ISSUING_CAS) issuingCas.delete(issuingCas.keys().next().value!);
  issuingCas.set(key, made);
  return made;
}

async function parseIssuingCa(ca: CertifiedKeyPem): Promise<IssuingCa> {
  const cert = new x509.X509Certificate(new Uint8Array(decodePem(ca.certificatePem, "CERTIFICATE", "/ca")));
  const domains = (cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [])
    .filter((n) => n.type === "url")
    .map((n) => parseMimiUri(n.value))
    .filter((p) => p.kind === "provider")
    .map((p) => p.domain);
  const { key, algorithm } = await importPrivateKey(ca.privateKeyPem);
  return { cert, key, algorithm, domains };
}

/** Issue an end-entity certificate under `ca` with the profile's basicConstraints and keyUsage. */
async function issueLeaf(
  ca: IssuingCa,
  options: LeafCertificateOptions,
  subject: string,
  defaultLifetimeMs: number,
  extensions: readonly x509.Extension[],
): Promise<IssuedCertificate> {
  const now = options.now ?? new Date();
  const notBefore = new Date(now.getTime() - SKEW_MS);
  let publicKey: CryptoKey | Uint8Array;
  let generated: CryptoKey | undefined;
  if (options.publicKey !== undefined) {
    publicKey = options.publicKey;
  } else {
    const keys = await generateKeys(options.algorithm ?? ca.algorithm);
    publicKey = keys.publicKey;
    generated = keys.privateKey;
  }
  const cert = await x509.X509CertificateGenerator.create(
    {
      subject,
      issuer: ca.cert.subject,
      publicKey: publicKey as x509.PublicKeyType,
      signingKey: ca.key,
      signingAlgorithm: keyAlgorithms[ca.algorithm],
      notBefore,
      notAfter: new Date(notBefore.getTime() + (options.lifetimeMs ?? defaultLifetimeMs)),
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false, cryptoImpl),
        ...extensions,
      ],
    },
    cryptoImpl,
  );
  const out: IssuedCertificate = {
    certificatePem: encodePem("CERTIFICATE", new Uint8Array(cert.rawData)),
    serialNumber: serialNumberHex(fromHex(cert.serialNumber)),
  };
  return generated === undefined ? out : { ...out, privateKeyPem: await privateKeyPem(generated) };
}

/**
 * Issue a client certificate under a provider CA: subjectAltName (critical) with exactly the
 * client URI and the user URI (draft-mahy-mimi-identity-05 §6.1), keyUsage digitalSignature,
 * basicConstraints cA FALSE (decision 0400).
 *
 * @throws ValidationError when a URI is malformed or of the wrong kind, when the identifiers are
 *   not both under the CA's domain, or when the CA key is outside the profile.
 */
export async function issueClientCertificate(
  ca: CertifiedKeyPem,
  options: ClientCertificateOptions,
): Promise<IssuedClientCertificate> {
  const client = parseMimiUri(parseClientUri(options.clientUri));
  const user = parseMimiUri(options.userUri);
  if (user.kind !== "u" && user.kind !== "p") parseUserUri(options.userUri);
  const issuer = await issuingCa(ca);
  if (!issuer.domains.includes(client.domain) || user.domain !== client.domain) {
    throw new ValidationError(
      `identifiers must be under the CA's domain (${issuer.domains.join(", ") || "none"})`,
      { path: "/clientUri" },
    );
  }
  return issueLeaf(
    issuer,
    options,
    `CN=${client.domain} MIMI client, O=${client.domain}`,
    defaultLifetimesMs.client,
    [
      new x509.SubjectAlternativeNameExtension(
        [
          { type: "url", value: client.uri },
          { type: "url", value: user.uri },
        ],
        true,
      ),
    ],
  );
}

/**
 * Issue a provider certificate under the provider's CA: subjectAltName dNSName `<domain>` and URI
 * `mimi://<domain>`, keyUsage digitalSignature, extKeyUsage serverAuth and clientAuth (decision
 * 0404). Used for the transport's mutual TLS and, with `publicKey` set to an MLS signature key, for
 * a provider's own MLS credentials (the hub as external sender, the franking agent).
 *
 * @throws ValidationError when the CA names no provider domain or its key is outside the profile.
 */
export async function issueProviderCertificate(
  ca: CertifiedKeyPem,
  options: LeafCertificateOptions = {},
): Promise<IssuedCertificate> {
  const issuer = await issuingCa(ca);
  const d = issuer.domains[0];
  if (d === undefined || issuer.domains.length !== 1) {
    throw new ValidationError("the CA must name exactly one provider domain", { path: "/ca" });
  }
  return issueLeaf(issuer, options, `CN=${d}, O=${d}`, defaultLifetimesMs.server, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    new x509.SubjectAlternativeNameExtension(
      [
        { type: "dns", value: d },
        { type: "url", value: `mimi://${d}` },
      ],
      false,
    ),
  ]);
}

/** Options of {@link issueCrl}. */
export interface CrlOptions {
  /** Serial numbers (hex) to list as revoked. */
  readonly revoked: readonly string[];
  /** thisUpdate and the revocation date (default now). */
  readonly now?: Date;
  /** Validity of the CRL in milliseconds (default 7 days). */
  readonly lifetimeMs?: number;
  /** The CRL reason code of every entry (RFC 5280 §5.3.1; default cessationOfOperation, 5). */
  readonly reason?: x509.X509CrlReason;
}

/**
 * Issue a CRL (RFC 5280 §5) signed by the CA, listing `revoked`.
 *
 * @throws ValidationError when the CA key is outside the profile.
 */
export async function issueCrl(ca: CertifiedKeyPem, options: CrlOptions): Promise<string> {
  const { cert: caCert, key, algorithm } = await issuingCa(ca);
  const now = options.now ?? new Date();
  const crl = await x509.X509CrlGenerator.create(
    {
      issuer: caCert.subject,
      thisUpdate: new Date(now.getTime() - SKEW_MS),
      nextUpdate: new Date(now.getTime() + (options.lifetimeMs ?? 7 * 86_400_000)),
      signingAlgorithm: keyAlgorithms[algorithm],
      signingKey: key,
      // Every entry carries a reasonCode: @peculiar/x509 2.2.0 writes an empty crlEntryExtensions
      // SEQUENCE otherwise, which RFC 5280 §5.1 (SIZE (1..MAX)) forbids and pkijs cannot read.
      entries: options.revoked.map((serialNumber) => ({
        serialNumber,
        revocationDate: new Date(now.getTime() - SKEW_MS),
        reason: options.reason ?? x509.X509CrlReason.cessationOfOperation,
      })),
    },
    cryptoImpl,
  );
  return encodePem("X509 CRL", new Uint8Array(crl.rawData));
}
