/**
 * Checks of the MLS working group's RFC 9420 test vectors (mlswg/mls-implementations
 * `test-vectors/`, imported under `spec-vectors/upstream/mls-rfc9420/`), one function per file,
 * following the Verification steps of its `test-vectors.md`. Everything runs through the adapter
 * (`src/adapter`), with ts-mls internals from `src/adapter/internals.ts` where the vectors test a
 * building block rather than a protocol operation. Each check throws an `Error` naming the first
 * value that differs.
 */
import { fromHex, toHex } from "@mimi/wire";
import {
  type ClientConfig,
  decodeMlsMessage,
  decodeRatchetTree,
  decodeStrict,
  encodeGroupContext,
  encodeMlsMessage,
  encodeRatchetTree,
  type GroupContext,
  joinFromWelcome,
  type KeyPackageBundle,
  loadCiphersuite,
  type MLSMessage,
  type MlsCiphersuite,
  type MlsGroupState,
  makeClientConfig,
  makePskIndex,
  processMessage,
  RatchetTree,
  unsafeAcceptAllCredentials,
} from "../src/adapter/index.js";
import * as ts from "../src/adapter/internals.js";

const h = (hex: string): Uint8Array => fromHex(hex);

function same(actual: Uint8Array, expectedHex: string, what: string): void {
  const got = toHex(actual);
  if (got !== expectedHex.toLowerCase()) throw new Error(`${what}: got ${got}, expected ${expectedHex}`);
}

