/**
 * `POST /update/{roomId}` at the hub (draft-ietf-mimi-protocol-06 §5.3): a commit (with its
 * Welcome, GroupInfo and ratchet tree) or proposals, checked through the hub's view of the group
 * and room policy, ordered per room (the first valid commit of an epoch wins), logged and fanned
 * out (§5.5).
 */

import type { Credential, GroupInfo, MLSMessage, PublicMessage } from "@mimi/mls-profile";
import {
  extensionTypeNumber,
  type HubCommitEvent,
  type HubGroupView,
  hubGroupMembers,
  makeKeyPackageRef,
  makeProposalRef,
  processHubMessage,
  verifyHubGroupInfo,
} from "@mimi/mls-profile";
import type { FanoutMessage, GroupInfoOption, UpdateRoomResponse } from "@mimi/protocol";
import {
  encodeFanoutMessage,
  externalPubExtensionType,
  isCommitBundle,
  type Mls,
  mlsOf,
  ratchetTreeExtensionType,
} from "@mimi/protocol";
import { type Actor, authorize } from "@mimi/room-policy";
import { InternalError, MimiError, toHex, ValidationError } from "@mimi/wire";
import type { RequestContext } from "../server/endpoint.js";
import { HttpRejection } from "../server/http-error.js";
import { acceptCommit, appendToEpoch } from "../storage/room-log.js";
import { clientUriOfCredential, domainOfUri } from "./credentials.js";
import type { HubCall } from "./endpoints.js";
import { type Hub, type HubRoom, setEventTargets } from "./hub.js";
import { grantedJoinCode, policyCodeName, spendJoinCode } from "./join-codes.js";
import { changeOf, clientAtLeaf, memberClientOf, roomStateOf } from "./room-policy.js";

const notAllowed = (errorDescription: string): UpdateRoomResponse => ({
  responseCode: "notAllowed",
  errorDescription,
});

const wrongEpoch = (currentEpoch: bigint): UpdateRoomResponse => ({
  responseCode: "wrongEpoch",
  errorDescription: `the room is in epoch ${currentEpoch}`,
  currentEpoch,
});

/** The provider domains of a view's members. */
export function memberDomains(view: HubGroupView): string[] {
  const out = new Set<string>();
  for (const m of hubGroupMembers(view)) {
    const c = clientUriOfCredential(m.credential);
    const d = c === undefined ? undefined : domainOfUri(c);
    if (d !== undefined) out.add(d);
  }
  return [...out];
}

/** Who sent a handshake, as room policy sees it. */
interface Sender {
  readonly actor: Actor;
  /** The sending client's provider (undefined for an external sender). */
  readonly domain: string | undefined;
  readonly external?: "commit" | "proposal";
}

function senderOf(view: HubGroupView, pm: PublicMessage): Sender | string {
  const s = pm.content.sender;
  if (s.senderType === "member") {
    const c = clientAtLeaf(view, s.leafIndex);
    if (c === undefined) return `sender leaf ${s.leafIndex} names no MIMI client`;
    return { actor: { user: c.user, client: c.client }, domain: domainOfUri(c.client) };
  }
  let credential: Credential | undefined;
  if (s.senderType === "new_member_commit" && pm.content.contentType === "commit")
    credential = pm.content.commit.path?.leafNode.credential;
  if (
    s.senderType === "new_member_proposal" &&
    pm.content.contentType === "proposal" &&
    pm.content.proposal.proposalType === "add"
  )
    credential = pm.content.proposal.add.keyPackage.leafNode.credential;
  if (credential !== undefined) {
    const c = memberClientOf(credential);
    if (c === undefined) return "the joining client's credential names no MIMI client";
    return {
      actor: { user: c.user, client: c.client },
      domain: domainOfUri(c.client),
      external: s.senderType === "new_member_commit" ? "commit" : "proposal",
    };
  }
  return `${s.senderType} senders cannot use /update`;
}

/**
 * [PROTO-HUB-05] draft-ietf-mimi-protocol-06 §5.3: once a participant is removed or banned, the hub
 * MUST prevent that user's clients from sending Commits and any proposal other than Remove and
 * SelfRemove. A member client whose user is not in the participant list, or holds the banned role
 * (1), is blocked.
 */
