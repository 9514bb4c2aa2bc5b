/**
 * Application messages at the hub: `POST /submitMessage/{roomId}` (draft-ietf-mimi-protocol-06
 * §5.4) with server franking (§5.4.1), and `POST /reportAbuse/{roomId}` (§5.9), whose reported
 * messages the hub checks against the franks it issued.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { decodeMimiContent, roomUriOf, senderUriOf } from "@mimi/content";
import { parseMimiUri } from "@mimi/identifiers";
import {
  computeFrankingTag,
  decodeFrankAAD,
  decodeFrankingAgentData,
  decodeSafeAAD,
  defaultCodePoints,
  getComponentData,
  getSafeAADItem,
  type HubGroupView,
  hubAppDataDictionary,
} from "@mimi/mls-profile";
import type { Frank, SubmitMessageResponse } from "@mimi/protocol";
import {
  checkSubmitMessageRequest,
  encodeAbuseReport,
  encodeFanoutMessage,
  type ServerFrankingContext,
  serverFrankingContextCodec,
  signFrankingIntegrity,
  verifyFrankingIntegrity,
} from "@mimi/protocol";
import { authorize, type RoomState } from "@mimi/room-policy";
import { bytesEqual, encodeWith, InternalError, ValidationError } from "@mimi/wire";
import { HttpRejection } from "../server/http-error.js";
import { memberDomains } from "./decide.js";
import type { HubCall } from "./endpoints.js";
import type { Hub } from "./hub.js";
import { roomStateOf } from "./room-policy.js";
import { insertAbuseReport } from "./store.js";

/** `server_frank = HMAC_SHA256(hub_key, franking_tag || context)` (§5.4.1; context TLS-encoded). */
export function serverFrank(
  hubKey: Uint8Array,
  frankingTag: Uint8Array,
  context: ServerFrankingContext,
): Uint8Array {
  const h = createHmac("sha256", hubKey);
  h.update(frankingTag);
  h.update(encodeWith(serverFrankingContextCodec, context));
  return new Uint8Array(h.digest());
}

/** The franking agent of a room, when it is this hub (its key is the hub's signature key). */
async function hubIsFrankingAgentUncached(hub: Hub, view: HubGroupView): Promise<boolean> {
  let data: Uint8Array | undefined;
  try {
    data = getComponentData(hubAppDataDictionary(view), defaultCodePoints.componentIds.franking_agent);
  } catch {
    return false;
  }
  if (data === undefined) return false;
  try {
    const agent = decodeFrankingAgentData(data);
    return bytesEqual(agent.franking_signature_key, (await hub.keys()).signaturePublicKey);
  } catch {
    return false;
  }
}

/** The `frank_aad` franking tag of a PrivateMessage's authenticated data, if any. */
function frankingTagOf(authenticatedData: Uint8Array): Uint8Array | undefined {
  try {
    const item = getSafeAADItem(decodeSafeAAD(authenticatedData), defaultCodePoints.componentIds.frank_aad);
    return item === undefined ? undefined : decodeFrankAAD(item).franking_tag;
  } catch {
    return undefined;
  }
}

/**
 * What application messages of one epoch are checked against, computed once per view: a view
 * object never changes (every commit or proposal makes a new one), so neither does this.
 */
/** What a hub derives once per view (epoch) for the messages of that epoch. */
export interface EpochFacts {
  readonly state: RoomState;
  readonly domains: readonly string[];
  readonly franking: Promise<boolean>;
  /** PROTO-SUBMIT-04's verdict per sending user (it depends only on the view and the user). */
  readonly maySend: Map<string, boolean>;
}
function epochFacts(hub: Hub, view: HubGroupView): EpochFacts {
  let f = hub.epochFacts.get(view);
  if (f === undefined) {
    f = {
      state: roomStateOf(view, hub.options.defaultRoles),
      domains: memberDomains(view),
      franking: hubIsFrankingAgentUncached(hub, view),
      maySend: new Map(),
    };
    hub.epochFacts.set(view, f);
  }
  return f;
}

