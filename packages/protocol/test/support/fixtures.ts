/**
 * Real MLS objects made with ts-mls, for tests and vector generation: a group of two clients
 * (alice creates it and adds bob with a PublicMessage commit), a Welcome, a GroupInfo, a
 * PublicMessage proposal, a PrivateMessage application message, and the smaller RFC 9420 structures
 * protocol bodies carry.
 */

import { utf8 } from "@mimi/wire";
import {
  type Capabilities,
  type CiphersuiteImpl,
  type Credential,
  createApplicationMessage,
  createCommit,
  createGroup,
  createGroupInfoWithExternalPub,
  createProposal,
  defaultCapabilities,
  defaultLifetime,
  type Extension,
  type ExternalSender,
  emptyPskIndex,
  type GroupInfo,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type HPKECiphertext,
  type KeyPackage,
  type MLSMessage,
  type RatchetTree,
  type RequiredCapabilities,
  type Welcome,
} from "ts-mls";
import { type Mls, mlsOf } from "../../src/codec/mls.js";

/** Every kind of embedded MLS structure, with a few real instances each. */
export interface MlsFixtures {
  readonly cs: CiphersuiteImpl;
  readonly keyPackages: readonly Mls<KeyPackage>[];
  readonly credentials: readonly Mls<Credential>[];
  readonly capabilities: readonly Mls<Capabilities>[];
  readonly requiredCapabilities: readonly Mls<RequiredCapabilities>[];
  readonly commits: readonly Mls<MLSMessage>[];
  readonly proposals: readonly Mls<MLSMessage>[];
  readonly privateMessages: readonly Mls<MLSMessage>[];
  readonly welcomeMessages: readonly Mls<MLSMessage>[];
  readonly welcomes: readonly Mls<Welcome>[];
  readonly groupInfos: readonly Mls<GroupInfo>[];
  readonly ratchetTrees: readonly Mls<RatchetTree>[];
  readonly externalSenders: readonly Mls<ExternalSender>[];
  readonly hpkeCiphertexts: readonly Mls<HPKECiphertext>[];
  readonly extensions: readonly Mls<Extension>[];
  /** A signature key pair of the suite (for signing bodies in tests). */
  readonly signer: { readonly publicKey: Uint8Array; readonly signKey: Uint8Array };
}

let cached: Promise<MlsFixtures> | undefined;

/** Build (once per process) the fixtures. */
export function mlsFixtures(): Promise<MlsFixtures> {
  cached ??= build();
  return cached;
}

async function build(): Promise<MlsFixtures> {
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519"));
  const cred = (name: string): Credential => ({ credentialType: "basic", identity: utf8(name) });
  const alice = await generateKeyPackage(
    cred("mimi://a.example/u/alice"),
    defaultCapabilities(),
    defaultLifetime,
    [],
    cs,
  );
  const bob = await generateKeyPackage(
    cred("mimi://b.example/u/bob"),
    defaultCapabilities(),
    defaultLifetime,
    [],
    cs,
  );
  const cathy = await generateKeyPackage(
    cred("mimi://b.example/u/cathy"),
    defaultCapabilities(),
    defaultLifetime,
    [],
    cs,
  );
  let state = await createGroup(utf8("room-1"), alice.publicPackage, alice.privatePackage, [], cs);
  const add = await createCommit(
    { state, cipherSuite: cs, pskIndex: emptyPskIndex },
    {
      wireAsPublicMessage: true,
      extraProposals: [{ proposalType: "add", add: { keyPackage: bob.publicPackage } }],
    },
  );
  state = add.newState;
  const proposal = await createProposal(
    state,
    true,
    { proposalType: "add", add: { keyPackage: cathy.publicPackage } },
    cs,
  );
  const app = await createApplicationMessage(state, utf8("hello"), cs);
  const groupInfo = await createGroupInfoWithExternalPub(state, [], cs);
  const signer = await cs.signature.keygen();
  const welcome = add.welcome;
  if (welcome === undefined) throw new Error("fixture: the add commit has no Welcome");
  const privateMessage: MLSMessage = {
    version: "mls10",
    wireformat: "mls_private_message",
    privateMessage: app.privateMessage,
  };
  return {
    cs,
    keyPackages: [alice, bob, cathy].map((k) => mlsOf("KeyPackage", k.publicPackage)),
    credentials: [
      cred("mimi://a.example/u/alice"),
      { credentialType: "x509", certificates: [new Uint8Array([1, 2, 3])] },
    ].map((c) => mlsOf("Credential", c as Credential)),
    capabilities: [mlsOf("Capabilities", defaultCapabilities())],
    requiredCapabilities: [
      mlsOf("RequiredCapabilities", { extensionTypes: [], proposalTypes: [], credentialTypes: [] }),
      mlsOf("RequiredCapabilities", {
        extensionTypes: [0xf0a1],
        proposalTypes: [8],
        credentialTypes: ["basic"],
      }),
    ],
    commits: [mlsOf("MLSMessage", add.commit)],
    proposals: [mlsOf("MLSMessage", proposal.message)],
    privateMessages: [mlsOf("MLSMessage", privateMessage)],
    welcomeMessages: [mlsOf("MLSMessage", { version: "mls10", wireformat: "mls_welcome", welcome })],
    welcomes: [mlsOf("Welcome", welcome)],
    groupInfos: [mlsOf("GroupInfo", groupInfo)],
    ratchetTrees: [mlsOf("RatchetTree", state.ratchetTree)],
    externalSenders: [
      mlsOf("ExternalSender", { signaturePublicKey: signer.publicKey, credential: cred("mimi://a.example") }),
    ],
    hpkeCiphertexts: [
      mlsOf("HPKECiphertext", { kemOutput: new Uint8Array(32).fill(7), ciphertext: utf8("sealed") }),
    ],
    extensions: [mlsOf("Extension", { extensionType: 0xf0a1, extensionData: new Uint8Array([9, 9]) })],
    signer,
  };
}
