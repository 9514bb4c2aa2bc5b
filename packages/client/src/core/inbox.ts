/**
 * The inbox (protocol-06 §5.5): FanoutMessages and Welcomes turned into events, with every other
 * member's commit checked against room policy as the hub checks it (CLIENT-POLICY-01).
 */

import { type CommitRefusal, type IncomingCommit, type MLSMessage, processIncoming } from "@mimi/mls-profile";
import { decodeFanoutMessage, type FanoutMessage } from "@mimi/protocol";
import { authorizeMemberCommit, type MemberClient, type MemberOf, policyGroupOf } from "@mimi/room-policy";
import { CodecError, fromUtf8, MimiError, ProtocolError } from "@mimi/wire";
import { clientOfCredential, userOfCredential } from "../client-identity.js";
import type { ClientEvent } from "../events.js";
import type { InboxItem } from "../inbox-item.js";
import { joinWelcome, treeOf } from "./joins.js";
import { confirmOwn, record } from "./messages.js";
import { adopt } from "./rooms.js";
import { type CoreState, hashOf, type Room } from "./state.js";

/** The client and user of a member's credential, or undefined when it is not an x509 client credential. */
const memberOfCredential: MemberOf = (credential) => {
  let member: MemberClient;
  try {
    member = { client: clientOfCredential(credential), user: fromUtf8(userOfCredential(credential)) };
  } catch (e) {
    if (e instanceof MimiError) return undefined;
    throw e;
  }
  return member;
};

function reject(roomUri: string, e: unknown): ClientEvent {
  if (e instanceof MimiError) return { kind: "rejected", roomUri, error: e };
  throw e;
}

/**
 * Process one inbox item (a FanoutMessage: a Welcome for this client, or a message of a room
 * it is in) and return what it was. Items that fail a check are reported as `rejected`.
 */
export async function receive(core: CoreState, item: InboxItem): Promise<ClientEvent[]> {
  if (item.n > core.inboxPosition) core.inboxPosition = item.n;
  let fanout: FanoutMessage;
  try {
    fanout = decodeFanoutMessage(item.message);
  } catch (e) {
    return [reject(item.roomId, e)];
  }
  try {
    return await processFanout(core, item, fanout);
  } catch (e) {
    return [reject(item.roomId, e)];
  }
}

async function processFanout(
  core: CoreState,
  item: InboxItem,
  fanout: FanoutMessage,
): Promise<ClientEvent[]> {
  const message = fanout.message.value;
  const roomUri = item.roomId;
  if (message.wireformat === "mls_welcome") {
    if (!("ratchetTreeOption" in fanout))
      throw new CodecError("Welcome without a ratchet tree option", { path: "/" });
    return [
      await joinWelcome(core, roomUri, message, treeOf(fanout.ratchetTreeOption, "/ratchetTreeOption")),
    ];
  }
  const room = core.rooms.get(roomUri);
  if (room === undefined) return [{ kind: "ignored", roomUri, reason: "not a member of the room" }];
  const hash = hashOf(fanout.message.bytes);
  if (room.pending !== undefined && room.pending.hash === hash) {
    // our own commit, accepted by the hub (its echo may arrive before the HTTP answer)
    return [adopt(room, room.pending)];
  }
  if (room.sent.has(hash)) {
    const own = room.unconfirmed.has(hash);
    if (own)
      confirmOwn(core, room, hash, Number(fanout.timestamp), "frank" in fanout && fanout.frank !== undefined);
    return [{ kind: "ignored", roomUri, reason: "echo of this client's own message" }];
  }
  if (!room.active) return [{ kind: "ignored", roomUri, reason: "no longer a member of the room" }];
  const events: ClientEvent[] = [];
  if (message.wireformat === "mls_public_message" && message.publicMessage.content.contentType === "commit") {
    if (message.publicMessage.content.epoch < room.state.groupContext.epoch) {
      return [{ kind: "ignored", roomUri, reason: "commit of a past epoch" }];
    }
    // another member's commit won this epoch: ours (if any) is void
    room.pending = undefined;
  }
  const toProcess: MLSMessage[] = [message];
  if ("moreProposals" in fanout) toProcess.push(...fanout.moreProposals.map((m) => m.value));
  for (const m of toProcess) events.push(await processOne(core, room, m, fanout));
  return events;
}

async function processOne(
  core: CoreState,
  room: Room,
  message: MLSMessage,
  fanout: FanoutMessage,
): Promise<ClientEvent> {
  const roomUri = room.roomUri;
  const event = await processIncoming(room.profile, room.state, message, {
    checkCommit: (c) => checkRoomPolicy(core, room, c),
  });
  room.state = event.state;
  if (event.kind === "application") {
    const sender = event.sender;
    if (sender === undefined) {
      throw new ProtocolError("application message of a past epoch from an unknown sender", {
        path: "/message",
      });
    }
    const m = record(
      room,
      event.content,
      fromUtf8(sender.user),
      clientOfCredential(sender.credential),
      Number(fanout.timestamp),
      "frank" in fanout && fanout.frank !== undefined,
    );
    return { kind: "message", roomUri, message: m };
  }
  if (event.kind === "proposal") {
    const p = event.proposal;
    return { kind: "proposal", roomUri, proposals: p === undefined ? [] : [p.proposalType] };
  }
  if (event.removedSelf) room.active = false;
  return {
    kind: "commit",
    roomUri,
    epoch: event.epoch,
    own: false,
    added: event.membership.added.map((m) => clientOfCredential(m.credential)),
    removed: event.membership.removed.map((m) => clientOfCredential(m.credential)),
    participants: event.participants.map((c) => ({
      kind: c.kind,
      user: fromUtf8(c.user),
      role: c.kind === "role" ? c.to : c.role_index,
    })),
    removedSelf: event.removedSelf,
  };
}

/**
 * [CLIENT-POLICY-01] draft-ietf-mimi-protocol-06 §5.3, draft-ietf-mimi-room-policy-03 §8: room
 * policy is shared by the hub and the clients; a member checks another member's commit against
 * the room state before it, with the hub's rules, and refuses one they deny (the refusal names
 * the denying rule's requirement ID, as the hub's does). An external commit is left to the hub,
 * which alone knows the join codes that may admit it (decision 0809).
 */
function checkRoomPolicy(core: CoreState, room: Room, commit: IncomingCommit): CommitRefusal | undefined {
  if (commit.committerLeaf === undefined) return undefined;
  const codePoints = room.profile.codePoints;
  const verdict = authorizeMemberCommit(
    policyGroupOf(commit.before.groupContext.extensions, commit.before.ratchetTree, codePoints),
    {
      memberOf: memberOfCredential,
      codePoints,
      ...(core.defaultRoles === undefined ? {} : { defaultRoles: core.defaultRoles }),
    },
    commit.committerLeaf,
    commit.proposals,
  );
  return verdict.allowed ? undefined : { rule: verdict.rule, reason: verdict.reason };
}
