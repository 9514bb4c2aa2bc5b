/**
 * A receiver's view of a conversation (draft-ietf-mimi-content-08 §3.4, §4.1, §5, §9.1, §9.3):
 * given the messages received in a room, with their authenticated sender and the hub's accepted
 * timestamp, compute what a client shows. Message IDs are lowercase hex strings in the output.
 */
import { CodecError, toHex } from "@mimi/wire";
import { isKnownMessageIdAlgorithm, messageIdFromParts } from "./message-id.js";
import { decodeMimiContent, type MimiContent } from "./mimi-content.js";
import type { NestedPart } from "./nested-part.js";
import { compareAccepted } from "./ordering.js";
import { dispositions, extensionKeys } from "./registries.js";

/** One message as delivered to the client. */
export interface ReceivedMessage {
  /** The `application/mimi-content` body. */
  readonly bytes: Uint8Array;
  /** The sender's URI, from its authenticated MLS credential. */
  readonly senderUri: string;
  /** The room's URI. */
  readonly roomUri: string;
  /** The hub's accepted timestamp in milliseconds (§3.4). */
  readonly acceptedTimestamp: number;
  /** Whether the sender is a member of the MLS group; default true. */
  readonly senderIsMember?: boolean;
}

/** Local policy for the §9.1 checks and for expiry. */
export interface ConversationOptions {
  /** The current time in milliseconds. */
  readonly now: number;
  /** When the room was created (ms); messages accepted earlier are discarded. */
  readonly roomCreated?: number;
  /** How far in the future an accepted timestamp may be (ms); default 5 minutes. */
  readonly maxFutureSkewMs?: number;
  /** Earliest plausible timestamp (ms); default 2022-01-01T00:00:00Z (decision 0207). */
  readonly notBefore?: number;
  /** Largest body accepted (octets of the whole content); default 1 MiB. */
  readonly maxContentOctets?: number;
  /** When each message was read (hex ID → ms), for relative expiry. */
  readonly readAt?: ReadonlyMap<string, number>;
  /**
   * A concrete authorization policy letting `actorUri` edit or delete another sender's message
   * (§9.3). Default: nobody may.
   */
  readonly authorize?: (actorUri: string, original: DisplayedMessage) => boolean;
}

/** Why a message was logged and discarded (§9.1, §9.3, §4.1). */
export type DiscardReason =
  | "undecodable"
  | "notMember"
  | "senderMismatch"
  | "duplicateMessageId"
  | "unknownHashAlgorithm"
  | "timestampInFuture"
  | "timestampTooEarly"
  | "beforeRoomCreated"
  | "topicIdTooLong"
  | "expiredLongAgo"
  | "expiresTooFarAhead"
  | "tooManyParts"
  | "nestedTooDeep"
  | "unknownPartSemantics"
  | "contentTooLarge"
  | "unauthorizedReplacement"
  | "replacementChangesOtherFields"
  | "replyLoop";

/** A discarded message and why. */
export interface Discarded {
  /** Index in the input. */
  readonly index: number;
  readonly messageId: string | null;
  readonly reason: DiscardReason;
  readonly detail: string;
}

/** A reaction shown on a message, with who sent it. */
export interface ReactionSummary {
  /** The reaction's text (for text parts) or `contentType:hex` otherwise. */
  readonly reaction: string;
  readonly senders: readonly string[];
}

/** A message as shown. */
export interface DisplayedMessage {
  /** ID of the first version. */
  readonly messageId: string;
  readonly senderUri: string;
  readonly acceptedTimestamp: number;
  /** The current version (the latest edit), or the original. */
  readonly content: MimiContent;
  readonly edited: boolean;
  readonly deleted: boolean;
  /** IDs of every version, oldest first. */
  readonly versions: readonly string[];
  /** The specific version replied to, if any. */
  readonly inReplyTo: string | null;
  /** The first version of the message replied to, when known. */
  readonly inReplyToMessage: string | null;
  readonly reactions: readonly ReactionSummary[];
}

