/**
 * Following a group through its PublicMessage proposals and commits (RFC 9420 §6, §12), as a
 * non-member: what members check that needs no group secret, and the public half of what they
 * compute (tree, tree hash, GroupContext). The membership_tag and confirmation_tag need secrets the
 * hub does not have and are not checked (see the package README).
 */

import type {
  FramedContent,
  FramedContentAuthData,
  PreSharedKeyID,
  Proposal,
  ProposalCustom,
  PublicMessage,
  RatchetTree,
} from "@mimi/ts-mls";
import { CodecError, InternalError, toHex } from "@mimi/wire";
import { decodeRequiredCapabilities } from "../adapter/codec.js";
import {
  type ApplyProposalsResult,
  addLeafNode,
  applyProposals,
  bytesToBase64,
  type ClientState,
  type Commit,
  copyTree,
  extensionTypeToNumber,
  type FramedContentCommit,
  findBlankLeafNodeIndexOrExtend,
  findSignaturePublicKey,
  leavesLackingCapability,
  leavesLackingCredential,
  makeProposalRef,
  nextEpochContext,
  nodeToLeafIndex,
  removeLeafNode,
  toLeafIndex,
  treeKeyLookup,
  treeWrites,
  type UpdatePath,
  validateLeafNodeUpdateOrCommit,
  verifyFramedContentSignature,
} from "../adapter/internals.js";
import { equalBytes } from "./hub-bytes.js";
import { decodeMlsMessageExactly } from "./hub-decode.js";
import { check, checkCodec, decodeAs, rejectAs } from "./hub-errors.js";
import type { HubGroupView, HubPendingProposal } from "./hub-group-view.js";
import { applyUpdatePathCached, makeTreeHasher, type TreeHasher } from "./hub-tree-hash.js";

/** What a processed message did. */
export type HubEvent = HubProposalEvent | HubCommitEvent;

/** A proposal accepted into the current epoch's pending set. */
export interface HubProposalEvent {
  readonly kind: "proposal";
  readonly pending: HubPendingProposal;
}

/** A commit applied: the view moved to `epoch`. */
export interface HubCommitEvent {
  readonly kind: "commit";
  /** The new epoch. */
  readonly epoch: bigint;
  /** The committer's leaf index (for an external commit, the joiner's new leaf). */
  readonly committer: number;
  /** True for an external commit (sender new_member_commit). */
  readonly external: boolean;
  /** Every proposal the commit applied, by value or resolved from its reference. */
  readonly proposals: readonly Proposal[];
  /** Leaves added by Add proposals (an external joiner is `committer`). */
  readonly added: readonly number[];
  /** Leaves removed. */
  readonly removed: readonly number[];
  /** PreSharedKeyIDs the commit injects; the hub cannot check their values. */
  readonly pskIds: readonly PreSharedKeyID[];
  /** True when the commit carried an UpdatePath. */
  readonly hasPath: boolean;
}

/** Result of {@link processHubMessage}: the next view and what happened. */
export interface HubProcessResult {
  readonly view: HubGroupView;
  readonly event: HubEvent;
}

/** RFC 9420 §17.4 "Path Required" for the default types (non-default ones: the view's options). */
const pathRequiredDefault: Readonly<Record<string, boolean>> = {
  add: false,
  update: true,
  remove: true,
  psk: false,
  reinit: false,
  external_init: true,
  group_context_extensions: true,
};

/** RFC 9420 §17.4 "External" column for the default types: may an external sender propose it. */
const externalAllowedDefault: Readonly<Record<string, boolean>> = {
  add: true,
  update: false,
  remove: true,
  psk: true,
  reinit: true,
  external_init: false,
  group_context_extensions: true,
};

function proposalTypeName(p: Proposal): string {
  return typeof p.proposalType === "number"
    ? `0x${p.proposalType.toString(16).padStart(4, "0")}`
    : p.proposalType;
}

const CONTENT = "/public_message/content";

/**
 * Decode an MLSMessage that must be a PublicMessage, strictly (no trailing bytes).
 *
 * @throws CodecError when the bytes do not decode (MLS-HUB-01).
 * @throws ValidationError when the wire format is not `mls_public_message` (MLS-HUB-02).
 */
