/**
 * The one state record of a `ClientCore`: this client's identity and configuration, its rooms'
 * group states and conversations, its unused KeyPackages and pending GroupInfo requests. The
 * modules beside this one (hub, key packages, rooms, joins, messages, inbox) are functions over
 * it; `ClientCore` runs those that change it one at a time.
 */

import { decodeMimiContent, type MimiContent, type ReceivedMessage } from "@mimi/content";
import type { TrustStore } from "@mimi/identity";
import {
  type KeyPackageBundle,
  type MimiProfile,
  type MlsCiphersuite,
  type MlsGroupState,
  mimiProfile,
  syncHash,
} from "@mimi/mls-profile";
import type { RoleData } from "@mimi/room-policy";
import { ProtocolError, toHex } from "@mimi/wire";
import { type ProvisionedClient, userOfCredential } from "../client-identity.js";
import type { IncomingMessage } from "../events.js";
import { roomAuthService } from "./hub.js";

/** Options of `ClientCore`. */
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
  /**
   * Roles of a room without a `roles_list` component, for checking received commits against room
   * policy (default: room-policy's cooperative roles, as the hub's default).
   */
  readonly defaultRoles?: RoleData;
}

/** A commit this client made that the hub has not confirmed yet. */
export interface PendingCommit {
  readonly hash: string;
  readonly state: MlsGroupState;
  readonly via: "commit" | "externalCommit";
}

/** A room this client is (or was) a member of. */
export interface Room {
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
  /** Every message recorded, in order (`received` with the sender's client and franking). */
  readonly log: IncomingMessage[];
}

/** An HPKE private key of the cipher suite. */
export type HpkePrivateKey = Awaited<
  ReturnType<MlsCiphersuite["impl"]["hpke"]["generateKeyPair"]>
>["privateKey"];

/** Everything one client holds. */
export interface CoreState {
  readonly identity: ProvisionedClient;
  readonly cs: MlsCiphersuite;
  readonly trust: TrustStore;
  readonly now: () => number;
  readonly groupInfoRepresentation: "full" | "partial";
  readonly defaultRoles: RoleData | undefined;
  /** The profile without a hub: its ts-mls configuration is the same for every room. */
  readonly base: MimiProfile;
  readonly rooms: Map<string, Room>;
  /** Unused KeyPackages by KeyPackageRef (hex). */
  readonly keyPackages: Map<string, KeyPackageBundle>;
  /** The HPKE keys of GroupInfo requests not answered yet, by room. */
  readonly groupInfoKeys: Map<string, HpkePrivateKey>;
  /** The highest inbox item position (`n`) received, 0 before any. */
  inboxPosition: bigint;
}

/** The state of a client with no rooms yet. */
export function createCoreState(options: ClientCoreOptions): CoreState {
  return {
    identity: options.identity,
    cs: options.cs,
    trust: options.trust,
    now: options.now ?? Date.now,
    groupInfoRepresentation: options.groupInfoRepresentation ?? "full",
    defaultRoles: options.defaultRoles,
    base: mimiProfile({
      cs: options.cs,
      authService: roomAuthService(options.trust),
      hub: {
        signaturePublicKey: new Uint8Array(),
        credential: { credentialType: "basic", identity: new Uint8Array() },
      },
      userOf: userOfCredential,
      saltOf: (content) => decodedContent(content).salt,
    }),
    rooms: new Map(),
    keyPackages: new Map(),
    groupInfoKeys: new Map(),
    inboxPosition: 0n,
  };
}

/** MIMI contents decoded while their message was processed, by the decrypted bytes. */
const decoded = new WeakMap<Uint8Array, MimiContent>();

/**
 * The MIMI content of decrypted application data, decoded once: the franking check
 * (`saltOf`) and the conversation (`record`) are given the same bytes object.
 *
 * @throws CodecError or ValidationError for bytes that are not MIMI content.
 */
export function decodedContent(bytes: Uint8Array): MimiContent {
  let content = decoded.get(bytes);
  if (content === undefined) {
    content = decodeMimiContent(bytes);
    decoded.set(bytes, content);
  }
  return content;
}

// Node's SHA-256 in Node (every member hashes every message it receives), @noble/hashes elsewhere
const sha256 = syncHash("SHA-256");

/** Hex SHA-256 of a message, the key its echo is recognised by. */
export function hashOf(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

/** A room this client knows. @throws ProtocolError when it knows none of that URI. */
export function roomOf(core: CoreState, roomUri: string): Room {
  const r = core.rooms.get(roomUri);
  if (r === undefined) throw new ProtocolError(`not a member of ${roomUri}`, { path: "/roomId" });
  return r;
}

/** A room this client is an active member of. @throws ProtocolError otherwise. */
export function activeRoomOf(core: CoreState, roomUri: string): Room {
  const room = roomOf(core, roomUri);
  if (!room.active) throw new ProtocolError(`no longer a member of ${roomUri}`, { path: "/roomId" });
  return room;
}

/** Record a room this client is in (replacing one it left). */
export function addRoom(core: CoreState, roomUri: string, profile: MimiProfile, state: MlsGroupState): Room {
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
    log: [],
  };
  core.rooms.set(roomUri, room);
  return room;
}
