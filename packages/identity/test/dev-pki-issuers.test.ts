import { describe, expect, it } from "vitest";
import { decodeCertificate } from "../src/certificate.js";
import { mimiCryptoEngine } from "../src/crypto-engine.js";
import { createProviderPki, issueClientCertificate } from "../src/dev-pki.js";
import { decodePem } from "../src/pem.js";

// The development PKI remembers each issuing CA it parsed (decision 0684): certificates issued in
// turn under different CAs of the same domain must each be signed by, and name, their own CA.
describe("issuing CAs remembered between issuances", () => {
  it("IDENTITY-PATH-01: leaves issued alternately under two CAs of one domain verify under their own CA only", async () => {
    const one = await createProviderPki("a.example", { algorithm: "Ed25519" });
    const two = await createProviderPki("a.example", { algorithm: "Ed25519" });
    const cert = (pem: string) => decodeCertificate(decodePem(pem, "CERTIFICATE")).pkijs;
    for (const round of [1, 2]) {
      for (const [mine, other] of [
        [one, two],
        [two, one],
      ] as const) {
        const issued = await issueClientCertificate(mine.ca, {
          userUri: "mimi://a.example/u/alice",
          clientUri: `mimi://a.example/d/alice/r${round}`,
        });
        const leaf = cert(issued.certificatePem);
        expect(await leaf.verify(cert(mine.ca.certificatePem), mimiCryptoEngine())).toBe(true);
        expect(await leaf.verify(cert(other.ca.certificatePem), mimiCryptoEngine())).toBe(false);
      }
    }
  });

  it("IDENTITY-PATH-01: a CA whose key is not PEM is refused on every issuance, not remembered", async () => {
    const pki = await createProviderPki("a.example", { algorithm: "Ed25519" });
    const broken = { ...pki.ca, privateKeyPem: "not a key" };
    const issue = () =>
      issueClientCertificate(broken, {
        userUri: "mimi://a.example/u/alice",
        clientUri: "mimi://a.example/d/alice/phone",
      });
    await expect(issue()).rejects.toThrow();
    await expect(issue()).rejects.toThrow();
  });
});
