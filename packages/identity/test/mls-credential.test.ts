import {
  type CiphersuiteImpl,
  type ClientConfig,
  type ClientState,
  type Credential,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  type MlsPrivateMessage,
  type MlsPublicMessage,
} from "ts-mls";
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
  readonly keys: { publicKey: Uint8Array; signKey: Uint8Array };
  readonly credential: Credential;
  readonly kp: Awaited<ReturnType<typeof generateKeyPackageWithKey>>;
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

async function member(cs: CiphersuiteImpl, user: string, client: string): Promise<Member> {
  const keys = await cs.signature.keygen();
  const credential = await credentialFor(user, client, keys.publicKey);
  const kp = await generateKeyPackageWithKey(
    credential,
    defaultCapabilities(),
    defaultLifetime,
    [],
    keys,
    cs,
  );
  return { keys, credential, kp };
}

function commitContent(
  m: Awaited<ReturnType<typeof createCommit>>["commit"],
): MlsPrivateMessage | MlsPublicMessage {
  const decoded = decodeMlsMessage(encodeMlsMessage(m), 0)![0];
  if (decoded.wireformat !== "mls_private_message" && decoded.wireformat !== "mls_public_message") {
    throw new Error(`unexpected ${decoded.wireformat}`);
  }
  return decoded;
}