function blocked(view: HubGroupView, sender: Sender, hub: Hub): boolean {
  if (sender.external !== undefined || sender.actor.client === undefined) return false;
  const entry = roomStateOf(view, hub.options.defaultRoles).participants.find(
    (p) => p.user === sender.actor.user,
  );
  return entry === undefined || entry.role_index === 1;
}

function checkSenderDomain(ctx: RequestContext, sender: Sender): string | undefined {
  // [PROTO-HUB-10] draft-ietf-mimi-protocol-06 §4.1, §5.3: a provider submits handshakes of its
  // own clients only (the authenticated peer is the sending client's provider).
  if (sender.domain !== undefined && sender.domain !== ctx.peerDomain)
    return `${ctx.peerDomain} cannot submit for a client of ${sender.domain}`;
  return undefined;
}

function errorText(e: unknown): string {
  if (e instanceof MimiError) return `${e.what}${e.rule === undefined ? "" : ` [${e.rule}]`}`;
  throw e;
}

/** Handle `/update/{roomId}`: answers the encoded UpdateRoomResponse. */
export async function handleUpdate(hub: Hub, call: HubCall<"update">): Promise<UpdateRoomResponse> {
  const { target: roomId, request, ctx } = call;
  const bundle = request.bundle;
  const result = await hub.withRoom(roomId, async (room) => {
    const first = bundle.proposalOrCommit.value;
    if (first.wireformat !== "mls_public_message")
      return { result: notAllowed("only PublicMessage handshakes are accepted (decision 0604)"), room };
    const epoch = room.view.groupContext.epoch;
    // [PROTO-HUB-01] draft-ietf-mimi-protocol-06 §5.3: a handshake for another epoch than the
    // hub's current one is answered wrongEpoch with the current epoch.
    if (first.publicMessage.content.epoch !== epoch) return { result: wrongEpoch(epoch), room };
    if (isCommitBundle(bundle)) return commit(hub, ctx, roomId, room, bundle);
    return proposals(hub, ctx, roomId, room, bundle.proposalOrCommit, bundle.moreProposals);
  });
  if (result === undefined) throw new HttpRejection(404, `no room ${roomId}`, { path: "/path" });
  return result;
}

/**
 * The new epoch's GroupInfo from a commit's GroupInfoOption, checked against the hub's view after
 * the commit: a full GroupInfo as sent, a PartialGroupInfo completed from the view (decision 0660).
 *
 * @throws ValidationError when the GroupInfo does not match the view or its signature fails
 * (MLS-HUB-16), or the PartialGroupInfo breaks PROTO-PGI-01/02.
 */
export async function groupInfoOfBundle(
  next: HubGroupView,
  committer: number,
  option: GroupInfoOption,
): Promise<GroupInfo> {
  if (option.representation === "full") return verifyHubGroupInfo(next, option.groupInfo.value);
  const partial = option.partialGroupInfo;
  // [PROTO-PGI-01] draft-mahy-mls-ratchet-tree-options-03 §4, draft-ietf-mimi-protocol-06 §5.3: the
  // GroupInfo a hub serves omits the ratchet_tree, so a PartialGroupInfo must say no_ratchet_tree
  // (decision 0660).
  if (partial.ratchet_tree_presence !== "no_ratchet_tree")
    throw new ValidationError(
      `ratchet_tree_presence ${String(partial.ratchet_tree_presence)}: only no_ratchet_tree is accepted`,
      { path: "/groupInfoOption/partialGroupInfo/ratchet_tree_presence", rule: "PROTO-PGI-01" },
    );
  // [PROTO-PGI-02] draft-mahy-mls-ratchet-tree-options-03 §4, RFC 9420 §12.4.3.1: group_info_extensions
  // hold no ratchet_tree, exactly one external_pub (external joiners need it) and no type twice
  // (decision 0660).
  const types = partial.group_info_extensions.map((e) => extensionTypeNumber(e.value));
  const path = "/groupInfoOption/partialGroupInfo/group_info_extensions";
  if (new Set(types).size !== types.length)
    throw new ValidationError("an extension type appears twice", { path, rule: "PROTO-PGI-02" });
  if (types.includes(ratchetTreeExtensionType))
    throw new ValidationError("a ratchet_tree extension", { path, rule: "PROTO-PGI-02" });
  if (!types.includes(externalPubExtensionType))
    throw new ValidationError("no external_pub extension", { path, rule: "PROTO-PGI-02" });
  // The rest is the hub's: its GroupContext after the commit, the commit's confirmation_tag and the
  // committer's leaf as signer; verifyHubGroupInfo checks the committer's signature (MLS-HUB-16).
  return verifyHubGroupInfo(next, {
    groupContext: next.groupContext,
    extensions: partial.group_info_extensions.map((e) => e.value),
    confirmationTag: next.confirmationTag,
    signer: committer,
    signature: partial.signature,
  });
}