export function decodeHubPublicMessage(bytes: Uint8Array): PublicMessage {
  const message = decodeMlsMessageExactly(bytes);
  // [MLS-HUB-02] draft-ietf-mimi-protocol-06 §4.2: handshake messages reach the hub as PublicMessage (the hub view cannot read a PrivateMessage)
  check(
    message.wireformat === "mls_public_message",
    `the hub view follows PublicMessage handshakes only, got ${message.wireformat}`,
    "MLS-HUB-02",
    "/wire_format",
  );
  check(
    message.version === "mls10",
    `unsupported protocol version ${message.version}`,
    "MLS-HUB-02",
    "/version",
  );
  return message.publicMessage;
}

/** The key of a pending proposal in {@link HubGroupView.pendingProposals}: its ProposalRef in hex. */
export function proposalRefKey(b: Uint8Array): string {
  return toHex(b);
}

/** True when leaf `leafIndex` of `tree` is a member (a non-blank leaf). */
export function isMemberLeaf(tree: RatchetTree, leafIndex: number): boolean {
  return Number.isInteger(leafIndex) && leafIndex >= 0 && tree.get(2 * leafIndex)?.nodeType === "leaf";
}

/** The sender's signature key, after the sender rules of RFC 9420 §6 and §12.1.8. */
function senderKey(view: HubGroupView, content: FramedContent): Uint8Array {
  const { sender } = content;
  const path = `${CONTENT}/sender`;
  // [MLS-HUB-06] RFC 9420 §6: a member sender is a non-blank leaf; new_member_commit only sends commits, new_member_proposal only Add proposals, external senders only proposals, and an external sender_index names an entry of external_senders
  switch (sender.senderType) {
    case "member":
      check(
        isMemberLeaf(view.ratchetTree, sender.leafIndex),
        `leaf ${sender.leafIndex} is not a member`,
        "MLS-HUB-06",
        path,
      );
      break;
    case "external":
      check(
        content.contentType === "proposal",
        "an external sender may only send proposals",
        "MLS-HUB-06",
        path,
      );
      break;
    case "new_member_proposal":
      check(
        content.contentType === "proposal" && content.proposal.proposalType === "add",
        "new_member_proposal may only send an Add proposal",
        "MLS-HUB-06",
        path,
      );
      break;
    case "new_member_commit":
      check(content.contentType === "commit", "new_member_commit may only send a commit", "MLS-HUB-06", path);
      check(
        content.commit.path !== undefined,
        "an external commit needs an UpdatePath",
        "MLS-HUB-06",
        `${CONTENT}/commit/path`,
      );
      break;
  }
  return decodeAs("MLS-HUB-06", path, "no signature key for the sender", () =>
    findSignaturePublicKey(view.ratchetTree, view.groupContext, content),
  );
}

/**
 * Process one handshake message (an encoded MLSMessage carrying a PublicMessage proposal or
 * commit) and return the next view. The view is unchanged when this throws.
 *
 * @throws CodecError when the bytes do not decode (MLS-HUB-01).
 * @throws ValidationError when the message breaks a rule; `rule` names the requirement and
 *   `code` is `wrongEpoch` for a message of another epoch.
 */
export async function processHubMessage(view: HubGroupView, bytes: Uint8Array): Promise<HubProcessResult> {
  const message = decodeHubPublicMessage(bytes);
  return processHubPublicMessage(view, message);
}

/**
 * {@link processHubMessage} for an already decoded PublicMessage.
 *
 * @throws ValidationError when the message breaks a rule (see {@link processHubMessage}).
 */
