/**
 * The pure core of a MIMI client: it produces the protocol bodies of draft-ietf-mimi-protocol-06
 * (§5.2 KeyMaterialRequest, §5.3 UpdateRequest, §5.4 SubmitMessageRequest, §5.6
 * GroupInfoRequest) and of the client API (key package upload, room creation), and consumes the
 * answers and the inbox (FanoutMessages and Welcomes, §5.5) into events and a conversation
 * (draft-ietf-mimi-content-08 §9). It does no I/O: the HTTP binding (`MimiClient`) or a test
 * carries the bytes.
 *
 * The work is done by the modules of `core/`, by concern, over one state record
 * (`core/state.ts`): the hub's identity (`hub.ts`), KeyPackages and key material
 * (`key-packages.ts`), rooms and their membership (`rooms.ts`), joining (`joins.ts`), messages
 * and the conversation (`messages.ts`), and the inbox with its room-policy check (`inbox.ts`).
 * This class holds the record and runs every change of it one at a time.
 */

import type { AttachmentInfo, ConversationView, ExternalPart, MimiContent } from "@mimi/content";
import type { ExternalSender, MlsCiphersuite } from "@mimi/mls-profile";
import type { ProvisionedClient } from "./client-identity.js";
import { receive } from "./core/inbox.js";
import { groupInfoRequest, joinExternal } from "./core/joins.js";
import { generateKeyPackages, keyMaterialRequest } from "./core/key-packages.js";
import {
  conversation,
  handleSubmitResponse,
  message,
  type OutgoingMessage,
  prepareAttachment,
  sendMessage,
} from "./core/messages.js";
import {
  addUser,
  addUsers,
  commitPending,
  createRoom,
  handleUpdateResponse,
  hasPendingProposals,
  leave,
  members,
  participants,
  removeUser,
  type UpdateBody,
} from "./core/rooms.js";
import { type ClientRestoreOptions, decodeSnapshot, encodeSnapshot } from "./core/snapshot.js";
import { type ClientCoreOptions, type CoreState, createCoreState, roomOf } from "./core/state.js";
import type { ClientEvent, IncomingMessage } from "./events.js";
import type { InboxItem } from "./inbox-item.js";

/**
 * One MLS client of one user: its rooms' group states, its unused KeyPackages, and the
 * conversations it has seen. Every method that changes state runs one at a time.
 */