type Step = { readonly result: UpdateRoomResponse; readonly room?: HubRoom };

async function commit(
  hub: Hub,
  ctx: RequestContext,
  roomId: string,
  room: HubRoom,
  bundle: Extract<Parameters<typeof isCommitBundle>[0], { readonly groupInfoOption: unknown }>,
): Promise<Step> {
  const view = room.view;
  const pm = (bundle.proposalOrCommit.value as Extract<MLSMessage, { wireformat: "mls_public_message" }>)
    .publicMessage;
  const sender = senderOf(view, pm);
  if (typeof sender === "string") return { result: notAllowed(sender), room };
  const wrongDomain = checkSenderDomain(ctx, sender);
  if (wrongDomain !== undefined) return { result: notAllowed(wrongDomain), room };
  if (blocked(view, sender, hub))
    return { result: notAllowed(`${sender.actor.user} is not an active participant [PROTO-HUB-05]`), room };
  // [PROTO-HUB-02] draft-ietf-mimi-protocol-06 §5.3: the hub validates every commit against its
  // view of the group (RFC 9420 §12.4.2 as far as a non-member can, MLS-HUB-*).
  let next: HubGroupView;
  let event: HubCommitEvent;
  try {
    const r = await processHubMessage(view, bundle.proposalOrCommit.bytes);
    if (r.event.kind !== "commit") return { result: notAllowed("not a commit"), room };
    next = r.view;
    event = r.event;
  } catch (e) {
    return { result: notAllowed(errorText(e)), room };
  }
  // [PROTO-HUB-03] draft-ietf-mimi-protocol-06 §5.3, §7.1: participant-list and membership
  // changes are authorized by room policy (draft-ietf-mimi-room-policy-03 §8) against the room
  // state before the commit; an Add of a user not in the participant list needs the list change
  // in the same or an earlier commit.
  let change: ReturnType<typeof changeOf>;
  try {
    change = changeOf(view, sender.actor, event.proposals, {
      sentAs: "commit",
      ...(sender.external === undefined ? {} : { external: sender.external }),
    });
  } catch (e) {
    return { result: notAllowed(errorText(e)), room };
  }
  let state = roomStateOf(view, hub.options.defaultRoles);
  // [PROTO-JC-05] draft-ietf-mimi-protocol-06 §5.6, draft-ietf-mimi-room-policy-03 §8.1.1: an
  // external commit by a client that was given the GroupInfo for a joining code is authorized with
  // that code (canUseJoinCode, POLICY-JOIN-01): the joiner's new leaf must have the signature key
  // and client URI of the GroupInfoRequest; the code is spent when the commit is accepted.
  const joinerKey =
    sender.external === "commit" && pm.content.contentType === "commit"
      ? pm.content.commit.path?.leafNode.signaturePublicKey
      : undefined;
  const joinCode =
    joinerKey === undefined || sender.actor.client === undefined
      ? undefined
      : await grantedJoinCode(
          ctx.db,
          roomId,
          { signatureKey: joinerKey, clientUri: sender.actor.client },
          state,
          ctx.now,
        );
  if (joinCode !== undefined) {
    state = { ...state, joinCodes: [{ code: policyCodeName(joinCode), role_index: joinCode.role_index }] };
    change = { ...change, joinCode: policyCodeName(joinCode) };
  }
  const verdict = authorize(state, change);
  if (!verdict.allowed) return { result: notAllowed(`${verdict.reason} [${verdict.rule}]`), room };

  // [PROTO-HUB-07] draft-ietf-mimi-protocol-06 §5.3: the committer provides the new epoch's
  // GroupInfo, full or partial; the hub keeps it only if it matches its own view (MLS-HUB-16), to
  // serve external joiners (§5.6).
  let groupInfo: GroupInfo;
  try {
    groupInfo = await groupInfoOfBundle(next, event.committer, bundle.groupInfoOption);
  } catch (e) {
    return { result: notAllowed(errorText(e)), room };
  }
  const groupInfoMessage = mlsOf("MLSMessage", {
    version: "mls10",
    wireformat: "mls_group_info",
    groupInfo,
  }).bytes;
  const tree = mlsOf("RatchetTree", next.ratchetTree);

  // [PROTO-HUB-06] draft-ietf-mimi-protocol-06 §5.5: a Welcome goes to the providers of the
  // KeyPackages it adds; every secret of the Welcome must name a KeyPackage this commit adds, and
  // a commit adding clients must come with their Welcome.
  const addedRefs = new Map<string, string>();
  for (const p of event.proposals) {
    if (p.proposalType !== "add") continue;
    const ref = await makeKeyPackageRef(next.cipherSuite, p.add.keyPackage);
    const client = clientUriOfCredential(p.add.keyPackage.leafNode.credential);
    const d = client === undefined ? undefined : domainOfUri(client);
    if (d === undefined) return { result: notAllowed("an added KeyPackage names no MIMI client"), room };
    addedRefs.set(toHex(ref), d);
  }
  const welcomeDomains = new Set<string>();
  if (bundle.welcome !== undefined) {
    for (const [i, s] of bundle.welcome.value.secrets.entries()) {
      const d = addedRefs.get(toHex(s.newMember));
      if (d === undefined)
        return {
          result: notAllowed(`Welcome secret ${i} names no KeyPackage this commit adds [PROTO-HUB-06]`),
          room,
        };
      welcomeDomains.add(d);
    }
    if (welcomeDomains.size === 0) return { result: notAllowed("an empty Welcome [PROTO-HUB-06]"), room };
  } else if (addedRefs.size > 0) {
    return { result: notAllowed("a commit adding clients needs their Welcome [PROTO-HUB-06]"), room };
  }

  const now = ctx.now;
  const timestamp = BigInt(now);
  const commitMessage: FanoutMessage = {
    timestamp,
    message: bundle.proposalOrCommit,
    externalProposals: [],
  };
  const followers =
    bundle.welcome === undefined
      ? []
      : [
          {
            kind: "welcome" as const,
            body: encodeFanoutMessage({
              timestamp,
              message: mlsOf("MLSMessage", {
                version: "mls10",
                wireformat: "mls_welcome",
                welcome: bundle.welcome.value,
              }) as Mls<MLSMessage>,
              ratchetTreeOption: { representation: "full", ratchet_tree: tree },
            }),
          },
        ];
  // The commit goes to every provider with a member before it (so removed members' providers get
  // the commit removing them) and after it.
  const commitDomains = [...new Set([...memberDomains(view), ...memberDomains(next)])];
  const written = await acceptCommit(
    ctx.db,
    roomId,
    view.groupContext.epoch,
    encodeFanoutMessage(commitMessage),
    now,
    followers,
    async (tx, seqs) => {
      await tx.query(
        "UPDATE hub_rooms SET info_epoch = $2, group_info = $3, ratchet_tree = $4 WHERE room_id = $1",
        [roomId, next.groupContext.epoch.toString(), groupInfoMessage, tree.bytes],
      );
      if (joinCode !== undefined && joinerKey !== undefined)
        await spendJoinCode(tx, roomId, joinCode, joinerKey);
      await setEventTargets(tx, roomId, [
        { seq: seqs[0]!, domains: commitDomains },
        ...(seqs[1] === undefined ? [] : [{ seq: seqs[1], domains: [...welcomeDomains] }]),
      ]);
    },
  );
  if (!written.ok) {
    if (written.reason === "noSuchRoom") throw new InternalError(`room ${roomId} has no log`);
    // Another process sharing the database committed this epoch first.
    return { result: wrongEpoch(written.currentEpoch) };
  }
  ctx.log({
    level: "info",
    msg: "commit accepted",
    room: roomId,
    epoch: next.groupContext.epoch,
    added: event.added.length,
    removed: event.removed.length,
    external: event.external,
  });
  hub.accepted(roomId);
  return {
    result: { responseCode: "success", errorDescription: "", accepted_timestamp: timestamp },
    room: { ...room, view: next, seq: written.seqs.at(-1)! },
  };
}