const notAllowed = (): SubmitMessageResponse => ({ protocol: "mls10", statusCode: "notAllowed" });

/** Handle `/submitMessage/{roomId}`: answers the encoded SubmitMessageResponse. */
export async function handleSubmitMessage(
  hub: Hub,
  call: HubCall<"submitMessage">,
): Promise<SubmitMessageResponse> {
  const { target: roomId, request, ctx } = call;
  checkSubmitMessageRequest(request);
  const message = request.appMessage.value;
  if (message.wireformat !== "mls_private_message") throw new InternalError("checked above");
  const pm = message.privateMessage;
  // This process's view, without a read of the log per message: the write below re-checks the
  // epoch in the database, so a view that is behind can only make a message wait for a reload.
  let room = hub.cachedRoom(roomId);
  if (room === undefined || pm.epoch > room.view.groupContext.epoch) room = await hub.room(roomId);
  if (room === undefined) throw new HttpRejection(404, `no room ${roomId}`, { path: "/path" });
  const view = room.view;
  const epoch = view.groupContext.epoch;
  if (!bytesEqual(pm.groupId, view.groupContext.groupId)) return notAllowed();
  // [PROTO-SUBMIT-02] draft-ietf-mimi-protocol-06 §5.4: a message of an epoch older than the
  // hub's is answered epochTooOld with the current epoch; a newer epoch is nonsensical (notAllowed).
  if (pm.epoch < epoch) return { protocol: "mls10", statusCode: "epochTooOld", currentEpoch: epoch };
  if (pm.epoch > epoch) return notAllowed();
  let sendingUri: string;
  try {
    sendingUri = parseMimiUri(request.sendingUri.uri).uri;
  } catch {
    return notAllowed();
  }
  // [PROTO-SUBMIT-03] draft-ietf-mimi-protocol-06 §4.1, §5.4: the message comes from the sending
  // user's provider.
  if (parseMimiUri(sendingUri).domain !== ctx.peerDomain) return notAllowed();
  // [PROTO-SUBMIT-04] draft-ietf-mimi-protocol-06 §5.3, §5.4: sendingUri is an active participant
  // (listed, not banned, with a client in the group) whose role may send messages
  // (draft-ietf-mimi-room-policy-03 §8.2, canSendMessage).
  // The verdict is a function of the view and the user alone, so it is evaluated once per epoch
  // and user (decision 0656).
  const facts = epochFacts(hub, view);
  let maySend = facts.maySend.get(sendingUri);
  if (maySend === undefined) {
    const state = facts.state;
    const entry = state.participants.find((p) => p.user === sendingUri);
    maySend =
      entry !== undefined &&
      entry.role_index !== 1 &&
      state.clients.some((c) => c.user === sendingUri) &&
      authorize(state, { actor: { user: sendingUri }, action: "canSendMessage" }).allowed;
    facts.maySend.set(sendingUri, maySend);
  }
  if (!maySend) return notAllowed();

  const now = ctx.now;
  const timestamp = BigInt(now);
  let frank: Frank | undefined;
  const tag = frankingTagOf(pm.authenticatedData);
  // [PROTO-FRANK-02] draft-ietf-mimi-protocol-06 §5.4.1: when the room's franking agent is the hub
  // and the message carries frank_aad, the hub computes server_frank = HMAC_SHA256(hub_key,
  // franking_tag || context) and signs FrankingIntegrityTBS with the franking key.
  if (tag !== undefined && (await facts.franking)) {
    const keys = await hub.keys();
    const cs = await hub.cipherSuite();
    const context: ServerFrankingContext = {
      sender_uri: { uri: sendingUri },
      room_uri: { uri: roomId },
      accepted_timestamp: timestamp,
    };
    const server_frank = serverFrank(keys.frankingKey, tag, context);
    const franking_integrity_signature = await signFrankingIntegrity(
      { server_frank, franking_signature_ciphersuite: cs.id, context },
      keys.signKey,
      cs.impl.signature,
    );
    frank = { server_frank, franking_signature_ciphersuite: cs.id, franking_integrity_signature };
  }
  const body = encodeFanoutMessage({
    timestamp,
    message: request.appMessage,
    ...(frank === undefined ? {} : { frank }),
  });
  // [PROTO-SUBMIT-05] draft-ietf-mimi-protocol-06 §5.4: "accepted" is answered only once the
  // message is durably in the room log, in the epoch it was checked against (decision 0655).
  const written = await hub.submits.submit(roomId, epoch, { body, acceptedAt: now }, facts.domains);
  if (!written.ok) {
    if (written.reason === "noSuchRoom") throw new InternalError(`room ${roomId} has no log`);
    return { protocol: "mls10", statusCode: "epochTooOld", currentEpoch: written.currentEpoch };
  }
  return {
    protocol: "mls10",
    statusCode: "accepted",
    accepted_timestamp: timestamp,
    ...(frank === undefined ? {} : { frank }),
  };
}

