import {
  type ClientConfig,
  type Credential,
  commit,
  createGroup,
  createKeyPackage,
  generateSignatureKeyPair,
  joinFromWelcome,
  type KeyPackageBundle,
  loadCiphersuite,
  type MLSMessage,
  type MlsCiphersuite,
  type MlsGroupState,
  processMessage,
  RatchetTree,
  type SignatureKeyPair,
} from "@mimi/mls-profile";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createProviderPki,
  issueClientCertificate,
  issueProviderCertificate,
  type ProviderPki,
} from "../src/dev-pki.js";
import { CertificateValidationError } from "../src/errors.js";
import {
  authenticateCredential,
  type CredentialDecision,
  spkiFromMlsSignatureKey,
  spkiMatchesSignatureKey,
  x509ClientConfig,
} from "../src/mls-credential.js";
import { processMessageWithIdentity } from "../src/mls-successor.js";
import { decodePem } from "../src/pem.js";
import { createTrustStore, type TrustStore, trustAnchor } from "../src/trust-store.js";
import { later } from "./helpers.js";

interface Member {
  readonly keys: SignatureKeyPair;
  readonly credential: Credential;
  readonly kp: KeyPackageBundle;
}

let pki: ProviderPki;
let trust: TrustStore;

async function credentialFor(user: string, client: string, publicKey: Uint8Array): Promise<Credential> {
  const issued = await issueClientCertificate(pki.ca, {
    userUri: user,
    clientUri: client,
    publicKey: spkiFromMlsSignatureKey(publicKey),
  });
  return { credentialType: "x509", certificates: [decodePem(issued.certificatePem, "CERTIFICATE")] };
}

async function member(cs: MlsCiphersuite, user: string, client: string): Promise<Member> {
  const keys = await generateSignatureKeyPair(cs);
  const credential = await credentialFor(user, client, keys.publicKey);
  const kp = await createKeyPackage(cs, { credential, signatureKeyPair: keys });
  return { keys, credential, kp };
}

/** Alice creates a group and adds Bob, both with X.509 credentials; Bob joins from the Welcome. */
async function aliceAddsBob(cs: MlsCiphersuite, clientConfig: ClientConfig) {
  const alice = await member(cs, "mimi://a.example/u/alice", "mimi://a.example/d/alice/phone");
  const bob = await member(cs, "mimi://a.example/u/bob", "mimi://a.example/d/bob/laptop");
  const room = new TextEncoder().encode("room");
  const group = await createGroup(cs, { groupId: room, keyPackage: alice.kp, config: clientConfig });
  const added = await commit(group, cs, {
    proposals: [{ proposalType: "add", add: { keyPackage: bob.kp.publicPackage } }],
    ratchetTreeInWelcome: true,
  });
  const { state: bobState } = await joinFromWelcome(cs, added.welcome!, bob.kp, { config: clientConfig });
  return { aliceState: added.state, bob, bobState };
}

beforeAll(async () => {
  pki = await createProviderPki("a.example", { algorithm: "Ed25519" });
  trust = createTrustStore([trustAnchor(pki.ca.certificatePem)]);
});

