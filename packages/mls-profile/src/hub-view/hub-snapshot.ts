/**
 * Persistence of the hub's view of a group: a hub stores a snapshot after each handshake it
 * accepts and restarts from it instead of replaying the room's log (decision 0574).
 *
 * ```
 * struct {
 *   uint16 version = 1;
 *   opaque group_context<V>;          // GroupContext (RFC 9420 §8.1)
 *   opaque ratchet_tree<V>;           // optional<Node> ratchet_tree<V> (RFC 9420 §12.4.3.3)
 *   opaque confirmation_tag<V>;       // the last commit's (seeds the interim transcript hash)
 *   uint8 status;                     // 0 active, 1 ended by ReInit
 *   HubPendingProposalSnapshot pending_proposals<V>;   // in arrival order
 * } HubViewSnapshot;
 *
 * struct {
 *   opaque proposal_ref<V>;           // ProposalRef (RFC 9420 §5.2)
 *   SenderType sender_type;           // member(1), external(2), new_member_proposal(3)
 *   select (sender_type) { case member: uint32 leaf_index; case external, new_member_proposal: struct{}; };
 *   opaque proposal<V>;               // Proposal (RFC 9420 §12.1)
 * } HubPendingProposalSnapshot;
 * ```
 *
 * The cipher suite implementation and the options (Authentication Service, proposal handlers) are
 * code, not data: the caller gives them again when restoring.
 */

import type { CiphersuiteImpl, Proposal } from "@mimi/ts-mls";
import { decodeTls, encodeTls, type TlsReader, type TlsWriter } from "@mimi/wire";
import {
  decodeGroupContext,
  decodeRatchetTree,
  decodeStrict,
  encodeGroupContext,
  encodeRatchetTree,
} from "../adapter/codec.js";
import { decodeProposal, encodeProposal } from "../adapter/internals.js";
import { equalBytes } from "./hub-bytes.js";
import { syncDigest } from "./hub-cipher-suite.js";
import { check, checkCodec } from "./hub-errors.js";
import {
  type HubGroupStatus,
  type HubGroupView,
  type HubPendingProposal,
  type HubViewOptions,
  resolveHubViewOptions,
} from "./hub-group-view.js";
import { checkReceivedProposal, isMemberLeaf, proposalRefKey } from "./hub-process-message.js";
import { fullTreeHashCache, rootIndex } from "./hub-tree-hash.js";

/** Version of the snapshot format written by {@link encodeHubView}. */
export const HUB_VIEW_SNAPSHOT_VERSION = 1;

const statusCodes: Readonly<Record<HubGroupStatus, number>> = { active: 0, reinit: 1 };
const senderTypeCodes: Readonly<Record<HubPendingProposal["senderType"], number>> = {
  member: 1,
  external: 2,
  new_member_proposal: 3,
};

/**
 * Encode a hub view as a snapshot (format in the module documentation; deterministic: the same
 * view always gives the same bytes).
 */
export function encodeHubView(view: HubGroupView): Uint8Array {
  return encodeTls((w) => {
    w.uint16(HUB_VIEW_SNAPSHOT_VERSION);
    w.opaque(encodeGroupContext(view.groupContext));
    w.opaque(encodeRatchetTree(view.ratchetTree));
    w.opaque(view.confirmationTag);
    w.uint8(statusCodes[view.status]);
    w.vector([...view.pendingProposals.values()], writePending);
  });
}

function writePending(w: TlsWriter, p: HubPendingProposal): void {
  w.opaque(p.ref);
  w.uint8(senderTypeCodes[p.senderType]);
  if (p.senderType === "member") w.uint32(p.senderLeafIndex ?? 0);
  w.opaque(encodeProposal(p.proposal));
}

/** Options of {@link decodeHubView}: what a snapshot does not hold. */
export interface HubViewRestoreOptions {
  /** The group's cipher suite implementation (e.g. {@link hubCipherSuite}); its suite must match. */
  readonly cipherSuite: CiphersuiteImpl;
  /** The view's options, as given to {@link bootstrapHubView}. */
  readonly options?: HubViewOptions;
}

const RULE = "MLS-HUB-22";

/**
 * Restore a hub view from a snapshot made by {@link encodeHubView}. Decoding is strict and total,
 * and the restored view is checked for consistency: the cipher suite is the group's, the ratchet
 * tree hashes to the GroupContext's `tree_hash`, the confirmation tag and every ProposalRef have
 * the suite's hash length, and every pending proposal passes the checks it passed on arrival under
 * the given options (its member sender still a member). A snapshot is not authenticated: storing it
 * safely is the hub's job (decision 0574).
 *
 * @throws CodecError (MLS-HUB-22, MLS-CODEC-01) when the bytes are not a snapshot.
 * @throws ValidationError (MLS-HUB-22, or the rule a pending proposal breaks) when the snapshot is
 *   not a consistent view.
 */
