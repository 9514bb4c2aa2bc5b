/**
 * Messages of a room (protocol-06 §5.4, draft-ietf-mimi-content-08): sending MIMI content,
 * the hub's answer, attachments, and the conversation this client has seen.
 */

import {
  type AttachmentInfo,
  buildConversation,
  type ConversationView,
  type ExternalPart,
  encodeMimiContent,
  encryptAttachment,
  type MimiContent,
  messageIdFromParts,
} from "@mimi/content";
import { sendContent } from "@mimi/mls-profile";
import { decodeSubmitMessageResponse, encodeSubmitMessageRequest, mlsOf } from "@mimi/protocol";
import { ProtocolError, toHex } from "@mimi/wire";
import type { IncomingMessage } from "../events.js";
import { activeRoomOf, type CoreState, decodedContent, hashOf, type Room, roomOf } from "./state.js";

/** What `ClientCore.sendMessage` produced. */
export interface OutgoingMessage {
  /** The SubmitMessageRequest body (protocol-06 §5.4). */
  readonly body: Uint8Array;
  /** Lowercase hex message ID. */
  readonly messageId: string;
  readonly content: MimiContent;
  /** Hash of the MLSMessage, to match the hub's answer. */
  readonly handle: string;
}

/**
 * Encrypt MIMI content for the room (a PrivateMessage with the franking tag in its SafeAAD,
 * protocol-06 §5.4.1) and return the SubmitMessageRequest body.
 */
export async function sendMessage(
  core: CoreState,
  roomUri: string,
  content: MimiContent,
): Promise<OutgoingMessage> {
  const room = activeRoomOf(core, roomUri);
  const bytes = encodeMimiContent(content);
  const sent = await sendContent(room.profile, room.state, bytes, content.salt);
  room.state = sent.state;
  const appMessage = mlsOf("MLSMessage", sent.message);
  const handle = hashOf(appMessage.bytes);
  room.sent.add(handle);
  room.unconfirmed.set(handle, { bytes });
  const userUri = core.identity.userUri;
  const body = encodeSubmitMessageRequest({
    protocol: "mls10",
    appMessage,
    sendingUri: { uri: userUri },
  });
  return {
    body,
    messageId: toHex(messageIdFromParts(bytes, content.salt, userUri, roomUri)),
    content,
    handle,
  };
}

/**
 * Apply the hub's SubmitMessageResponse: on `accepted` the message joins this client's
 * conversation with the hub's accepted timestamp.
 *
 * @throws ProtocolError when the hub did not accept it.
 */
export function handleSubmitResponse(
  core: CoreState,
  roomUri: string,
  handle: string,
  response: Uint8Array,
): void {
  const room = roomOf(core, roomUri);
  const r = decodeSubmitMessageResponse(response);
  if (r.statusCode !== "accepted") {
    room.unconfirmed.delete(handle);
    throw new ProtocolError(`the hub did not accept the message: ${String(r.statusCode)}`, {
      path: "/statusCode",
    });
  }
  confirmOwn(core, room, handle, Number(r.accepted_timestamp), r.frank !== undefined);
}

/** An own message the hub accepted (its answer or its echo) joins the conversation. */
export function confirmOwn(
  core: CoreState,
  room: Room,
  handle: string,
  acceptedTimestamp: number,
  franked: boolean,
): void {
  const own = room.unconfirmed.get(handle);
  if (own === undefined) return;
  room.unconfirmed.delete(handle);
  record(room, own.bytes, core.identity.userUri, core.identity.clientUri, acceptedTimestamp, franked);
}

/** Add a message to the room's conversation. */
export function record(
  room: Room,
  bytes: Uint8Array,
  senderUri: string,
  senderClient: string,
  acceptedTimestamp: number,
  franked: boolean,
): IncomingMessage {
  room.received.push({ bytes, senderUri, roomUri: room.roomUri, acceptedTimestamp });
  // decoded once: the franking check of a received message decoded the same bytes for its salt
  const content = decodedContent(bytes);
  const message: IncomingMessage = {
    messageId: toHex(messageIdFromParts(bytes, content.salt, senderUri, room.roomUri)),
    senderUri,
    senderClient,
    acceptedTimestamp,
    content,
    bytes,
    franked,
  };
  room.messages.set(message.messageId, message);
  room.log.push(message);
  return message;
}

/**
 * Encrypt an attachment with a fresh AES-128-GCM key (draft-ietf-mimi-content-08 §4.5): the
 * ciphertext to upload, and the part for the URL it gets.
 */
export async function prepareAttachment(
  plaintext: Uint8Array,
  info: Omit<AttachmentInfo, "url">,
): Promise<{ readonly ciphertext: Uint8Array; readonly part: (url: string) => ExternalPart }> {
  const { ciphertext, part } = await encryptAttachment(plaintext, { ...info, url: "" });
  return { ciphertext, part: (url: string) => ({ ...part, url }) };
}

/** A message this client sent or received, by hex ID. */
export function message(core: CoreState, roomUri: string, messageId: string): IncomingMessage | undefined {
  return roomOf(core, roomUri).messages.get(messageId);
}

/** What this client shows for the room (draft-ietf-mimi-content-08 conversation model). */
export function conversation(
  core: CoreState,
  roomUri: string,
  readAt: ReadonlyMap<string, number> | undefined,
): ConversationView {
  const room = roomOf(core, roomUri);
  return buildConversation(room.received, { now: core.now(), ...(readAt === undefined ? {} : { readAt }) });
}
