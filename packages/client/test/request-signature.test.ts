/**
 * Request signatures made by the SDK (decision 0810), checked with the provider's parser and
 * verifier (`@mimi/protocol`): in Node and in Chromium (this file runs in both projects).
 */
import { createProviderPki, createTrustStore, decodeCertificate, trustAnchor } from "@mimi/identity";
import { loadCiphersuite, type MlsCiphersuiteName } from "@mimi/mls-profile";
import {
  CLIENT_CERTIFICATE_HEADER,
  parseClientSignature,
  signatureAlgorithmOfSpki,
  verifyWithSpki,
} from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  ClientCore,
  httpSignatureAlgorithmOf,
  MimiClient,
  provisionClient,
  signRequest,
} from "../src/index.js";

const suites: readonly [MlsCiphersuiteName, string][] = [
  ["MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519", "ed25519"],
  ["MLS_128_DHKEMP256_AES128GCM_SHA256_P256", "ecdsa-p256-sha256"],
  ["MLS_256_DHKEMP384_AES256GCM_SHA384_P384", "ecdsa-p384-sha384"],
];

describe("signing client API requests with the MLS credential's key", () => {
  for (const [name, alg] of suites) {
    it(`[PROTO-CAPI-14][PROTO-CAPI-15] ${alg}: the headers carry the certificate, cover method, target URI and digest, and verify under the credential's key`, async () => {
      const cs = await loadCiphersuite(name);
      const pki = await createProviderPki("a.example");
      const identity = await provisionClient(pki.ca, {
        userUri: "mimi://a.example/u/alice",
        clientUri: "mimi://a.example/d/alice/browser",
        cs,
      });
      expect(httpSignatureAlgorithmOf(cs)).toBe(alg);
      const url = new URL("http://localhost:8080/client/v1/blobs");
      const body = new TextEncoder().encode("attachment bytes");
      const h = await signRequest(identity, cs, "POST", url, body);
      expect(h["signature-input"]).toMatch(
        new RegExp(
          `^mimi=\\("@method" "@target-uri" "content-digest"\\);created=\\d+;expires=\\d+;nonce="[^"]+";keyid="mimi://a.example/d/alice/browser";alg="${alg}"$`,
        ),
      );
      expect(h["content-digest"]).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:$/);
      const header = (n: string) => h[n];
      const parsed = await parseClientSignature(header, { method: "POST", url: url.href, body });
      const cert =
        identity.credential.credentialType === "x509" ? identity.credential.certificates[0]! : undefined;
      expect(parsed.certificate).toEqual(cert);
      const spki = decodeCertificate(parsed.certificate).facts.subjectPublicKeyInfo;
      expect(signatureAlgorithmOfSpki(spki)).toBe(alg);
      expect(await verifyWithSpki(spki, parsed.params.alg, parsed.base, parsed.signature)).toBe(true);
      // another method or URL gives another base, which the signature does not verify
      const moved = await parseClientSignature(header, {
        method: "POST",
        url: "http://localhost:8080/client/v1/keyPackages",
        body,
      });
      expect(await verifyWithSpki(spki, moved.params.alg, moved.base, moved.signature)).toBe(false);
      // another body does not match the digest
      await expect(
        parseClientSignature(header, {
          method: "POST",
          url: url.href,
          body: new TextEncoder().encode("other"),
        }),
      ).rejects.toMatchObject({ rule: "PROTO-CAPI-15" });
      // a GET has no digest and covers two components
      const g = await signRequest(
        identity,
        cs,
        "GET",
        new URL("http://localhost:8080/client/v1/inbox?after=3"),
      );
      expect(g["content-digest"]).toBeUndefined();
      expect(g[CLIENT_CERTIFICATE_HEADER]).toMatch(/^:[A-Za-z0-9+/=]+:$/);
      const pg = await parseClientSignature((n) => g[n], {
        method: "GET",
        url: "http://localhost:8080/client/v1/inbox?after=3",
        body: new Uint8Array(0),
      });
      expect(pg.params.components).toEqual(["@method", "@target-uri"]);
      expect(await verifyWithSpki(spki, pg.params.alg, pg.base, pg.signature)).toBe(true);
    });
  }

  it("MimiClient: an identity without TLS material signs (auth tls is refused for it)", async () => {
    const cs = await loadCiphersuite();
    const pki = await createProviderPki("a.example");
    const { tls: _, ...identity } = await provisionClient(pki.ca, {
      userUri: "mimi://a.example/u/alice",
      clientUri: "mimi://a.example/d/alice/browser",
      cs,
    });
    const core = new ClientCore({
      identity,
      trust: createTrustStore([trustAnchor(pki.ca.certificatePem)]),
      cs,
    });
    expect(() => new MimiClient({ core, url: "http://localhost:8080", auth: "tls" })).toThrow(
      ValidationError,
    );
    const page = new MimiClient({ core, url: "http://localhost:8080" });
    page.stop();
  });

  it("refuses a suite whose signature scheme has no HTTP signature algorithm", async () => {
    const cs = await loadCiphersuite("MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448");
    expect(() => httpSignatureAlgorithmOf(cs)).toThrow(ValidationError);
  });
});