export async function processHubPublicMessage(
  view: HubGroupView,
  message: PublicMessage,
): Promise<HubProcessResult> {
  const { content, auth } = message;
  const gc = view.groupContext;
  // [MLS-HUB-19] RFC 9420 §12.1.5: after a ReInit commit the group is over; no further handshake is accepted
  check(view.status === "active", "the group ended with a ReInit commit", "MLS-HUB-19", "/");
  // [MLS-HUB-03] RFC 9420 §6: a message whose group_id is not the group's is rejected
  check(
    equalBytes(content.groupId, gc.groupId),
    "group_id is not this group's",
    "MLS-HUB-03",
    `${CONTENT}/group_id`,
  );
  // [MLS-HUB-04] RFC 9420 §6: a handshake message must be for the current epoch
  check(
    content.epoch === gc.epoch,
    `epoch ${content.epoch} is not the current epoch ${gc.epoch}`,
    "MLS-HUB-04",
    `${CONTENT}/epoch`,
    "wrongEpoch",
  );
  // [MLS-HUB-05] RFC 9420 §6.2: application data is never sent as a PublicMessage
  check(
    content.contentType !== "application",
    "application data in a PublicMessage",
    "MLS-HUB-05",
    `${CONTENT}/content_type`,
  );
  checkCodec(
    auth.contentType === content.contentType,
    "auth does not match the content type",
    "MLS-HUB-01",
    "/public_message/auth",
  );
  const key = senderKey(view, content);
  // [MLS-HUB-07] RFC 9420 §6.1: the FramedContent signature must verify under the sender's key over FramedContentTBS with the current GroupContext (the membership_tag needs the membership key and is not checked, §6.2)
  const signed = await rejectAs(
    "MLS-HUB-07",
    "/public_message/auth/signature",
    "signature check failed",
    () =>
      verifyFramedContentSignature(key, "mls_public_message", content, auth, gc, view.cipherSuite.signature),
  );
  check(
    signed,
    "the FramedContent signature does not verify",
    "MLS-HUB-07",
    "/public_message/auth/signature",
  );
  if (content.contentType === "proposal") return processProposal(view, content, auth, content.proposal);
  if (content.contentType !== "commit" || auth.contentType !== "commit") {
    throw new InternalError("unreachable: content type checked above");
  }
  return content.sender.senderType === "new_member_commit"
    ? processExternalCommit(
        view,
        content as FramedContentCommit,
        auth.signature,
        auth.confirmationTag,
        content.commit,
      )
    : processMemberCommit(
        view,
        content as FramedContentCommit,
        auth.signature,
        auth.confirmationTag,
        content.commit,
      );
}

function checkProposalType(view: HubGroupView, proposal: Proposal, external: boolean, path: string): void {
  const type = proposal.proposalType;
  // [MLS-HUB-20] RFC 9420 §12.1.5: an ExternalInit proposal is only valid by value in an external commit
  check(type !== "external_init", "ExternalInit outside an external commit", "MLS-HUB-20", path);
  if (typeof type === "number" && type === view.options.selfRemoveProposalType) {
    // [MLS-SELFRM-02] draft-ietf-mls-extensions-10 §6.3: SelfRemove is sent by the member leaving, never by an external sender or a new member, and its body is empty
    check(!external, "a SelfRemove must come from a member", "MLS-SELFRM-02", path);
    if ("proposalData" in proposal) {
      check(proposal.proposalData.length === 0, "a SelfRemove with a non-empty body", "MLS-SELFRM-02", path);
    }
    return;
  }
  if (typeof type === "number") {
    // [MLS-HUB-18] RFC 9420 §12.2: a proposal type the hub cannot follow is rejected rather than guessed; supported non-default types must be in every member's capabilities (§7.2)
    check(
      view.options.opaqueProposalTypes.includes(type) || view.options.customProposalTypes.includes(type),
      `proposal type ${proposalTypeName(proposal)} is not followed by the hub`,
      "MLS-HUB-18",
      path,
    );
  }
  if (external) {
    const allowed =
      typeof type === "number"
        ? view.options.externalProposalTypes.includes(type)
        : externalAllowedDefault[type] === true;
    // [MLS-HUB-08] RFC 9420 §12.1.8, §17.4: an external sender may only send proposal types marked External
    check(allowed, `an external sender may not propose ${proposalTypeName(proposal)}`, "MLS-HUB-08", path);
  }
}

/**
 * The rules a proposal received on its own must meet before the view keeps it for the epoch: its
 * type is followed (and allowed from an external sender), and a Remove names a current member.
 *
 * @throws ValidationError (MLS-HUB-08, MLS-HUB-11, MLS-HUB-18, MLS-HUB-20) when one fails.
 */