function ensure(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

const suites = new Map<number, Promise<MlsCiphersuite>>();

/** The suite of a vector, with the project's caching crypto provider (so the vectors test it too). */
function suiteOf(id: number): Promise<MlsCiphersuite> {
  let s = suites.get(id);
  if (s === undefined) {
    s = loadCiphersuite(id);
    suites.set(id, s);
  }
  return s;
}

function groupContext(
  cs: MlsCiphersuite,
  v: { group_id: string; epoch: number; tree_hash: string; confirmed_transcript_hash: string },
): GroupContext {
  return {
    version: "mls10",
    cipherSuite: cs.name,
    groupId: h(v.group_id),
    epoch: BigInt(v.epoch),
    treeHash: h(v.tree_hash),
    confirmedTranscriptHash: h(v.confirmed_transcript_hash),
    extensions: [],
  };
}

// ---------------------------------------------------------------- crypto-basics.json

/** One case of `crypto-basics.json` (fields as in mlswg `test-vectors.md`). */
export interface CryptoBasicsVector {
  cipher_suite: number;
  ref_hash: { label: string; value: string; out: string };
  expand_with_label: { secret: string; label: string; context: string; length: number; out: string };
  derive_secret: { secret: string; label: string; out: string };
  derive_tree_secret: { secret: string; label: string; generation: number; length: number; out: string };
  sign_with_label: { priv: string; pub: string; content: string; label: string; signature: string };
  encrypt_with_label: {
    priv: string;
    pub: string;
    label: string;
    context: string;
    plaintext: string;
    kem_output: string;
    ciphertext: string;
  };
}

/** RFC 9420 §5.2, §5.1.2, §8, §9: RefHash, ExpandWithLabel, DeriveSecret, DeriveTreeSecret, SignWithLabel, EncryptWithLabel. */
export async function checkCryptoBasics(v: CryptoBasicsVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const r = v.ref_hash;
  same(await ts.refhash(r.label, h(r.value), cs.impl.hash), r.out, "ref_hash");
  const e = v.expand_with_label;
  same(
    await ts.expandWithLabel(h(e.secret), e.label, h(e.context), e.length, cs.impl.kdf),
    e.out,
    "expand_with_label",
  );
  const d = v.derive_secret;
  same(await ts.deriveSecret(h(d.secret), d.label, cs.impl.kdf), d.out, "derive_secret");
  const t = v.derive_tree_secret;
  same(
    await ts.deriveTreeSecret(h(t.secret), t.label, t.generation, t.length, cs.impl.kdf),
    t.out,
    "derive_tree_secret",
  );
  const s = v.sign_with_label;
  ensure(
    await ts.verifyWithLabel(h(s.pub), s.label, h(s.content), h(s.signature), cs.impl.signature),
    "sign_with_label: vector signature does not verify",
  );
  const ours = await ts.signWithLabel(h(s.priv), s.label, h(s.content), cs.impl.signature);
  ensure(
    await ts.verifyWithLabel(h(s.pub), s.label, h(s.content), ours, cs.impl.signature),
    "sign_with_label: our signature does not verify",
  );
  const x = v.encrypt_with_label;
  const priv = await cs.impl.hpke.importPrivateKey(h(x.priv));
  const pub = await cs.impl.hpke.importPublicKey(h(x.pub));
  same(
    await ts.decryptWithLabel(priv, x.label, h(x.context), h(x.kem_output), h(x.ciphertext), cs.impl.hpke),
    x.plaintext,
    "encrypt_with_label: decrypt",
  );
  const again = await ts.encryptWithLabel(pub, x.label, h(x.context), h(x.plaintext), cs.impl.hpke);
  same(
    await ts.decryptWithLabel(priv, x.label, h(x.context), again.enc, again.ct, cs.impl.hpke),
    x.plaintext,
    "encrypt_with_label: round trip",
  );
}

// ---------------------------------------------------------------- deserialization.json

/** One case of `deserialization.json` (fields as in mlswg `test-vectors.md`). */
export interface DeserializationVector {
  vlbytes_header: string;
  length: number;
}

/** RFC 9420 §2.1.2: the variable-length header of an `opaque<V>` decodes to its length. */
export function checkDeserialization(v: DeserializationVector): void {
  const header = h(v.vlbytes_header);
  const body = new Uint8Array(header.length + v.length);
  body.set(header, 0);
  const data = decodeStrict(ts.decodeVarLenData, body, "opaque<V>");
  ensure(data.length === v.length, `length ${data.length}, expected ${v.length}`);
}

// ---------------------------------------------------------------- key-schedule.json

/** One case of `key-schedule.json` (fields as in mlswg `test-vectors.md`). */
export interface KeyScheduleVector {
  cipher_suite: number;
  group_id: string;
  initial_init_secret: string;
  epochs: {
    tree_hash: string;
    commit_secret: string;
    psk_secret: string;
    confirmed_transcript_hash: string;
    group_context: string;
    joiner_secret: string;
    welcome_secret: string;
    init_secret: string;
    sender_data_secret: string;
    encryption_secret: string;
    exporter_secret: string;
    epoch_authenticator: string;
    external_secret: string;
    confirmation_key: string;
    membership_key: string;
    resumption_psk: string;
    external_pub: string;
    exporter: { label: string; context: string; length: number; secret: string };
  }[];
}

/** RFC 9420 §8, §8.5: the key schedule over successive epochs, external_pub, the exporter. */
export async function checkKeySchedule(v: KeyScheduleVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  let initSecret = h(v.initial_init_secret);
  for (const [i, e] of v.epochs.entries()) {
    const gc = groupContext(cs, {
      group_id: v.group_id,
      epoch: i,
      tree_hash: e.tree_hash,
      confirmed_transcript_hash: e.confirmed_transcript_hash,
    });
    same(encodeGroupContext(gc), e.group_context, `epoch ${i} group_context`);
    const r = await ts.initializeEpoch(initSecret, h(e.commit_secret), gc, h(e.psk_secret), cs.impl.kdf);
    const k = r.keySchedule;
    const expected: [Uint8Array, string, string][] = [
      [r.joinerSecret, e.joiner_secret, "joiner_secret"],
      [r.welcomeSecret, e.welcome_secret, "welcome_secret"],
      [r.encryptionSecret, e.encryption_secret, "encryption_secret"],
      [k.initSecret, e.init_secret, "init_secret"],
      [k.senderDataSecret, e.sender_data_secret, "sender_data_secret"],
      [k.exporterSecret, e.exporter_secret, "exporter_secret"],
      [k.epochAuthenticator, e.epoch_authenticator, "epoch_authenticator"],
      [k.externalSecret, e.external_secret, "external_secret"],
      [k.confirmationKey, e.confirmation_key, "confirmation_key"],
      [k.membershipKey, e.membership_key, "membership_key"],
      [k.resumptionPsk, e.resumption_psk, "resumption_psk"],
    ];
    for (const [actual, want, what] of expected) same(actual, want, `epoch ${i} ${what}`);
    const { publicKey } = await cs.impl.hpke.deriveKeyPair(k.externalSecret);
    same(await cs.impl.hpke.exportPublicKey(publicKey), e.external_pub, `epoch ${i} external_pub`);
    const x = e.exporter;
    same(
      await ts.mlsExporter(k.exporterSecret, x.label, h(x.context), x.length, cs.impl),
      x.secret,
      `epoch ${i} exporter`,
    );
    initSecret = k.initSecret;
  }
}

// ---------------------------------------------------------------- message-protection.json

/** One case of `message-protection.json` (fields as in mlswg `test-vectors.md`). */
export interface MessageProtectionVector {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  tree_hash: string;
  confirmed_transcript_hash: string;
  signature_priv: string;
  signature_pub: string;
  encryption_secret: string;
  sender_data_secret: string;
  membership_key: string;
  proposal: string;
  proposal_priv: string;
  proposal_pub: string;
  commit: string;
  commit_priv: string;
  commit_pub: string;
  application: string;
  application_priv: string;
}

/** A two-leaf tree whose leaf 1 is the sender (its key is given to the unprotect calls directly). */
function twoLeafTree(): RatchetTree {
  return RatchetTree.from([
    undefined,
    undefined,
    {
      nodeType: "leaf",
      leaf: {
        leafNodeSource: "commit",
        hpkePublicKey: new Uint8Array(),
        signaturePublicKey: new Uint8Array(),
        capabilities: { versions: [], ciphersuites: [], extensions: [], proposals: [], credentials: [] },
        parentHash: new Uint8Array(),
        extensions: [],
        signature: new Uint8Array(),
        credential: { credentialType: "basic", identity: new Uint8Array() },
      },
    },
  ]);
}

function publicOf(m: MLSMessage, what: string) {
  if (m.wireformat !== "mls_public_message") throw new Error(`${what} is not a PublicMessage`);
  return m.publicMessage;
}

function privateOf(m: MLSMessage, what: string) {
  if (m.wireformat !== "mls_private_message") throw new Error(`${what} is not a PrivateMessage`);
  return m.privateMessage;
}

/**
 * RFC 9420 §6: unprotect the vector's PublicMessage proposal and commit and PrivateMessage
 * proposal, commit and application message (sender leaf 1), and protect/unprotect each again.
 */
export async function checkMessageProtection(v: MessageProtectionVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const gc = groupContext(cs, v);
  const membershipKey = h(v.membership_key);
  const sigPub = h(v.signature_pub);
  const sigPriv = h(v.signature_priv);
  const senderData = h(v.sender_data_secret);
  const tree = twoLeafTree();
  const secretTree = async () => ts.createSecretTree(2, h(v.encryption_secret), cs.impl.kdf);
  const unprotectPublic = (pm: Parameters<typeof ts.unprotectPublicMessage>[3]) =>
    ts.unprotectPublicMessage(membershipKey, gc, RatchetTree.from([]), pm, cs.impl, sigPub);
  const unprotectPrivate = async (pm: Parameters<typeof ts.unprotectPrivateMessage>[1]) => {
    const r = await ts.unprotectPrivateMessage(
      senderData,
      pm,
      await secretTree(),
      tree,
      gc,
      ts.defaultKeyRetentionConfig,
      cs.impl,
      sigPub,
    );
    if (r === undefined) throw new Error("PrivateMessage does not unprotect");
    return r.content.content;
  };

  // PublicMessage proposal and commit from the vector.
  const pp = await unprotectPublic(publicOf(decodeMlsMessage(h(v.proposal_pub)), "proposal_pub"));
  ensure(pp.content.contentType === "proposal", "proposal_pub: not a proposal");
  if (pp.content.contentType === "proposal")
    same(ts.encodeProposal(pp.content.proposal), v.proposal, "proposal_pub");
  const pc = await unprotectPublic(publicOf(decodeMlsMessage(h(v.commit_pub)), "commit_pub"));
  if (pc.content.contentType !== "commit") throw new Error("commit_pub: not a commit");
  same(ts.encodeCommit(pc.content.commit), v.commit, "commit_pub");

  // PrivateMessage proposal, commit, application from the vector.
  const xp = await unprotectPrivate(privateOf(decodeMlsMessage(h(v.proposal_priv)), "proposal_priv"));
  if (xp.contentType !== "proposal") throw new Error("proposal_priv: not a proposal");
  same(ts.encodeProposal(xp.proposal), v.proposal, "proposal_priv");
  const xc = await unprotectPrivate(privateOf(decodeMlsMessage(h(v.commit_priv)), "commit_priv"));
  if (xc.contentType !== "commit") throw new Error("commit_priv: not a commit");
  same(ts.encodeCommit(xc.commit), v.commit, "commit_priv");
  const xa = await unprotectPrivate(privateOf(decodeMlsMessage(h(v.application_priv)), "application_priv"));
  if (xa.contentType !== "application") throw new Error("application_priv: not application data");
  same(xa.applicationData, v.application, "application_priv");

  // Protect again, then unprotect.
  const proposal = decodeStrict(ts.decodeProposal, h(v.proposal), "Proposal");
  const pub = await ts.protectProposalPublic(
    sigPriv,
    membershipKey,
    gc,
    new Uint8Array(),
    proposal,
    1,
    cs.impl,
  );
  const pub2 = await unprotectPublic(pub.publicMessage);
  ensure(pub2.content.contentType === "proposal", "re-protected public proposal");
  const priv = await ts.protectProposal(
    sigPriv,
    senderData,
    proposal,
    new Uint8Array(),
    gc,
    await secretTree(),
    1,
    ts.defaultPaddingConfig,
    cs.impl,
  );
  const priv2 = await unprotectPrivate(priv.privateMessage);
  if (priv2.contentType !== "proposal") throw new Error("re-protected private proposal");
  same(ts.encodeProposal(priv2.proposal), v.proposal, "re-protected private proposal");
  const app = await ts.protectApplicationData(
    sigPriv,
    senderData,
    h(v.application),
    new Uint8Array(),
    gc,
    await secretTree(),
    1,
    ts.defaultPaddingConfig,
    cs.impl,
  );
  const app2 = await unprotectPrivate(app.privateMessage);
  if (app2.contentType !== "application") throw new Error("re-protected application");
  same(app2.applicationData, v.application, "re-protected application");
  const commit = decodeStrict(ts.decodeCommit, h(v.commit), "Commit");
  const signed = await ts.createContentCommitSignature(
    gc,
    "mls_public_message",
    commit,
    { senderType: "member", leafIndex: 1 },
    new Uint8Array(),
    sigPriv,
    cs.impl.signature,
  );
  const tag = cs.impl.rng.randomBytes(cs.impl.kdf.size);
  const pc2 = await ts.protectPublicMessage(
    membershipKey,
    gc,
    {
      wireformat: "mls_public_message",
      content: signed.framedContent,
      auth: { contentType: "commit", signature: signed.signature, confirmationTag: tag },
    },
    cs.impl,
  );
  const pc3 = await unprotectPublic(pc2);
  if (pc3.content.contentType !== "commit") throw new Error("re-protected public commit");
  same(ts.encodeCommit(pc3.content.commit), v.commit, "re-protected public commit");
}

// ---------------------------------------------------------------- messages.json

/** One case of `messages.json`: field name to hex-encoded structure. */
export type MessagesVector = Record<string, string>;

const bareCodecs: Record<
  string,
  { decode: Parameters<typeof decodeStrict>[0]; encode: (v: never) => Uint8Array }
> = {
  group_secrets: { decode: ts.decodeGroupSecrets, encode: ts.encodeGroupSecrets as (v: never) => Uint8Array },
  add_proposal: { decode: ts.decodeAdd, encode: ts.encodeAdd as (v: never) => Uint8Array },
  update_proposal: { decode: ts.decodeUpdate, encode: ts.encodeUpdate as (v: never) => Uint8Array },
  remove_proposal: { decode: ts.decodeRemove, encode: ts.encodeRemove as (v: never) => Uint8Array },
  pre_shared_key_proposal: { decode: ts.decodePSK, encode: ts.encodePSK as (v: never) => Uint8Array },
  re_init_proposal: { decode: ts.decodeReinit, encode: ts.encodeReinit as (v: never) => Uint8Array },
  external_init_proposal: {
    decode: ts.decodeExternalInit,
    encode: ts.encodeExternalInit as (v: never) => Uint8Array,
  },
  group_context_extensions_proposal: {
    decode: ts.decodeGroupContextExtensions,
    encode: ts.encodeGroupContextExtensions as (v: never) => Uint8Array,
  },
  commit: { decode: ts.decodeCommit, encode: ts.encodeCommit as (v: never) => Uint8Array },
};

const wrapped: Record<string, MLSMessage["wireformat"]> = {
  mls_welcome: "mls_welcome",
  mls_group_info: "mls_group_info",
  mls_key_package: "mls_key_package",
  public_message_application: "mls_public_message",
  public_message_proposal: "mls_public_message",
  public_message_commit: "mls_public_message",
  private_message: "mls_private_message",
};

/** RFC 9420 §6–§12: every structure decodes strictly and re-encodes byte for byte. */
export function checkMessages(v: MessagesVector): void {
  for (const [field, wireformat] of Object.entries(wrapped)) {
    const hex = v[field];
    if (hex === undefined) throw new Error(`missing ${field}`);
    const m = decodeMlsMessage(h(hex));
    ensure(m.wireformat === wireformat, `${field}: wire format ${m.wireformat}`);
    if (field.startsWith("public_message_") && m.wireformat === "mls_public_message") {
      ensure(
        m.publicMessage.content.contentType === field.slice("public_message_".length),
        `${field}: content type`,
      );
    }
    same(encodeMlsMessage(m), hex, field);
  }
  const tree = v["ratchet_tree"];
  if (tree === undefined) throw new Error("missing ratchet_tree");
  same(encodeRatchetTree(decodeRatchetTree(h(tree))), tree, "ratchet_tree");
  for (const [field, codec] of Object.entries(bareCodecs)) {
    const hex = v[field];
    if (hex === undefined) throw new Error(`missing ${field}`);
    const value = decodeStrict(codec.decode, h(hex), field);
    same(codec.encode(value as never), hex, field);
  }
}

// ---------------------------------------------------------------- passive-client-*.json

/** One case of `passive-client-*.json` (fields as in mlswg `test-vectors.md`). */
export interface PassiveClientVector {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
  epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
}

/**
 * The vectors' KeyPackages carry fixed lifetimes long past, and placeholder credentials: lifetimes
 * are not checked on receive here, and every credential is accepted.
 */
const vectorConfig: ClientConfig = makeClientConfig({
  authService: unsafeAcceptAllCredentials,
  lifetimeConfig: { maximumTotalLifetime: 2n ** 62n, validateLifetimeOnReceive: false },
});

/**
 * RFC 9420 §12.4.3.1, §12.4.2: join by Welcome (with the external PSKs and the out-of-band tree if
 * given), then process each epoch's proposals and commit; the epoch_authenticator must match after
 * the join and after every commit. `maxEpochs` bounds a long run (a prefix is still a valid run).
 */
export async function checkPassiveClient(
  v: PassiveClientVector,
  maxEpochs: number = Number.POSITIVE_INFINITY,
): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const kpMessage = decodeMlsMessage(h(v.key_package));
  if (kpMessage.wireformat !== "mls_key_package") throw new Error("key_package is not a KeyPackage");
  const bundle: KeyPackageBundle = {
    publicPackage: kpMessage.keyPackage,
    privatePackage: {
      initPrivateKey: h(v.init_priv),
      hpkePrivateKey: h(v.encryption_priv),
      signaturePrivateKey: h(v.signature_priv),
    },
  };
  const psks: Record<string, Uint8Array> = {};
  for (const p of v.external_psks) psks[btoa(String.fromCharCode(...h(p.psk_id)))] = h(p.psk);
  const joined = await joinFromWelcome(cs, h(v.welcome), bundle, {
    config: vectorConfig,
    pskIndex: makePskIndex(undefined, psks),
    ...(v.ratchet_tree === null ? {} : { ratchetTree: decodeRatchetTree(h(v.ratchet_tree)) }),
  });
  let state: MlsGroupState = joined.state;
  same(state.keySchedule.epochAuthenticator, v.initial_epoch_authenticator, "initial epoch_authenticator");
  for (const [i, epoch] of v.epochs.entries()) {
    if (i >= maxEpochs) break;
    for (const p of epoch.proposals) {
      state = (await processMessage(state, cs, h(p), { pskIndex: makePskIndex(state, psks) })).state;
    }
    const r = await processMessage(state, cs, h(epoch.commit), { pskIndex: makePskIndex(state, psks) });
    ensure(r.kind === "commit", `epoch ${i + 1}: the commit did not advance the epoch`);
    state = r.state;
    same(
      state.keySchedule.epochAuthenticator,
      epoch.epoch_authenticator,
      `epoch ${i + 1} epoch_authenticator`,
    );
  }
}

