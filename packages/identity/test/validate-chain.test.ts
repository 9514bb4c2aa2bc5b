import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { readUpstreamText } from "@mimi/spec-vectors";
import { ValidationError } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCertificate } from "../src/certificate.js";
import { createProviderPki, issueClientCertificate, issueCrl, type ProviderPki } from "../src/dev-pki.js";
import { clientIdentityOf } from "../src/identity.js";
import { decodePem, decodePemAll } from "../src/pem.js";
import { createTrustStore, trustAnchor } from "../src/trust-store.js";
import { validateClientChain, validateServerChain } from "../src/validate-chain.js";
import { later, reasonOf } from "./helpers.js";
import { type OpensslCert, OpensslWorkspace, requireOpenssl } from "./openssl.js";

const der = (pem: string): Uint8Array => decodePem(pem, "CERTIFICATE");

let ws: OpensslWorkspace;
let a: ProviderPki;
let aCa: OpensslCert;
beforeAll(async () => {
  requireOpenssl();
  ws = new OpensslWorkspace();
  a = await createProviderPki("A.Example");
  // The development CA's files, for openssl to issue under it (an independent issuer).
  const certPath = join(ws.dir, "dev-a.pem");
  const keyPath = join(ws.dir, "dev-a.key");
  writeFileSync(certPath, a.ca.certificatePem);
  writeFileSync(keyPath, a.ca.privateKeyPem);
  aCa = {
    name: "dev-a",
    certPath,
    keyPath,
    pem: a.ca.certificatePem,
    der: der(a.ca.certificatePem),
    serial: "",
    algorithm: "P-256",
  };
});
afterAll(() => ws?.dispose());

const leafExt = (san: string, extra: readonly string[] = []): string[] => [
  "basicConstraints = critical, CA:FALSE",
  "keyUsage = critical, digitalSignature",
  `subjectAltName = critical, ${san}`,
  ...extra,
];
const ALICE = "URI:mimi://a.example/d/alice/phone, URI:mimi://a.example/u/alice";