export function checkReceivedProposal(
  view: HubGroupView,
  proposal: Proposal,
  external: boolean,
  path: string,
): void {
  checkProposalType(view, proposal, external, path);
  if (proposal.proposalType === "remove") {
    // [MLS-HUB-11] RFC 9420 §12.1.3, §12.2: a Remove names a current member; the committed list obeys §12.2
    check(
      isMemberLeaf(view.ratchetTree, proposal.remove.removed),
      `Remove names leaf ${proposal.remove.removed}, which is not a member`,
      "MLS-HUB-11",
      `${path}/remove/removed`,
    );
  }
}

async function processProposal(
  view: HubGroupView,
  content: FramedContent,
  auth: FramedContentAuthData,
  proposal: Proposal,
): Promise<HubProcessResult> {
  const path = `${CONTENT}/proposal`;
  const sender = content.sender;
  checkReceivedProposal(view, proposal, sender.senderType !== "member", path);
  const ref = await makeProposalRef(
    { wireformat: "mls_public_message", content, auth },
    view.cipherSuite.hash,
  );
  const key = proposalRefKey(ref);
  // [MLS-HUB-17] RFC 9420 §5.2: a ProposalRef identifies one proposal; the same proposal received twice in an epoch is a replay and is rejected
  check(
    !view.pendingProposals.has(key),
    "this proposal was already received in this epoch",
    "MLS-HUB-17",
    path,
  );
  const pending: HubPendingProposal = {
    ref,
    proposal,
    senderLeafIndex: sender.senderType === "member" ? sender.leafIndex : undefined,
    senderType: sender.senderType === "new_member_commit" ? "external" : sender.senderType,
  };
  const pendingProposals = new Map(view.pendingProposals);
  pendingProposals.set(key, pending);
  return { view: { ...view, pendingProposals }, event: { kind: "proposal", pending } };
}

function isSelfRemove(view: HubGroupView, p: Proposal): boolean {
  return p.proposalType === view.options.selfRemoveProposalType;
}

function resolveProposals(view: HubGroupView, commit: Commit): Proposal[] {
  return commit.proposals.map((p, i) => {
    if (p.proposalOrRefType === "proposal") {
      // [MLS-SELFRM-01] draft-ietf-mls-extensions-10 §6.3: a SelfRemove is committed by reference only; committed by another member, it removes its sender's leaf (processed with the Removes, RFC 9420 §12.2 rules apply)
      check(
        !isSelfRemove(view, p.proposal),
        "a SelfRemove committed by value",
        "MLS-SELFRM-01",
        `${CONTENT}/commit/proposals/${i}`,
      );
      return p.proposal;
    }
    const found = view.pendingProposals.get(proposalRefKey(p.reference));
    // [MLS-HUB-09] RFC 9420 §12.4: a proposal committed by reference must have been received in this epoch
    check(
      found !== undefined,
      "the commit references an unknown proposal",
      "MLS-HUB-09",
      `${CONTENT}/commit/proposals/${i}`,
    );
    return found.proposal;
  });
}

function pathRequired(view: HubGroupView, proposals: readonly Proposal[]): boolean {
  if (proposals.length === 0) return true;
  return proposals.some((p) => {
    const t = p.proposalType;
    if (typeof t === "number") return !view.options.pathlessProposalTypes.includes(t);
    if (t === "group_context_extensions" && view.options.allowPathlessGroupContextExtensions) return false;
    return pathRequiredDefault[t] === true;
  });
}

function checkPath(view: HubGroupView, proposals: readonly Proposal[], path: UpdatePath | undefined): void {
  // [MLS-HUB-10] RFC 9420 §12.4: the path field MUST be populated if the commit covers no proposals or any proposal whose type requires a path (Update, Remove, ExternalInit, GroupContextExtensions)
  check(
    path !== undefined || !pathRequired(view, proposals),
    "the commit needs an UpdatePath",
    "MLS-HUB-10",
    `${CONTENT}/commit/path`,
  );
}

/**
 * RFC 9420 §7.3 for a new or replaced leaf: every member supports its credential type, its
 * encryption key appears in no other node and its signature key in no other leaf. (ts-mls's
 * `validateLeafNodeCredentialAndKeyUniqueness` only checks the tree's existing keys among
 * themselves.) Answered from the patched ts-mls's per-tree indexes (the count of leaves lacking a
 * credential type, the public keys by node), which a commit updates along its changed nodes: no
 * pass over every node of a 10,000-member tree per commit.
 */