// ---------------------------------------------------------------- psk_secret.json

/** One case of `psk_secret.json` (fields as in mlswg `test-vectors.md`). */
export interface PskSecretVector {
  cipher_suite: number;
  psks: { psk_id: string; psk: string; psk_nonce: string }[];
  psk_secret: string;
}

/** RFC 9420 §8.4: psk_secret from a list of external PSKs. */
export async function checkPskSecret(v: PskSecretVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const list = v.psks.map(
    (p) =>
      [{ psktype: "external" as const, pskId: h(p.psk_id), pskNonce: h(p.psk_nonce) }, h(p.psk)] as [
        { psktype: "external"; pskId: Uint8Array; pskNonce: Uint8Array },
        Uint8Array,
      ],
  );
  same(await ts.computePskSecret(list, cs.impl), v.psk_secret, "psk_secret");
}

// ---------------------------------------------------------------- secret-tree.json

/** One case of `secret-tree.json` (fields as in mlswg `test-vectors.md`). */
export interface SecretTreeVector {
  cipher_suite: number;
  sender_data: { sender_data_secret: string; ciphertext: string; key: string; nonce: string };
  encryption_secret: string;
  leaves: {
    generation: number;
    handshake_key: string;
    handshake_nonce: string;
    application_key: string;
    application_nonce: string;
  }[][];
}

