/**
 * Sending MIMI content and turning incoming MLS messages into typed events
 * (draft-ietf-mimi-protocol-06 §4.2, §5.4, §5.4.1).
 */
import { bytesEqual, ProtocolError, toHex, ValidationError } from "@mimi/wire";
import { decodeMlsMessage } from "../adapter/codec.js";
import { encryptApplicationMessage, type MlsGroupState, processMessage } from "../adapter/group.js";
import { treeWrites } from "../adapter/internals.js";
import { type MLSMessage, makePskIndex, type Proposal } from "../adapter/types.js";
import type { ParticipantListChange } from "../components/apply-participant-list-update.js";
import {
  computeFrankingTag,
  decodeFrankAAD,
  encodeFrankAAD,
  verifyFrankingTag,
} from "../components/frank-aad.js";
import type { ParticipantListData } from "../components/participant-list-data.js";
import { decodeSafeAAD, encodeSafeAAD, getSafeAADItem } from "../extensions/safe-aad.js";
import { checkCommitProposals } from "./commit-policy.js";
import type { MimiProfile } from "./profile.js";
import {
  checkRoomExternalSenders,
  memberOf,
  participantListOf,
  type RoomMember,
  roomMembers,
} from "./room-state.js";

/** A sent application message. */
export interface SentMessage {
  readonly state: MlsGroupState;
  /** The PrivateMessage, for `SubmitMessageRequest.appMessage`. */
  readonly message: MLSMessage;
  readonly frankingTag: Uint8Array;
  readonly consumed: readonly Uint8Array[];
}

/**
 * Encrypt MIMI content bytes as a PrivateMessage whose `authenticated_data` is a SafeAAD holding
 * the `frank_aad` item, `franking_tag = HMAC-SHA256(salt, content)` (protocol-06 §5.4.1).
 *
 * @throws ProtocolError if this client can no longer send.
 */
export async function sendContent(
  profile: MimiProfile,
  state: MlsGroupState,
  content: Uint8Array,
  salt: Uint8Array,
): Promise<SentMessage> {
  const frankingTag = computeFrankingTag(salt, content);
  const aad = encodeSafeAAD({
    aad_items: [
      {
        component_id: profile.codePoints.componentIds.frank_aad,
        aad_item_data: encodeFrankAAD({ franking_tag: frankingTag }),
      },
    ],
  });
  const r = await encryptApplicationMessage(state, profile.cs, content, aad);
  return { state: r.state, message: r.message, frankingTag, consumed: r.consumed };
}

/** A change of the group's membership (leaves). */
export interface MembershipChange {
  readonly added: readonly RoomMember[];
  readonly removed: readonly RoomMember[];
}

/** What an incoming message was, once processed. */
export type RoomEvent =
  | {
      readonly kind: "application";
      readonly state: MlsGroupState;
      /** The sender's leaf, credential and user (undefined for a message of a past epoch). */
      readonly sender: RoomMember | undefined;
      readonly content: Uint8Array;
      readonly frankingTag: Uint8Array;
      readonly consumed: readonly Uint8Array[];
    }
  | {
      readonly kind: "commit";
      readonly state: MlsGroupState;
      readonly epoch: bigint;
      /** True when this client was removed (the state is then no longer usable for sending). */
      readonly removedSelf: boolean;
      /** The proposals the commit covered (by value and by reference), in commit order. */
      readonly proposals: readonly Proposal[];
      readonly membership: MembershipChange;
      readonly participants: readonly ParticipantListChange[];
      readonly participantList: ParticipantListData;
      readonly consumed: readonly Uint8Array[];
    }
  | {
      readonly kind: "proposal";
      readonly state: MlsGroupState;
      /** The proposal, when it came as a PublicMessage (MIMI's handshake form). */
      readonly proposal: Proposal | undefined;
      readonly consumed: readonly Uint8Array[];
    };

/** A received commit, for a caller's check before it takes effect. */
export interface IncomingCommit {
  /** The group state before the commit. */
  readonly before: MlsGroupState;
  /** The committer's leaf, or undefined for an external commit (the committer is a new member). */
  readonly committerLeaf: number | undefined;
  /** The proposals the commit covers (by value and by reference), in commit order. */
  readonly proposals: readonly Proposal[];
}