function checkLeafUniqueness(
  tree: RatchetTree,
  leaf: UpdatePath["leafNode"],
  own: number,
  where: string,
): void {
  const credentialType = leaf.credential.credentialType;
  if (leavesLackingCredential(tree, credentialType) > 0) {
    // [MLS-HUB-12] the failure names the first such leaf (a pass over the leaves, on rejection only)
    const lacking = tree.findIndex(
      (node) => node?.nodeType === "leaf" && !node.leaf.capabilities.credentials.includes(credentialType),
    );
    check(
      false,
      `leaf ${lacking / 2} does not support credential type ${credentialType}`,
      "MLS-HUB-12",
      where,
    );
  }
  const keysOf = treeKeyLookup(tree);
  const ownNode = 2 * own;
  // [MLS-HUB-12]
  check(
    keysOf("e", leaf.hpkePublicKey).every((x) => x === ownNode),
    "encryption key not unique",
    "MLS-HUB-12",
    where,
  );
  check(
    keysOf("s", leaf.signaturePublicKey).every((x) => x === ownNode),
    "signature key not unique",
    "MLS-HUB-12",
    where,
  );
}

/**
 * Validate the UpdatePath's leaf (against `beforeJoin`, the tree without an external joiner's new
 * leaf), merge the path into `hasher.tree` (in place when `owned`: the commit's own copy of the
 * tree, which nothing else holds), and return a hasher for the result.
 */
async function applyPath(
  view: HubGroupView,
  hasher: TreeHasher,
  beforeJoin: RatchetTree,
  committer: number,
  path: UpdatePath,
  extensions: HubGroupView["groupContext"]["extensions"],
  external: boolean,
  owned: boolean,
): Promise<TreeHasher> {
  const { options, cipherSuite: cs } = view;
  const where = `${CONTENT}/commit/path/leaf_node`;
  // [MLS-HUB-12] RFC 9420 §7.3, §7.9.2: the UpdatePath's LeafNode is validated (signature over the group and leaf index, credential, capabilities, key uniqueness) and the path's parent hashes must chain to the leaf's parent_hash
  const leafError = await rejectAs("MLS-HUB-12", where, "UpdatePath leaf check failed", () =>
    validateLeafNodeUpdateOrCommit(
      path.leafNode,
      committer,
      { ...view.groupContext, extensions },
      options.authService,
      cs.signature,
    ),
  );
  check(leafError === undefined, `UpdatePath leaf is invalid: ${leafError?.message}`, "MLS-HUB-12", where);
  checkLeafUniqueness(beforeJoin, path.leafNode, committer, where);
  return applyUpdatePathCached(hasher, committer, path, cs.hash, external, owned);
}

function requiredProposalTypes(view: HubGroupView): readonly number[] {
  const ext = view.groupContext.extensions.find((e) => e.extensionType === "required_capabilities");
  if (ext === undefined) return [];
  const path = "/group_context/extensions";
  try {
    return decodeRequiredCapabilities(ext.extensionData, path).proposalTypes;
  } catch (e) {
    throw new CodecError(`required_capabilities does not decode: ${(e as Error).message}`, {
      rule: "MLS-HUB-14",
      path,
      cause: e,
    });
  }
}

function checkGroupContextExtensions(
  view: HubGroupView,
  proposals: readonly Proposal[],
  tree: RatchetTree,
): void {
  const dictType = view.options.appDataDictionaryType;
  const dictionary = (list: HubGroupView["groupContext"]["extensions"]): Uint8Array | undefined =>
    list.find((e) => extensionTypeToNumber(e.extensionType) === dictType)?.extensionData;
  for (const p of proposals) {
    if (p.proposalType !== "group_context_extensions") continue;
    const extensions = p.groupContextExtensions.extensions;
    // [MLS-HUB-14] RFC 9420 §12.1.7: GroupContextExtensions replaces the extensions, and every member must support each of them; an empty list is rejected (ts-mls would keep the old list, decision 0573)
    check(
      extensions.length > 0,
      "GroupContextExtensions with an empty list",
      "MLS-HUB-14",
      `${CONTENT}/commit/proposals`,
    );
    for (const e of extensions) {
      if (typeof e.extensionType !== "number") continue;
      const type = extensionTypeToNumber(e.extensionType);
      // [MLS-HUB-14] from the patched ts-mls's per-tree count (no pass over the leaves per commit)
      if (leavesLackingCapability(tree, "extensions", type) === 0) continue;
      check(
        false,
        `leaf ${firstLeafLacking(tree, "extensions", type)} does not support extension ${e.extensionType}`,
        "MLS-HUB-14",
        `${CONTENT}/commit/proposals`,
      );
    }
    if (requiredProposalTypes(view).includes(view.options.appDataUpdateType)) {
      const before = dictionary(view.groupContext.extensions);
      const after = dictionary(extensions);
      const same = before === undefined || after === undefined ? before === after : equalBytes(before, after);
      // [MLS-HUB-21] draft-ietf-mls-extensions-10 §4.7: when app_data_update is a required proposal type, a GroupContextExtensions proposal MUST NOT add, remove or modify app_data_dictionary
      check(
        same,
        "GroupContextExtensions changes app_data_dictionary",
        "MLS-HUB-21",
        `${CONTENT}/commit/proposals`,
      );
    }
  }
}

