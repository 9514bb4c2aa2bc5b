import * as pkijs from "pkijs";
import { describe, expect, it } from "vitest";
import { decodeCertificate } from "../src/certificate.js";
import { MimiCryptoEngine, mimiCryptoEngine } from "../src/crypto-engine.js";
import { createProviderPki, issueClientCertificate } from "../src/dev-pki.js";
import { decodePem } from "../src/pem.js";

describe("MimiCryptoEngine", () => {
  it("IDENTITY-PATH-01 verifies Ed25519 certificate signatures where pkijs's own engine cannot", async () => {
    const pki = await createProviderPki("a.example", { algorithm: "Ed25519" });
    const issued = await issueClientCertificate(pki.ca, {
      userUri: "mimi://a.example/u/alice",
      clientUri: "mimi://a.example/d/alice/phone",
      algorithm: "P-256",
    });
    const ca = decodeCertificate(decodePem(pki.ca.certificatePem, "CERTIFICATE")).pkijs;
    const leaf = decodeCertificate(decodePem(issued.certificatePem, "CERTIFICATE")).pkijs;
    expect(await leaf.verify(ca, mimiCryptoEngine())).toBe(true);
    expect(await ca.verify(ca, new MimiCryptoEngine())).toBe(true);
    const stock = new pkijs.CryptoEngine({
      name: "stock",
      crypto: globalThis.crypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]["crypto"],
    });
    await expect(leaf.verify(ca, stock)).rejects.toThrow(/Unsupported signature algorithm: 1\.3\.101\.112/);
    // A signature by another Ed25519 key does not verify.
    const other = await createProviderPki("a.example", { algorithm: "Ed25519" });
    const otherCa = decodeCertificate(decodePem(other.ca.certificatePem, "CERTIFICATE")).pkijs;
    expect(await leaf.verify(otherCa, mimiCryptoEngine())).toBe(false);
  });

  it("IDENTITY-PATH-01 still verifies ECDSA through pkijs", async () => {
    const pki = await createProviderPki("a.example", { algorithm: "P-384" });
    const ca = decodeCertificate(decodePem(pki.ca.certificatePem, "CERTIFICATE")).pkijs;
    const server = decodeCertificate(decodePem(pki.server.certificatePem, "CERTIFICATE")).pkijs;
    expect(await server.verify(ca, mimiCryptoEngine())).toBe(true);
  });
});
