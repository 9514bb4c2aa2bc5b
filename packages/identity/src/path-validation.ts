/**
 * Certification path validation (RFC 5280 §6) with pkijs, completed where pkijs is silent, and a
 * fast path for the common case that never builds a pkijs object.
 *
 * The fast path: the issuer of each certificate is the one candidate whose subject has the same
 * DER as its issuer name, its signature verifies through WebCrypto with the issuer's key imported
 * once (`signature.ts`; a verified signature of an intermediate is remembered), the path ends at
 * the anchor, and no certificate in it needs what only pkijs implements (policy extensions, name
 * constraints on name forms other than URI and dNSName). With every check pkijs makes on success
 * thus made here too (validity, name chaining, signatures, issuers are CAs with keyCertSign; the
 * checks below it does not make are made on both paths), the fast path accepts exactly what pkijs
 * would; anything it does not accept goes through pkijs, which then names the failure.
 *
 * pkijs's `CertificateChainValidationEngine` builds the path to a trust anchor and checks
 * signatures (through {@link MimiCryptoEngine}, which adds Ed25519), name chaining, validity,
 * basicConstraints cA and name constraints. This module adds what it does not check:
 * pathLenConstraint, keyCertSign on every issuer, unknown critical extensions, the trust anchor's own
 * name constraints (decision 0403), an algorithm allow-list, and CRL revocation (§6.3).
 */
import { bytesEqual, CodecError } from "@mimi/wire";
import * as pkijs from "pkijs";
import {
  type CertificateFacts,
  type CertificateParts,
  type DecodedCertificate,
  decodeWithParts,
  extensionOids,
  partsOf,
  publicKeyOids,
  signatureAlgorithmOids,
} from "./certificate.js";
import { crlNamesIssuer, crlSignedBy, type DecodedCrl, decodeCrl, revocationOf } from "./crl.js";
import { mimiCryptoEngine } from "./crypto-engine.js";
import { type CertificateFailureReason, CertificateValidationError } from "./errors.js";
import { nameOutsideSubtrees } from "./name-constraints.js";
import { verifyCertificateSignature } from "./signature.js";

/** A trusted CA certificate and the provider domain it vouches for. */
export interface TrustAnchor {
  /** The provider domain (lower case, A-labels) whose identifiers this anchor may certify. */
  readonly domain: string;
  readonly certificate: DecodedCertificate;
}

/** What {@link validateCertificatePath} needs. */
export interface PathValidationInput {
  /** DER certificates, the end-entity certificate first (RFC 9420 §5.3 order), then intermediates. */
  readonly chain: readonly Uint8Array[];
  /** Candidate trust anchors (normally those of one provider domain). */
  readonly anchors: readonly TrustAnchor[];
  /** The validation time (RFC 5280 §6.1.1 (b)). */
  readonly at: Date;
  /** DER CRLs to consult; an issuer with no CRL here is not checked for revocation. */
  readonly crls?: readonly Uint8Array[];
}

/** A validated path. */
export interface ValidatedPath {
  /** The certificates from the end entity to the trust anchor (inclusive). */
  readonly path: readonly CertificateFacts[];
  /** The anchor the path ends at. */
  readonly anchor: TrustAnchor;
}

const allowedSignatureAlgorithms = new Set<string>(Object.values(signatureAlgorithmOids));

const processedCriticalExtensions = new Set<string>([
  extensionOids.keyUsage,
  extensionOids.basicConstraints,
  extensionOids.subjectAltName,
  extensionOids.nameConstraints,
  extensionOids.extKeyUsage,
  extensionOids.certificatePolicies,
]);

function fail(reason: CertificateFailureReason, what: string, path: string, rule: string): never {
  throw new CertificateValidationError(what, { reason, path, rule });
}

