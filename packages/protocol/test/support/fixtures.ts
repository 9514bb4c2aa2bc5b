/**
 * Real MLS objects made with ts-mls, for tests and vector generation: a group of two clients
 * (alice creates it and adds bob with a PublicMessage commit), a Welcome, a GroupInfo, a
 * PublicMessage proposal, a PrivateMessage application message, and the smaller RFC 9420 structures
 * protocol bodies carry.
 */

import {
  type Capabilities,
  type CiphersuiteImpl,
  type Credential,
  commit,
  createGroup,
  createKeyPackage,
  defaultCapabilities,
  type Extension,
  type ExternalSender,
  encryptApplicationMessage,
  exportGroupInfo,
  type GroupInfo,
  generateSignatureKeyPair,
  type HPKECiphertext,
  type KeyPackage,
  loadCiphersuite,
  type MLSMessage,
  makeClientConfig,
  propose,
  type RatchetTree,
  type RequiredCapabilities,
  unsafeAcceptAllCredentials,
  type Welcome,
} from "@mimi/mls-profile";
import { utf8 } from "@mimi/wire";
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
  // ts-mls's own crypto provider, and the same calls in the same order as ever: the vectors are
  // generated from these fixtures under a seeded random source.
  const cs = await loadCiphersuite("MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519", {
    provider: "ts-mls-default",
  });
  const cred = (name: string): Credential => ({ credentialType: "basic", identity: utf8(name) });
  const alice = await createKeyPackage(cs, { credential: cred("mimi://a.example/u/alice") });
  const bob = await createKeyPackage(cs, { credential: cred("mimi://b.example/u/bob") });
  const cathy = await createKeyPackage(cs, { credential: cred("mimi://b.example/u/cathy") });
  const config = makeClientConfig({ authService: unsafeAcceptAllCredentials });
  let state = await createGroup(cs, { groupId: utf8("room-1"), keyPackage: alice, config });
  const add = await commit(state, cs, {
    publicMessage: true,
    proposals: [{ proposalType: "add", add: { keyPackage: bob.publicPackage } }],
  });
  state = add.state;
  const proposal = await propose(state, cs, {
    proposalType: "add",
    add: { keyPackage: cathy.publicPackage },
  });
  const app = await encryptApplicationMessage(state, cs, utf8("hello"));
  const groupInfoMessage = await exportGroupInfo(state, cs);
  if (groupInfoMessage.wireformat !== "mls_group_info") throw new Error("fixture: no GroupInfo");
  const groupInfo = groupInfoMessage.groupInfo;
  const signer = await generateSignatureKeyPair(cs);
  const welcomeMessage = add.welcome;
  if (welcomeMessage?.wireformat !== "mls_welcome") throw new Error("fixture: the add commit has no Welcome");
  const welcome = welcomeMessage.welcome;
  const privateMessage: MLSMessage = app.message;
  return {
    cs: cs.impl,
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
