/**
 * A member's operations on an MLS group (RFC 9420 §11–§12), through ts-mls 1.6.4 as patched by
 * the project. State is immutable: every operation returns the new state; `consumed` lists
 * secrets the caller should zero once the message is sent.
 */

import {
  type AuthenticationService,
  type ClientConfig,
  type ClientState,
  type CustomProposalHandler,
  createApplicationMessage,
  createCommit,
  createGroupInfoWithExternalPub,
  createGroupInfoWithExternalPubAndRatchetTree,
  createProposal,
  defaultLifetimeConfig,
  type Extension,
  emptyPskIndex,
  type GroupInfo,
  type IncomingMessageCallback,
  joinGroupExternal,
  joinGroupWithExtensions,
  type LeafNode,
  type LifetimeConfig,
  type MLSMessage,
  mlsExporter,
  type Proposal,
  type ProposalCustom,
  type PskIndex,
  type RatchetTree,
  type Sender,
  createGroup as tsCreateGroup,
  decodeGroupState as tsDecodeGroupState,
  encodeGroupState as tsEncodeGroupState,
  processMessage as tsProcessMessage,
  proposeExternal as tsProposeExternal,
  type Welcome,
} from "@mimi/ts-mls";
import { InternalError, ProtocolError, ValidationError } from "@mimi/wire";
import type { MlsCiphersuite } from "./ciphersuite.js";
import { decodeMlsMessage, decodeStrict } from "./codec.js";
import { guarded } from "./errors.js";
import { defaultClientConfig } from "./internals.js";
import type { KeyPackageBundle, SignatureKeyPair } from "./key-package.js";

/** A member's state of one group (ts-mls `ClientState`). */
export type MlsGroupState = ClientState;

/** Options of {@link makeClientConfig}. */
export interface ClientConfigOptions {
  /** Validates every credential and its signature key (RFC 9420 §5.3.1). Required: there is no safe default. */
  readonly authService: AuthenticationService;
  /** Applies non-default proposals (AppDataUpdate, …) after the default ones (the project's ts-mls patch). */
  readonly customProposalHandler?: CustomProposalHandler;
  /** KeyPackage lifetime checks; default: ts-mls's maximum, checked on receive too. */
  readonly lifetimeConfig?: LifetimeConfig;
  /**
   * Proposal type of SelfRemove (draft-ietf-mls-extensions-10 §6.3): a SelfRemove committed by
   * reference removes its sender's leaf (the project's ts-mls patch). Unset: not processed.
   */
  readonly selfRemoveProposalType?: number;
}

/**
 * A ts-mls client configuration. Unlike ts-mls's default, lifetimes are checked on receive
 * (RFC 9420 §10.1), and the Authentication Service is always the caller's.
 */
export function makeClientConfig(options: ClientConfigOptions): ClientConfig {
  const config: ClientConfig = {
    ...defaultClientConfig,
    authService: options.authService,
    lifetimeConfig: options.lifetimeConfig ?? { ...defaultLifetimeConfig, validateLifetimeOnReceive: true },
  };
  // [MLS-APPDATA-01] draft-ietf-mls-extensions-10 §4.7: non-default proposals (AppDataUpdate) are
  // processed after the RFC 9420 default proposals, in commit order; the handler may reject the
  // commit or change the provisional GroupContext extensions, identically when creating and receiving.
  if (options.customProposalHandler !== undefined)
    config.customProposalHandler = options.customProposalHandler;
  // [MLS-SELFRM-01]
  if (options.selfRemoveProposalType !== undefined)
    config.selfRemoveProposalType = options.selfRemoveProposalType;
  return config;
}

/**
 * An Authentication Service that accepts every credential. Only for tests, benchmarks and
 * vectors whose credentials are placeholders: never for a real client or hub.
 */
export const unsafeAcceptAllCredentials: AuthenticationService = {
  async validateCredential(): Promise<boolean> {
    return true;
  },
};

/** Options of {@link createGroup}. */
export interface CreateGroupOptions {
  readonly groupId: Uint8Array;
  /** The creator's KeyPackage; its LeafNode becomes leaf 0. */
  readonly keyPackage: KeyPackageBundle;
  /** GroupContext extensions of epoch 0 (e.g. required_capabilities, external_senders). */
  readonly extensions?: readonly Extension[];
  readonly config: ClientConfig;
}

