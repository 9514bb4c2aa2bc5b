import { fc, test } from "@fast-check/vitest";
import { CodecError } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeCertificate } from "../src/certificate.js";
import { decodeCrl } from "../src/crl.js";
import { createProviderPki, issueClientCertificate, issueCrl } from "../src/dev-pki.js";
import { CertificateValidationError } from "../src/errors.js";
import { spkiFromMlsSignatureKey, spkiMatchesSignatureKey } from "../src/mls-credential.js";
import { type TrustAnchor, validateCertificatePath } from "../src/path-validation.js";
import { decodePem, decodePemAll, encodePem } from "../src/pem.js";
import { trustAnchor } from "../src/trust-store.js";

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