function checkEach(facts: CertificateFacts, at: Date, path: string): void {
  // Algorithms outside the profile (decision 0402): ECDSA with SHA-2 and Ed25519 only.
  if (!allowedSignatureAlgorithms.has(facts.signatureAlgorithm)) {
    fail(
      "unsupported-algorithm",
      `signature algorithm ${facts.signatureAlgorithm} is not in the profile`,
      path,
      "IDENTITY-PATH-01",
    );
  }
  // [IDENTITY-PATH-08] RFC 5280 §4.2: a system MUST reject the certificate if it encounters a
  // critical extension it does not recognize.
  for (const oid of facts.criticalExtensions) {
    if (!processedCriticalExtensions.has(oid)) {
      fail(
        "unknown-critical-extension",
        `critical extension ${oid} is not processed`,
        path,
        "IDENTITY-PATH-08",
      );
    }
  }
  // [IDENTITY-CERT-04] RFC 9295 §3: an Ed25519 key's keyUsage MUST NOT contain keyEncipherment,
  // dataEncipherment, keyAgreement, encipherOnly or decipherOnly (nor keyCertSign in an end entity).
  if (facts.publicKeyAlgorithm === publicKeyOids.Ed25519 && facts.keyUsage !== undefined) {
    const forbidden = ["keyEncipherment", "dataEncipherment", "keyAgreement", "encipherOnly", "decipherOnly"];
    if (!facts.isCa) forbidden.push("keyCertSign");
    const bad = facts.keyUsage.filter((u) => forbidden.includes(u));
    if (bad.length > 0) {
      fail(
        "key-usage",
        `keyUsage ${bad.join(", ")} is not allowed for an Ed25519 key`,
        path,
        "IDENTITY-CERT-04",
      );
    }
  }
  // [IDENTITY-PATH-02] RFC 5280 §6.1.3 (a)(2): the certificate validity period includes the current time.
  if (at.getTime() < facts.notBefore.getTime()) {
    fail("not-yet-valid", `not valid before ${facts.notBefore.toISOString()}`, path, "IDENTITY-PATH-02");
  }
  if (at.getTime() > facts.notAfter.getTime()) {
    fail("expired", `expired at ${facts.notAfter.toISOString()}`, path, "IDENTITY-PATH-02");
  }
}

function nameConstraintsOf(cert: pkijs.Certificate): {
  permitted: pkijs.GeneralSubtree[];
  excluded: pkijs.GeneralSubtree[];
} {
  const nc = cert.extensions?.find((e) => e.extnID === extensionOids.nameConstraints)?.parsedValue as
    | pkijs.NameConstraints
    | undefined;
  return { permitted: nc?.permittedSubtrees ?? [], excluded: nc?.excludedSubtrees ?? [] };
}

const pkijsReasons: Readonly<Record<number, CertificateFailureReason>> = {
  3: "not-a-ca",
  4: "key-usage",
  5: "key-usage",
  6: "unknown-critical-extension",
  7: "not-a-ca",
  8: "expired",
  10: "untrusted",
  14: "not-a-ca",
  41: "name-constraints",
  42: "name-constraints",
};

const pkijsRules: Readonly<Record<string, string>> = {
  "not-a-ca": "IDENTITY-PATH-03",
  "key-usage": "IDENTITY-PATH-05",
  "unknown-critical-extension": "IDENTITY-PATH-08",
  expired: "IDENTITY-PATH-02",
  "name-constraints": "IDENTITY-PATH-06",
  untrusted: "IDENTITY-PATH-10",
  "bad-signature": "IDENTITY-PATH-01",
};

/**
 * Walk issuers by name from the leaf, checking each signature: the path to the anchor, or why
 * there is none (a named issuer whose key does not verify the signature is a bad signature; no
 * issuer by name is an untrusted chain). Used to explain a pkijs failure precisely.
 */
async function walkPath(
  chain: readonly DecodedCertificate[],
  anchor: DecodedCertificate,
): Promise<
  { certificates: DecodedCertificate[] } | { reason: CertificateFailureReason; what: string; path: string }