/**
 * Create a group with the caller as its only member (RFC 9420 §11).
 *
 * @throws ValidationError if ts-mls refuses the extensions (e.g. a malformed external_senders).
 */
export function createGroup(cs: MlsCiphersuite, options: CreateGroupOptions): Promise<MlsGroupState> {
  return guarded("create group", () =>
    tsCreateGroup(
      options.groupId,
      options.keyPackage.publicPackage,
      options.keyPackage.privatePackage,
      [...(options.extensions ?? [])],
      cs.impl,
      options.config,
    ),
  );
}

/** Options of {@link commit}. */
export interface CommitOptions {
  /** Proposals sent by value; pending proposals received by reference are always included. */
  readonly proposals?: readonly Proposal[];
  /** Send the Commit as a PublicMessage (MIMI's handshake default) rather than a PrivateMessage. */
  readonly publicMessage?: boolean;
  /** Put the ratchet tree in the Welcome's GroupInfo (`ratchet_tree` extension). */
  readonly ratchetTreeInWelcome?: boolean;
  readonly groupInfoExtensions?: readonly Extension[];
  readonly authenticatedData?: Uint8Array;
  readonly pskIndex?: PskIndex;
}

/** A Commit and what it produced. */
export interface CommitResult {
  readonly state: MlsGroupState;
  readonly commit: MLSMessage;
  /** The Welcome for the added members, as an MLSMessage, if any were added. */
  readonly welcome: MLSMessage | undefined;
  readonly consumed: readonly Uint8Array[];
}

/**
 * Create a Commit (RFC 9420 §12.4) covering `proposals` and every pending proposal.
 *
 * @throws ValidationError if the proposal list is invalid (§12.2) or a handler rejects it.
 * @throws ProtocolError if this member cannot commit (e.g. it was removed).
 */
export async function commit(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  options: CommitOptions = {},
): Promise<CommitResult> {
  // [MLS-LEAF-01] RFC 9420 §7.3: the encryption and signature keys of every LeafNode a Commit brings
  // (an Add's KeyPackage, an Update, the UpdatePath's leaf) are unique among the members and the other
  // LeafNodes of the Commit (the patched ts-mls, through its tree key index; unpatched, 1.6.4 never
  // compared a new LeafNode's keys with the tree's). Checked on creation and on receipt.
  // [MLS-PATH-01] RFC 9420 §12.4, §17.4: a Commit covering no proposals, or an Update, Remove,
  // ExternalInit or GroupContextExtensions proposal, carries an UpdatePath (the patched ts-mls
  // enforces it when creating and when processing a Commit).
  const r = await guarded("commit", () =>
    createCommit(
      {
        state,
        cipherSuite: cs.impl,
        ...(options.pskIndex === undefined ? {} : { pskIndex: options.pskIndex }),
      },
      {
        extraProposals: [...(options.proposals ?? [])],
        wireAsPublicMessage: options.publicMessage ?? false,
        ratchetTreeExtension: options.ratchetTreeInWelcome ?? false,
        groupInfoExtensions: [...(options.groupInfoExtensions ?? [])],
        authenticatedData: options.authenticatedData ?? new Uint8Array(),
      },
    ),
  );
  return {
    state: r.newState,
    commit: r.commit,
    welcome: r.welcome === undefined ? undefined : welcomeMessage(r.welcome),
    consumed: r.consumed,
  };
}

/** Wrap a Welcome as an MLSMessage. */
export function welcomeMessage(welcome: Welcome): MLSMessage {
  return { version: "mls10", wireformat: "mls_welcome", welcome };
}

/** Wrap a GroupInfo as an MLSMessage. */
export function groupInfoMessage(groupInfo: GroupInfo): MLSMessage {
  return { version: "mls10", wireformat: "mls_group_info", groupInfo };
}

/** Options of {@link propose}. */
export interface ProposeOptions {
  /** Send as PublicMessage (default: true, as MIMI sends handshakes). */
  readonly publicMessage?: boolean;
  readonly authenticatedData?: Uint8Array;
}

/**
 * Create a proposal from this member (RFC 9420 §12.1), to be committed by reference.
 *
 * @throws ProtocolError if this member cannot send handshake messages.
 */
