/**
 * Benchmarks of the identity package: decoding a certificate and validating a client chain
 * (Ed25519 and P-256), each against one WebCrypto signature verification measured in the same run
 * (the floor: validation verifies one signature per certificate).
 */
import { webcrypto } from "node:crypto";
import { type BenchArea, opsPerSecond, throughputMetric } from "@mimi/testkit";
import { decodeCertificate } from "../src/certificate.js";
import { createProviderPki, issueClientCertificate } from "../src/dev-pki.js";
import { decodePem } from "../src/pem.js";
import { createTrustStore, trustAnchor } from "../src/trust-store.js";
import { validateClientChain } from "../src/validate-chain.js";

export const bench: BenchArea = {
  area: "identity",
  async run({ quick, progress }) {
    const minTimeMs = quick ? 150 : 500;
    const runs = quick ? 3 : 5;
    const subtle = webcrypto.subtle;
    const keys = (await subtle.generateKey({ name: "Ed25519" }, false, [
      "sign",
      "verify",
    ])) as webcrypto.CryptoKeyPair;
    const message = new Uint8Array(400);
    const signature = await subtle.sign({ name: "Ed25519" }, keys.privateKey, message);
    progress?.("baseline: one Ed25519 verification");
    const baseline = throughputMetric(
      "webcryptoEd25519Verify.opsPerSec",
      await opsPerSecond(() => subtle.verify({ name: "Ed25519" }, keys.publicKey, signature, message), {
        minTimeMs,
        runs,
      }),
    );
    const metrics = [baseline];
    for (const algorithm of ["Ed25519", "P-256"] as const) {
      const pki = await createProviderPki("a.example", { algorithm });
      const issued = await issueClientCertificate(pki.ca, {
        userUri: "mimi://a.example/u/alice",
        clientUri: "mimi://a.example/d/alice/phone",
      });
      const leaf = decodePem(issued.certificatePem, "CERTIFICATE");
      const trust = createTrustStore([trustAnchor(pki.ca.certificatePem)]);
      progress?.(`decode ${algorithm}`);
      metrics.push(
        throughputMetric(
          `decodeCertificate.${algorithm}.opsPerSec`,
          await opsPerSecond(() => decodeCertificate(leaf), { minTimeMs, runs }),
          baseline,
        ),
      );
      progress?.(`validate ${algorithm}`);
      metrics.push(
        throughputMetric(
          `validateClientChain.${algorithm}.opsPerSec`,
          await opsPerSecond(() => validateClientChain([leaf], { trust }), { minTimeMs, runs }),
          baseline,
        ),
      );
    }
    return { area: "identity", metrics };
  },
};