/** Why a caller's check refuses a commit: the requirement ID of the rule, and what it says. */
export interface CommitRefusal {
  readonly rule: string;
  readonly reason: string;
  /** Where in the commit (a JSON pointer; default `/`). */
  readonly path?: string;
}

/** Options of {@link processIncoming}. */
export interface ProcessIncomingOptions {
  /**
   * Checks a received commit against the group before it (e.g. room policy,
   * draft-ietf-mimi-room-policy-03 §8) once MLS has validated its proposals and before it takes
   * effect; a refusal rejects the commit.
   */
  readonly checkCommit?: (commit: IncomingCommit) => CommitRefusal | undefined;
}

function diffParticipants(before: ParticipantListData, after: ParticipantListData): ParticipantListChange[] {
  const old = new Map(before.participants.map((p) => [toHex(p.user), p]));
  const now = new Map(after.participants.map((p) => [toHex(p.user), p]));
  const out: ParticipantListChange[] = [];
  for (const [k, p] of old) {
    const q = now.get(k);
    if (q === undefined) out.push({ kind: "remove", user: p.user, role_index: p.role_index });
    else if (q.role_index !== p.role_index)
      out.push({ kind: "role", user: p.user, from: p.role_index, to: q.role_index });
  }
  for (const [k, q] of now)
    if (!old.has(k)) out.push({ kind: "add", user: q.user, role_index: q.role_index });
  return out;
}

/**
 * The leaves a commit changed: added are the members of `after` whose leaf was blank or held
 * another signature key in `before`, removed the members of `before` whose leaf is blank or holds
 * another signature key in `after` (`after` undefined: this client was removed, every member is
 * gone). Only the leaves the commit wrote are compared, as the patched ts-mls's write log of the
 * new tree tells them (`treeWrites`); without a log, every leaf by index. (It compared every member
 * with every other: 10^8 comparisons per commit at 10,000 members.)
 */
function membershipChange(
  profile: MimiProfile,
  before: MlsGroupState,
  after: MlsGroupState | undefined,
): MembershipChange {
  if (after === undefined) return { added: [], removed: roomMembers(profile, before) };
  const [old, now] = [before.ratchetTree, after.ratchetTree];
  const written = old === now ? [] : treeWrites(now, old);
  // (the log covers a tree grown or trimmed too: added nodes are logged, and a removal blanks a
  // leaf, logged, before trimming the blank end)
  const leaves = new Set<number>();
  if (written === undefined) for (let i = 0; i < Math.max(old.length, now.length); i += 2) leaves.add(i);
  else for (const i of written) if (i % 2 === 0) leaves.add(i);
  const added: RoomMember[] = [];
  const removed: RoomMember[] = [];
  for (const i of [...leaves].sort((a, b) => a - b)) {
    const [b, a] = [old.get(i), now.get(i)];
    const wasLeaf = b?.nodeType === "leaf" ? b.leaf : undefined;
    const isLeaf = a?.nodeType === "leaf" ? a.leaf : undefined;
    if (
      wasLeaf !== undefined &&
      isLeaf !== undefined &&
      bytesEqual(wasLeaf.signaturePublicKey, isLeaf.signaturePublicKey)
    )
      continue;
    if (wasLeaf !== undefined) removed.push(memberOf(profile, i / 2, wasLeaf));
    if (isLeaf !== undefined) added.push(memberOf(profile, i / 2, isLeaf));
  }
  return { added, removed };
}

/**
 * Process an incoming MLSMessage (bytes or decoded) and describe what it did.
 *
 * Application messages must carry a SafeAAD with a `frank_aad` item; when the profile can read a
 * content's salt, the franking tag is recomputed and must match.
 *
 * @throws CodecError for bytes that do not decode; ValidationError for a message that fails MLS
 * checks, MIMI's component rules, `MLS-AAD-03` (no frank_aad), `MLS-FRANK-02` (wrong tag) or
 * `MLS-XSND-01` (a commit dropping the hub), or a commit `options.checkCommit` refuses (the
 * error's rule is the refusal's; whatever the check throws is thrown as it is); ProtocolError for
 * an application message from a removed client. A refused commit leaves `state` as it was.
 */
