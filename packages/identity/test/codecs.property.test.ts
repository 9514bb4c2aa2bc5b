import { fc, test } from "@fast-check/vitest";
import { CodecError } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeCertificate, serialNumberHex } from "../src/certificate.js";
import { decodeCrl } from "../src/crl.js";
import { isUtf8 } from "../src/der.js";
import { createProviderPki, issueClientCertificate, issueCrl } from "../src/dev-pki.js";
import { CertificateValidationError } from "../src/errors.js";
import { spkiFromMlsSignatureKey, spkiMatchesSignatureKey } from "../src/mls-credential.js";
import { type TrustAnchor, validateCertificatePath } from "../src/path-validation.js";
import { decodePem, decodePemAll, encodePem } from "../src/pem.js";
import { trustAnchor } from "../src/trust-store.js";
import { type DerNode, encodeDer, nodeAt, parseDer } from "./der-tree.js";

let leaf: Uint8Array;
let crl: Uint8Array;
let anchor: TrustAnchor;

beforeAll(async () => {
  const pki = await createProviderPki("a.example", { algorithm: "Ed25519" });
  const issued = await issueClientCertificate(pki.ca, {
    userUri: "mimi://a.example/u/alice",
    clientUri: "mimi://a.example/d/alice/1",
  });
  leaf = decodePem(issued.certificatePem, "CERTIFICATE");
  crl = decodePem(await issueCrl(pki.ca, { revoked: [issued.serialNumber] }), "X509 CRL");
  anchor = trustAnchor(pki.ca.certificatePem);
});

/** Run `f`; a CodecError (or a validation error, where allowed) is fine, anything else fails. */
function typedOnly(f: () => unknown, allowValidation = false): void {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return;
    if (allowValidation && e instanceof CertificateValidationError) return;
    throw e;
  }
}

const mutate = (bytes: Uint8Array, edits: readonly [number, number][], cut: number): Uint8Array => {
  const out = bytes.slice(0, Math.max(0, bytes.length - cut));
  for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
  return out;
};
const arbEdits = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
  minLength: 1,
  maxLength: 4,
});

describe("decoders are total: untrusted bytes only ever give typed errors", () => {
  it("a UTCTime relabelled as a malformed GeneralizedTime is a CodecError, not asn1js's plain Error", () => {
    // asn1js throws "Wrong input string for conversion" from inside its parser for this input.
    const at = leaf.findIndex((b, i) => b === 0x17 && leaf[i + 1] === 0x0d);
    expect(at).toBeGreaterThan(0);
    const garble = (der: Uint8Array, i: number): Uint8Array => {
      const out = der.slice();
      out[i] = 0x18; // GeneralizedTime
      out.fill(0x41, i + 2, i + 14); // "AAAAAAAAAAAA" then the original "Z"
      return out;
    };
    expect(() => decodeCertificate(garble(leaf, at))).toThrow(CodecError);
    const crlAt = crl.findIndex((b, i) => b === 0x17 && crl[i + 1] === 0x0d);
    expect(() => decodeCrl(garble(crl, crlAt))).toThrow(CodecError);
  });

  test.prop([fc.uint8Array({ maxLength: 600 })], { numRuns: 300 })(
    "random bytes as a certificate or a CRL",
    (bytes) => {
      typedOnly(() => decodeCertificate(bytes));
      typedOnly(() => decodeCrl(bytes));
    },
  );

  test.prop([arbEdits, fc.nat({ max: 8 })], { numRuns: 300 })(
    "mutated certificates and CRLs",
    (edits, cut) => {
      typedOnly(() => decodeCertificate(mutate(leaf, edits, cut)));
      typedOnly(() => decodeCrl(mutate(crl, edits, cut)));
    },
  );

  test.prop([arbEdits, fc.nat({ max: 3 })], { numRuns: 40 })(
    "path validation of a mutated chain gives CodecError or CertificateValidationError",
    async (edits, cut) => {
      try {
        await validateCertificatePath({
          chain: [mutate(leaf, edits, cut)],
          anchors: [anchor],
          at: new Date(),
        });
      } catch (e) {
        expect(e instanceof CodecError || e instanceof CertificateValidationError).toBe(true);
      }
    },
  );

  test.prop([fc.uint8Array({ maxLength: 700 })], { numRuns: 200 })(
    "PEM round-trips and junk is a CodecError",
    (der) => {
      if (der.length > 0) expect(decodePemAll(encodePem("CERTIFICATE", der), "CERTIFICATE")).toEqual([der]);
      typedOnly(() =>
        decodePem(
          `-----BEGIN CERTIFICATE-----\n${String.fromCharCode(...der)}\n-----END CERTIFICATE-----`,
          "CERTIFICATE",
        ),
      );
    },
  );

  test.prop([fc.uint8Array({ maxLength: 100 })], { numRuns: 300 })("signature keys of any length", (key) => {
    typedOnly(() => spkiFromMlsSignatureKey(key));
    expect(typeof spkiMatchesSignatureKey(key, key)).toBe("boolean");
  });
});