export async function propose(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  proposal: Proposal,
  options: ProposeOptions = {},
): Promise<{
  readonly state: MlsGroupState;
  readonly message: MLSMessage;
  readonly consumed: readonly Uint8Array[];
}> {
  const r = await guarded("propose", () =>
    createProposal(state, options.publicMessage ?? true, proposal, cs.impl, options.authenticatedData),
  );
  return { state: r.newState, message: r.message, consumed: r.consumed };
}

/**
 * Create a proposal as an external sender (RFC 9420 §12.1.8): `signer` must be listed in the
 * group's external_senders; its index there is the `sender_index`.
 *
 * @throws ValidationError if `signer` is not an external sender of the group.
 */
export function proposeAsExternalSender(
  cs: MlsCiphersuite,
  groupInfo: GroupInfo,
  proposal: Proposal,
  signer: SignatureKeyPair,
  authenticatedData?: Uint8Array,
): Promise<MLSMessage> {
  // [MLS-EXTSEND-02] RFC 9420 §12.1.8.1: an external sender's `sender_index` is its index in the
  // external_senders list (computed, and resolved on receipt, by the patched ts-mls).
  return guarded("external proposal", () =>
    tsProposeExternal(groupInfo, proposal, signer.publicKey, signer.signKey, cs.impl, authenticatedData),
  );
}

/** Create a PrivateMessage carrying application data (RFC 9420 §6.3). */
export async function encryptApplicationMessage(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  data: Uint8Array,
  authenticatedData?: Uint8Array,
): Promise<{
  readonly state: MlsGroupState;
  readonly message: MLSMessage;
  readonly consumed: readonly Uint8Array[];
}> {
  const r = await guarded("encrypt application message", () =>
    createApplicationMessage(state, data, cs.impl, authenticatedData),
  );
  return {
    state: r.newState,
    message: { version: "mls10", wireformat: "mls_private_message", privateMessage: r.privateMessage },
    consumed: r.consumed,
  };
}

/** What processing an incoming message did. */
export type ProcessedMessage =
  | {
      readonly kind: "application";
      readonly state: MlsGroupState;
      /** The sender's leaf index (RFC 9420 §6.3.2 SenderData). */
      readonly senderLeafIndex: number;
      readonly data: Uint8Array;
      readonly authenticatedData: Uint8Array;
      readonly consumed: readonly Uint8Array[];
    }
  | {
      /** `commit` when the epoch advanced, `proposal` when a proposal was stored. */
      readonly kind: "commit" | "proposal";
      readonly state: MlsGroupState;
      readonly accepted: boolean;
      /** Who sent it: a member (with its leaf index), an external sender, or a new member. */
      readonly sender: Sender;
      /** True when this member was removed by the commit. */
      readonly removed: boolean;
      readonly authenticatedData: Uint8Array;
      readonly consumed: readonly Uint8Array[];
    };

/** Options of {@link processMessage}. */
export interface ProcessOptions {
  /** Policy hook: sees each proposal and commit, and may reject it. Default: accept. */
  readonly policy?: IncomingMessageCallback;
  readonly pskIndex?: PskIndex;
}

/**
 * Process a PublicMessage or PrivateMessage addressed to this group (RFC 9420 §6, §12.4.2).
 * Accepts the encoded MLSMessage or a decoded one.
 *
 * @throws CodecError if the bytes do not decode.
 * @throws ValidationError if the message fails a check (signature, membership tag, epoch, …).
 */