/** What a client shows, and what it logged and discarded. */
export interface ConversationView {
  /** Messages in display order (accepted timestamp, then lowest ID), expired ones left out. */
  readonly messages: readonly DisplayedMessage[];
  /** IDs of messages hidden because they expired. */
  readonly expired: readonly string[];
  /** Replacements (edits, deletes, unlikes) whose target is unknown; legitimate (§9.1), not shown. */
  readonly pendingReplacements: readonly string[];
  readonly discarded: readonly Discarded[];
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
const MAX_TOPIC_ID = 4096;
const MAX_PARTS = 1024;

function countParts(p: NestedPart): number {
  return p.cardinality === 3 ? 1 + p.parts.reduce((n, c) => n + countParts(c), 0) : 1;
}

function isReaction(p: NestedPart): boolean {
  return p.disposition === dispositions.reaction && p.cardinality !== 0;
}

function reactionsOf(p: NestedPart): string[] {
  if (p.cardinality === 3) return p.parts.flatMap(reactionsOf);
  if (p.cardinality === 1) {
    return [
      p.contentType.startsWith("text/plain")
        ? new TextDecoder().decode(p.content)
        : `${p.contentType}:${toHex(p.content)}`,
    ];
  }
  if (p.cardinality === 2) return [`${p.contentType}:${p.url}`];
  return [];
}

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Follow the `inReplyTo` chain from `start` (hex IDs, `next` gives the ID a message replies to)
 * and return the ID where the chain loops back, or `null` when it ends.
 */
export function findReplyLoop(start: string, next: (id: string) => string | null | undefined): string | null {
  // [CONTENT-REPLY-01] draft-ietf-mimi-content-08 §4.1: receivers follow inReplyTo chains and check that no referenced message loops back.
  const seen = new Set<string>([start]);
  let id = next(start);
  while (id !== null && id !== undefined) {
    if (seen.has(id)) return id;
    seen.add(id);
    id = next(id);
  }
  return null;
}

interface Accepted {
  readonly index: number;
  readonly id: string;
  readonly idBytes: Uint8Array;
  readonly msg: ReceivedMessage;
  readonly content: MimiContent;
}

function discardReasonOfCodecError(e: CodecError): DiscardReason {
  if (e.rule === "CONTENT-PART-07") return "nestedTooDeep";
  if (e.rule === "CONTENT-PART-06") return "unknownPartSemantics";
  return "undecodable";
}

/** The §9.1 checks that need only the message itself; returns a reason or null. */
function check(
  m: ReceivedMessage,
  c: MimiContent,
  idBytes: Uint8Array,
  o: ConversationOptions,
): [DiscardReason, string] | null {
  // [CONTENT-SEC-01] draft-ietf-mimi-content-08 §9.1: nonsensical messages (sender not a member, unknown hash algorithm, implausible timestamps, topicId > 4096 octets, expiry more than a year away, more than 1024 parts, body too large) are logged and discarded.
  if (m.senderIsMember === false) return ["notMember", `${m.senderUri} is not a member of the group`];
  const claimed = c.mimiExtensions.get(extensionKeys.senderUri);
  if (claimed !== undefined && claimed !== m.senderUri)
    return ["senderMismatch", `senderUri ${String(claimed)} is not the authenticated sender`];
  if (!isKnownMessageIdAlgorithm(idBytes)) return ["unknownHashAlgorithm", `hash algorithm ${idBytes[0]}`];
  const ts = m.acceptedTimestamp;
  if (ts > o.now + (o.maxFutureSkewMs ?? 5 * 60 * 1000))
    return ["timestampInFuture", `accepted at ${ts}, now ${o.now}`];
  if (ts < (o.notBefore ?? Date.UTC(2022, 0, 1))) return ["timestampTooEarly", `accepted at ${ts}`];
  if (o.roomCreated !== undefined && ts < o.roomCreated)
    return ["beforeRoomCreated", `accepted at ${ts}, room created ${o.roomCreated}`];
  if (c.topicId.length > MAX_TOPIC_ID) return ["topicIdTooLong", `${c.topicId.length} octets`];
  if (c.expires !== null) {
    const t = c.expires.time * 1000;
    if (!c.expires.relative && t < o.now - YEAR_MS) return ["expiredLongAgo", `expired at ${t}`];
    if (c.expires.relative ? t > YEAR_MS : t > o.now + YEAR_MS)
      return ["expiresTooFarAhead", `expires ${c.expires.relative ? "after" : "at"} ${t} ms`];
  }
  const parts = countParts(c.nestedPart);
  if (parts > MAX_PARTS) return ["tooManyParts", `${parts} parts`];
  if (m.bytes.length > (o.maxContentOctets ?? 1 << 20))
    return ["contentTooLarge", `${m.bytes.length} octets`];
  return null;
}

interface State {
  readonly first: Accepted;
  current: MimiContent;
  readonly versions: string[];
  edited: boolean;
  deleted: boolean;
  readonly reactions: Map<string, { reaction: string[]; sender: string }>;
}

/**
 * Compute the conversation a client shows from the messages it received.
 *
 * - every message is decoded strictly and its ID computed (§3.3); §9.1 checks log and discard;
 * - messages are ordered by accepted timestamp, then lowest message ID (§5.11);
 * - `replaces` edits, deletes (NullPart) or unlikes its target, only when sent by the original
 *   sender or allowed by `authorize`, and only when nothing but the body changes (§9.3);
 * - reactions (disposition `reaction`) are aggregated on the message they reply to;
 * - replies whose `inReplyTo` chain loops are discarded (§4.1);
 * - expired messages are hidden (absolute expiry, or relative expiry counted from `readAt`).
 */
export function buildConversation(
  received: readonly ReceivedMessage[],
  options: ConversationOptions,
): ConversationView {
  const discarded: Discarded[] = [];
  const seen = new Set<string>();
  const accepted: Accepted[] = [];
  received.forEach((msg, index) => {
    let content: MimiContent;
    try {
      content = decodeMimiContent(msg.bytes);
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
      discarded.push({ index, messageId: null, reason: discardReasonOfCodecError(e), detail: e.describe() });
      return;
    }
    const idBytes = messageIdFromParts(msg.bytes, content.salt, msg.senderUri, msg.roomUri);
    const id = toHex(idBytes);
    if (seen.has(id)) {
      discarded.push({
        index,
        messageId: id,
        reason: "duplicateMessageId",
        detail: "message ID already seen",
      });
      return;
    }
    seen.add(id);
    const bad = check(msg, content, idBytes, options);
    if (bad !== null) {
      discarded.push({ index, messageId: id, reason: bad[0], detail: bad[1] });
      return;
    }
    accepted.push({ index, id, idBytes, msg, content });
  });
  accepted.sort((a, b) =>
    compareAccepted(
      { acceptedTimestamp: a.msg.acceptedTimestamp, messageId: a.idBytes },
      { acceptedTimestamp: b.msg.acceptedTimestamp, messageId: b.idBytes },
    ),
  );

  const states = new Map<string, State>(); // first-version ID → state (displayable messages)
  const versionOf = new Map<string, string>(); // any version ID → first-version ID
  const replyOf = new Map<string, string | null>(); // message ID → inReplyTo
  const reactionOwner = new Map<string, string>(); // reaction message ID → first-version ID reacted to
  const pending: string[] = [];
  const view = (s: State): DisplayedMessage => display(s, versionOf);

  for (const a of accepted) {
    const c = a.content;
    const inReplyTo = c.inReplyTo === null ? null : toHex(c.inReplyTo);
    replyOf.set(a.id, inReplyTo);
    if (inReplyTo !== null && findReplyLoop(a.id, (id) => replyOf.get(id)) !== null) {
      discarded.push({
        index: a.index,
        messageId: a.id,
        reason: "replyLoop",
        detail: "inReplyTo chain loops",
      });
      continue;
    }
    if (c.replaces !== null) {
      const targetId = toHex(c.replaces);
      const reactedOn = reactionOwner.get(targetId);
      if (reactedOn !== undefined) {
        const s = states.get(reactedOn)!;
        const r = s.reactions.get(targetId)!;
        // [CONTENT-AUTH-01] draft-ietf-mimi-content-08 §9.3: receivers MUST NOT let anyone but the original sender edit or delete a message without a concrete authorization policy.
        if (r.sender !== a.msg.senderUri) {
          discarded.push({
            index: a.index,
            messageId: a.id,
            reason: "unauthorizedReplacement",
            detail: "not the reaction's sender",
          });
          continue;
        }
        if (c.nestedPart.cardinality === 0) s.reactions.delete(targetId);
        else if (isReaction(c.nestedPart)) r.reaction = reactionsOf(c.nestedPart);
        continue;
      }
      const s = states.get(targetId);
      if (s === undefined) {
        pending.push(a.id);
        continue;
      }
      if (
        s.first.msg.senderUri !== a.msg.senderUri &&
        options.authorize?.(a.msg.senderUri, view(s)) !== true
      ) {
        discarded.push({
          index: a.index,
          messageId: a.id,
          reason: "unauthorizedReplacement",
          detail: `${a.msg.senderUri} is not the original sender`,
        });
        continue;
      }
      const o = s.first.content;
      // [CONTENT-AUTH-02] draft-ietf-mimi-content-08 §9.3: even the original sender MUST NOT change anything but the NestedPart without specific authorization.
      if (
        !sameBytes(o.topicId, c.topicId) ||
        !sameBytes(o.inReplyTo, c.inReplyTo) ||
        JSON.stringify(o.expires) !== JSON.stringify(c.expires)
      ) {
        discarded.push({
          index: a.index,
          messageId: a.id,
          reason: "replacementChangesOtherFields",
          detail: "topicId, inReplyTo or expires changed",
        });
        continue;
      }
      // a deleted message stays deleted: later replacements are recorded as versions but not shown
      s.versions.push(a.id);
      versionOf.set(a.id, targetId);
      if (s.deleted) continue;
      s.current = c;
      if (c.nestedPart.cardinality === 0) s.deleted = true;
      else s.edited = true;
      continue;
    }
    if (isReaction(c.nestedPart) && inReplyTo !== null) {
      const target = versionOf.get(inReplyTo);
      if (target !== undefined) {
        states
          .get(target)!
          .reactions.set(a.id, { reaction: reactionsOf(c.nestedPart), sender: a.msg.senderUri });
        reactionOwner.set(a.id, target);
        continue;
      }
    }
    states.set(a.id, {
      first: a,
      current: c,
      versions: [a.id],
      edited: false,
      deleted: false,
      reactions: new Map(),
    });
    versionOf.set(a.id, a.id);
  }

  const messages: DisplayedMessage[] = [];
  const expired: string[] = [];
  for (const s of states.values()) {
    const e = s.current.expires;
    if (e !== null) {
      const readAt = options.readAt?.get(s.first.id);
      const at = e.relative ? (readAt === undefined ? Infinity : readAt + e.time * 1000) : e.time * 1000;
      if (options.now >= at) {
        expired.push(s.first.id);
        continue;
      }
    }
    messages.push(view(s));
  }
  return { messages, expired, pendingReplacements: pending, discarded };
}

function display(s: State, versionOf: ReadonlyMap<string, string>): DisplayedMessage {
  const agg = new Map<string, string[]>();
  for (const { reaction, sender } of s.reactions.values()) {
    for (const r of reaction) {
      const list = agg.get(r) ?? [];
      if (!list.includes(sender)) list.push(sender);
      agg.set(r, list);
    }
  }
  const inReplyTo = s.first.content.inReplyTo === null ? null : toHex(s.first.content.inReplyTo);
  return {
    messageId: s.first.id,
    senderUri: s.first.msg.senderUri,
    acceptedTimestamp: s.first.msg.acceptedTimestamp,
    content: s.current,
    edited: s.edited,
    deleted: s.deleted,
    versions: [...s.versions],
    inReplyTo,
    inReplyToMessage: inReplyTo === null ? null : (versionOf.get(inReplyTo) ?? null),
    reactions: [...agg].map(([reaction, senders]) => ({ reaction, senders })),
  };
}