/**
 * Handle `/reportAbuse/{roomId}`: accept (201, stored) a report whose every reported message
 * carries a frank this hub issued for that room, sender and time; refuse (400) anything else.
 */
export async function handleReportAbuse(hub: Hub, call: HubCall<"reportAbuse">): Promise<undefined> {
  const { target: roomId, request: report, ctx } = call;
  if ((await hub.room(roomId)) === undefined)
    throw new HttpRejection(404, `no room ${roomId}`, { path: "/path" });
  if (report.messages.length === 0)
    throw new ValidationError("an abuse report names no message", {
      path: "/messages",
      rule: "PROTO-ABUSE-01",
    });
  const keys = await hub.keys();
  const cs = await hub.cipherSuite();
  for (const [i, m] of report.messages.entries()) {
    const path = `/messages/${i}`;
    // [PROTO-ABUSE-01] draft-ietf-mimi-protocol-06 §5.9: the hub validates each reported message:
    // it extracts salt, sender and room from the content, recomputes the franking tag and
    // server_frank with its hub_key, and verifies the franking signature.
    const content = decodeMimiContent(m.message_content);
    const sender = senderUriOf(content.mimiExtensions);
    const room = roomUriOf(content.mimiExtensions);
    if (sender === undefined || room === undefined)
      throw new ValidationError("the reported content names no sender or room", {
        path: `${path}/message_content`,
        rule: "PROTO-ABUSE-01",
      });
    if (room !== roomId)
      throw new ValidationError(`the reported message is of ${room}, not ${roomId}`, {
        path: `${path}/message_content`,
        rule: "PROTO-ABUSE-01",
      });
    const context: ServerFrankingContext = {
      sender_uri: { uri: sender },
      room_uri: { uri: room },
      accepted_timestamp: m.accepted_timestamp,
    };
    const expected = serverFrank(
      keys.frankingKey,
      computeFrankingTag(content.salt, m.message_content),
      context,
    );
    if (m.frank.server_frank.length !== 32 || !timingSafeEqual(expected, m.frank.server_frank))
      throw new ValidationError("server_frank is not one this hub issued for the message", {
        path: `${path}/frank/server_frank`,
        rule: "PROTO-ABUSE-01",
      });
    if (m.frank.franking_signature_ciphersuite !== cs.id)
      throw new ValidationError("unexpected franking cipher suite", {
        path: `${path}/frank/franking_signature_ciphersuite`,
        rule: "PROTO-ABUSE-01",
      });
    await verifyFrankingIntegrity(
      { server_frank: m.frank.server_frank, franking_signature_ciphersuite: cs.id, context },
      m.frank.franking_integrity_signature,
      keys.signaturePublicKey,
      cs.impl.signature,
    );
  }
  await insertAbuseReport(ctx.db, {
    roomId,
    peerDomain: ctx.peerDomain,
    receivedAt: ctx.now,
    report: encodeAbuseReport(report),
  });
  ctx.log({
    level: "info",
    msg: "abuse report",
    room: roomId,
    from: ctx.peerDomain,
    messages: report.messages.length,
  });
}