function checkCustomProposalsSupported(view: HubGroupView, proposals: readonly Proposal[]): void {
  for (const p of proposals) {
    if (typeof p.proposalType !== "number") continue;
    // [MLS-HUB-18] from the patched ts-mls's per-tree count: a MIMI commit carries an AppDataUpdate,
    // and a pass over every leaf for it grew with the room
    if (leavesLackingCapability(view.ratchetTree, "proposals", p.proposalType) === 0) continue;
    check(
      false,
      `leaf ${firstLeafLacking(view.ratchetTree, "proposals", p.proposalType)} does not support proposal type ${proposalTypeName(p)}`,
      "MLS-HUB-18",
      `${CONTENT}/commit/proposals`,
    );
  }
}

/** The index of the first leaf whose capabilities lack `value` (a pass over the leaves: on rejection only). */
function firstLeafLacking(tree: RatchetTree, field: "proposals" | "extensions", value: number): number {
  for (let i = 0; i < tree.length; i += 2) {
    const node = tree.get(i);
    if (node?.nodeType === "leaf" && !node.leaf.capabilities[field].includes(value)) return i / 2;
  }
  return -1;
}

async function nextView(
  view: HubGroupView,
  content: FramedContentCommit,
  signature: Uint8Array,
  confirmationTag: Uint8Array,
  hasher: TreeHasher,
  extensions: HubGroupView["groupContext"]["extensions"],
  status: HubGroupView["status"],
): Promise<HubGroupView> {
  const h = view.cipherSuite.hash;
  const tree = hasher.tree;
  const treeHash = await hasher.root();
  // RFC 9420 §8.2: confirmed_transcript_hash from the previous interim hash (seeded by the last confirmation_tag); §7.8 tree_hash
  const groupContext = await nextEpochContext(
    { ...view.groupContext, extensions },
    "mls_public_message",
    content,
    signature,
    treeHash,
    view.confirmationTag,
    h,
  );
  return {
    ...view,
    groupContext,
    ratchetTree: tree,
    treeHashCache: hasher.cache(),
    confirmationTag,
    pendingProposals: new Map(),
    status,
  };
}