/** RFC 9420 §9, §6.3.2: sender-data key and nonce; handshake and application ratchets per leaf. */
export async function checkSecretTree(v: SecretTreeVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const sd = v.sender_data;
  same(
    await ts.expandSenderDataKey(cs.impl, h(sd.sender_data_secret), h(sd.ciphertext)),
    sd.key,
    "sender_data key",
  );
  same(
    await ts.expandSenderDataNonce(cs.impl, h(sd.sender_data_secret), h(sd.ciphertext)),
    sd.nonce,
    "sender_data nonce",
  );
  // the secret tree is derived lazily (the project's ts-mls patch): each leaf's ratchets down its direct path
  let tree = await ts.createSecretTree(v.leaves.length, h(v.encryption_secret), cs.impl.kdf);
  const retention = { ...ts.defaultKeyRetentionConfig, maximumForwardRatchetSteps: 1 << 20 };
  for (const [leaf, generations] of v.leaves.entries()) {
    const [derived, node] = await ts.secretTreeLeaf(
      tree,
      ts.leafToNodeIndex(ts.toLeafIndex(leaf)),
      cs.impl.kdf,
    );
    tree = derived;
    for (const g of generations) {
      for (const [kind, secret, key, nonce] of [
        ["handshake", node.handshake, g.handshake_key, g.handshake_nonce],
        ["application", node.application, g.application_key, g.application_nonce],
      ] as const) {
        const [ratchet] = await ts.ratchetUntil(secret, g.generation, retention, cs.impl.kdf);
        const at = `leaf ${leaf} generation ${g.generation} ${kind}`;
        same(await ts.deriveKey(ratchet.secret, ratchet.generation, cs.impl), key, `${at} key`);
        same(await ts.deriveNonce(ratchet.secret, ratchet.generation, cs.impl), nonce, `${at} nonce`);
      }
    }
  }
}