> {
  const pool = [...chain.slice(1), anchor];
  let current = chain[0]!;
  const path = [current];
  const engine = mimiCryptoEngine();
  while (current !== anchor && path.length <= pool.length + 1) {
    const named = pool.filter((c) => c !== current && current.pkijs.issuer.isEqual(c.pkijs.subject));
    const where = `/chain/${chain.indexOf(current)}`;
    if (named.length === 0)
      return { reason: "untrusted", what: "no issuer certificate leads to a trust anchor", path: where };
    let next: DecodedCertificate | undefined;
    for (const candidate of named) {
      let ok = false;
      try {
        ok = await current.pkijs.verify(candidate.pkijs, engine);
      } catch {
        ok = false;
      }
      if (ok) {
        next = candidate;
        break;
      }
    }
    if (next === undefined)
      return {
        reason: "bad-signature",
        what: "signature does not verify with the issuer's key",
        path: where,
      };
    current = next;
    path.push(current);
  }
  if (current !== anchor) return { reason: "untrusted", what: "no path to the trust anchor", path: "/chain" };
  return { certificates: path };
}

async function tryAnchor(
  chain: readonly DecodedCertificate[],
  anchor: TrustAnchor,
  at: Date,
): Promise<{ ok: true; path: DecodedCertificate[] } | { ok: false; error: CertificateValidationError }> {
  const constraints = nameConstraintsOf(anchor.certificate.pkijs);
  // pkijs takes the end-entity certificate last.
  const engine = new pkijs.CertificateChainValidationEngine({
    trustedCerts: [anchor.certificate.pkijs],
    certs: [...chain.slice(1).map((c) => c.pkijs), chain[0]!.pkijs],
    checkDate: at,
  });
  const result = await engine.verify(
    {
      // [IDENTITY-PATH-06] RFC 5280 §6.1.1 (d),(e) and §6.1.3 (b),(c): names in the path MUST be
      // within the permitted subtrees and outside the excluded subtrees; the anchor's own
      // constraints are the initial sets (decision 0403).
      initialPermittedSubtreesSet: constraints.permitted,
      initialExcludedSubtreesSet: constraints.excluded,
    },
    mimiCryptoEngine(),
  );
  if (result.result) {
    const byObject = new Map<pkijs.Certificate, DecodedCertificate>([
      ...chain.map((c) => [c.pkijs, c] as const),
      [anchor.certificate.pkijs, anchor.certificate],
    ]);
    const path = (result.certificatePath ?? []).map((c) => byObject.get(c));
    if (
      path.length < 2 ||
      path.some((c) => c === undefined) ||
      path[path.length - 1] !== anchor.certificate
    ) {
      return {
        ok: false,
        error: new CertificateValidationError("path does not end at the trust anchor", {
          reason: "untrusted",
          path: "/chain",
          rule: "IDENTITY-PATH-10",
        }),
      };
    }
    return { ok: true, path: path as DecodedCertificate[] };
  }
  const walked = await walkPath(chain, anchor.certificate);
  if ("certificates" in walked) {
    // pkijs found a problem on a path we can rebuild: our own issuer checks name it precisely.
    try {
      checkIssuers(walked.certificates, chain);
    } catch (e) {
      return { ok: false, error: e as CertificateValidationError };
    }
  }
  const known = pkijsReasons[result.resultCode];
  if (known !== undefined) {
    return {
      ok: false,
      error: new CertificateValidationError(result.resultMessage, {
        reason: known,
        path: "/chain",
        rule: pkijsRules[known]!,
      }),
    };
  }
  const d =
    "certificates" in walked
      ? { reason: "untrusted" as const, what: result.resultMessage, path: "/chain" }
      : walked;
  return {
    ok: false,
    error: new CertificateValidationError(d.what, {
      reason: d.reason,
      path: d.path,
      rule: pkijsRules[d.reason]!,
    }),
  };
}

/** The same name (RFC 5280 §7.1): the same DER, or equal under pkijs's comparison. */
function sameName(a: Uint8Array, b: Uint8Array, slow: () => boolean): boolean {
  return bytesEqual(a, b) || slow();
}

function isSelfIssued(c: DecodedCertificate): boolean {
  const p = partsOf(c);
  return sameName(p.subject, p.issuer, () => c.pkijs.subject.isEqual(c.pkijs.issuer));
}