export class ClientCore {
  readonly identity: ProvisionedClient;
  readonly cs: MlsCiphersuite;
  /** Replaced only by {@link ClientCore.restore}, before the client is handed out. */
  private core: CoreState;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ClientCoreOptions) {
    this.identity = options.identity;
    this.cs = options.cs;
    this.core = createCoreState(options);
  }

  // ---- persistence (core/snapshot.ts, decision 0812) ----------------------------------------

  /**
   * The client's whole state as bytes, taken between two operations: identity with its private
   * keys, every room's MLS group state (secret tree, ratchet tree, pending proposals and
   * commit), unused KeyPackages with their private keys, pending GroupInfo requests, the
   * conversations and the inbox position. Deterministic: the same state gives the same bytes.
   *
   * A snapshot holds every secret of the client: keep only the latest (overwrite the previous
   * one), and store it where only this client can read it (decision 0812).
   */
  snapshot(): Promise<Uint8Array> {
    return this.serial(() => encodeSnapshot(this.core));
  }

  /**
   * A client restored from {@link ClientCore.snapshot}'s bytes, with the configuration that is
   * not stored (trust anchors, cipher suite, clock, room-policy defaults). It continues where the
   * snapshot was taken.
   *
   * @throws CodecError when the bytes are not a client snapshot (truncated, unknown version).
   * @throws ValidationError when it is corrupt (checksum) or inconsistent (CLIENT-STATE-01/02/03).
   */
  static async restore(bytes: Uint8Array, options: ClientRestoreOptions): Promise<ClientCore> {
    const state = await decodeSnapshot(bytes, options);
    const client = new ClientCore({ ...options, identity: state.identity });
    client.core = state;
    return client;
  }

  /**
   * The position (`n`) of the last inbox item this client received, 0 before any; it is part of
   * the snapshot, and a `MimiClient` over a restored client resumes its inbox after it.
   */
  get inboxPosition(): bigint {
    return this.core.inboxPosition;
  }

  /** This client's user URI. */
  get userUri(): string {
    return this.identity.userUri;
  }

  /** This client's client URI. */
  get clientUri(): string {
    return this.identity.clientUri;
  }

  private serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- key packages (core/key-packages.ts) -------------------------------------------------

  /**
   * Generate `count` KeyPackages and return the client API upload body,
   * `MLSMessage key_packages<V>`; their private parts stay here until a Welcome uses one.
   */
  generateKeyPackages(count: number): Promise<Uint8Array> {
    return this.serial(() => generateKeyPackages(this.core, count));
  }

  /** How many uploaded KeyPackages no Welcome has used yet. */
  get unusedKeyPackages(): number {
    return this.core.keyPackages.size;
  }

  /**
   * A signed KeyMaterialRequest (protocol-06 §5.2) for `targetUser`'s clients, to add them to
   * `roomUri` (empty: not in the context of a room, decision 0602).
   */
  keyMaterialRequest(targetUser: string, roomUri: string): Promise<Uint8Array> {
    return keyMaterialRequest(this.core, targetUser, roomUri);
  }

  // ---- rooms and membership (core/rooms.ts) ------------------------------------------------

  /**
   * Create a room hosted by `hub` (the room's provider, whose ExternalSender goes first in
   * `external_senders`, protocol-06 §7.4) with this client's user as its only participant, and
   * return the client API body `struct { MLSMessage group_info; opaque ratchet_tree<V>; }`.
   *
   * @throws ValidationError when the hub does not authenticate as the room's provider, or the room
   * exists here already.
   */
  createRoom(roomUri: string, hub: ExternalSender, creatorRole = 4): Promise<Uint8Array> {
    return this.serial(() => createRoom(this.core, roomUri, hub, creatorRole));
  }

  /**
   * Add a user to a room from the KeyMaterialResponse its provider gave (protocol-06 §3.2–§3.3):
   * one commit with an Add per KeyPackage and the participant-list change, with the Welcome, the
   * GroupInfo and the ratchet tree, as an UpdateRequest for the hub. The commit takes effect when
   * the hub accepts it ({@link ClientCore.handleUpdateResponse} or its echo in the inbox).
   *
   * @throws ProtocolError when the response gives no KeyPackage; ValidationError when a KeyPackage
   * is not the user's or the commit is invalid.
   */
  addUser(roomUri: string, keyMaterialResponse: Uint8Array, role = 2): Promise<UpdateBody> {
    return this.serial(() => addUser(this.core, roomUri, keyMaterialResponse, role));
  }

  /**
   * Add several users in one commit from their KeyMaterialResponses (protocol-06 §3.2–§3.3): an
   * Add per KeyPackage of every user, one participant-list change appending them all with `role`,
   * and one Welcome for every new client. A big room is filled this way (decision 0684). The
   * commit takes effect when the hub accepts it.
   *
   * @throws ProtocolError when a response gives no KeyPackage; ValidationError when a KeyPackage
   * is not its user's, a user is listed twice, or the commit is invalid.
   */
  addUsers(roomUri: string, keyMaterialResponses: readonly Uint8Array[], role = 2): Promise<UpdateBody> {
    return this.serial(() => addUsers(this.core, roomUri, keyMaterialResponses, role));
  }

  /** Remove a user (all its clients and its participant-list entry) in one commit. */
  removeUser(roomUri: string, user: string): Promise<UpdateBody> {
    return this.serial(() => removeUser(this.core, roomUri, user));
  }

  /**
   * Commit every proposal received by reference (e.g. another client's leave, protocol-06 §3.5),
   * adding the participant-list removal of every user none of whose clients stays in the group
   * (decision 0805).
   */
  commitPending(roomUri: string): Promise<UpdateBody> {
    return this.serial(() => commitPending(this.core, roomUri));
  }

  /** Whether the room has proposals waiting for a commit. */
  hasPendingProposals(roomUri: string): boolean {
    return hasPendingProposals(this.core, roomUri);
  }

  /**
   * Leave a room (protocol-06 §3.5): a Remove proposal for this client, as an UpdateRequest for
   * another member to commit; that member's {@link ClientCore.commitPending} also removes the user from the
   * participant list when this was its last client (decision 0805).
   */
  leave(roomUri: string): Promise<UpdateBody> {
    return this.serial(() => leave(this.core, roomUri));
  }

  /**
   * Apply the hub's UpdateRoomResponse to the pending commit: on `success` the commit takes
   * effect; otherwise it is dropped (the group stays in its epoch) and the code is returned.
   */
  handleUpdateResponse(roomUri: string, response: Uint8Array): Promise<ClientEvent | undefined> {
    return this.serial(() => handleUpdateResponse(this.core, roomUri, response));
  }

  // ---- messages (core/messages.ts) ---------------------------------------------------------

  /**
   * Encrypt MIMI content for the room (a PrivateMessage with the franking tag in its SafeAAD,
   * protocol-06 §5.4.1) and return the SubmitMessageRequest body.
   *
   * @throws ValidationError when the content names another sender or room.
   */
  sendMessage(roomUri: string, content: MimiContent): Promise<OutgoingMessage> {
    return this.serial(() => sendMessage(this.core, roomUri, content));
  }

  /**
   * Apply the hub's SubmitMessageResponse: on `accepted` the message joins this client's
   * conversation with the hub's accepted timestamp.
   *
   * @throws ProtocolError when the hub did not accept it.
   */
  handleSubmitResponse(roomUri: string, handle: string, response: Uint8Array): Promise<void> {
    return this.serial(() => handleSubmitResponse(this.core, roomUri, handle, response));
  }

  /**
   * Encrypt an attachment with a fresh AES-128-GCM key (draft-ietf-mimi-content-08 §4.5); upload
   * the ciphertext, then send (with {@link ClientCore.sendMessage}) a message whose part is `part(url)` for the URL it got.
   */
  prepareAttachment(
    plaintext: Uint8Array,
    info: Omit<AttachmentInfo, "url">,
  ): Promise<{ readonly ciphertext: Uint8Array; readonly part: (url: string) => ExternalPart }> {
    return prepareAttachment(plaintext, info);
  }

  // ---- joining (core/joins.ts) -------------------------------------------------------------

  /**
   * A GroupInfoRequest (protocol-06 §5.6) for joining `roomUri` by external commit, with a fresh
   * HPKE key for the answer, and the joining code the user was given if any (decision 0661).
   */
  groupInfoRequest(roomUri: string, joiningCode?: Uint8Array): Promise<Uint8Array> {
    return this.serial(() => groupInfoRequest(this.core, roomUri, joiningCode));
  }

  /**
   * Join by external commit (protocol-06 §3.6) from the hub's GroupInfoResponse: check the hub's
   * signature and credential, decrypt GroupInfo and tree, and return the UpdateRequest with the
   * external commit. The room becomes usable when the hub accepts it.
   *
   * A user that is not a participant yet (e.g. one with a joining code, decision 0661) appends
   * itself to the participant list with `role` in the same commit.
   *
   * @throws ProtocolError when the hub refused; ValidationError when a check fails (or the user is
   * not a participant and no `role` is given).
   */
  joinExternal(roomUri: string, groupInfoResponse: Uint8Array, role?: number): Promise<UpdateBody> {
    return this.serial(() => joinExternal(this.core, roomUri, groupInfoResponse, role));
  }

  // ---- inbox (core/inbox.ts) ---------------------------------------------------------------

  /**
   * Process one inbox item (a FanoutMessage: a Welcome for this client, or a message of a room
   * it is in) and return what it was. Items that fail a check are reported as `rejected`; so is
   * another member's commit that room policy denies (CLIENT-POLICY-01, with the denying rule).
   */
  receive(item: InboxItem): Promise<ClientEvent[]> {
    return this.serial(() => receive(this.core, item));
  }

  // ---- views -------------------------------------------------------------------------------

  /** The rooms this client knows, active or not. */
  roomUris(): string[] {
    return [...this.core.rooms.keys()];
  }

  /** Whether this client is an active member of the room. */
  isMember(roomUri: string): boolean {
    return this.core.rooms.get(roomUri)?.active === true;
  }

  /** The room's epoch as this client sees it. */
  epoch(roomUri: string): bigint {
    return roomOf(this.core, roomUri).state.groupContext.epoch;
  }

  /** The room's participant list: user URIs with their role index. */
  participants(roomUri: string): { readonly user: string; readonly role: number }[] {
    return participants(this.core, roomUri);
  }

  /** The room's MLS members as client URIs. */
  members(roomUri: string): string[] {
    return members(this.core, roomUri);
  }

  /** A message this client sent or received, by hex ID. */
  message(roomUri: string, messageId: string): IncomingMessage | undefined {
    return message(this.core, roomUri, messageId);
  }

  /** What this client shows for the room (draft-ietf-mimi-content-08 conversation model). */
  conversation(roomUri: string, readAt?: ReadonlyMap<string, number>): ConversationView {
    return conversation(this.core, roomUri, readAt);
  }
}