// ---------------------------------------------------------------- transcript-hashes.json

/** One case of `transcript-hashes.json` (fields as in mlswg `test-vectors.md`). */
export interface TranscriptHashesVector {
  cipher_suite: number;
  confirmation_key: string;
  authenticated_content: string;
  interim_transcript_hash_before: string;
  confirmed_transcript_hash_after: string;
  interim_transcript_hash_after: string;
}

/** RFC 9420 §8.2, §6.1: confirmation tag, confirmed and interim transcript hashes. */
export async function checkTranscriptHashes(v: TranscriptHashesVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const ac = decodeStrict(ts.decodeAuthenticatedContent, h(v.authenticated_content), "AuthenticatedContent");
  if (ac.content.contentType !== "commit" || ac.auth.contentType !== "commit")
    throw new Error("not a commit");
  const tag = ac.auth.confirmationTag;
  ensure(
    await cs.impl.hash.verifyMac(h(v.confirmation_key), tag, h(v.confirmed_transcript_hash_after)),
    "confirmation_tag does not verify",
  );
  const confirmed = await ts.createConfirmedHash(
    h(v.interim_transcript_hash_before),
    { wireformat: ac.wireformat, content: ac.content, signature: ac.auth.signature },
    cs.impl.hash,
  );
  same(confirmed, v.confirmed_transcript_hash_after, "confirmed_transcript_hash");
  same(
    await ts.createInterimHash(confirmed, tag, cs.impl.hash),
    v.interim_transcript_hash_after,
    "interim_transcript_hash",
  );
}