function checkIssuers(path: readonly DecodedCertificate[], input: readonly DecodedCertificate[]): void {
  for (let i = 1; i < path.length; i++) {
    const issuer = path[i]!;
    // [IDENTITY-PATH-03] RFC 5280 §6.1.4 (k): an issuing certificate MUST have basicConstraints cA TRUE.
    if (!issuer.facts.isCa)
      fail("not-a-ca", "issuer is not a CA certificate", pointerIn(input, issuer), "IDENTITY-PATH-03");
    // [IDENTITY-PATH-05] RFC 5280 §4.2.1.3 and §6.1.4 (n): a certificate that signs certificates MUST
    // carry keyUsage with keyCertSign set.
    if (issuer.facts.keyUsage === undefined || !issuer.facts.keyUsage.includes("keyCertSign")) {
      fail("key-usage", "issuer's keyUsage lacks keyCertSign", pointerIn(input, issuer), "IDENTITY-PATH-05");
    }
    // [IDENTITY-PATH-04] RFC 5280 §4.2.1.9 and §6.1.4 (l),(m): pathLenConstraint gives the maximum
    // number of non-self-issued intermediate certificates that may follow this one in the path.
    // [IDENTITY-PATH-06] every certificate below this CA keeps its names within this CA's own
    // constraints, so that the constraints of all CAs in the path hold together.
    const subtrees = partsOf(issuer).subtrees;
    if (subtrees !== undefined) {
      for (let k = 0; k < i; k++) {
        const below = path[k]!;
        const outside = nameOutsideSubtrees(subtrees, below.facts.sanUris, below.facts.sanDnsNames);
        if (outside !== undefined) {
          fail(
            "name-constraints",
            `${outside} is outside the name constraints of ${pointerIn(input, issuer)}`,
            pointerIn(input, below),
            "IDENTITY-PATH-06",
          );
        }
      }
    }
    const limit = issuer.facts.pathLenConstraint;
    if (limit !== undefined) {
      let below = 0;
      for (let k = 1; k < i; k++) if (!isSelfIssued(path[k]!)) below++;
      if (below > limit) {
        fail(
          "path-length-exceeded",
          `${below} intermediate certificates below a CA with pathLenConstraint ${limit}`,
          pointerIn(input, issuer),
          "IDENTITY-PATH-04",
        );
      }
    }
  }
}

async function checkRevocation(
  path: readonly DecodedCertificate[],
  crls: readonly DecodedCrl[],
  at: Date,
  input: readonly DecodedCertificate[],
): Promise<void> {
  for (let i = 0; i < path.length - 1; i++) {
    const subject = path[i]!;
    const issuer = path[i + 1]!;
    for (const [k, crl] of crls.entries()) {
      if (!crlNamesIssuer(crl, issuer)) continue;
      const where = `/crls/${k}`;
      // [IDENTITY-CRL-01] RFC 5280 §6.3.3 (f),(g): the CRL's signature MUST verify with the
      // issuer's key, that key MUST be allowed to sign CRLs (cRLSign), and the CRL MUST be current.
      if (!(await crlSignedBy(crl, issuer)))
        fail("bad-crl", "CRL signature does not verify with the issuer's key", where, "IDENTITY-CRL-01");
      if (issuer.facts.keyUsage !== undefined && !issuer.facts.keyUsage.includes("cRLSign")) {
        fail("bad-crl", "CRL issuer's keyUsage lacks cRLSign", where, "IDENTITY-CRL-01");
      }
      if (crl.thisUpdate.getTime() > at.getTime()) {
        fail(
          "bad-crl",
          `CRL is not yet current (thisUpdate ${crl.thisUpdate.toISOString()})`,
          where,
          "IDENTITY-CRL-01",
        );
      }
      if (crl.nextUpdate !== undefined && crl.nextUpdate.getTime() < at.getTime()) {
        fail(
          "bad-crl",
          `CRL is stale (nextUpdate ${crl.nextUpdate.toISOString()})`,
          where,
          "IDENTITY-CRL-01",
        );
      }
      // [IDENTITY-PATH-07] RFC 5280 §6.1.3 (a)(3): the certificate MUST NOT be revoked at the
      // validation time.
      const revocationDate = revocationOf(crl, subject.facts.serialNumber);
      if (revocationDate !== undefined && revocationDate.getTime() <= at.getTime()) {
        fail(
          "revoked",
          `certificate ${subject.facts.serialNumber} revoked at ${revocationDate.toISOString()}`,
          pointerIn(input, subject),
          "IDENTITY-PATH-07",
        );
      }
    }
  }
}