/** The CodecError `f` throws (the test fails when it throws nothing or something else). */
function codecErrorOf(f: () => unknown): CodecError {
  try {
    f();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error("expected a CodecError");
}

describe("certificates are read as DER, strictly", () => {
  // Certificate: [0] tbsCertificate, [1] signatureAlgorithm, [2] signatureValue; tbsCertificate:
  // [0] version, [1] serialNumber, [2] signature, [3] issuer, [4] validity, [5] subject, [6] spki,
  // [7] extensions ([0] the SEQUENCE of Extension).
  const VERSION_INTEGER = [0, 0, 0];
  const SERIAL = [0, 1];
  const VALIDITY = [0, 4];
  const EXTENSIONS = [0, 7, 0];

  /** The leaf with one change made to its tree. */
  function changed(edit: (root: DerNode) => void): Uint8Array {
    const root = parseDer(leaf);
    edit(root);
    return encodeDer(root);
  }

  it("the tree helper re-encodes the leaf exactly, and the leaf decodes", () => {
    expect(encodeDer(parseDer(leaf))).toEqual(leaf);
    expect(decodeCertificate(leaf).facts.sanUris).toEqual([
      "mimi://a.example/d/alice/1",
      "mimi://a.example/u/alice",
    ]);
  });

  it("IDENTITY-DER-01 a length in the long form where the short one fits is refused, naming the field", () => {
    const e = codecErrorOf(() =>
      decodeCertificate(
        changed((r) => {
          nodeAt(r, VERSION_INTEGER).longLength = true;
        }),
        "/c",
      ),
    );
    expect(e.rule).toBe("IDENTITY-DER-01");
    expect(e.path).toBe("/c/tbsCertificate/version");
  });

  it("IDENTITY-DER-01 an INTEGER with a needless leading zero octet is refused", () => {
    const e = codecErrorOf(() =>
      decodeCertificate(
        changed((r) => {
          const serial = nodeAt(r, SERIAL);
          const c = serial.content!;
          // a positive serial whose first octet is below 0x80: a 00 in front is padding DER forbids
          const body = c[0] === 0 ? c.subarray(1) : c;
          serial.content = new Uint8Array([0, 0x01, ...body.subarray(1)]);
        }),
        "/c",
      ),
    );
    expect(e.rule).toBe("IDENTITY-DER-01");
    expect(e.path).toBe("/c/tbsCertificate/serialNumber");
  });

  it("IDENTITY-DER-01 a BOOLEAN TRUE other than FF, and a critical FALSE encoded, are refused", () => {
    const criticalIndex = (r: DerNode): number =>
      nodeAt(r, EXTENSIONS).children!.findIndex((ext) => ext.children![1]!.tag === 0x01);
    const notFf = codecErrorOf(() =>
      decodeCertificate(
        changed((r) => {
          const i = criticalIndex(r);
          nodeAt(r, [...EXTENSIONS, i, 1]).content = new Uint8Array([0x01]);
        }),
        "/c",
      ),
    );
    expect(notFf.rule).toBe("IDENTITY-DER-01");
    expect(notFf.path).toMatch(/^\/c\/tbsCertificate\/extensions\/\d+\/critical$/);
    const falseEncoded = codecErrorOf(() =>
      decodeCertificate(
        changed((r) => {
          const i = criticalIndex(r);
          nodeAt(r, [...EXTENSIONS, i, 1]).content = new Uint8Array([0x00]);
        }),
        "/c",
      ),
    );
    expect(falseEncoded.rule).toBe("IDENTITY-DER-01");
    expect(falseEncoded.message).toContain("DEFAULT");
  });

  it("IDENTITY-DER-01 an OID sub-identifier not in the fewest octets is refused, though the same OID was read before", () => {
    // the leaf's extension OIDs are now known (their strings are kept); 2.5.29.x with a padded 29
    decodeCertificate(leaf);
    const e = codecErrorOf(() =>
      decodeCertificate(
        changed((r) => {
          nodeAt(r, [...EXTENSIONS, 0, 0]).content = new Uint8Array([0x55, 0x80, 0x1d, 0x11]);
        }),
        "/c",
      ),
    );
    expect(e.rule).toBe("IDENTITY-DER-01");
    expect(e.path).toBe("/c/tbsCertificate/extensions/0/extnID");
  });

  it("a Name's UTF8String that is not UTF-8, or PrintableString with other characters, is refused", () => {
    // subject: the first attribute of the first RDN
    const VALUE = [0, 5, 0, 0, 1];
    const value = (tag: number, text: number[]) =>
      changed((r) => {
        const n = nodeAt(r, VALUE);
        n.tag = tag;
        n.content = new Uint8Array(text);
      });
    const ascii = (t: string) => [...t].map((c) => c.charCodeAt(0));
    expect(decodeCertificate(value(0x0c, [0x61, 0xc3, 0xa9])).facts.serialNumber).toBeTruthy();
    expect(decodeCertificate(value(0x13, ascii("Alice (1) +,-./:=?'"))).facts.serialNumber).toBeTruthy();
    for (const [tag, text] of [
      [0x0c, [0x61, 0xc3]], // truncated
      [0x0c, [0xc0, 0xaf]], // overlong
      [0x0c, [0xed, 0xa0, 0x80]], // a surrogate
      [0x0c, [0xf4, 0x90, 0x80, 0x80]], // above U+10FFFF
      [0x13, ascii("a*b")],
      [0x13, ascii("a@b")],
      [0x13, [0x61, 0xe9]],
    ] as const) {
      const e = codecErrorOf(() => decodeCertificate(value(tag, [...text]), "/c"));
      expect(e.path).toBe("/c/tbsCertificate/subject/0/0/value");
    }
  });

  test.prop(
    [
      fc.oneof(
        fc.uint8Array({ maxLength: 12 }),
        fc.string({ unit: "binary" }).map((t) => new TextEncoder().encode(t)),
      ),
    ],
    {
      numRuns: 1000,
    },
  )("UTF8String is accepted exactly when a fatal TextDecoder accepts it", (bytes) => {
    let decodes = true;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      decodes = false;
    }
    expect(isUtf8(bytes)).toBe(decodes);
  });

  it("a time with fractional seconds or without Z is refused (RFC 5280 §4.1.2.5)", () => {
    for (const text of ["20300101000000.5Z", "20300101000000+0100", "2030010100000Z", "20301301000000Z"]) {
      const e = codecErrorOf(() =>
        decodeCertificate(
          changed((r) => {
            const notAfter = nodeAt(r, [...VALIDITY, 1]);
            notAfter.tag = 0x18;
            notAfter.content = new TextEncoder().encode(text);
          }),
          "/c",
        ),
      );
      expect(e.path).toBe("/c/tbsCertificate/validity/notAfter");
    }
  });

  it("a GeneralizedTime notAfter after 2049 decodes to its date", () => {
    const der = changed((r) => {
      const notAfter = nodeAt(r, [...VALIDITY, 1]);
      notAfter.tag = 0x18;
      notAfter.content = new TextEncoder().encode("20510228235959Z");
    });
    expect(decodeCertificate(der).facts.notAfter.toISOString()).toBe("2051-02-28T23:59:59.000Z");
  });

  test.prop([arbEdits, fc.nat({ max: 8 })], { numRuns: 300 })(
    "IDENTITY-DER-01 what the strict reader accepts of a mutated certificate, pkijs reads with the same facts or refuses typed",
    (edits, cut) => {
      let d: ReturnType<typeof decodeCertificate>;
      try {
        d = decodeCertificate(mutate(leaf, edits, cut));
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
        return;
      }
      // The rare paths read pkijs's object of the same bytes: where pkijs reads them, it agrees.
      // pkijs may refuse bytes this reader leaves opaque (an extension value it does not read, a
      // length asn1js limits): then it is a CodecError, never anything else.
      let p: typeof d.pkijs;
      try {
        p = d.pkijs;
      } catch (e) {
        expect(e).toBeInstanceOf(CodecError);
        return;
      }
      expect(d.facts.serialNumber).toBe(serialNumberHex(p.serialNumber.valueBlock.valueHexView));
      expect(d.facts.notBefore.getTime()).toBe(p.notBefore.value.getTime());
      expect(d.facts.notAfter.getTime()).toBe(p.notAfter.value.getTime());
      expect(d.facts.signatureAlgorithm).toBe(p.signatureAlgorithm.algorithmId);
      expect(d.facts.publicKeyAlgorithm).toBe(p.subjectPublicKeyInfo.algorithm.algorithmId);
      expect(d.facts.criticalExtensions).toEqual(
        (p.extensions ?? []).filter((e) => e.critical).map((e) => e.extnID),
      );
    },
  );
});