// ---------------------------------------------------------------- tree-math.json

/** One case of `tree-math.json` (fields as in mlswg `test-vectors.md`). */
export interface TreeMathVector {
  n_leaves: number;
  n_nodes: number;
  root: number;
  left: (number | null)[];
  right: (number | null)[];
  parent: (number | null)[];
  sibling: (number | null)[];
}

/** RFC 9420 Appendix C: node count, root, left/right child, parent and sibling of every node. */
export function checkTreeMath(v: TreeMathVector): void {
  ensure(ts.nodeWidth(v.n_leaves) === v.n_nodes, "n_nodes");
  ensure(ts.root(v.n_leaves) === v.root, "root");
  const fns: [string, (number | null)[], (i: number) => number][] = [
    ["left", v.left, (i) => ts.left(ts.toNodeIndex(i))],
    ["right", v.right, (i) => ts.right(ts.toNodeIndex(i))],
    ["parent", v.parent, (i) => ts.parent(ts.toNodeIndex(i), v.n_leaves)],
    ["sibling", v.sibling, (i) => ts.sibling(ts.toNodeIndex(i), v.n_leaves)],
  ];
  for (const [name, expected, fn] of fns) {
    for (const [i, want] of expected.entries()) {
      let got: number | null;
      try {
        got = fn(i);
      } catch {
        got = null;
      }
      ensure(got === want, `${name}(${i}) = ${got}, expected ${want}`);
    }
  }
}