describe("the X.509 authentication service on real ts-mls groups", () => {
  for (const suite of [
    "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
    "MLS_128_DHKEMP256_AES128GCM_SHA256_P256",
  ] as const) {
    it(`IDENTITY-MLS-01 members with X.509 credentials form a group (${suite})`, async () => {
      const cs = await loadCiphersuite(suite);
      const decisions: CredentialDecision[] = [];
      const clientConfig = x509ClientConfig({ trust, now: later, onDecision: (d) => decisions.push(d) });
      const { bobState } = await aliceAddsBob(cs, clientConfig);
      expect(bobState.groupContext.epoch).toBe(1n);
      const proven = decisions.flatMap((d) =>
        d.accepted && d.identity.authenticated && d.identity.subject.kind === "client"
          ? [d.identity.subject.clientUri]
          : [],
      );
      expect(proven).toContain("mimi://a.example/d/bob/laptop");
      expect(proven).toContain("mimi://a.example/d/alice/phone");
      expect(decisions.every((d) => d.accepted)).toBe(true);
    });
  }

  it("IDENTITY-MLS-01 a credential whose certificate key differs from the leaf's signature key is rejected", async () => {
    const cs = await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    const decisions: CredentialDecision[] = [];
    const clientConfig = x509ClientConfig({ trust, now: later, onDecision: (d) => decisions.push(d) });
    const alice = await member(cs, "mimi://a.example/u/alice", "mimi://a.example/d/alice/phone");
    // Mallory presents Bob's valid certificate with her own signature key.
    const bob = await member(cs, "mimi://a.example/u/bob", "mimi://a.example/d/bob/laptop");
    const malloryKeys = await generateSignatureKeyPair(cs);
    const forged = await createKeyPackage(cs, { credential: bob.credential, signatureKeyPair: malloryKeys });
    await expect(
      authenticateCredential(bob.credential, malloryKeys.publicKey, { trust, now: later }),
    ).rejects.toMatchObject({
      reason: "key-mismatch",
      rule: "IDENTITY-MLS-01",
    });
    const group = await createGroup(cs, {
      groupId: new TextEncoder().encode("room"),
      keyPackage: alice.kp,
      config: clientConfig,
    });
    await expect(
      commit(group, cs, { proposals: [{ proposalType: "add", add: { keyPackage: forged.publicPackage } }] }),
    ).rejects.toThrow();
    expect(
      decisions.some((d) => !d.accepted && (d.error as CertificateValidationError).reason === "key-mismatch"),
    ).toBe(true);
    expect(spkiMatchesSignatureKey(spkiFromMlsSignatureKey(bob.keys.publicKey), bob.keys.publicKey)).toBe(
      true,
    );
  });

  it("IDENTITY-MLS-01 compressed and uncompressed P-256 signature keys match the certificate's key", async () => {
    const cs = await loadCiphersuite("MLS_128_DHKEMP256_AES128GCM_SHA256_P256");
    const { publicKey } = await generateSignatureKeyPair(cs);
    const spki = spkiFromMlsSignatureKey(publicKey);
    expect(publicKey.length).toBe(33);
    const uncompressedKey = spki.slice(spki.length - 65);
    expect(spkiMatchesSignatureKey(spki, publicKey)).toBe(true);
    expect(spkiMatchesSignatureKey(spki, uncompressedKey)).toBe(true);
    expect(spkiMatchesSignatureKey(spki, (await generateSignatureKeyPair(cs)).publicKey)).toBe(false);
  });

  it("IDENTITY-MLS-03 basic credentials are rejected unless the caller opts in, and then unauthenticated", async () => {
    const cs = await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    const basic: Credential = { credentialType: "basic", identity: new TextEncoder().encode("alice") };
    const { publicKey } = await generateSignatureKeyPair(cs);
    await expect(authenticateCredential(basic, publicKey, { trust })).rejects.toMatchObject({
      reason: "unsupported-credential",
      rule: "IDENTITY-MLS-03",
    });
    expect(
      await authenticateCredential(basic, publicKey, { trust, allowUnauthenticatedBasic: true }),
    ).toEqual({
      authenticated: false,
      credentialType: "basic",
      identity: basic.identity,
    });
    const kp = await createKeyPackage(cs, { credential: basic });
    const strict = x509ClientConfig({ trust });
    const alice = await member(cs, "mimi://a.example/u/alice", "mimi://a.example/d/alice/phone");
    const g = await createGroup(cs, { groupId: new Uint8Array([2]), keyPackage: alice.kp, config: strict });
    await expect(
      commit(g, cs, { proposals: [{ proposalType: "add", add: { keyPackage: kp.publicPackage } }] }),
    ).rejects.toThrow();
  });

  it("IDENTITY-MLS-03 a provider credential (hub, franking agent) is accepted only by opt-in and proves the domain", async () => {
    const cs = await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    const hubKeys = await generateSignatureKeyPair(cs);
    const issued = await issueProviderCertificate(pki.ca, {
      publicKey: spkiFromMlsSignatureKey(hubKeys.publicKey),
    });
    const hub: Credential = {
      credentialType: "x509",
      certificates: [decodePem(issued.certificatePem, "CERTIFICATE")],
    };
    await expect(authenticateCredential(hub, hubKeys.publicKey, { trust, now: later })).rejects.toMatchObject(
      {
        reason: "unsupported-credential",
      },
    );
    const identity = await authenticateCredential(hub, hubKeys.publicKey, {
      trust,
      now: later,
      allowProviderCredentials: true,
    });
    expect(identity).toEqual({
      authenticated: true,
      credentialType: "x509",
      subject: { kind: "provider", domain: "a.example", providerUri: "mimi://a.example" },
    });
    await expect(
      authenticateCredential(hub, (await generateSignatureKeyPair(cs)).publicKey, {
        trust,
        now: later,
        allowProviderCredentials: true,
      }),
    ).rejects.toMatchObject({ reason: "key-mismatch" });
  });

  it("IDENTITY-MLS-02 an update that changes identity is rejected; one that keeps it is accepted", async () => {
    const cs = await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    const options = { trust, now: later };
    const clientConfig = x509ClientConfig(options);
    const { aliceState, bob, bobState } = await aliceAddsBob(cs, clientConfig);

    /**
     * Bob commits with a path whose LeafNode carries a new certificate for his signature key
     * (ts-mls signs the FramedContent and the LeafNode with one key, so the key stays).
     */
    const bobCommitsAs = async (
      credentialOf: (pub: Uint8Array) => Promise<Credential>,
    ): Promise<MLSMessage> => {
      const credential = await credentialOf(bob.keys.publicKey);
      const leafNode = bobState.privatePath.leafIndex * 2;
      const tree = [...bobState.ratchetTree];
      const own = tree[leafNode];
      if (own?.nodeType !== "leaf") throw new Error("no own leaf");
      tree[leafNode] = { nodeType: "leaf", leaf: { ...own.leaf, credential } };
      const changed: MlsGroupState = { ...bobState, ratchetTree: RatchetTree.from(tree) };
      return (await commit(changed, cs)).commit;
    };

    const renewed = await bobCommitsAs((pub) =>
      credentialFor("mimi://a.example/u/bob", "mimi://a.example/d/bob/laptop", pub),
    );
    const ok = await processMessageWithIdentity(aliceState, cs, renewed, options);
    expect(ok.state.groupContext.epoch).toBe(2n);

    const impersonation = await bobCommitsAs((pub) =>
      credentialFor("mimi://a.example/u/mallory", "mimi://a.example/d/mallory/1", pub),
    );
    // MLS alone accepts it: the new credential is valid on its own.
    const plain = await processMessage(aliceState, cs, impersonation);
    expect(plain.state.groupContext.epoch).toBe(2n);
    const e = await processMessageWithIdentity(aliceState, cs, impersonation, options).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CertificateValidationError);
    expect((e as CertificateValidationError).reason).toBe("identity-changed");
    expect((e as CertificateValidationError).rule).toBe("IDENTITY-MLS-02");
  });
});