export function decodeHubView(bytes: Uint8Array, options: HubViewRestoreOptions): HubGroupView {
  const cs = options.cipherSuite;
  const raw = decodeTls(bytes, (r) => {
    const version = r.field("version", () => r.uint16());
    // [MLS-HUB-22] RFC 9420 §12.4.3.1: a view restored from a snapshot is as checked as one bootstrapped from a GroupInfo: strict decoding, the GroupContext's cipher suite, and a ratchet tree that hashes to its tree_hash (§7.8)
    if (version !== HUB_VIEW_SNAPSHOT_VERSION) r.fail(`unknown hub view snapshot version ${version}`, RULE);
    const groupContext = r.field("group_context", () => decodeGroupContext(r.opaque(), r.currentPath));
    const ratchetTree = r.field("ratchet_tree", () => decodeRatchetTree(r.opaque(), r.currentPath));
    const confirmationTag = r.field("confirmation_tag", () => r.opaque());
    const status = r.field("status", () => {
      const code = r.uint8();
      return (
        (Object.keys(statusCodes) as HubGroupStatus[]).find((s) => statusCodes[s] === code) ??
        r.fail(`unknown status ${code}`, RULE)
      );
    });
    const pending = r.field("pending_proposals", () => r.vector(readPending));
    return { groupContext, ratchetTree, confirmationTag, status, pending };
  });
  const { groupContext, ratchetTree, confirmationTag, status, pending } = raw;
  check(
    groupContext.cipherSuite === cs.name,
    `the snapshot's group uses ${groupContext.cipherSuite}, the view was given ${cs.name}`,
    RULE,
    "/group_context/cipher_suite",
  );
  const width = ratchetTree.length;
  checkCodec(
    width > 0 && ((width + 1) & width) === 0,
    `a ratchet tree of ${width} nodes`,
    RULE,
    "/ratchet_tree",
  );
  check(
    [...ratchetTree].some((n) => n?.nodeType === "leaf"),
    "the ratchet tree has no member",
    RULE,
    "/ratchet_tree",
  );
  const treeHashCache = fullTreeHashCache(ratchetTree, syncDigest(cs));
  check(
    equalBytes(treeHashCache.get(rootIndex(width)) ?? new Uint8Array(), groupContext.treeHash),
    "the ratchet tree does not hash to the GroupContext's tree_hash",
    RULE,
    "/ratchet_tree",
  );
  const hashLength = cs.kdf.size;
  check(
    confirmationTag.length === hashLength,
    `a confirmation tag of ${confirmationTag.length} bytes, the suite's MAC has ${hashLength}`,
    RULE,
    "/confirmation_tag",
  );
  check(
    status === "active" || pending.length === 0,
    "pending proposals in a group ended by ReInit",
    RULE,
    "/pending_proposals",
  );
  const view: HubGroupView = {
    cipherSuite: cs,
    groupContext,
    ratchetTree,
    confirmationTag,
    treeHashCache,
    pendingProposals: new Map(),
    status,
    options: resolveHubViewOptions(options.options),
  };
  const pendingProposals = new Map<string, HubPendingProposal>();
  for (const [i, p] of pending.entries()) {
    const path = `/pending_proposals/${i}`;
    check(
      p.ref.length === hashLength,
      `a ProposalRef of ${p.ref.length} bytes, the suite's hash has ${hashLength}`,
      RULE,
      `${path}/proposal_ref`,
    );
    const key = proposalRefKey(p.ref);
    check(!pendingProposals.has(key), "a ProposalRef listed twice", RULE, `${path}/proposal_ref`);
    if (p.senderType === "member") {
      check(
        isMemberLeaf(ratchetTree, p.senderLeafIndex ?? -1),
        `sender leaf ${p.senderLeafIndex} is not a member`,
        RULE,
        `${path}/leaf_index`,
      );
    } else if (p.senderType === "new_member_proposal") {
      check(p.proposal.proposalType === "add", "new_member_proposal sent a non-Add proposal", RULE, path);
    }
    checkReceivedProposal(view, p.proposal, p.senderType !== "member", `${path}/proposal`);
    pendingProposals.set(key, p);
  }
  return { ...view, pendingProposals };
}

function readPending(r: TlsReader): HubPendingProposal {
  const ref = r.field("proposal_ref", () => r.opaque());
  const senderType = r.field("sender_type", () => {
    const code = r.uint8();
    return (
      (Object.keys(senderTypeCodes) as HubPendingProposal["senderType"][]).find(
        (s) => senderTypeCodes[s] === code,
      ) ?? r.fail(`sender type ${code} cannot send a pending proposal`, RULE)
    );
  });
  const senderLeafIndex = senderType === "member" ? r.field("leaf_index", () => r.uint32()) : undefined;
  const proposal: Proposal = r.field("proposal", () =>
    decodeStrict(decodeProposal, r.opaque(), "Proposal", r.currentPath),
  );
  return { ref, proposal, senderLeafIndex, senderType };
}