/** Signatures verified: by a certificate's parts, the parts of the issuers whose key verified it. */
const signatureVerified = new WeakMap<CertificateParts, WeakSet<CertificateParts>>();

/** Whether `subject`'s signature verifies with `issuer`'s key (undefined: not handled here). */
async function signedBy(
  subject: CertificateParts,
  issuer: DecodedCertificate,
  issuerParts: CertificateParts,
  remember: boolean,
): Promise<boolean | undefined> {
  if (signatureVerified.get(subject)?.has(issuerParts) === true) return true;
  const ok = await verifyCertificateSignature(subject, issuerParts, issuer.facts.subjectPublicKeyInfo);
  if (ok === true && remember) {
    let set = signatureVerified.get(subject);
    if (set === undefined) {
      set = new WeakSet();
      signatureVerified.set(subject, set);
    }
    set.add(issuerParts);
  }
  return ok;
}

/** Whether a CA's name constraints are all of the forms {@link checkIssuers} checks itself. */
function ownNameConstraintsOnly(p: CertificateParts): boolean {
  return !p.otherNameConstraints;
}

/** Whether `c` is the anchor's certificate (the same object or the same DER). */
function isAnchorCertificate(c: DecodedCertificate, anchor: DecodedCertificate): boolean {
  return c === anchor || bytesEqual(c.facts.der, anchor.facts.der);
}

/**
 * The path from `chain[0]` to `anchor` without pkijs, or undefined when the fast path does not
 * apply or does not succeed (the caller then runs pkijs's engine). See the module's comment.
 * `parts[i]` are `chain[i]`'s. The candidate issuers are the chain's other certificates (each
 * once, the anchor's own certificate excluded) and the anchor.
 */
async function fastPath(
  chain: readonly DecodedCertificate[],
  parts: readonly CertificateParts[],
  anchor: DecodedCertificate,
): Promise<DecodedCertificate[] | undefined> {
  const anchorParts = partsOf(anchor);
  let candidates = 1; // the anchor
  for (let i = 1; i < chain.length; i++) if (isCandidate(chain, i, anchor)) candidates++;
  let current = chain[0]!;
  let currentParts = parts[0]!;
  if (isAnchorCertificate(current, anchor) || currentParts.policyExtensions) return undefined;
  const path = [current];
  while (!isAnchorCertificate(current, anchor)) {
    if (path.length > candidates) return undefined;
    // the one candidate not yet in the path whose subject is the current certificate's issuer
    let next: DecodedCertificate | undefined;
    let nextParts: CertificateParts | undefined;
    let named = 0;
    for (let i = 1; i <= chain.length; i++) {
      const c = i < chain.length ? chain[i]! : anchor;
      if (i < chain.length && !isCandidate(chain, i, anchor)) continue;
      const p = i < chain.length ? parts[i]! : anchorParts;
      if (path.includes(c) || !bytesEqual(p.subject, currentParts.issuer)) continue;
      named++;
      next = c;
      nextParts = p;
    }
    if (named !== 1 || next === undefined || nextParts === undefined) return undefined;
    if (nextParts.policyExtensions || !ownNameConstraintsOnly(nextParts)) return undefined;
    // an intermediate's verified signature is remembered (the next leaf under it reuses it); an
    // end entity's is not (it comes once, and its path is remembered as a whole)
    if ((await signedBy(currentParts, next, nextParts, path.length > 1)) !== true) return undefined;
    current = next;
    currentParts = nextParts;
    path.push(current);
  }
  path[path.length - 1] = anchor;
  return path;
}

