/**
 * The pure core of a MIMI client: it produces the protocol bodies of draft-ietf-mimi-protocol-06
 * (§5.2 KeyMaterialRequest, §5.3 UpdateRequest, §5.4 SubmitMessageRequest, §5.6
 * GroupInfoRequest) and of the client API (key package upload, room creation), and consumes the
 * answers and the inbox (FanoutMessages and Welcomes, §5.5) into events and a conversation
 * (draft-ietf-mimi-content-08 §9). It does no I/O: the HTTP binding (`MimiClient`) or a test
 * carries the bytes.
 */

import {
  type AttachmentInfo,
  buildConversation,
  type ConversationView,
  computeMessageId,
  decodeMimiContent,
  type ExternalPart,
  encodeMimiContent,
  encryptAttachment,
  type MimiContent,
  type ReceivedMessage,
} from "@mimi/content";
import { parseMimiUri } from "@mimi/identifiers";
import { authenticateCredential, createX509AuthenticationService, type TrustStore } from "@mimi/identity";
import {
  type AuthenticationService,
  addUser,
  checkCommitProposals,
  checkRoomExternalSenders,
  commit,
  createKeyPackage,
  createRoom,
  type ExternalSender,
  encodeKeyPackage,
  encodeMlsMessage,
  encodeRatchetTree,
  exportGroupInfo,
  externalSendersOf,
  joinFromWelcome,
  joinRoomExternal,
  type KeyPackage,
  type KeyPackageBundle,
  type MimiProfile,
  type MLSMessage,
  type MlsCiphersuite,
  type MlsGroupState,
  mimiCapabilities,
  mimiProfile,
  mimiRequiredCapabilities,
  ownLeafIndex,
  participantListOf,
  participantListProposal,
  processIncoming,
  propose,
  type RatchetTree,
  type RoomCommit,
  removeUser,
  roomMembers,
  sendContent,
} from "@mimi/mls-profile";
import {
  decodeFanoutMessage,
  decodeGroupInfoResponse,
  decodeKeyMaterialResponse,
  decodeMls,
  decodeSubmitMessageResponse,
  decodeUpdateRoomResponse,
  encodeGroupInfoRequest,
  encodeKeyMaterialRequest,
  encodeSubmitMessageRequest,
  encodeUpdateRequest,
  type FanoutMessage,
  groupInfoRatchetTreeTBECodec,
  type HandshakeBundle,
  mlsOf,
  partialGroupInfoOf,
  type RatchetTreeOption,
  signGroupInfoRequest,
  signKeyMaterialRequest,
  verifyGroupInfoResponse,
} from "@mimi/protocol";
import {
  bytesEqual,
  CodecError,
  decodeWith,
  encodeTls,
  fromUtf8,
  MimiError,
  ProtocolError,
  toHex,
  utf8,
  ValidationError,
} from "@mimi/wire";
import { sha256 } from "@noble/hashes/sha2.js";
import { clientOfCredential, type ProvisionedClient, userOfCredential } from "./client-identity.js";
import type { ClientEvent, IncomingMessage, ParticipantChange } from "./events.js";
import type { InboxItem } from "./inbox-item.js";
import { encodeKeyPackageUpload } from "./key-package-upload.js";

/** Options of {@link ClientCore}. */
export interface ClientCoreOptions {
  readonly identity: ProvisionedClient;
  /** Trust anchors of every provider whose clients this client talks to (and their hubs). */
  readonly trust: TrustStore;
  readonly cs: MlsCiphersuite;
  /** The current time in ms (default `Date.now`). */
  readonly now?: () => number;
  /**
   * How commits convey the new epoch's GroupInfo to the hub (protocol-06 §5.3 GroupInfoOption):
   * `full` (default) or `partial`, a PartialGroupInfo the hub completes from its view
   * (draft-mahy-mls-ratchet-tree-options §4, decision 0660).
   */
  readonly groupInfoRepresentation?: "full" | "partial";
}

/** A commit this client made that the hub has not confirmed yet. */
interface PendingCommit {
  readonly hash: string;
  readonly state: MlsGroupState;
  readonly via: "commit" | "externalCommit";
}

/** A room this client is (or was) a member of. */
interface Room {
  readonly roomUri: string;
  readonly profile: MimiProfile;
  state: MlsGroupState;
  active: boolean;
  pending: PendingCommit | undefined;
  /** Hashes of the handshake and application messages this client sent (their echoes are skipped). */
  readonly sent: Set<string>;
  /** Own messages sent but not yet confirmed, by message hash. */
  readonly unconfirmed: Map<string, { readonly bytes: Uint8Array }>;
  readonly received: ReceivedMessage[];
  readonly messages: Map<string, IncomingMessage>;
}