export async function processMessage(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  message: MLSMessage | Uint8Array,
  options: ProcessOptions = {},
): Promise<ProcessedMessage> {
  const msg = message instanceof Uint8Array ? decodeMlsMessage(message) : message;
  if (msg.wireformat !== "mls_private_message" && msg.wireformat !== "mls_public_message") {
    throw new ValidationError(`a ${msg.wireformat} is not processed as a group message`, {
      path: "/wire_format",
    });
  }
  const authenticatedData =
    msg.wireformat === "mls_private_message"
      ? msg.privateMessage.authenticatedData
      : msg.publicMessage.content.authenticatedData;
  // [MLS-PSK-01] RFC 9420 §8.4, §12.1.4: the PSKs a Commit's PreSharedKey proposals name are
  // looked up in `pskIndex` and enter the key schedule, for a PrivateMessage Commit as for a
  // PublicMessage one (the patched ts-mls; unpatched, it searched an empty index for the former).
  const r = await guarded("process message", () =>
    tsProcessMessage(
      msg,
      state,
      options.pskIndex ?? emptyPskIndex,
      options.policy ?? (() => "accept"),
      cs.impl,
    ),
  );
  const sender = senderOf(msg, r);
  if (r.kind === "applicationMessage") {
    if (sender.senderType !== "member") {
      throw new ValidationError("application data from a non-member", { path: "/sender" });
    }
    return {
      kind: "application",
      state: r.newState,
      senderLeafIndex: sender.leafIndex,
      data: r.message,
      authenticatedData,
      consumed: r.consumed,
    };
  }
  const advanced = r.newState.groupContext.epoch !== state.groupContext.epoch;
  const removed = r.newState.groupActiveState.kind === "removedFromGroup";
  return {
    kind: advanced || removed ? "commit" : "proposal",
    state: r.newState,
    accepted: r.actionTaken === "accept",
    sender,
    removed,
    authenticatedData,
    consumed: r.consumed,
  };
}

/**
 * The sender of a message this member has just processed successfully: from the PublicMessage's
 * FramedContent, or from the PrivateMessage's SenderData as ts-mls decrypted it (the patched
 * ts-mls's `sender`, revision 7: the SenderData is decrypted once per message).
 */
function senderOf(msg: MLSMessage, r: { readonly sender?: Sender }): Sender {
  if (msg.wireformat === "mls_public_message") return msg.publicMessage.content.sender;
  // the revision guard (ts-mls-patch.ts) makes this unreachable: revision 7 always sets it
  if (r.sender === undefined) throw new InternalError("ts-mls returned no sender for a PrivateMessage");
  return r.sender;
}

/** Options of {@link joinFromWelcome}. */
export interface JoinOptions {
  readonly config: ClientConfig;
  /** The ratchet tree, when the Welcome's GroupInfo does not carry it. */
  readonly ratchetTree?: RatchetTree;
  readonly pskIndex?: PskIndex;
}

/**
 * Join a group from a Welcome (RFC 9420 §12.4.3.1) with the KeyPackage it was made for.
 *
 * @throws CodecError if the bytes do not decode.
 * @throws ValidationError if the Welcome is not for this KeyPackage or fails a check.
 */
export async function joinFromWelcome(
  cs: MlsCiphersuite,
  welcome: MLSMessage | Welcome | Uint8Array,
  keyPackage: KeyPackageBundle,
  options: JoinOptions,
): Promise<{ readonly state: MlsGroupState; readonly groupInfoExtensions: readonly Extension[] }> {
  const w = toWelcome(welcome);
  // [MLS-TREE-01] RFC 9420 §7.9.2: for each non-blank parent node P and each leaf L in P's
  // unmerged_leaves, L is a non-blank descendant of P and every non-blank node between L and P lists
  // L in its unmerged_leaves (their lists need not be equal; the patched ts-mls tree check, also used
  // by joinExternal).
  const [state, groupInfoExtensions] = await guarded("join from Welcome", () =>
    joinGroupWithExtensions(
      w,
      keyPackage.publicPackage,
      keyPackage.privatePackage,
      options.pskIndex ?? emptyPskIndex,
      cs.impl,
      options.ratchetTree,
      undefined,
      options.config,
    ),
  );
  return { state, groupInfoExtensions };
}

function toWelcome(welcome: MLSMessage | Welcome | Uint8Array): Welcome {
  const m = welcome instanceof Uint8Array ? decodeMlsMessage(welcome) : welcome;
  if ("wireformat" in m) {
    if (m.wireformat !== "mls_welcome")
      throw new ValidationError(`expected a Welcome, got ${m.wireformat}`, { path: "/wire_format" });
    return m.welcome;
  }
  return m;
}

/** Options of {@link joinExternal}. */
export interface ExternalJoinOptions {
  readonly config: ClientConfig;
  /** The ratchet tree, when the GroupInfo does not carry it. */
  readonly ratchetTree?: RatchetTree;
  /** Resync: also remove this client's previous leaf (same signature key) in the same commit. */
  readonly resync?: boolean;
  readonly authenticatedData?: Uint8Array;
  /**
   * Non-default proposals (e.g. AppDataUpdate) carried by value in the external commit and applied
   * by the configuration's `customProposalHandler` (the project's ts-mls patch, decision 0576).
   */
  readonly proposals?: readonly ProposalCustom[];
}