export async function processIncoming(
  profile: MimiProfile,
  state: MlsGroupState,
  message: MLSMessage | Uint8Array,
  options: ProcessIncomingOptions = {},
): Promise<RoomEvent> {
  const msg = message instanceof Uint8Array ? decodeMlsMessage(message) : message;
  let violation: unknown;
  let committed: readonly Proposal[] = [];
  const r = await processMessage(state, profile.cs, msg, {
    // [MLS-PSK-01] a commit may cover a resumption PSK of this group's epochs (RFC 9420 §8.6),
    // which the member's own state holds (MIMI rooms define no external PSKs).
    pskIndex: makePskIndex(state, {}),
    policy: (incoming) => {
      if (incoming.kind !== "commit") return "accept";
      committed = incoming.proposals.map((p) => p.proposal);
      try {
        checkCommitProposals(state.groupContext.extensions, committed, profile.codePoints);
        const refusal = options.checkCommit?.({
          before: state,
          committerLeaf: incoming.senderLeafIndex,
          proposals: committed,
        });
        if (refusal !== undefined)
          throw new ValidationError(`the commit is refused: ${refusal.reason}`, {
            path: refusal.path ?? "/",
            rule: refusal.rule,
          });
      } catch (e) {
        violation = e;
        return "reject";
      }
      return "accept";
    },
  });
  if (violation !== undefined) throw violation;
  if (r.kind === "application") {
    // the adapter authenticated the sender's leaf; its member is known for the current epoch
    const currentEpoch =
      msg.wireformat === "mls_private_message" && msg.privateMessage.epoch === state.groupContext.epoch;
    // one leaf looked up, not every member mapped: a message costs the same in any size of room
    const node = currentEpoch ? state.ratchetTree.get(2 * r.senderLeafIndex) : undefined;
    const sender = node?.nodeType === "leaf" ? memberOf(profile, r.senderLeafIndex, node.leaf) : undefined;
    if (currentEpoch && sender === undefined) {
      throw new ProtocolError(`application message from leaf ${r.senderLeafIndex}, which is not a member`, {
        path: "/",
      });
    }
    const aad = decodeSafeAAD(r.authenticatedData);
    const item = getSafeAADItem(aad, profile.codePoints.componentIds.frank_aad);
    // [MLS-AAD-03] draft-ietf-mimi-protocol-06 §5.4.1: a MIMI client places the franking_tag of
    // every application message in the frank_aad SafeAAD item.
    if (item === undefined) {
      throw new ValidationError("application message without a frank_aad item", {
        path: "/authenticated_data",
        rule: "MLS-AAD-03",
      });
    }
    const { franking_tag } = decodeFrankAAD(item);
    if (profile.saltOf !== undefined) {
      // [MLS-FRANK-02] draft-ietf-mimi-protocol-06 §5.4.1: the receiver recomputes the
      // franking_tag from the content and its salt; it must equal the one in frank_aad.
      if (!verifyFrankingTag(franking_tag, profile.saltOf(r.data), r.data)) {
        throw new ValidationError("franking_tag does not match the content", {
          path: "/authenticated_data",
          rule: "MLS-FRANK-02",
        });
      }
    }
    return {
      kind: "application",
      state: r.state,
      sender,
      content: r.data,
      frankingTag: franking_tag,
      consumed: r.consumed,
    };
  }
  if (r.kind === "proposal") {
    const proposal =
      msg.wireformat === "mls_public_message" && msg.publicMessage.content.contentType === "proposal"
        ? msg.publicMessage.content.proposal
        : undefined;
    return { kind: "proposal", state: r.state, proposal, consumed: r.consumed };
  }
  // `state` is the state before the commit (states are immutable)
  const listBefore = participantListOf(profile, state);
  const listAfter = r.removed ? listBefore : participantListOf(profile, r.state);
  // a commit may not drop the hub from external_senders (protocol-06 §7.4)
  if (!r.removed) checkRoomExternalSenders(profile, r.state);
  return {
    kind: "commit",
    state: r.state,
    epoch: r.state.groupContext.epoch,
    removedSelf: r.removed,
    proposals: committed,
    membership: membershipChange(profile, state, r.removed ? undefined : r.state),
    participants: diffParticipants(listBefore, listAfter),
    participantList: listAfter,
    consumed: r.consumed,
  };
}
