import { CodecError } from "@mimi/wire";
import * as pkijs from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCertificate } from "../src/certificate.js";
import { decodeCrl } from "../src/crl.js";
import { CertificateValidationError } from "../src/errors.js";
import { type TrustAnchor, validateCertificatePath } from "../src/path-validation.js";
import { later, reasonOf } from "./helpers.js";
import { type OpensslAlgorithm, type OpensslCert, OpensslWorkspace, requireOpenssl } from "./openssl.js";

const DAY = 86_400_000;
// A little after the certificates are issued (openssl starts their validity at issuance).
const now = later();

const caExt = (pathlen?: number, extra: readonly string[] = []): string[] => [
  `basicConstraints = critical, CA:TRUE${pathlen === undefined ? "" : `, pathlen:${pathlen}`}`,
  "keyUsage = critical, keyCertSign, cRLSign",
  "subjectKeyIdentifier = hash",
  "subjectAltName = URI:mimi://a.example",
  ...extra,
];
const leafExt = (domain = "a.example", extra: readonly string[] = []): string[] => [
  "basicConstraints = critical, CA:FALSE",
  "keyUsage = critical, digitalSignature",
  `subjectAltName = critical, URI:mimi://${domain}/d/alice/phone, URI:mimi://${domain}/u/alice`,
  "authorityKeyIdentifier = keyid",
  ...extra,
];

let ws: OpensslWorkspace;
beforeAll(() => {
  requireOpenssl();
  ws = new OpensslWorkspace();
});
afterAll(() => ws?.dispose());

function anchor(cert: OpensslCert, domain = "a.example"): TrustAnchor {
  return { domain, certificate: decodeCertificate(cert.der) };
}

function root(
  name: string,
  algorithm: OpensslAlgorithm,
  pathlen?: number,
  extra: readonly string[] = [],
): OpensslCert {
  return ws.cert(name, {
    algorithm,
    subject: `/O=a.example/CN=${name}`,
    extensions: caExt(pathlen, extra),
    days: 365,
  });
}