async function processMemberCommit(
  view: HubGroupView,
  content: FramedContentCommit,
  signature: Uint8Array,
  confirmationTag: Uint8Array,
  commit: Commit,
): Promise<HubProcessResult> {
  if (content.sender.senderType !== "member") throw new InternalError("unreachable: member commit");
  const committer = content.sender.leafIndex;
  const proposals = resolveProposals(view, commit);
  proposals.forEach((p, i) => {
    checkProposalType(view, p, false, `${CONTENT}/commit/proposals/${i}`);
  });
  checkCustomProposalsSupported(view, proposals);
  checkPath(view, proposals, commit.path);
  const cs = view.cipherSuite;
  const shim = {
    groupContext: view.groupContext,
    ratchetTree: view.ratchetTree,
    unappliedProposals: Object.fromEntries(
      [...view.pendingProposals.values()].map((p) => [
        bytesToBase64(p.ref),
        { proposal: p.proposal, senderLeafIndex: p.senderLeafIndex },
      ]),
    ),
    clientConfig: {
      customProposalHandler: view.options.customProposalHandler,
      keyPackageEqualityConfig: view.options.keyPackageEquality,
      authService: view.options.authService,
      lifetimeConfig: view.options.lifetimeConfig,
      selfRemoveProposalType: view.options.selfRemoveProposalType,
    },
    privatePath: { leafIndex: committer, privateKeys: {} },
  } as unknown as ClientState;
  // The hub never learns PSK values (RFC 9420 §8.4); the lookup only has to succeed.
  const pskSearch = { findPsk: (): Uint8Array => new Uint8Array(cs.kdf.size) };
  // [MLS-HUB-11]
  const result: ApplyProposalsResult = await rejectAs(
    "MLS-HUB-11",
    `${CONTENT}/commit/proposals`,
    "invalid proposal list",
    () => applyProposals(shim, commit.proposals, toLeafIndex(committer), pskSearch, false, cs),
  );
  const extra = result.additionalResult;
  const extensions =
    extra.kind === "memberCommit" && extra.extensions.length > 0
      ? extra.extensions
      : view.groupContext.extensions;
  checkGroupContextExtensions(view, proposals, result.tree);
  // the nodes the proposals wrote, from the patched ts-mls's write log of its copy (else compared)
  const afterProposals = makeTreeHasher(
    result.tree,
    cs.hash,
    { tree: view.ratchetTree, cache: view.treeHashCache },
    result.tree === view.ratchetTree ? [] : treeWrites(result.tree, view.ratchetTree),
  );
  const hasher =
    commit.path === undefined
      ? afterProposals
      : // a tree the proposals changed is ts-mls's fresh copy for this commit (applyProposals never
        // writes the tree it is given), so the path goes into it in place
        await applyPath(
          view,
          afterProposals,
          result.tree,
          committer,
          commit.path,
          extensions,
          false,
          result.tree !== view.ratchetTree,
        );
  const status = extra.kind === "reinit" ? "reinit" : "active";
  const next = await nextView(view, content, signature, confirmationTag, hasher, extensions, status);
  return {
    view: next,
    event: {
      kind: "commit",
      epoch: next.groupContext.epoch,
      committer,
      external: false,
      proposals,
      added: extra.kind === "memberCommit" ? extra.addedLeafNodes.map(([leaf]) => leaf as number) : [],
      removed: [
        ...proposals.flatMap((p) => (p.proposalType === "remove" ? [p.remove.removed] : [])),
        ...selfRemovedLeaves(view, commit),
      ],
      pskIds: result.pskIds,
      hasPath: commit.path !== undefined,
    },
  };
}

/**
 * The GroupContext extensions after an external commit's non-default proposals, applied by the
 * view's `customProposalHandler` exactly as members' patched ts-mls does (with the joiner's
 * LeafNode, decision 0576).
 */
async function externalCommitExtensions(
  view: HubGroupView,
  custom: readonly ProposalCustom[],
  tree: RatchetTree,
  joiner: UpdatePath["leafNode"],
): Promise<HubGroupView["groupContext"]["extensions"]> {
  const handler = view.options.customProposalHandler;
  if (custom.length === 0 || handler === undefined) {
    check(custom.length === 0, "no handler for the external commit's proposals", "MLS-HUB-18", CONTENT);
    return view.groupContext.extensions;
  }
  const outcome = await rejectAs("MLS-HUB-11", `${CONTENT}/commit/proposals`, "invalid proposal list", () =>
    handler({
      groupContext: view.groupContext,
      extensions: view.groupContext.extensions,
      groupContextExtensionsProposed: false,
      tree: copyTree(tree),
      proposals: custom.map((proposal) => ({ proposal, senderLeafIndex: undefined })),
      committerLeafIndex: undefined,
      sentByClient: false,
      newMemberLeafNode: joiner,
    }),
  );
  return outcome?.extensions !== undefined && outcome.extensions.length > 0
    ? outcome.extensions
    : view.groupContext.extensions;
}

/** The senders of the SelfRemove proposals a commit references (their leaves are removed). */
function selfRemovedLeaves(view: HubGroupView, commit: Commit): number[] {
  return commit.proposals.flatMap((p) => {
    if (p.proposalOrRefType !== "reference") return [];
    const pending = view.pendingProposals.get(proposalRefKey(p.reference));
    return pending !== undefined &&
      isSelfRemove(view, pending.proposal) &&
      pending.senderLeafIndex !== undefined
      ? [pending.senderLeafIndex]
      : [];
  });
}