describe("the development PKI", () => {
  for (const algorithm of ["P-256", "P-384", "Ed25519"] as const) {
    it(`IDENTITY-CERT-01 issues ${algorithm} client certificates that validate and prove both identifiers`, async () => {
      const pki = await createProviderPki("b.example", { algorithm });
      const issued = await issueClientCertificate(pki.ca, {
        userUri: "mimi://b.example/u/bob",
        clientUri: "mimi://b.example/d/bob/laptop",
      });
      expect(issued.privateKeyPem).toMatch(/BEGIN PRIVATE KEY/);
      const trust = createTrustStore([trustAnchor(pki.ca.certificatePem)]);
      const v = await validateClientChain([der(issued.certificatePem)], { trust, at: later() });
      expect(v.identity).toEqual({
        kind: "client",
        domain: "b.example",
        clientUri: "mimi://b.example/d/bob/laptop",
        userUri: "mimi://b.example/u/bob",
      });
      expect(v.anchorDomain).toBe("b.example");
      expect(v.path[0]!.serialNumber).toBe(issued.serialNumber);
      const server = await validateServerChain([der(pki.server.certificatePem)], {
        trust,
        at: later(),
        expectUri: "mimi://b.example",
      });
      expect(server.identity).toEqual({
        kind: "provider",
        domain: "b.example",
        providerUri: "mimi://b.example",
      });
    });
  }

  it("derives the anchor's domain from its provider URI and refuses a non-CA anchor", () => {
    expect(trustAnchor(a.ca.certificatePem).domain).toBe("a.example");
    expect(trustAnchor(der(a.ca.certificatePem), "A.EXAMPLE").domain).toBe("a.example");
    expect(() => trustAnchor(a.server.certificatePem)).toThrow(ValidationError);
  });

  it("refuses to issue identifiers outside the CA's domain or of the wrong kinds", async () => {
    await expect(
      issueClientCertificate(a.ca, { userUri: "mimi://b.example/u/x", clientUri: "mimi://b.example/d/x/1" }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      issueClientCertificate(a.ca, {
        userUri: "mimi://a.example/r/room",
        clientUri: "mimi://a.example/d/x/1",
      }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(createProviderPki("not a domain")).rejects.toBeInstanceOf(ValidationError);
  });

  it("IDENTITY-PATH-07 a client certificate on the provider's CRL is revoked", async () => {
    const issued = await issueClientCertificate(a.ca, {
      userUri: "mimi://a.example/u/carol",
      clientUri: "mimi://a.example/d/carol/1",
    });
    const crl = decodePemAll(await issueCrl(a.ca, { revoked: [issued.serialNumber] }), "X509 CRL");
    const trust = createTrustStore([trustAnchor(a.ca.certificatePem)]);
    expect(
      await reasonOf(validateClientChain([der(issued.certificatePem)], { trust, at: later(), crls: crl })),
    ).toBe("revoked");
    const empty = decodePemAll(await issueCrl(a.ca, { revoked: [] }), "X509 CRL");
    expect(
      await reasonOf(validateClientChain([der(issued.certificatePem)], { trust, at: later(), crls: empty })),
    ).toBe("valid");
  });
});

describe("client chains under the profile (leaves issued by openssl under a development CA)", () => {
  const trust = (): ReturnType<typeof createTrustStore> =>
    createTrustStore([trustAnchor(a.ca.certificatePem)]);
  const check = async (
    san: string,
    extra: readonly string[] = [],
    days = 30,
    expectUri?: string,
  ): Promise<string> => {
    const leaf = ws.cert(`leaf-${Math.random().toString(36).slice(2)}`, {
      algorithm: "Ed25519",
      subject: "/CN=leaf",
      extensions: leafExt(san, extra),
      issuer: aCa,
      days,
    });
    return reasonOf(
      validateClientChain([leaf.der], {
        trust: trust(),
        at: later(),
        ...(expectUri === undefined ? {} : { expectUri }),
      }),
    );
  };

  it("IDENTITY-CERT-01 a well-formed openssl leaf validates", async () => {
    expect(await check(ALICE)).toBe("valid");
  });

  it("IDENTITY-CERT-01 the subjectAltName must hold exactly a canonical client and user URI of one domain", async () => {
    expect(await check("URI:mimi://a.example/d/alice/phone")).toBe("bad-identifiers");
    expect(await check(`${ALICE}, DNS:a.example`)).toBe("bad-identifiers");
    expect(await check("URI:mimi://a.example/u/bob, URI:mimi://a.example/u/alice")).toBe("bad-identifiers");
    expect(await check("URI:mimi://A.example/d/alice/phone, URI:mimi://a.example/u/alice")).toBe(
      "bad-identifiers",
    );
    expect(await check("URI:mimi://a.example/d/alice/phone, URI:mimi://b.example/u/alice")).toBe(
      "bad-identifiers",
    );
    expect(await check("URI:https://a.example/d/alice/phone, URI:mimi://a.example/u/alice")).toBe(
      "bad-identifiers",
    );
    expect(await check("URI:mimi://a.example/d/alice/phone, URI:mimi://a.example/p/crazykoala75")).toBe(
      "valid",
    );
  });

  it("IDENTITY-CERT-01 the draft's example identifiers form a valid client identity", () => {
    const text = readUpstreamText("identity/x509-mock-client-cert.txt");
    const uris = [...text.matchAll(/URI:(mimi:\/\/[^,\s]+)/g)].map((m) => m[1]!);
    expect(uris).toEqual([
      "mimi://example.com/d/SvPfLlwBQi-6oddVRrkqpw/04c7",
      "mimi://example.com/u/alice.smith",
    ]);
    const leaf = ws.cert("draft-example", {
      algorithm: "Ed25519",
      subject: "/O=example.com/CN=Alice M. Smith",
      extensions: leafExt(uris.map((u) => `URI:${u}`).join(", ")),
    });
    // The client URI's first segment is an account ID, not the handle in the user URI (DI-IDENTITY-02).
    expect(clientIdentityOf(decodeCertificate(leaf.der).facts)).toEqual({
      kind: "client",
      domain: "example.com",
      clientUri: uris[0],
      userUri: uris[1],
    });
  });

  it("IDENTITY-CERT-02 the leaf must be a non-CA with digitalSignature and without keyCertSign", async () => {
    expect(await check(ALICE, [], 30)).toBe("valid");
    const noKu = ws.cert("leaf-noku", {
      algorithm: "P-256",
      subject: "/CN=leaf",
      extensions: ["basicConstraints = critical, CA:FALSE", `subjectAltName = critical, ${ALICE}`],
      issuer: aCa,
    });
    expect(await reasonOf(validateClientChain([noKu.der], { trust: trust(), at: later() }))).toBe(
      "key-usage",
    );
    const certSign = ws.cert("leaf-certsign", {
      algorithm: "P-256",
      subject: "/CN=leaf",
      extensions: [
        "basicConstraints = critical, CA:FALSE",
        "keyUsage = critical, digitalSignature, keyCertSign",
        `subjectAltName = critical, ${ALICE}`,
      ],
      issuer: aCa,
    });
    expect(await reasonOf(validateClientChain([certSign.der], { trust: trust(), at: later() }))).toBe(
      "key-usage",
    );
    const agreement = ws.cert("leaf-agreement", {
      algorithm: "P-256",
      subject: "/CN=leaf",
      extensions: [
        "basicConstraints = critical, CA:FALSE",
        "keyUsage = critical, keyAgreement",
        `subjectAltName = critical, ${ALICE}`,
      ],
      issuer: aCa,
    });
    expect(await reasonOf(validateClientChain([agreement.der], { trust: trust(), at: later() }))).toBe(
      "key-usage",
    );
  });

  it("IDENTITY-CERT-04 an Ed25519 leaf with keyAgreement (as in the draft's example) is refused", async () => {
    expect(await check(ALICE, [], 30)).toBe("valid");
    const leaf = ws.cert("leaf-ed-ka", {
      algorithm: "Ed25519",
      subject: "/CN=leaf",
      extensions: [
        "basicConstraints = critical, CA:FALSE",
        "keyUsage = critical, digitalSignature, keyAgreement",
        `subjectAltName = critical, ${ALICE}`,
      ],
      issuer: aCa,
    });
    expect(await reasonOf(validateClientChain([leaf.der], { trust: trust(), at: later() }))).toBe(
      "key-usage",
    );
  });

  it("IDENTITY-CERT-03 a client certificate valid for more than 90 days is refused", async () => {
    expect(await check(ALICE, [], 90)).toBe("valid");
    expect(await check(ALICE, [], 120)).toBe("lifetime-exceeded");
  });

  it("IDENTITY-MATCH-01 the chain must prove the expected client or user URI", async () => {
    expect(await check(ALICE, [], 30, "mimi://a.example/u/alice")).toBe("valid");
    expect(await check(ALICE, [], 30, "mimi://A.EXAMPLE/d/alice/phone")).toBe("valid");
    expect(await check(ALICE, [], 30, "mimi://a.example/u/bob")).toBe("identifier-mismatch");
    expect(await check(ALICE, [], 30, "mimi://a.example")).toBe("identifier-mismatch");
  });

  it("IDENTITY-DOMAIN-01 a provider's CA does not vouch for another provider's identifiers", async () => {
    // An openssl CA for b.example without name constraints issues identifiers under a.example.
    const bCa = ws.cert("b-ca", {
      algorithm: "P-384",
      subject: "/O=b.example/CN=b CA",
      extensions: [
        "basicConstraints = critical, CA:TRUE, pathlen:0",
        "keyUsage = critical, keyCertSign, cRLSign",
        "subjectAltName = URI:mimi://b.example",
      ],
      days: 365,
    });
    const forged = ws.cert("forged", {
      algorithm: "P-384",
      subject: "/CN=alice",
      extensions: leafExt(ALICE),
      issuer: bCa,
    });
    const onlyB = createTrustStore([trustAnchor(bCa.der)]);
    expect(await reasonOf(validateClientChain([forged.der], { trust: onlyB, at: later() }))).toBe(
      "domain-mismatch",
    );
    const both = createTrustStore([trustAnchor(bCa.der), trustAnchor(a.ca.certificatePem)]);
    expect(await reasonOf(validateClientChain([forged.der], { trust: both, at: later() }))).toBe("untrusted");
    // The development CA's name constraints stop it from certifying another domain at all.
    const evil = ws.cert("evil", {
      algorithm: "P-256",
      subject: "/CN=mallory",
      extensions: leafExt("URI:mimi://b.example/d/m/1, URI:mimi://b.example/u/m"),
      issuer: aCa,
    });
    expect(await reasonOf(validateClientChain([evil.der], { trust: trust(), at: later() }))).toBe(
      "name-constraints",
    );
  });
});

describe("provider (mutual-TLS) chains", () => {
  const trust = (): ReturnType<typeof createTrustStore> =>
    createTrustStore([trustAnchor(a.ca.certificatePem)]);
  const serverExt = (san: string, eku = "extendedKeyUsage = serverAuth, clientAuth"): string[] => [
    "basicConstraints = critical, CA:FALSE",
    "keyUsage = critical, digitalSignature",
    eku,
    `subjectAltName = ${san}`,
  ];

  it("IDENTITY-SERVER-01 a provider certificate names its domain as dNSName and provider URI", async () => {
    const ok = ws.cert("srv-ok", {
      algorithm: "P-256",
      subject: "/CN=a.example",
      extensions: serverExt("DNS:a.example, URI:mimi://a.example"),
      issuer: aCa,
    });
    expect(await reasonOf(validateServerChain([ok.der], { trust: trust(), at: later() }))).toBe("valid");
    expect(
      await reasonOf(
        validateServerChain([ok.der], { trust: trust(), at: later(), expectUri: "mimi://b.example" }),
      ),
    ).toBe("identifier-mismatch");
    const noUri = ws.cert("srv-nouri", {
      algorithm: "P-256",
      subject: "/CN=x",
      extensions: serverExt("DNS:a.example"),
      issuer: aCa,
    });
    expect(await reasonOf(validateServerChain([noUri.der], { trust: trust(), at: later() }))).toBe(
      "bad-identifiers",
    );
    const other = ws.cert("srv-other", {
      algorithm: "P-256",
      subject: "/CN=x",
      extensions: serverExt("DNS:www.a.example, URI:mimi://a.example"),
      issuer: aCa,
    });
    expect(await reasonOf(validateServerChain([other.der], { trust: trust(), at: later() }))).toBe(
      "bad-identifiers",
    );
  });

  it("IDENTITY-CERT-02 a provider certificate needs extKeyUsage serverAuth and clientAuth", async () => {
    const serverOnly = ws.cert("srv-eku", {
      algorithm: "P-256",
      subject: "/CN=a.example",
      extensions: serverExt("DNS:a.example, URI:mimi://a.example", "extendedKeyUsage = serverAuth"),
      issuer: aCa,
    });
    expect(await reasonOf(validateServerChain([serverOnly.der], { trust: trust(), at: later() }))).toBe(
      "key-usage",
    );
  });

  it("IDENTITY-CERT-03 a provider certificate valid for more than 398 days is refused", async () => {
    const long = ws.cert("srv-long", {
      algorithm: "P-256",
      subject: "/CN=a.example",
      extensions: serverExt("DNS:a.example, URI:mimi://a.example"),
      issuer: aCa,
      days: 400,
    });
    expect(await reasonOf(validateServerChain([long.der], { trust: trust(), at: later() }))).toBe(
      "lifetime-exceeded",
    );
  });
});

describe("validated chains are remembered", () => {
  it("IDENTITY-PATH-07 IDENTITY-PATH-02 a remembered validation never outlives the certificate, a CRL update or a revocation", async () => {
    const trust = createTrustStore([trustAnchor(a.ca.certificatePem)]);
    const now = new Date();
    const issued = await issueClientCertificate(a.ca, {
      userUri: "mimi://a.example/u/erin",
      clientUri: "mimi://a.example/d/erin/1",
      lifetimeMs: 3_600_000,
    });
    const chain = [der(issued.certificatePem)];
    const at = later();
    expect(await reasonOf(validateClientChain(chain, { trust, at }))).toBe("valid");
    // the same inputs again: remembered, and as valid
    expect((await validateClientChain(chain, { trust, at })).identity.clientUri).toBe(
      "mimi://a.example/d/erin/1",
    );
    // past the certificate's notAfter the remembered result does not apply
    expect(
      await reasonOf(validateClientChain(chain, { trust, at: new Date(now.getTime() + 7_200_000) })),
    ).toBe("expired");
    // a new CRL listing it is a new input: revoked at once, and after a remembered validation
    // with a CRL that did not list it
    const clean = decodePem(await issueCrl(a.ca, { revoked: [] }), "X509 CRL");
    expect(await reasonOf(validateClientChain(chain, { trust, at, crls: [clean] }))).toBe("valid");
    const crl = decodePem(await issueCrl(a.ca, { revoked: [issued.serialNumber] }), "X509 CRL");
    expect(await reasonOf(validateClientChain(chain, { trust, at, crls: [crl] }))).toBe("revoked");
  });
});
