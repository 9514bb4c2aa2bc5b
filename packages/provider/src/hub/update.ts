/**
 * `POST /update/{roomId}` at the hub (draft-ietf-mimi-protocol-06 §5.3): a commit (with its
 * Welcome, GroupInfo and ratchet tree) or proposals, checked through the hub's view of the group
 * and room policy, ordered per room (the first valid commit of an epoch wins), logged and fanned
 * out (§5.5).
 *
 * A commit is decided by the pure {@link decideCommit} (`decide.ts`) and the decision is then
 * persisted here: the room log, the served GroupInfo and tree, the joining code spent and the
 * events' recipients, in one transaction (`store.ts`).
 */

import { type MLSMessage, makeProposalRef, processHubMessage } from "@mimi/mls-profile";
import type { UpdateRoomResponse } from "@mimi/protocol";
import { encodeFanoutMessage, isCommitBundle, type Mls } from "@mimi/protocol";
import { authorize } from "@mimi/room-policy";
import { InternalError } from "@mimi/wire";
import type { RequestContext } from "../server/endpoint.js";
import { HttpRejection } from "../server/http-error.js";
import { acceptCommit, appendToEpoch } from "../storage/room-log.js";
import {
  blocked,
  type CommitAcceptance,
  type CommitBundle,
  decideCommit,
  errorText,
  externalJoinerOf,
  memberDomains,
  senderOf,
  wrongEpoch,
  wrongSenderDomain,
} from "./decide.js";
import type { HubCall } from "./endpoints.js";
import type { Hub, HubRoom } from "./hub.js";
import { grantedJoinCode } from "./join-codes.js";
import { changeOf, clientAtLeaf, roomStateOf } from "./room-policy.js";
import { setEventTargets, spendJoinCode, storeServedGroupInfo } from "./store.js";

export { groupInfoOfBundle, memberDomains } from "./decide.js";

const notAllowed = (errorDescription: string): UpdateRoomResponse => ({
  responseCode: "notAllowed",
  errorDescription,
});

/** Handle `/update/{roomId}`: answers the encoded UpdateRoomResponse. */
export async function handleUpdate(hub: Hub, call: HubCall<"update">): Promise<UpdateRoomResponse> {
  const { target: roomId, request, ctx } = call;
  const bundle = request.bundle;
  const result = await hub.withRoom(roomId, async (room) => {
    if (isCommitBundle(bundle)) return commit(hub, ctx, roomId, room, bundle);
    const first = bundle.proposalOrCommit.value;
    if (first.wireformat !== "mls_public_message")
      return { result: notAllowed("only PublicMessage handshakes are accepted (decision 0604)"), room };
    const epoch = room.view.groupContext.epoch;
    // [PROTO-HUB-01] (as decideCommit checks for a commit)
    if (first.publicMessage.content.epoch !== epoch) return { result: wrongEpoch(epoch), room };
    return proposals(hub, ctx, roomId, room, bundle.proposalOrCommit, bundle.moreProposals);
  });
  if (result === undefined) throw new HttpRejection(404, `no room ${roomId}`, { path: "/path" });
  return result;
}

type Step = { readonly result: UpdateRoomResponse; readonly room?: HubRoom };

/** A commit: look up the joiner's joining code, decide, and persist an acceptance. */
async function commit(
  hub: Hub,
  ctx: RequestContext,
  roomId: string,
  room: HubRoom,
  bundle: CommitBundle,
): Promise<Step> {
  const view = room.view;
  const policy = roomStateOf(view, hub.options.defaultRoles);
  // [PROTO-JC-05] the joining code an external joiner was granted at /groupInfo (decideCommit
  // authorizes the commit with it).
  const joiner = externalJoinerOf(view, bundle);
  const joinCode =
    joiner === undefined ? undefined : await grantedJoinCode(ctx.db, roomId, joiner, policy, ctx.now);
  const decision = await decideCommit({
    view,
    policy,
    peerDomain: ctx.peerDomain,
    bundle,
    ...(joinCode === undefined ? {} : { joinCode }),
    now: ctx.now,
  });
  if (!decision.accepted) return { result: decision.response, room };
  return persistCommit(hub, ctx, roomId, room, decision);
}

/**
 * Apply an accepted commit: append it (and its Welcome) to the room log if the room is still in
 * the commit's epoch, and in the same transaction store the served GroupInfo and tree, spend the
 * joining code and record the recipients.
 */
async function persistCommit(
  hub: Hub,
  ctx: RequestContext,
  roomId: string,
  room: HubRoom,
  d: CommitAcceptance,
): Promise<Step> {
  const followers = d.welcome === undefined ? [] : [{ kind: "welcome" as const, body: d.welcome.body }];
  const written = await acceptCommit(
    ctx.db,
    roomId,
    room.view.groupContext.epoch,
    d.commit.body,
    ctx.now,
    followers,
    async (tx, seqs) => {
      await storeServedGroupInfo(tx, roomId, d.groupInfo);
      if (d.spendJoinCode !== undefined)
        await spendJoinCode(tx, roomId, d.spendJoinCode.code.codeHash, d.spendJoinCode.signatureKey);
      await setEventTargets(tx, roomId, [
        { seq: seqs[0]!, domains: d.commit.domains },
        ...(seqs[1] === undefined || d.welcome === undefined
          ? []
          : [{ seq: seqs[1], domains: d.welcome.domains }]),
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
    epoch: d.next.groupContext.epoch,
    added: d.event.added.length,
    removed: d.event.removed.length,
    external: d.event.external,
  });
  hub.accepted(roomId);
  return {
    result: { responseCode: "success", errorDescription: "", accepted_timestamp: d.timestamp },
    room: { ...room, view: d.next, seq: written.seqs.at(-1)! },
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
    const wrongDomain = wrongSenderDomain(ctx.peerDomain, sender);
    if (wrongDomain !== undefined) return { result: notAllowed(wrongDomain), room };
    const proposal = pm.content.proposal;
    const policy = roomStateOf(before, hub.options.defaultRoles);
    const isBlocked = blocked(policy, sender);
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
    const verdict = authorize(policy, change);
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