/**
 * Join a group by external commit (RFC 9420 §12.4.3.2) from its GroupInfo.
 *
 * @throws ValidationError if the GroupInfo has no external_pub or fails a check.
 */
export async function joinExternal(
  cs: MlsCiphersuite,
  groupInfo: GroupInfo,
  keyPackage: KeyPackageBundle,
  options: ExternalJoinOptions,
): Promise<{ readonly state: MlsGroupState; readonly commit: MLSMessage }> {
  const r = await guarded("external join", () =>
    joinGroupExternal(
      groupInfo,
      keyPackage.publicPackage,
      keyPackage.privatePackage,
      options.resync ?? false,
      cs.impl,
      options.ratchetTree,
      options.config,
      options.authenticatedData,
      [...(options.proposals ?? [])],
    ),
  );
  return {
    state: r.newState,
    commit: { version: "mls10", wireformat: "mls_public_message", publicMessage: r.publicMessage },
  };
}

/** Options of {@link exportGroupInfo}. */
export interface GroupInfoOptions {
  /** Include the `ratchet_tree` extension. MIMI sends the tree separately to the hub (default false). */
  readonly ratchetTree?: boolean;
  readonly extensions?: readonly Extension[];
}

/**
 * A signed GroupInfo for the current epoch with the `external_pub` extension (RFC 9420 §12.4.3,
 * §12.4.3.2), as an MLSMessage.
 */
export async function exportGroupInfo(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  options: GroupInfoOptions = {},
): Promise<MLSMessage> {
  const exts = [...(options.extensions ?? [])];
  // [MLS-XPUB-01] RFC 9420 §12.4.3.2: the external_pub extension data is
  // `struct { HPKEPublicKey external_pub; }`, a length-prefixed key (written and read by the
  // patched ts-mls, revision 3; 1.6.4 used the bare key, docs/ts-mls-patch.md item 8)
  const gi = await guarded("export GroupInfo", () =>
    options.ratchetTree === true
      ? createGroupInfoWithExternalPubAndRatchetTree(state, exts, cs.impl)
      : createGroupInfoWithExternalPub(state, exts, cs.impl),
  );
  return groupInfoMessage(gi);
}

/** The group's members: every non-blank leaf with its index. */
export function groupMembers(
  state: MlsGroupState,
): { readonly leafIndex: number; readonly leafNode: LeafNode }[] {
  const out: { leafIndex: number; leafNode: LeafNode }[] = [];
  const tree = state.ratchetTree;
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree.get(i);
    if (node !== undefined && node.nodeType === "leaf") out.push({ leafIndex: i / 2, leafNode: node.leaf });
  }
  return out;
}

/** This member's leaf index. */
export function ownLeafIndex(state: MlsGroupState): number {
  return state.privatePath.leafIndex;
}

/** MLS-Exporter(label, context, length) of the current epoch (RFC 9420 §8.5). */
export function exportSecret(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  label: string,
  context: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  return mlsExporter(state.keySchedule.exporterSecret, label, context, length, cs.impl);
}

/** Serialise a member's state for storage (ts-mls's own format, not a wire format). */
export function encodeGroupState(state: MlsGroupState): Uint8Array {
  return tsEncodeGroupState(state);
}

/**
 * Restore a member's state stored by {@link encodeGroupState}, with its configuration (which is
 * not stored). Decoding is strict; check the result with `checkGroupState` before using it.
 *
 * @param path - where the state sits in the caller's structure, for errors.
 * @throws CodecError on malformed input or trailing bytes.
 */
export function decodeGroupState(bytes: Uint8Array, config: ClientConfig, path = "/"): MlsGroupState {
  return { ...decodeStrict(tsDecodeGroupState, bytes, "group state", path), clientConfig: config };
}

/**
 * Fail unless this member may still send in the group.
 *
 * @throws ProtocolError if it was removed or the group is suspended for a ReInit.
 */
export function assertActive(state: MlsGroupState): void {
  if (state.groupActiveState.kind !== "active") {
    throw new ProtocolError(`the group is not active for this member (${state.groupActiveState.kind})`, {
      path: "/",
    });
  }
}