/** What {@link ClientCore.sendMessage} produced. */
export interface OutgoingMessage {
  /** The SubmitMessageRequest body (protocol-06 §5.4). */
  readonly body: Uint8Array;
  /** Lowercase hex message ID. */
  readonly messageId: string;
  readonly content: MimiContent;
  /** Hash of the MLSMessage, to match the hub's answer. */
  readonly handle: string;
}

/** A body to send to the hub and what it was (for the caller's logs). */
export interface UpdateBody {
  /** The UpdateRequest body (protocol-06 §5.3). */
  readonly body: Uint8Array;
  readonly kind: "commit" | "proposals";
}

type HpkePrivateKey = Awaited<ReturnType<MlsCiphersuite["impl"]["hpke"]["generateKeyPair"]>>["privateKey"];

const GROUP_INFO_LABEL = "GroupInfo and ratchet_tree encryption";
const KEY_PACKAGE_REF_LABEL = "MLS 1.0 KeyPackage Reference";

function hashOf(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

/** The domain of a room URI. */
export function roomDomain(roomUri: string): string {
  return parseMimiUri(roomUri).domain;
}

/** The provider domain a basic credential names (`mimi://<domain>`, decision 0801), if any. */
function providerOfBasic(identity: Uint8Array): string | undefined {
  let text: string;
  try {
    text = fromUtf8(identity);
    const p = parseMimiUri(text);
    return p.kind === "provider" ? p.domain : undefined;
  } catch {
    return undefined;
  }
}

function reject(roomUri: string, e: unknown): ClientEvent {
  if (e instanceof MimiError) return { kind: "rejected", roomUri, error: e };
  throw e;
}

function treeOf(option: RatchetTreeOption, path: string): RatchetTree {
  if (option.representation !== "full") {
    // [CLIENT-TREE-01] draft-mahy-mls-ratchet-tree-options-03 §3: a joiner needs the ratchet tree;
    // the SDK takes it only in full with a Welcome or a GroupInfo (decision 0803).
    throw new ProtocolError(`ratchet tree representation ${option.representation} is not supported`, {
      path,
      rule: "CLIENT-TREE-01",
    });
  }
  return option.ratchet_tree.value;
}

/**
 * One MLS client of one user: its rooms' group states, its unused KeyPackages, and the
 * conversations it has seen. Every method that changes state runs one at a time.
 */
export class ClientCore {
  readonly identity: ProvisionedClient;
  readonly cs: MlsCiphersuite;
  private readonly trust: TrustStore;
  private readonly now: () => number;
  private readonly groupInfoRepresentation: "full" | "partial";
  /** The profile without a hub: its ts-mls configuration is the same for every room. */
  private readonly base: MimiProfile;
  private readonly rooms = new Map<string, Room>();
  /** Unused KeyPackages by KeyPackageRef (hex). */
  private readonly keyPackages = new Map<string, KeyPackageBundle>();
  private readonly groupInfoKeys = new Map<string, HpkePrivateKey>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: ClientCoreOptions) {
    this.identity = options.identity;
    this.cs = options.cs;
    this.trust = options.trust;
    this.now = options.now ?? Date.now;
    this.groupInfoRepresentation = options.groupInfoRepresentation ?? "full";
    // Provider credentials (x509, or the hub's basic `mimi://<domain>`) are accepted only so that
    // hubs can be external senders; a member's leaf must still be an x509 client credential
    // (userOfCredential rejects anything else; decision 0801).
    const x509 = createX509AuthenticationService({ trust: this.trust, allowProviderCredentials: true });
    const authService: AuthenticationService = {
      validateCredential: (credential, signaturePublicKey) =>
        credential.credentialType === "basic"
          ? Promise.resolve(providerOfBasic(credential.identity) !== undefined)
          : x509.validateCredential(credential, signaturePublicKey),
    };
    this.base = mimiProfile({
      cs: this.cs,
      authService,
      hub: {
        signaturePublicKey: new Uint8Array(),
        credential: { credentialType: "basic", identity: new Uint8Array() },
      },
      userOf: userOfCredential,
      saltOf: (content) => decodeMimiContent(content).salt,
    });
  }

  /** This client's user URI. */
  get userUri(): string {
    return this.identity.userUri;
  }

  /** This client's client URI. */
  get clientUri(): string {
    return this.identity.clientUri;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private room(roomUri: string): Room {
    const r = this.rooms.get(roomUri);
    if (r === undefined) throw new ProtocolError(`not a member of ${roomUri}`, { path: "/roomId" });
    return r;
  }

  private newRoom(roomUri: string, profile: MimiProfile, state: MlsGroupState): Room {
    const room: Room = {
      roomUri,
      profile,
      state,
      active: true,
      pending: undefined,
      sent: new Set(),
      unconfirmed: new Map(),
      received: [],
      messages: new Map(),
    };
    this.rooms.set(roomUri, room);
    return room;
  }

  private async keyPackageRef(kp: KeyPackageBundle["publicPackage"]): Promise<string> {
    const value = encodeKeyPackage(kp);
    const input = encodeTls((w) => w.opaque(utf8(KEY_PACKAGE_REF_LABEL)).opaque(value));
    return toHex(await this.cs.impl.hash.digest(input));
  }

  private newKeyPackage(): Promise<KeyPackageBundle> {
    return createKeyPackage(this.cs, {
      credential: this.identity.credential,
      signatureKeyPair: this.identity.signatureKeyPair,
      capabilities: mimiCapabilities(this.base.codePoints),
    });
  }

  /**
   * Generate `count` KeyPackages and return the client API upload body,
   * `MLSMessage key_packages<V>`; their private parts stay here until a Welcome uses one.
   */
  generateKeyPackages(count: number): Promise<Uint8Array> {
    return this.serial(async () => {
      const keyPackages: KeyPackage[] = [];
      for (let i = 0; i < count; i++) {
        const kp = await this.newKeyPackage();
        this.keyPackages.set(await this.keyPackageRef(kp.publicPackage), kp);
        keyPackages.push(kp.publicPackage);
      }
      return encodeKeyPackageUpload(keyPackages);
    });
  }

  /** How many uploaded KeyPackages no Welcome has used yet. */
  get unusedKeyPackages(): number {
    return this.keyPackages.size;
  }

  /**
   * Create a room hosted by `hub` (the room's provider, whose ExternalSender goes first in
   * `external_senders`, protocol-06 §7.4) with this client's user as its only participant, and
   * return the client API body `struct { MLSMessage group_info; opaque ratchet_tree<V>; }`.
   *
   * @throws ValidationError when the hub does not authenticate as the room's provider, or the room
   * exists here already.
   */
  createRoom(roomUri: string, hub: ExternalSender, creatorRole = 4): Promise<Uint8Array> {
    return this.serial(async () => {
      if (this.rooms.has(roomUri)) throw new ValidationError(`room ${roomUri} exists`, { path: "/roomId" });
      await this.checkHub(hub, roomUri, "/hub");
      const profile: MimiProfile = { ...this.base, hub };
      const state = await createRoom(profile, {
        roomUri,
        keyPackage: await this.newKeyPackage(),
        creatorRole,
      });
      this.newRoom(roomUri, profile, state);
      const groupInfo = encodeMlsMessage(await exportGroupInfo(state, this.cs));
      const tree = encodeRatchetTree(state.ratchetTree);
      return encodeTls((w) => w.bytes(groupInfo).opaque(tree));
    });
  }

  /**
   * [CLIENT-HUB-01] draft-ietf-mimi-protocol-06 §7.4: the hub of a room is the provider of the
   * room's domain; the SDK accepts a hub external sender only when its x509 credential
   * authenticates as that provider, or its basic credential is that provider's URI (decision 0802).
   */
  private async checkHub(hub: ExternalSender, roomUri: string, path: string): Promise<void> {
    const domain = roomDomain(roomUri);
    if (hub.credential.credentialType === "basic") {
      if (providerOfBasic(hub.credential.identity) === domain) return;
      throw new ValidationError(`the hub's basic credential does not name provider ${domain}`, {
        path,
        rule: "CLIENT-HUB-01",
      });
    }
    let ok = false;
    try {
      const id = await authenticateCredential(hub.credential, hub.signaturePublicKey, {
        trust: this.trust,
        allowProviderCredentials: true,
      });
      ok = id.authenticated && id.subject.kind === "provider" && id.subject.domain === domain;
    } catch (e) {
      if (!(e instanceof MimiError)) throw e;
    }
    if (!ok) {
      throw new ValidationError(`the hub's credential does not authenticate as provider ${domain}`, {
        path,
        rule: "CLIENT-HUB-01",
      });
    }
  }

  /** Find the room's hub among a group's external senders (see `checkHub`). */
  private async hubIn(state: MlsGroupState, roomUri: string): Promise<ExternalSender> {
    for (const sender of externalSendersOf(state.groupContext.extensions) ?? []) {
      try {
        await this.checkHub(sender, roomUri, "/external_senders");
        return sender;
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
      }
    }
    throw new ValidationError(`no external sender authenticates as the hub of ${roomUri}`, {
      path: "/group_context/extensions/external_senders",
      rule: "CLIENT-HUB-01",
    });
  }

  /**
   * A signed KeyMaterialRequest (protocol-06 §5.2) for `targetUser`'s clients, to add them to
   * `roomUri` (empty: not in the context of a room, decision 0602).
   */
  keyMaterialRequest(targetUser: string, roomUri: string): Promise<Uint8Array> {
    const required = mimiRequiredCapabilities(this.base.codePoints);
    return signKeyMaterialRequest(
      {
        protocol: "mls10",
        requestingUser: { uri: this.userUri },
        targetUser: { uri: targetUser },
        roomId: { uri: roomUri },
        acceptableCiphersuites: [this.cs.id],
        requiredCapabilities: decodeMls("RequiredCapabilities", required.extensionData),
        requesterSignatureKey: this.identity.signatureKeyPair.publicKey,
        requesterCredential: mlsOf("Credential", this.identity.credential),
      },
      this.identity.signatureKeyPair.signKey,
      this.cs.impl.signature,
    ).then(encodeKeyMaterialRequest);
  }

  private async commitBundle(room: Room, r: RoomCommit, via: PendingCommit["via"]): Promise<UpdateBody> {
    const commitBytes = encodeMlsMessage(r.commit);
    const groupInfo = await exportGroupInfo(r.state, this.cs);
    if (groupInfo.wireformat !== "mls_group_info") throw new ProtocolError("no GroupInfo", { path: "/" });
    const bundle: HandshakeBundle = {
      proposalOrCommit: mlsOf("MLSMessage", r.commit),
      ...(r.welcome !== undefined && r.welcome.wireformat === "mls_welcome"
        ? { welcome: mlsOf("Welcome", r.welcome.welcome) }
        : {}),
      groupInfoOption:
        this.groupInfoRepresentation === "partial"
          ? { representation: "partial", partialGroupInfo: partialGroupInfoOf(groupInfo.groupInfo) }
          : { representation: "full", groupInfo: mlsOf("GroupInfo", groupInfo.groupInfo) },
      ratchetTreeOption: { representation: "full", ratchet_tree: mlsOf("RatchetTree", r.state.ratchetTree) },
    };
    const hash = hashOf(commitBytes);
    room.pending = { hash, state: r.state, via };
    room.sent.add(hash);
    return { body: encodeUpdateRequest({ bundle }), kind: "commit" };
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
    return this.serial(async () => {
      const room = this.activeRoom(roomUri);
      const response = decodeKeyMaterialResponse(keyMaterialResponse);
      const keyPackages = response.clients.flatMap((c) =>
        c.clientStatus === "success" && "keyPackage" in c ? [c.keyPackage.value] : [],
      );
      if (keyPackages.length === 0) {
        throw new ProtocolError(
          `no key material for ${response.userUri.uri} (${String(response.userStatus)})`,
          {
            path: "/clients",
          },
        );
      }
      const r = await addUser(room.profile, room.state, {
        user: utf8(response.userUri.uri),
        role,
        keyPackages,
      });
      return this.commitBundle(room, r, "commit");
    });
  }

  /** Remove a user (all its clients and its participant-list entry) in one commit. */
  removeUser(roomUri: string, user: string): Promise<UpdateBody> {
    return this.serial(async () => {
      const room = this.activeRoom(roomUri);
      return this.commitBundle(room, await removeUser(room.profile, room.state, utf8(user)), "commit");
    });
  }

  /**
   * Commit every proposal received by reference (e.g. another client's leave, protocol-06 §3.5),
   * adding the participant-list removal of every user none of whose clients stays in the group
   * (decision 0805).
   */
  commitPending(roomUri: string): Promise<UpdateBody> {
    return this.serial(async () => {
      const room = this.activeRoom(roomUri);
      const pending = Object.values(room.state.unappliedProposals).map((p) => p.proposal);
      const removed = new Set(
        pending.flatMap((p) => (p.proposalType === "remove" ? [p.remove.removed] : [])),
      );
      const members = roomMembers(room.profile, room.state);
      const list = participantListOf(room.profile, room.state);
      const leaving = list.participants
        .map((p, index) => ({ user: p.user, index }))
        .filter(
          ({ user }) =>
            members.some((m) => bytesEqual(m.user, user)) &&
            members.filter((m) => bytesEqual(m.user, user)).every((m) => removed.has(m.leafIndex)),
        );
      const proposals =
        leaving.length === 0
          ? []
          : [
              participantListProposal(room.profile, {
                changedRoleParticipants: [],
                removedIndices: leaving.map((l) => l.index),
                addedParticipants: [],
              }),
            ];
      checkCommitProposals(
        room.state.groupContext.extensions,
        [...pending, ...proposals],
        room.profile.codePoints,
      );
      const r = await commit(room.state, this.cs, { proposals, publicMessage: true });
      return this.commitBundle(room, { ...r, ratchetTree: encodeRatchetTree(r.state.ratchetTree) }, "commit");
    });
  }

  /** Whether the room has proposals waiting for a commit. */
  hasPendingProposals(roomUri: string): boolean {
    return Object.keys(this.room(roomUri).state.unappliedProposals).length > 0;
  }

  /**
   * Leave a room (protocol-06 §3.5): a Remove proposal for this client, as an UpdateRequest for
   * another member to commit; that member's {@link ClientCore.commitPending} also removes the user from the
   * participant list when this was its last client (decision 0805).
   */
  leave(roomUri: string): Promise<UpdateBody> {
    return this.serial(async () => {
      const room = this.activeRoom(roomUri);
      const r = await propose(room.state, this.cs, {
        proposalType: "remove",
        remove: { removed: ownLeafIndex(room.state) },
      });
      room.state = r.state;
      const proposal = mlsOf("MLSMessage", r.message);
      room.sent.add(hashOf(proposal.bytes));
      return {
        body: encodeUpdateRequest({ bundle: { proposalOrCommit: proposal, moreProposals: [] } }),
        kind: "proposals",
      };
    });
  }

  private activeRoom(roomUri: string): Room {
    const room = this.room(roomUri);
    if (!room.active) throw new ProtocolError(`no longer a member of ${roomUri}`, { path: "/roomId" });
    return room;
  }

  /**
   * Apply the hub's UpdateRoomResponse to the pending commit: on `success` the commit takes
   * effect; otherwise it is dropped (the group stays in its epoch) and the code is returned.
   */
  handleUpdateResponse(roomUri: string, response: Uint8Array): Promise<ClientEvent | undefined> {
    return this.serial(async () => {
      const room = this.room(roomUri);
      const r = decodeUpdateRoomResponse(response);
      const pending = room.pending;
      if (r.responseCode !== "success") {
        room.pending = undefined;
        throw new ProtocolError(
          `the hub refused the update: ${String(r.responseCode)} ${r.errorDescription}`,
          {
            path: "/responseCode",
          },
        );
      }
      if (pending === undefined) return undefined; // a proposal, or the commit's echo came first
      return this.adopt(room, pending);
    });
  }

  private adopt(room: Room, pending: PendingCommit): ClientEvent {
    const before = roomMembers(room.profile, room.state);
    const listBefore = participantListOf(room.profile, room.state);
    room.state = pending.state;
    room.pending = undefined;
    if (pending.via === "externalCommit") room.active = true;
    const after = roomMembers(room.profile, room.state);
    const key = (m: { leafIndex: number; signatureKey: Uint8Array }): string =>
      `${m.leafIndex}:${toHex(m.signatureKey)}`;
    const beforeKeys = new Set(before.map(key));
    const afterKeys = new Set(after.map(key));
    const listAfter = participantListOf(room.profile, room.state);
    const users = (l: typeof listAfter): Map<string, number> =>
      new Map(l.participants.map((p) => [fromUtf8(p.user), p.role_index]));
    const ub = users(listBefore);
    const ua = users(listAfter);
    const participants: ParticipantChange[] = [
      ...[...ub].filter(([u]) => !ua.has(u)).map(([user, role]) => ({ kind: "remove" as const, user, role })),
      ...[...ua].filter(([u]) => !ub.has(u)).map(([user, role]) => ({ kind: "add" as const, user, role })),
    ];
    if (pending.via === "externalCommit")
      return {
        kind: "joined",
        roomUri: room.roomUri,
        epoch: room.state.groupContext.epoch,
        via: "externalCommit",
      };
    return {
      kind: "commit",
      roomUri: room.roomUri,
      epoch: room.state.groupContext.epoch,
      own: true,
      added: after.filter((m) => !beforeKeys.has(key(m))).map((m) => clientOfCredential(m.credential)),
      removed: before.filter((m) => !afterKeys.has(key(m))).map((m) => clientOfCredential(m.credential)),
      participants,
      removedSelf: false,
    };
  }

  /**
   * Encrypt MIMI content for the room (a PrivateMessage with the franking tag in its SafeAAD,
   * protocol-06 §5.4.1) and return the SubmitMessageRequest body.
   *
   * @throws ValidationError when the content names another sender or room.
   */
  sendMessage(roomUri: string, content: MimiContent): Promise<OutgoingMessage> {
    return this.serial(async () => {
      const room = this.activeRoom(roomUri);
      const bytes = encodeMimiContent(content);
      const sent = await sendContent(room.profile, room.state, bytes, content.salt);
      room.state = sent.state;
      const appMessage = mlsOf("MLSMessage", sent.message);
      const handle = hashOf(appMessage.bytes);
      room.sent.add(handle);
      room.unconfirmed.set(handle, { bytes });
      const body = encodeSubmitMessageRequest({
        protocol: "mls10",
        appMessage,
        sendingUri: { uri: this.userUri },
      });
      return { body, messageId: toHex(computeMessageId(bytes, this.userUri, roomUri)), content, handle };
    });
  }

  /**
   * Apply the hub's SubmitMessageResponse: on `accepted` the message joins this client's
   * conversation with the hub's accepted timestamp.
   *
   * @throws ProtocolError when the hub did not accept it.
   */
  handleSubmitResponse(roomUri: string, handle: string, response: Uint8Array): Promise<void> {
    return this.serial(async () => {
      const room = this.room(roomUri);
      const r = decodeSubmitMessageResponse(response);
      if (r.statusCode !== "accepted") {
        room.unconfirmed.delete(handle);
        throw new ProtocolError(`the hub did not accept the message: ${String(r.statusCode)}`, {
          path: "/statusCode",
        });
      }
      this.confirmOwn(room, handle, Number(r.accepted_timestamp), r.frank !== undefined);
    });
  }

  private confirmOwn(room: Room, handle: string, acceptedTimestamp: number, franked: boolean): void {
    const own = room.unconfirmed.get(handle);
    if (own === undefined) return;
    room.unconfirmed.delete(handle);
    this.record(room, own.bytes, this.userUri, this.clientUri, acceptedTimestamp, franked);
  }

  private record(
    room: Room,
    bytes: Uint8Array,
    senderUri: string,
    senderClient: string,
    acceptedTimestamp: number,
    franked: boolean,
  ): IncomingMessage {
    room.received.push({ bytes, senderUri, roomUri: room.roomUri, acceptedTimestamp });
    const message: IncomingMessage = {
      messageId: toHex(computeMessageId(bytes, senderUri, room.roomUri)),
      senderUri,
      senderClient,
      acceptedTimestamp,
      content: decodeMimiContent(bytes),
      bytes,
      franked,
    };
    room.messages.set(message.messageId, message);
    return message;
  }

  /**
   * Encrypt an attachment with a fresh AES-128-GCM key (draft-ietf-mimi-content-08 §4.5); upload
   * the ciphertext, then send (with {@link ClientCore.sendMessage}) a message whose part is `part(url)` for the URL it got.
   */
  prepareAttachment(
    plaintext: Uint8Array,
    info: Omit<AttachmentInfo, "url">,
  ): Promise<{ readonly ciphertext: Uint8Array; readonly part: (url: string) => ExternalPart }> {
    return encryptAttachment(plaintext, { ...info, url: "" }).then(({ ciphertext, part }) => ({
      ciphertext,
      part: (url: string) => ({ ...part, url }),
    }));
  }

  /**
   * A GroupInfoRequest (protocol-06 §5.6) for joining `roomUri` by external commit, with a fresh
   * HPKE key for the answer, and the joining code the user was given if any (decision 0661).
   */
  groupInfoRequest(roomUri: string, joiningCode?: Uint8Array): Promise<Uint8Array> {
    return this.serial(async () => {
      const hpke = this.cs.impl.hpke;
      const keys = await hpke.generateKeyPair();
      this.groupInfoKeys.set(roomUri, keys.privateKey);
      const request = await signGroupInfoRequest(
        {
          protocol: "mls10",
          cipher_suite: this.cs.id,
          requestingSignatureKey: this.identity.signatureKeyPair.publicKey,
          requestingCredential: mlsOf("Credential", this.identity.credential),
          groupInfoPublicKey: await hpke.exportPublicKey(keys.publicKey),
          ...(joiningCode === undefined ? {} : { joiningCode }),
        },
        this.identity.signatureKeyPair.signKey,
        this.cs.impl.signature,
      );
      return encodeGroupInfoRequest(request);
    });
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
    return this.serial(async () => {
      const privateKey = this.groupInfoKeys.get(roomUri);
      if (privateKey === undefined)
        throw new ProtocolError("no GroupInfo request for this room", { path: "/roomId" });
      const r = decodeGroupInfoResponse(groupInfoResponse);
      if (r.status !== "success" || !("hub_sender" in r)) {
        throw new ProtocolError(`the hub refused the GroupInfo: ${String(r.status)}`, { path: "/status" });
      }
      if (fromUtf8(r.room_id, "/room_id") !== roomUri) {
        throw new ValidationError("GroupInfoResponse is for another room", { path: "/room_id" });
      }
      await verifyGroupInfoResponse(r, this.cs.impl.signature);
      const hub = r.hub_sender.value;
      await this.checkHub(hub, roomUri, "/hub_sender");
      const context = encodeTls((w) => w.opaque(utf8(`MLS 1.0 ${GROUP_INFO_LABEL}`)).opaque(r.room_id));
      let plain: Uint8Array;
      try {
        plain = await this.cs.impl.hpke.open(
          privateKey,
          r.encrypted_groupinfo_and_tree.value.kemOutput,
          r.encrypted_groupinfo_and_tree.value.ciphertext,
          context,
          new Uint8Array(),
        );
      } catch (e) {
        throw new ValidationError("cannot decrypt the GroupInfo and ratchet tree", {
          path: "/encrypted_groupinfo_and_tree",
          cause: e,
        });
      }
      this.groupInfoKeys.delete(roomUri);
      const tbe = decodeWith(groupInfoRatchetTreeTBECodec, plain);
      const profile: MimiProfile = { ...this.base, hub };
      const kp = await this.newKeyPackage();
      const joined = await joinRoomExternal(
        profile,
        tbe.groupInfo.value,
        kp,
        treeOf(tbe.ratchetTreeOption, "/ratchetTreeOption"),
        role === undefined ? {} : { role },
      );
      const existing = this.rooms.get(roomUri);
      if (existing?.active === true) {
        throw new ValidationError(`already a member of ${roomUri}`, { path: "/roomId" });
      }
      const room = this.newRoom(roomUri, profile, joined.state);
      room.active = false; // until the hub accepts the external commit
      const commitResult: RoomCommit = {
        state: joined.state,
        commit: joined.commit,
        welcome: undefined,
        consumed: [],
        ratchetTree: encodeRatchetTree(joined.state.ratchetTree),
      };
      return this.commitBundle(room, commitResult, "externalCommit");
    });
  }

  /**
   * Process one inbox item (a FanoutMessage: a Welcome for this client, or a message of a room
   * it is in) and return what it was. Items that fail a check are reported as `rejected`.
   */
  receive(item: InboxItem): Promise<ClientEvent[]> {
    return this.serial(async () => {
      let fanout: FanoutMessage;
      try {
        fanout = decodeFanoutMessage(item.message);
      } catch (e) {
        return [reject(item.roomId, e)];
      }
      try {
        return await this.process(item, fanout);
      } catch (e) {
        return [reject(item.roomId, e)];
      }
    });
  }

  private async process(item: InboxItem, fanout: FanoutMessage): Promise<ClientEvent[]> {
    const message = fanout.message.value;
    const roomUri = item.roomId;
    if (message.wireformat === "mls_welcome") {
      if (!("ratchetTreeOption" in fanout))
        throw new CodecError("Welcome without a ratchet tree option", { path: "/" });
      return [await this.join(roomUri, message, treeOf(fanout.ratchetTreeOption, "/ratchetTreeOption"))];
    }
    const room = this.rooms.get(roomUri);
    if (room === undefined) return [{ kind: "ignored", roomUri, reason: "not a member of the room" }];
    const hash = hashOf(fanout.message.bytes);
    if (room.pending !== undefined && room.pending.hash === hash) {
      // our own commit, accepted by the hub (its echo may arrive before the HTTP answer)
      return [this.adopt(room, room.pending)];
    }
    if (room.sent.has(hash)) {
      const own = room.unconfirmed.has(hash);
      if (own)
        this.confirmOwn(
          room,
          hash,
          Number(fanout.timestamp),
          "frank" in fanout && fanout.frank !== undefined,
        );
      return [{ kind: "ignored", roomUri, reason: "echo of this client's own message" }];
    }
    if (!room.active) return [{ kind: "ignored", roomUri, reason: "no longer a member of the room" }];
    const events: ClientEvent[] = [];
    if (
      message.wireformat === "mls_public_message" &&
      message.publicMessage.content.contentType === "commit"
    ) {
      if (message.publicMessage.content.epoch < room.state.groupContext.epoch) {
        return [{ kind: "ignored", roomUri, reason: "commit of a past epoch" }];
      }
      // another member's commit won this epoch: ours (if any) is void
      room.pending = undefined;
    }
    const toProcess: MLSMessage[] = [message];
    if ("moreProposals" in fanout) toProcess.push(...fanout.moreProposals.map((m) => m.value));
    for (const m of toProcess) events.push(await this.processOne(room, m, fanout));
    return events;
  }

  private async processOne(room: Room, message: MLSMessage, fanout: FanoutMessage): Promise<ClientEvent> {
    const roomUri = room.roomUri;
    const event = await processIncoming(room.profile, room.state, message);
    room.state = event.state;
    if (event.kind === "application") {
      const sender = event.sender;
      if (sender === undefined) {
        throw new ProtocolError("application message of a past epoch from an unknown sender", {
          path: "/message",
        });
      }
      const senderUri = fromUtf8(sender.user);
      const m = this.record(
        room,
        event.content,
        senderUri,
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

  private async join(roomUri: string, message: MLSMessage, tree: RatchetTree): Promise<ClientEvent> {
    if (message.wireformat !== "mls_welcome") throw new CodecError("not a Welcome", { path: "/message" });
    let bundle: KeyPackageBundle | undefined;
    let ref: string | undefined;
    for (const s of message.welcome.secrets) {
      const k = toHex(s.newMember);
      if (this.keyPackages.has(k)) {
        bundle = this.keyPackages.get(k);
        ref = k;
        break;
      }
    }
    if (bundle === undefined || ref === undefined) {
      return { kind: "ignored", roomUri, reason: "Welcome for none of this client's KeyPackages" };
    }
    if (this.rooms.get(roomUri)?.active === true) {
      return { kind: "ignored", roomUri, reason: "already a member of the room" };
    }
    const { state } = await joinFromWelcome(this.cs, message, bundle, {
      config: this.base.config,
      ratchetTree: tree,
    });
    if (!bytesEqual(state.groupContext.groupId, utf8(roomUri))) {
      throw new ValidationError("the Welcome's group is not the room it was delivered for", {
        path: "/group_id",
      });
    }
    const hub = await this.hubIn(state, roomUri);
    const profile: MimiProfile = { ...this.base, hub };
    checkRoomExternalSenders(profile, state);
    this.keyPackages.delete(ref);
    this.newRoom(roomUri, profile, state);
    return { kind: "joined", roomUri, epoch: state.groupContext.epoch, via: "welcome" };
  }

  /** The rooms this client knows, active or not. */
  roomUris(): string[] {
    return [...this.rooms.keys()];
  }

  /** Whether this client is an active member of the room. */
  isMember(roomUri: string): boolean {
    return this.rooms.get(roomUri)?.active === true;
  }

  /** The room's epoch as this client sees it. */
  epoch(roomUri: string): bigint {
    return this.room(roomUri).state.groupContext.epoch;
  }

  /** The room's participant list: user URIs with their role index. */
  participants(roomUri: string): { readonly user: string; readonly role: number }[] {
    const room = this.room(roomUri);
    return participantListOf(room.profile, room.state).participants.map((p) => ({
      user: fromUtf8(p.user),
      role: p.role_index,
    }));
  }

  /** The room's MLS members as client URIs. */
  members(roomUri: string): string[] {
    const room = this.room(roomUri);
    return roomMembers(room.profile, room.state).map((m) => clientOfCredential(m.credential));
  }

  /** A message this client sent or received, by hex ID. */
  message(roomUri: string, messageId: string): IncomingMessage | undefined {
    return this.room(roomUri).messages.get(messageId);
  }

  /** What this client shows for the room (draft-ietf-mimi-content-08 conversation model). */
  conversation(roomUri: string, readAt?: ReadonlyMap<string, number>): ConversationView {
    const room = this.room(roomUri);
    return buildConversation(room.received, { now: this.now(), ...(readAt === undefined ? {} : { readAt }) });
  }
}