/** Alice creates a group and adds Bob, both with X.509 credentials; Bob joins from the Welcome. */
async function aliceAddsBob(cs: CiphersuiteImpl, clientConfig: ClientConfig) {
  const alice = await member(cs, "mimi://a.example/u/alice", "mimi://a.example/d/alice/phone");
  const bob = await member(cs, "mimi://a.example/u/bob", "mimi://a.example/d/bob/laptop");
  const room = new TextEncoder().encode("room");
  const group = await createGroup(
    room,
    alice.kp.publicPackage,
    alice.kp.privatePackage,
    [],
    cs,
    clientConfig,
  );
  const added = await createCommit(
    { state: group, cipherSuite: cs },
    {
      extraProposals: [{ proposalType: "add", add: { keyPackage: bob.kp.publicPackage } }],
      ratchetTreeExtension: true,
    },
  );
  const welcome = added.welcome!;
  const bobState = await joinGroup(
    welcome,
    bob.kp.publicPackage,
    bob.kp.privatePackage,
    emptyPskIndex,
    cs,
    undefined,
    undefined,
    clientConfig,
  );
  return { aliceState: added.newState, bob, bobState };
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
      const cs = await getCiphersuiteImpl(getCiphersuiteFromName(suite));
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
    const cs = await getCiphersuiteImpl(
      getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"),
    );
    const decisions: CredentialDecision[] = [];
    const clientConfig = x509ClientConfig({ trust, now: later, onDecision: (d) => decisions.push(d) });
    const alice = await member(cs, "mimi://a.example/u/alice", "mimi://a.example/d/alice/phone");
    // Mallory presents Bob's valid certificate with her own signature key.
    const bob = await member(cs, "mimi://a.example/u/bob", "mimi://a.example/d/bob/laptop");
    const malloryKeys = await cs.signature.keygen();
    const forged = await generateKeyPackageWithKey(
      bob.credential,
      defaultCapabilities(),
      defaultLifetime,
      [],
      malloryKeys,
      cs,
    );
    await expect(
      authenticateCredential(bob.credential, malloryKeys.publicKey, { trust, now: later }),
    ).rejects.toMatchObject({
      reason: "key-mismatch",
      rule: "IDENTITY-MLS-01",
    });
    const group = await createGroup(
      new TextEncoder().encode("room"),
      alice.kp.publicPackage,
      alice.kp.privatePackage,
      [],
      cs,
      clientConfig,
    );
    await expect(
      createCommit(
        { state: group, cipherSuite: cs },
        { extraProposals: [{ proposalType: "add", add: { keyPackage: forged.publicPackage } }] },
      ),
    ).rejects.toThrow();
    expect(
      decisions.some((d) => !d.accepted && (d.error as CertificateValidationError).reason === "key-mismatch"),
    ).toBe(true);
    expect(spkiMatchesSignatureKey(spkiFromMlsSignatureKey(bob.keys.publicKey), bob.keys.publicKey)).toBe(
      true,
    );
  });

  it("IDENTITY-MLS-01 compressed and uncompressed P-256 signature keys match the certificate's key", async () => {
    const cs = await getCiphersuiteImpl(getCiphersuiteFromName("MLS_128_DHKEMP256_AES128GCM_SHA256_P256"));
    const { publicKey } = await cs.signature.keygen();
    const spki = spkiFromMlsSignatureKey(publicKey);
    expect(publicKey.length).toBe(33);
    const uncompressedKey = spki.slice(spki.length - 65);
    expect(spkiMatchesSignatureKey(spki, publicKey)).toBe(true);
    expect(spkiMatchesSignatureKey(spki, uncompressedKey)).toBe(true);
    expect(spkiMatchesSignatureKey(spki, (await cs.signature.keygen()).publicKey)).toBe(false);
  });

  it("IDENTITY-MLS-03 basic credentials are rejected unless the caller opts in, and then unauthenticated", async () => {
    const cs = await getCiphersuiteImpl(
      getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"),
    );
    const basic: Credential = { credentialType: "basic", identity: new TextEncoder().encode("alice") };
    const { publicKey } = await cs.signature.keygen();
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
    const kp = await generateKeyPackage(basic, defaultCapabilities(), defaultLifetime, [], cs);
    const strict = x509ClientConfig({ trust });
    const alice = await member(cs, "mimi://a.example/u/alice", "mimi://a.example/d/alice/phone");
    const g = await createGroup(
      new Uint8Array([2]),
      alice.kp.publicPackage,
      alice.kp.privatePackage,
      [],
      cs,
      strict,
    );
    await expect(
      createCommit(
        { state: g, cipherSuite: cs },
        { extraProposals: [{ proposalType: "add", add: { keyPackage: kp.publicPackage } }] },
      ),
    ).rejects.toThrow();
  });

  it("IDENTITY-MLS-03 a provider credential (hub, franking agent) is accepted only by opt-in and proves the domain", async () => {
    const cs = await getCiphersuiteImpl(
      getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"),
    );
    const hubKeys = await cs.signature.keygen();
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
      authenticateCredential(hub, (await cs.signature.keygen()).publicKey, {
        trust,
        now: later,
        allowProviderCredentials: true,
      }),
    ).rejects.toMatchObject({ reason: "key-mismatch" });
  });

  it("IDENTITY-MLS-02 an update that changes identity is rejected; one that keeps it is accepted", async () => {
    const cs = await getCiphersuiteImpl(
      getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"),
    );
    const options = { trust, now: later };
    const clientConfig = x509ClientConfig(options);
    const { aliceState, bob, bobState } = await aliceAddsBob(cs, clientConfig);

    /**
     * Bob commits with a path whose LeafNode carries a new certificate for his signature key
     * (ts-mls signs the FramedContent and the LeafNode with one key, so the key stays).
     */
    const bobCommitsAs = async (
      credentialOf: (pub: Uint8Array) => Promise<Credential>,
    ): Promise<MlsPrivateMessage | MlsPublicMessage> => {
      const credential = await credentialOf(bob.keys.publicKey);
      const leafNode = bobState.privatePath.leafIndex * 2;
      const tree = [...bobState.ratchetTree];
      const own = tree[leafNode];
      if (own?.nodeType !== "leaf") throw new Error("no own leaf");
      tree[leafNode] = { nodeType: "leaf", leaf: { ...own.leaf, credential } };
      const changed: ClientState = { ...bobState, ratchetTree: tree };
      return commitContent((await createCommit({ state: changed, cipherSuite: cs }, {})).commit);
    };

    const renewed = await bobCommitsAs((pub) =>
      credentialFor("mimi://a.example/u/bob", "mimi://a.example/d/bob/laptop", pub),
    );
    const ok = await processMessageWithIdentity(renewed, aliceState, emptyPskIndex, cs, options);
    expect(ok.newState.groupContext.epoch).toBe(2n);

    const impersonation = await bobCommitsAs((pub) =>
      credentialFor("mimi://a.example/u/mallory", "mimi://a.example/d/mallory/1", pub),
    );
    // ts-mls alone accepts it: the new credential is valid on its own.
    const plain = await import("ts-mls").then((m) =>
      m.processMessage(impersonation, aliceState, emptyPskIndex, m.acceptAll, cs),
    );
    expect(plain.newState.groupContext.epoch).toBe(2n);
    const e = await processMessageWithIdentity(impersonation, aliceState, emptyPskIndex, cs, options).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CertificateValidationError);
    expect((e as CertificateValidationError).reason).toBe("identity-changed");
    expect((e as CertificateValidationError).rule).toBe("IDENTITY-MLS-02");
  });
});