async function proposals(
  hub: Hub,
  ctx: RequestContext,
  roomId: string,
  room: HubRoom,
  first: Mls<MLSMessage>,
  more: readonly Mls<MLSMessage>[],
): Promise<Step> {
  let view = room.view;
  const before = room.view;
  const epoch = view.groupContext.epoch;
  for (const [i, m] of [first, ...more].entries()) {
    const where = i === 0 ? "proposalOrCommit" : `moreProposals/${i - 1}`;
    if (m.value.wireformat !== "mls_public_message")
      return { result: notAllowed(`${where}: only PublicMessage proposals are accepted`), room };
    const pm = m.value.publicMessage;
    if (pm.content.contentType !== "proposal")
      return { result: notAllowed(`${where}: not a proposal`), room };
    if (pm.content.epoch !== epoch)
      return { result: notAllowed(`${where}: epoch ${pm.content.epoch}, the room is in ${epoch}`), room };
    const ref = await makeProposalRef(view.cipherSuite, pm);
    const invalid = (what: string): Step => ({
      result: {
        responseCode: "invalidProposal",
        errorDescription: `${where}: ${what}`,
        invalidProposals: [ref],
      },
      room,
    });
    const sender = senderOf(before, pm);
    if (typeof sender === "string") return invalid(sender);
    const wrongDomain = checkSenderDomain(ctx, sender);
    if (wrongDomain !== undefined) return { result: notAllowed(wrongDomain), room };
    const proposal = pm.content.proposal;
    const isBlocked = blocked(before, sender, hub);
    // A blocked user may only remove its own clients (decision 0623: "Remove and SelfRemove for its
    // users"), which needs no further authorization.
    if (
      isBlocked &&
      (proposal.proposalType !== "remove" ||
        clientAtLeaf(before, proposal.remove.removed)?.user !== sender.actor.user)
    )
      return invalid(
        `${sender.actor.user} is not an active participant: only removing its own clients is allowed [PROTO-HUB-05]`,
      );
    try {
      const r = await processHubMessage(view, m.bytes);
      view = r.view;
    } catch (e) {
      return invalid(errorText(e));
    }
    if (isBlocked) continue;
    let change: ReturnType<typeof changeOf>;
    try {
      change = changeOf(before, sender.actor, [proposal], {
        sentAs: "proposals",
        ...(sender.external === undefined ? {} : { external: sender.external }),
      });
    } catch (e) {
      return invalid(errorText(e));
    }
    const verdict = authorize(roomStateOf(before, hub.options.defaultRoles), change);
    if (!verdict.allowed) return invalid(`${verdict.reason} [${verdict.rule}]`);
  }
  const timestamp = BigInt(ctx.now);
  const body = encodeFanoutMessage({ timestamp, message: first, moreProposals: more });
  const written = await appendToEpoch(ctx.db, roomId, epoch, [{ kind: "proposal", body }], ctx.now);
  if (!written.ok) {
    if (written.reason === "noSuchRoom") throw new InternalError(`room ${roomId} has no log`);
    return { result: wrongEpoch(written.currentEpoch) };
  }
  await ctx.db.transaction((tx) =>
    setEventTargets(tx, roomId, [{ seq: written.seqs[0]!, domains: memberDomains(before) }]),
  );
  hub.accepted(roomId);
  return {
    result: { responseCode: "success", errorDescription: "", accepted_timestamp: timestamp },
    room: { ...room, view, seq: written.seqs[0]! },
  };
}