function sameCredential(a: ReturnType<RatchetTree["get"]>, b: UpdatePath["leafNode"]): boolean {
  if (a?.nodeType !== "leaf") return false;
  const ca = a.leaf.credential;
  const cb = b.credential;
  if (ca.credentialType === "basic" && cb.credentialType === "basic")
    return equalBytes(ca.identity, cb.identity);
  if (ca.credentialType === "x509" && cb.credentialType === "x509") {
    return (
      ca.certificates.length === cb.certificates.length &&
      ca.certificates.every((c, i) => equalBytes(c, cb.certificates[i] ?? new Uint8Array()))
    );
  }
  return false;
}

async function processExternalCommit(
  view: HubGroupView,
  content: FramedContentCommit,
  signature: Uint8Array,
  confirmationTag: Uint8Array,
  commit: Commit,
): Promise<HubProcessResult> {
  const where = `${CONTENT}/commit/proposals`;
  const path = commit.path;
  check(path !== undefined, "an external commit needs an UpdatePath", "MLS-HUB-10", `${CONTENT}/commit/path`);
  const proposals: Proposal[] = [];
  for (const [i, p] of commit.proposals.entries()) {
    // [MLS-HUB-13] RFC 9420 §12.4.3.2: an external commit carries its proposals by value only: exactly one ExternalInit, at most one Remove (of the joiner's former leaf), any PreSharedKey, nothing else
    check(
      p.proposalOrRefType === "proposal",
      "an external commit may not reference proposals",
      "MLS-HUB-13",
      `${where}/${i}`,
    );
    proposals.push(p.proposal);
  }
  const inits = proposals.filter((p) => p.proposalType === "external_init");
  const removes = proposals.flatMap((p) => (p.proposalType === "remove" ? [p.remove.removed] : []));
  check(
    inits.length === 1,
    `an external commit needs exactly one ExternalInit, has ${inits.length}`,
    "MLS-HUB-13",
    where,
  );
  check(removes.length <= 1, "an external commit may remove at most one leaf", "MLS-HUB-13", where);
  const custom: ProposalCustom[] = [];
  for (const p of proposals) {
    const t = p.proposalType;
    if (
      typeof t === "number" &&
      "proposalData" in p &&
      view.options.externalCommitProposalTypes.includes(t)
    ) {
      custom.push(p);
      continue;
    }
    check(
      t === "external_init" || t === "remove" || t === "psk",
      `an external commit may not carry ${proposalTypeName(p)}`,
      "MLS-HUB-13",
      where,
    );
  }
  checkCustomProposalsSupported(view, custom);
  let tree = view.ratchetTree;
  const removed = removes[0];
  if (removed !== undefined) {
    check(
      isMemberLeaf(tree, removed) && sameCredential(tree.get(2 * removed), path.leafNode),
      "an external commit may only remove the joiner's former leaf (same credential)",
      "MLS-HUB-13",
      where,
    );
    tree = removeLeafNode(tree, toLeafIndex(removed));
  }
  const joiner = nodeToLeafIndex(findBlankLeafNodeIndexOrExtend(tree)) as number;
  const extensions = await externalCommitExtensions(view, custom, tree, path.leafNode);
  const cs = view.cipherSuite;
  const withJoiner = makeTreeHasher(addLeafNode(tree, path.leafNode)[0], cs.hash, {
    tree: view.ratchetTree,
    cache: view.treeHashCache,
  });
  const next = await nextView(
    view,
    content,
    signature,
    confirmationTag,
    // withJoiner's tree is addLeafNode's fresh copy
    await applyPath(view, withJoiner, tree, joiner, path, extensions, true, true),
    extensions,
    "active",
  );
  const pskIds = proposals.flatMap((p) => (p.proposalType === "psk" ? [p.psk.preSharedKeyId] : []));
  return {
    view: next,
    event: {
      kind: "commit",
      epoch: next.groupContext.epoch,
      committer: joiner,
      external: true,
      proposals,
      added: [],
      removed: removes,
      pskIds,
      hasPath: true,
    },
  };
}