/** Whether `chain[i]` (i ≥ 1) is a candidate issuer: not the anchor, not an earlier one again. */
function isCandidate(chain: readonly DecodedCertificate[], i: number, anchor: DecodedCertificate): boolean {
  const c = chain[i]!;
  if (isAnchorCertificate(c, anchor)) return false;
  for (let k = 1; k < i; k++) if (chain[k] === c) return false;
  return true;
}

/** `/chain/<i>`, made once for the usual lengths. */
const chainPointers = Array.from({ length: 8 }, (_, i) => `/chain/${i}`);

function chainPointer(i: number): string {
  return chainPointers[i] ?? `/chain/${i}`;
}

/** The JSON pointer of `c` in the input: `/chain/<i>`, or `/anchor`. */
function pointerIn(chain: readonly DecodedCertificate[], c: DecodedCertificate): string {
  const i = chain.indexOf(c);
  return i >= 0 ? chainPointer(i) : "/anchor";
}

/**
 * Validate a certification path (RFC 5280 §6.1) from `chain[0]` to one of `anchors`, at `at`,
 * with revocation checked against `crls` (§6.3).
 *
 * @throws CodecError when a certificate or CRL does not decode (path `/chain/i` or `/crls/i`).
 * @throws CertificateValidationError with a `reason` when the path is not valid.
 */
export async function validateCertificatePath(input: PathValidationInput): Promise<ValidatedPath> {
  if (input.chain.length === 0) throw new CodecError("empty certificate chain", { path: "/chain" });
  const chain: DecodedCertificate[] = [];
  const parts: CertificateParts[] = [];
  for (let i = 0; i < input.chain.length; i++) {
    const d = decodeWithParts(input.chain[i]!, chainPointer(i));
    chain.push(d.decoded);
    parts.push(d.parts);
  }
  const crls =
    input.crls === undefined || input.crls.length === 0
      ? []
      : input.crls.map((der, i) => decodeCrl(der, `/crls/${i}`));
  for (let i = 0; i < chain.length; i++) checkEach(chain[i]!.facts, input.at, chainPointer(i));
  // [IDENTITY-PATH-10] RFC 5280 §6.1.1 (d): the path MUST end at a trust anchor the relying party
  // configured (per provider domain, decision 0401).
  if (input.anchors.length === 0)
    fail("untrusted", "no trust anchor for this provider", "/anchor", "IDENTITY-PATH-10");
  let firstError: CertificateValidationError | undefined;
  let namedError: CertificateValidationError | undefined;
  for (const anchor of input.anchors) {
    try {
      checkEach(anchor.certificate.facts, input.at, "/anchor");
    } catch (e) {
      firstError ??= e as CertificateValidationError;
      continue;
    }
    // [IDENTITY-PATH-01] RFC 5280 §6.1.3 (a)(1): each signature MUST verify with the working public
    // key (the issuer's); the fast path checks them through `#platform` (`signature.ts`), pkijs
    // through MimiCryptoEngine, which adds Ed25519.
    const fast = await fastPath(chain, parts, anchor.certificate);
    if (fast !== undefined) {
      checkIssuers(fast, chain);
      if (crls.length > 0) await checkRevocation(fast, crls, input.at, chain);
      const facts: CertificateFacts[] = [];
      for (const c of fast) facts.push(c.facts);
      return { path: facts, anchor };
    }
    const r = await tryAnchor(chain, anchor, input.at);
    if (r.ok) {
      checkIssuers(r.path, chain);
      await checkRevocation(r.path, crls, input.at, chain);
      return { path: r.path.map((c) => c.facts), anchor };
    }
    const named = chain.some((c) => c.pkijs.issuer.isEqual(anchor.certificate.pkijs.subject));
    if (named) namedError ??= r.error;
    firstError ??= r.error;
  }
  throw namedError ?? firstError!;
}