// ---------------------------------------------------------------- tree-operations.json

/** One case of `tree-operations.json` (fields as in mlswg `test-vectors.md`). */
export interface TreeOperationsVector {
  cipher_suite: number;
  tree_before: string;
  proposal: string;
  proposal_sender: number;
  tree_after: string;
  tree_hash_before: string;
  tree_hash_after: string;
}

/** RFC 9420 §7.7, §7.8, §12.1: apply an Add, Update or Remove to a tree; tree hashes before and after. */
export async function checkTreeOperations(v: TreeOperationsVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const before = decodeRatchetTree(h(v.tree_before));
  same(await ts.treeHashRoot(before, cs.impl.hash), v.tree_hash_before, "tree_hash_before");
  const p = decodeStrict(ts.decodeProposal, h(v.proposal), "Proposal");
  let after: RatchetTree;
  if (p.proposalType === "add") after = ts.addLeafNode(before, p.add.keyPackage.leafNode)[0];
  else if (p.proposalType === "update")
    after = ts.updateLeafNode(before, p.update.leafNode, ts.toLeafIndex(v.proposal_sender));
  else if (p.proposalType === "remove") after = ts.removeLeafNode(before, ts.toLeafIndex(p.remove.removed));
  else throw new Error(`unexpected proposal ${String(p.proposalType)}`);
  same(encodeRatchetTree(after), v.tree_after, "tree_after");
  same(await ts.treeHashRoot(after, cs.impl.hash), v.tree_hash_after, "tree_hash_after");
}

// ---------------------------------------------------------------- tree-validation.json

/** One case of `tree-validation.json` (fields as in mlswg `test-vectors.md`). */
export interface TreeValidationVector {
  cipher_suite: number;
  tree: string;
  group_id: string;
  resolutions: number[][];
  tree_hashes: string[];
}

/** RFC 9420 §4.1.1, §7.8, §7.9, §7.9.2: resolutions, tree hashes, parent hashes, leaf signatures. */
export async function checkTreeValidation(v: TreeValidationVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const tree = decodeRatchetTree(h(v.tree));
  for (const [i, want] of v.tree_hashes.entries()) {
    same(await ts.treeHash(tree, ts.toNodeIndex(i), cs.impl.hash), want, `tree hash of node ${i}`);
  }
  for (const [i, want] of v.resolutions.entries()) {
    const got = ts.resolution(tree, ts.toNodeIndex(i));
    ensure(JSON.stringify(got) === JSON.stringify(want), `resolution of node ${i}: ${JSON.stringify(got)}`);
  }
  ensure(await ts.verifyParentHashes(tree, cs.impl.hash), "parent hashes do not verify");
  for (const [i, node] of tree.entries()) {
    if (node?.nodeType !== "leaf") continue;
    const ok = await ts.verifyLeafNodeSignature(
      node.leaf,
      h(v.group_id),
      ts.nodeToLeafIndex(ts.toNodeIndex(i)),
      cs.impl.signature,
    );
    ensure(ok, `leaf signature at node ${i}`);
  }
}

// ---------------------------------------------------------------- treekem.json

/** One case of `treekem.json` (fields as in mlswg `test-vectors.md`). */
export interface TreeKemVector {
  cipher_suite: number;
  group_id: string;
  epoch: number;
  confirmed_transcript_hash: string;
  ratchet_tree: string;
  leaves_private: {
    index: number;
    encryption_priv: string;
    signature_priv: string;
    path_secrets: { node: number; path_secret: string }[];
  }[];
  update_paths: {
    sender: number;
    update_path: string;
    path_secrets: (string | null)[];
    commit_secret: string;
    tree_hash_after: string;
  }[];
}

/**
 * RFC 9420 §7.4–§7.6: for every UpdatePath, merge it into the tree (tree hash after), let every
 * other leaf decrypt its path secret and derive the commit secret; then create a fresh UpdatePath
 * from the sender and check every other leaf derives the same commit secret from it.
 */