describe("RFC 5280 path validation of chains made by openssl", () => {
  for (const algorithm of ["P-256", "P-384", "Ed25519"] as const) {
    it(`IDENTITY-PATH-01 IDENTITY-PATH-10 a valid ${algorithm} chain validates and ends at its anchor`, async () => {
      const ca = root(`root-${algorithm}`, algorithm, 0);
      const leaf = ws.cert(`leaf-${algorithm}`, {
        algorithm,
        subject: "/CN=alice",
        extensions: leafExt(),
        issuer: ca,
      });
      const r = await validateCertificatePath({ chain: [leaf.der], anchors: [anchor(ca)], at: now });
      expect(r.path.map((c) => c.serialNumber)).toEqual([leaf.serial, ca.serial]);
      expect(r.anchor.domain).toBe("a.example");
      expect(r.path[0]!.sanUris).toEqual(["mimi://a.example/d/alice/phone", "mimi://a.example/u/alice"]);
    });
  }

  it("IDENTITY-PATH-01 a chain through an intermediate validates (Ed25519 root, P-256 intermediate)", async () => {
    const ca = root("root-mixed", "Ed25519", 1);
    const mid = ws.cert("mid-mixed", {
      algorithm: "P-256",
      subject: "/CN=mid-mixed",
      extensions: caExt(0),
      issuer: ca,
    });
    const leaf = ws.cert("leaf-mixed", {
      algorithm: "Ed25519",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: mid,
    });
    const r = await validateCertificatePath({ chain: [leaf.der, mid.der], anchors: [anchor(ca)], at: now });
    expect(r.path).toHaveLength(3);
  });

  it("IDENTITY-PATH-10 a chain is untrusted under an unrelated anchor", async () => {
    const ca = root("root-a", "P-256", 0);
    const other = ws.cert("other", {
      algorithm: "P-256",
      subject: "/CN=other",
      extensions: caExt(0),
      days: 365,
    });
    const leaf = ws.cert("leaf-a", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: ca,
    });
    expect(
      await reasonOf(validateCertificatePath({ chain: [leaf.der], anchors: [anchor(other)], at: now })),
    ).toBe("untrusted");
    expect(await reasonOf(validateCertificatePath({ chain: [leaf.der], anchors: [], at: now }))).toBe(
      "untrusted",
    );
  });

  it("IDENTITY-PATH-01 an anchor with the issuer's name but another key gives bad-signature", async () => {
    const ca = root("twin", "Ed25519", 0);
    const leaf = ws.cert("leaf-twin", {
      algorithm: "Ed25519",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: ca,
    });
    const impostor = ws.cert("twin-2", {
      algorithm: "Ed25519",
      subject: "/O=a.example/CN=twin",
      extensions: caExt(0),
      days: 365,
    });
    const e = await validateCertificatePath({
      chain: [leaf.der],
      anchors: [anchor(impostor)],
      at: now,
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CertificateValidationError);
    expect((e as CertificateValidationError).reason).toBe("bad-signature");
    expect((e as CertificateValidationError).path).toBe("/chain/0");
  });

  it("IDENTITY-PATH-01 a tampered Ed25519 signature does not verify", async () => {
    const ca = root("root-tamper", "Ed25519", 0);
    const leaf = ws.cert("leaf-tamper", {
      algorithm: "Ed25519",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: ca,
    });
    const bad = leaf.der.slice();
    bad[bad.length - 1]! ^= 0x01;
    expect(await reasonOf(validateCertificatePath({ chain: [bad], anchors: [anchor(ca)], at: now }))).toBe(
      "bad-signature",
    );
  });

  it("IDENTITY-PATH-02 a chain is expired after notAfter and not yet valid before notBefore", async () => {
    const ca = root("root-dates", "P-256", 0);
    const leaf = ws.cert("leaf-dates", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: ca,
      days: 30,
    });
    const input = { chain: [leaf.der], anchors: [anchor(ca)] };
    expect(
      await reasonOf(validateCertificatePath({ ...input, at: new Date(now.getTime() + 31 * DAY) })),
    ).toBe("expired");
    expect(await reasonOf(validateCertificatePath({ ...input, at: new Date(now.getTime() - DAY) }))).toBe(
      "not-yet-valid",
    );
    expect(
      await reasonOf(validateCertificatePath({ ...input, at: new Date(now.getTime() + 29 * DAY) })),
    ).toBe("valid");
  });

  it("IDENTITY-PATH-03 a non-CA certificate used as issuer is rejected", async () => {
    const ca = root("root-nonca", "P-256", 1);
    const fake = ws.cert("fake-ca", {
      algorithm: "P-256",
      subject: "/CN=fake-ca",
      extensions: [
        "basicConstraints = critical, CA:FALSE",
        "keyUsage = critical, digitalSignature, keyCertSign",
      ],
      issuer: ca,
    });
    const leaf = ws.cert("leaf-nonca", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: fake,
    });
    expect(
      await reasonOf(
        validateCertificatePath({ chain: [leaf.der, fake.der], anchors: [anchor(ca)], at: now }),
      ),
    ).toBe("not-a-ca");
    const noBc = ws.cert("no-bc", {
      algorithm: "P-256",
      subject: "/CN=no-bc",
      extensions: ["keyUsage = critical, digitalSignature"],
      issuer: ca,
    });
    const leaf2 = ws.cert("leaf-nobc", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: noBc,
    });
    expect(
      await reasonOf(
        validateCertificatePath({ chain: [leaf2.der, noBc.der], anchors: [anchor(ca)], at: now }),
      ),
    ).toBe("not-a-ca");
  });

  it("IDENTITY-PATH-04 an intermediate below a CA with pathlen 0 exceeds the path length", async () => {
    const ca = root("root-pl0", "P-256", 0);
    const mid = ws.cert("mid-pl", {
      algorithm: "P-256",
      subject: "/CN=mid-pl",
      extensions: caExt(),
      issuer: ca,
    });
    const leaf = ws.cert("leaf-pl", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: mid,
    });
    const e = await validateCertificatePath({
      chain: [leaf.der, mid.der],
      anchors: [anchor(ca)],
      at: now,
    }).catch((x: unknown) => x as CertificateValidationError);
    expect((e as CertificateValidationError).reason).toBe("path-length-exceeded");
    expect((e as CertificateValidationError).rule).toBe("IDENTITY-PATH-04");
    // Two intermediates under pathlen 1: the lower one has pathlen 0 and one CA below it.
    const ca1 = root("root-pl1", "P-256", 1);
    const m1 = ws.cert("m1", { algorithm: "P-256", subject: "/CN=m1", extensions: caExt(), issuer: ca1 });
    const m2 = ws.cert("m2", { algorithm: "P-256", subject: "/CN=m2", extensions: caExt(), issuer: m1 });
    const leaf2 = ws.cert("leaf-pl2", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: m2,
    });
    expect(
      await reasonOf(
        validateCertificatePath({ chain: [leaf2.der, m2.der, m1.der], anchors: [anchor(ca1)], at: now }),
      ),
    ).toBe("path-length-exceeded");
    const ok = ws.cert("leaf-pl3", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: m1,
    });
    expect(
      await reasonOf(validateCertificatePath({ chain: [ok.der, m1.der], anchors: [anchor(ca1)], at: now })),
    ).toBe("valid");
  });

  it("IDENTITY-PATH-05 an intermediate without keyCertSign is rejected", async () => {
    const ca = root("root-ku", "P-256", 1);
    const mid = ws.cert("mid-ku", {
      algorithm: "P-256",
      subject: "/CN=mid-ku",
      extensions: ["basicConstraints = critical, CA:TRUE", "keyUsage = critical, digitalSignature"],
      issuer: ca,
    });
    const leaf = ws.cert("leaf-ku", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: mid,
    });
    expect(
      await reasonOf(validateCertificatePath({ chain: [leaf.der, mid.der], anchors: [anchor(ca)], at: now })),
    ).toBe("key-usage");
    const midNoKu = ws.cert("mid-noku", {
      algorithm: "P-256",
      subject: "/CN=mid-noku",
      extensions: ["basicConstraints = critical, CA:TRUE"],
      issuer: ca,
    });
    const leaf2 = ws.cert("leaf-noku", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: midNoKu,
    });
    expect(
      await reasonOf(
        validateCertificatePath({ chain: [leaf2.der, midNoKu.der], anchors: [anchor(ca)], at: now }),
      ),
    ).toBe("key-usage");
  });

  it("IDENTITY-PATH-06 name constraints of an intermediate are honoured and violations rejected", async () => {
    const ca = root("root-nc", "P-256", 1);
    const mid = ws.cert("mid-nc", {
      algorithm: "P-256",
      subject: "/CN=mid-nc",
      extensions: caExt(0, ["nameConstraints = critical, permitted;URI:a.example, permitted;DNS:a.example"]),
      issuer: ca,
    });
    const inside = ws.cert("leaf-in", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: mid,
    });
    const outside = ws.cert("leaf-out", {
      algorithm: "P-256",
      subject: "/CN=mallory",
      extensions: leafExt("evil.example"),
      issuer: mid,
    });
    const input = { anchors: [anchor(ca)], at: now };
    expect(await reasonOf(validateCertificatePath({ ...input, chain: [inside.der, mid.der] }))).toBe("valid");
    expect(await reasonOf(validateCertificatePath({ ...input, chain: [outside.der, mid.der] }))).toBe(
      "name-constraints",
    );
  });

  it("IDENTITY-PATH-06 the trust anchor's own name constraints apply", async () => {
    const ca = root("root-nc-anchor", "Ed25519", 0, ["nameConstraints = critical, permitted;URI:a.example"]);
    const inside = ws.cert("leaf-anchor-in", {
      algorithm: "Ed25519",
      subject: "/CN=a",
      extensions: leafExt(),
      issuer: ca,
    });
    const outside = ws.cert("leaf-anchor-out", {
      algorithm: "Ed25519",
      subject: "/CN=b",
      extensions: leafExt("b.example"),
      issuer: ca,
    });
    expect(
      await reasonOf(validateCertificatePath({ chain: [inside.der], anchors: [anchor(ca)], at: now })),
    ).toBe("valid");
    expect(
      await reasonOf(validateCertificatePath({ chain: [outside.der], anchors: [anchor(ca)], at: now })),
    ).toBe("name-constraints");
  });

  it("IDENTITY-PATH-06 an intermediate cannot widen the anchor's name constraints", async () => {
    const ca = root("root-nc-narrow", "P-256", 1, ["nameConstraints = critical, permitted;URI:a.example"]);
    const mid = ws.cert("mid-widen", {
      algorithm: "P-256",
      subject: "/CN=mid-widen",
      extensions: caExt(0, ["nameConstraints = critical, permitted;URI:evil.example"]),
      issuer: ca,
    });
    const leaf = ws.cert("leaf-widen", {
      algorithm: "P-256",
      subject: "/CN=mallory",
      extensions: leafExt("evil.example"),
      issuer: mid,
    });
    expect(
      await reasonOf(validateCertificatePath({ chain: [leaf.der, mid.der], anchors: [anchor(ca)], at: now })),
    ).toBe("name-constraints");
  });

  it("IDENTITY-PATH-07 IDENTITY-CRL-01 a leaf listed on its issuer's CRL is revoked; others pass", async () => {
    const ca = root("root-crl", "P-256", 0);
    const revoked = ws.cert("leaf-revoked", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: ca,
    });
    const good = ws.cert("leaf-good", {
      algorithm: "P-256",
      subject: "/CN=bob",
      extensions: leafExt(),
      issuer: ca,
    });
    const crl = ws.crl(ca, [revoked]);
    expect(decodeCrl(crl.der).revoked.map((r) => r.serialNumber)).toEqual([revoked.serial]);
    const input = { anchors: [anchor(ca)], at: now, crls: [crl.der] };
    const e = await validateCertificatePath({ ...input, chain: [revoked.der] }).catch((x: unknown) => x);
    expect((e as CertificateValidationError).reason).toBe("revoked");
    expect((e as CertificateValidationError).path).toBe("/chain/0");
    expect(await reasonOf(validateCertificatePath({ ...input, chain: [good.der] }))).toBe("valid");
  });

  it("IDENTITY-CRL-01 a CRL that is stale or signed by another key is refused", async () => {
    const ca = root("root-crl2", "Ed25519", 0);
    const leaf = ws.cert("leaf-crl2", {
      algorithm: "Ed25519",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: ca,
    });
    const crl = ws.crl(ca, [], 1);
    const input = { anchors: [anchor(ca)], chain: [leaf.der], crls: [crl.der] };
    expect(await reasonOf(validateCertificatePath({ ...input, at: now }))).toBe("valid");
    expect(await reasonOf(validateCertificatePath({ ...input, at: new Date(now.getTime() + 2 * DAY) }))).toBe(
      "bad-crl",
    );
    const twin = ws.cert("root-crl2-twin", {
      algorithm: "Ed25519",
      subject: "/O=a.example/CN=root-crl2",
      extensions: caExt(0),
      days: 365,
    });
    const forged = ws.crl(twin, [leaf]);
    expect(await reasonOf(validateCertificatePath({ ...input, crls: [forged.der], at: now }))).toBe(
      "bad-crl",
    );
  });

  it("IDENTITY-PATH-08 a certificate with an unknown critical extension is rejected", async () => {
    const ca = root("root-crit", "P-256", 0);
    const leaf = ws.cert("leaf-crit", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt("a.example", ["1.3.6.1.4.1.55555.1 = critical, ASN1:NULL"]),
      issuer: ca,
    });
    expect(
      await reasonOf(validateCertificatePath({ chain: [leaf.der], anchors: [anchor(ca)], at: now })),
    ).toBe("unknown-critical-extension");
  });

  it("undecodable certificates and CRLs give CodecError naming where", async () => {
    const ca = root("root-codec", "P-256", 0);
    const leaf = ws.cert("leaf-codec", {
      algorithm: "P-256",
      subject: "/CN=alice",
      extensions: leafExt(),
      issuer: ca,
    });
    const trailing = new Uint8Array([...leaf.der, 0]);
    await expect(
      validateCertificatePath({ chain: [trailing], anchors: [anchor(ca)], at: now }),
    ).rejects.toMatchObject({
      name: "CodecError",
      path: "/chain/0",
    });
    await expect(
      validateCertificatePath({
        chain: [leaf.der],
        anchors: [anchor(ca)],
        at: now,
        crls: [new Uint8Array([0x30, 0x00])],
      }),
    ).rejects.toBeInstanceOf(CodecError);
    await expect(
      validateCertificatePath({ chain: [], anchors: [anchor(ca)], at: now }),
    ).rejects.toBeInstanceOf(CodecError);
  });
});

