import {
  createProviderPki,
  decodePem,
  issueClientCertificate,
  spkiFromMlsSignatureKey,
} from "@mimi/identity";
import { generateSignatureKeyPair, loadCiphersuite } from "@mimi/mls-profile";
import { utf8 } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { clientUriOfCredential, domainOfUri, userUriOfCredential } from "../src/hub/credentials.js";

describe("which client a credential names (decision 0620)", () => {
  it("reads a basic credential's client URI and its user", () => {
    const c = { credentialType: "basic" as const, identity: utf8("MIMI://A.Example/d/alice/1") };
    expect(clientUriOfCredential(c)).toBe("mimi://a.example/d/alice/1");
    expect(userUriOfCredential(c)).toBe("mimi://a.example/u/alice");
    expect(
      clientUriOfCredential({ credentialType: "basic", identity: utf8("mimi://a.example/u/alice") }),
    ).toBeUndefined();
    expect(
      clientUriOfCredential({ credentialType: "basic", identity: new Uint8Array([0xff]) }),
    ).toBeUndefined();
    expect(domainOfUri("not a uri")).toBeUndefined();
  });

  it("reads an X.509 client credential's client and user (or pseudonym) URIs from its SAN", async () => {
    const pki = await createProviderPki("b.example");
    const cs = await loadCiphersuite();
    const keys = await generateSignatureKeyPair(cs);
    const cert = await issueClientCertificate(pki.ca, {
      userUri: "mimi://b.example/p/nightowl",
      clientUri: "mimi://b.example/d/bob/phone",
      publicKey: spkiFromMlsSignatureKey(keys.publicKey),
    });
    const credential = {
      credentialType: "x509" as const,
      certificates: [decodePem(cert.certificatePem, "CERTIFICATE")],
    };
    expect(clientUriOfCredential(credential)).toBe("mimi://b.example/d/bob/phone");
    expect(userUriOfCredential(credential)).toBe("mimi://b.example/p/nightowl");
    expect(
      clientUriOfCredential({ credentialType: "x509", certificates: [new Uint8Array([1, 2, 3])] }),
    ).toBeUndefined();
  });
});