export async function checkTreeKem(v: TreeKemVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const tree = decodeRatchetTree(h(v.ratchet_tree));
  const gc = groupContext(cs, { ...v, tree_hash: toHex(await ts.treeHashRoot(tree, cs.impl.hash)) });
  const privatePaths = await Promise.all(
    v.leaves_private.map(async (leaf) => {
      const secrets: Record<number, Uint8Array> = {};
      for (const p of leaf.path_secrets) secrets[p.node] = h(p.path_secret);
      const path = await ts.toPrivateKeyPath(secrets, leaf.index, cs.impl);
      return {
        ...path,
        privateKeys: {
          ...path.privateKeys,
          [ts.leafToNodeIndex(ts.toLeafIndex(leaf.index))]: h(leaf.encryption_priv),
        },
      };
    }),
  );
  for (const [n, up] of v.update_paths.entries()) {
    const at = `update_paths[${n}]`;
    const path = decodeStrict(ts.decodeUpdatePath, h(up.update_path), "UpdatePath");
    const merged = await ts.applyUpdatePath(tree, ts.toLeafIndex(up.sender), path, cs.impl.hash);
    const mergedHash = await ts.treeHashRoot(merged, cs.impl.hash);
    same(mergedHash, up.tree_hash_after, `${at} tree_hash_after`);
    const provisional = { ...gc, treeHash: mergedHash };
    const sender = v.leaves_private.find((l) => l.index === up.sender);
    if (sender === undefined) throw new Error(`${at}: no private state for the sender`);
    const [fresh, freshPath, freshSecrets] = await ts.createUpdatePath(
      merged,
      ts.toLeafIndex(up.sender),
      provisional,
      h(sender.signature_priv),
      cs.impl,
    );
    const rootSecret = freshSecrets.at(-1);
    if (rootSecret === undefined) throw new Error(`${at}: no path secrets created`);
    const freshCommit = await ts.deriveSecret(rootSecret.secret, "path", cs.impl.kdf);
    const freshContext = {
      ...gc,
      epoch: gc.epoch + 1n,
      treeHash: await ts.treeHashRoot(fresh, cs.impl.hash),
    };
    for (const pp of privatePaths) {
      if (pp.leafIndex === up.sender) {
        ensure(up.path_secrets[pp.leafIndex] === null, `${at}: sender has a path secret`);
        continue;
      }
      const got = await ts.applyUpdatePathSecret(
        tree,
        pp,
        ts.toLeafIndex(up.sender),
        provisional,
        path,
        [],
        cs.impl,
      );
      same(got.pathSecret, up.path_secrets[pp.leafIndex] ?? "", `${at} path secret of leaf ${pp.leafIndex}`);
      same(
        await ts.getCommitSecret(tree, got.nodeIndex, got.pathSecret, cs.impl.kdf),
        up.commit_secret,
        `${at} commit_secret at leaf ${pp.leafIndex}`,
      );
      const again = await ts.applyUpdatePathSecret(
        tree,
        pp,
        ts.toLeafIndex(up.sender),
        freshContext,
        freshPath,
        [],
        cs.impl,
      );
      const againCommit = await ts.getCommitSecret(tree, again.nodeIndex, again.pathSecret, cs.impl.kdf);
      same(againCommit, toHex(freshCommit), `${at} fresh path: commit_secret at leaf ${pp.leafIndex}`);
    }
  }
}

// ---------------------------------------------------------------- welcome.json

/** One case of `welcome.json` (fields as in mlswg `test-vectors.md`). */
export interface WelcomeVector {
  cipher_suite: number;
  init_priv: string;
  signer_pub: string;
  key_package: string;
  welcome: string;
}

/** RFC 9420 §12.4.3.1: decrypt the group secrets and GroupInfo; verify its confirmation tag and signature. */
export async function checkWelcome(v: WelcomeVector): Promise<void> {
  const cs = await suiteOf(v.cipher_suite);
  const w = decodeMlsMessage(h(v.welcome));
  if (w.wireformat !== "mls_welcome") throw new Error("welcome is not a Welcome");
  const kp = decodeMlsMessage(h(v.key_package));
  if (kp.wireformat !== "mls_key_package") throw new Error("key_package is not a KeyPackage");
  const ref = await ts.makeKeyPackageRef(kp.keyPackage, cs.impl.hash);
  ensure(
    w.welcome.secrets.some((s) => toHex(s.newMember) === toHex(ref)),
    "no EncryptedGroupSecrets for the KeyPackage",
  );
  const priv = await cs.impl.hpke.importPrivateKey(h(v.init_priv));
  const secrets = await ts.decryptGroupSecrets(priv, ref, w.welcome, cs.impl.hpke);
  if (secrets === undefined) throw new Error("group secrets do not decrypt");
  const psk = new Uint8Array(cs.impl.kdf.size);
  const gi = await ts.decryptGroupInfo(w.welcome, secrets.joinerSecret, psk, cs.impl);
  if (gi === undefined) throw new Error("GroupInfo does not decrypt");
  ensure(await ts.verifyGroupInfoConfirmationTag(gi, secrets.joinerSecret, psk, cs.impl), "confirmation tag");
  ensure(await ts.verifyGroupInfoSignature(gi, h(v.signer_pub), cs.impl.signature), "GroupInfo signature");
}