describe("the fast path and pkijs's engine", () => {
  // pkijs's engine runs only where the fast path does not apply or does not succeed
  let engineRuns = 0;
  const engine = pkijs.CertificateChainValidationEngine.prototype;
  const original = engine.verify;
  beforeAll(() => {
    engine.verify = function (this: pkijs.CertificateChainValidationEngine, ...args) {
      engineRuns++;
      return original.apply(this, args);
    };
  });
  afterAll(() => {
    engine.verify = original;
  });

  async function engineRunsFor(p: Promise<unknown>): Promise<{ reason: string; engineRuns: number }> {
    const before = engineRuns;
    const reason = await reasonOf(p);
    return { reason, engineRuns: engineRuns - before };
  }

  for (const algorithm of ["Ed25519", "P-256", "P-384"] as const) {
    it(`IDENTITY-PATH-01 a plain ${algorithm} chain, and one through an intermediate, validate without pkijs's engine`, async () => {
      const ca = root(`fast-root-${algorithm}`, algorithm, 1);
      const mid = ws.cert(`fast-mid-${algorithm}`, {
        algorithm,
        subject: `/CN=fast-mid-${algorithm}`,
        extensions: caExt(0),
        issuer: ca,
      });
      const leaves = ["a", "b"].map((n) =>
        ws.cert(`fast-leaf-${algorithm}-${n}`, {
          algorithm,
          subject: `/CN=${n}`,
          extensions: leafExt(),
          issuer: mid,
        }),
      );
      const direct = ws.cert(`fast-direct-${algorithm}`, {
        algorithm,
        subject: "/CN=direct",
        extensions: leafExt(),
        issuer: ca,
      });
      const input = { anchors: [anchor(ca)], at: now };
      expect(await engineRunsFor(validateCertificatePath({ ...input, chain: [direct.der] }))).toEqual({
        reason: "valid",
        engineRuns: 0,
      });
      for (const leaf of leaves) {
        expect(
          await engineRunsFor(validateCertificatePath({ ...input, chain: [leaf.der, mid.der] })),
        ).toEqual({ reason: "valid", engineRuns: 0 });
      }
    });
  }

  it("IDENTITY-PATH-01 a chain the fast path leaves to pkijs (a policy extension, other name-constraint forms) still validates", async () => {
    const ca = root("slow-root", "P-256", 0, [
      "nameConstraints = critical, permitted;URI:a.example, permitted;DNS:a.example, excluded;email:.b.example",
    ]);
    const policies = ws.cert("slow-policies", {
      algorithm: "P-256",
      subject: "/CN=policies",
      extensions: leafExt("a.example", ["certificatePolicies = 1.2.3.4"]),
      issuer: ca,
    });
    const r = await engineRunsFor(
      validateCertificatePath({ chain: [policies.der], anchors: [anchor(ca)], at: now }),
    );
    expect(r.reason).toBe("valid");
    expect(r.engineRuns).toBeGreaterThan(0);
  });

  it("IDENTITY-PATH-01 a leaf with a bad signature is refused by both: the fast path declines, pkijs names it", async () => {
    const ca = root("fast-bad-root", "Ed25519", 0);
    const leaf = ws.cert("fast-bad-leaf", {
      algorithm: "Ed25519",
      subject: "/CN=bad",
      extensions: leafExt(),
      issuer: ca,
    });
    const der = leaf.der.slice();
    der[der.length - 1] = der[der.length - 1]! ^ 0x01; // the last octet of the signature
    const r = await engineRunsFor(validateCertificatePath({ chain: [der], anchors: [anchor(ca)], at: now }));
    expect(r).toEqual({ reason: "bad-signature", engineRuns: 1 });
  });
});

describe("certificate decoding", () => {
  it("IDENTITY-PATH-09 a certificate whose outer signatureAlgorithm differs from the inner one is refused", () => {
    const ca = root("root-alg", "P-256", 0);
    const der = ca.der.slice();
    const oid = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    let last = -1;
    for (let i = 0; i + oid.length <= der.length; i++) if (oid.every((b, k) => der[i + k] === b)) last = i;
    expect(last).toBeGreaterThan(0);
    der[last + oid.length - 1] = 0x03; // outer: ecdsa-with-SHA384, inner stays ecdsa-with-SHA256
    expect(() => decodeCertificate(der, "/x")).toThrow(CodecError);
    try {
      decodeCertificate(der, "/x");
    } catch (e) {
      expect((e as CodecError).rule).toBe("IDENTITY-PATH-09");
    }
    expect(decodeCertificate(ca.der).facts.isCa).toBe(true);
  });
});
