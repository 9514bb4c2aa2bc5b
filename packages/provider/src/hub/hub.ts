/**
 * The hub of the rooms a provider hosts (draft-ietf-mimi-protocol-06 §5.3–§5.6, §5.9, §5.10):
 * one view of each room's MLS group (`@mimi/mls-profile` hub view) kept in memory over the
 * database, the per-room ordering of the room log, room-policy authorization, and the fanout
 * recipients of every accepted event.
 *
 * A view is rebuilt, when it is not cached (first use, restart, another process sharing the
 * database moved the room on), by bootstrapping from the room's creation GroupInfo and ratchet tree
 * and replaying the room log's proposals and commits (decision 0621).
 */
import { parseRoomUri } from "@mimi/identifiers";
import type { AuthenticationService, Credential, ExternalSender, GroupInfo } from "@mimi/mls-profile";
import {
  appDataHubViewOptions,
  bootstrapHubView,
  decodeHubView,
  encodeHubView,
  externalSendersOf,
  type HubGroupView,
  type HubViewOptions,
  hubCipherSuite,
  loadCiphersuite,
  type MlsCiphersuite,
  mimiComponentHandlers,
  mimiExternalJoinPolicy,
  processHubMessage,
} from "@mimi/mls-profile";
import { decodeFanoutMessage, decodeMls } from "@mimi/protocol";
import type { RoleData } from "@mimi/room-policy";
import { bytesEqual, InternalError, utf8, ValidationError } from "@mimi/wire";
import { HttpRejection } from "../server/http-error.js";
import { errorFields, type LogRecord } from "../server/log.js";
import type { Database } from "../storage/database.js";
import { createRoom as createRoomLog, roomState } from "../storage/room-log.js";
import { clientUriOfCredential, domainOfUri, userUriOfCredential } from "./credentials.js";
import { type HubKeys, hubExternalSender, loadHubKeys } from "./keys.js";
import type { EpochFacts } from "./messages.js";
import { RecentEvents } from "./recent-events.js";
import {
  addRoomPeers,
  handshakeEvents,
  hostedRooms,
  insertHostedRoom,
  roomOrigin,
  roomPeers,
  storeViewSnapshot,
  viewSnapshot,
} from "./store.js";
import { makeSubmitBatcher, type SubmitBatcher } from "./submit-batcher.js";

/** What the consent check of `/keyMaterial` is asked (protocol-06 §5.2, §5.7). */
export interface ConsentQuery {
  readonly requester: string;
  readonly target: string;
  /** The room the key material is for; empty when none was named. */
  readonly roomId: string;
}

/** Options of {@link createHub}. */
export interface HubOptions {
  readonly db: Database;
  /** Our provider domain: the hub of every room `mimi://<domain>/r/…`. */
  readonly domain: string;
  readonly now?: () => number;
  readonly log?: (r: LogRecord) => void;
  /**
   * The consent check before key material is handed out (protocol-06 §5.2/§5.7); default: the
   * transport consent table (decision 0624).
   */
  readonly consent?: (q: ConsentQuery) => Promise<boolean>;
  /** The cipher suite of the hub's signature key and of the rooms it hosts (default 0x0001). */
  readonly cipherSuite?: number;
  /**
   * Validates every credential the hub views meet (members' leaves, added KeyPackages); default:
   * every credential is accepted (clients validate them; the hub checks signatures against them).
   */
  readonly authService?: AuthenticationService;
  /** Roles of a room without a `roles_list` component (default: room-policy's cooperative roles). */
  readonly defaultRoles?: RoleData;
}

/** A room's cached view and how far into the room log it is. */
export interface HubRoom {
  readonly roomId: string;
  readonly view: HubGroupView;
  /** The last room-log sequence number the view has processed. */
  readonly seq: bigint;
  readonly creatorClient: string;
}

/** Something the hub accepted, for the fanout scheduler. */
/**
 * Told after an accepted write in a room; `domains` are the providers the written events go to,
 * when the writer knows them (undefined: look them up).
 */
export type HubListener = (roomId: string, domains?: readonly string[]) => void;

/** The hub of one provider. */
export interface Hub {
  readonly domain: string;
  readonly db: Database;
  /** The suite of the hub's key and hosted rooms. */
  cipherSuite(): Promise<MlsCiphersuite>;
  /** The hub's `ExternalSender`, which every hosted room's `external_senders` must contain (§7.4). */
  externalSender(): Promise<ExternalSender>;
  /** The hub's keys (signature key pair, franking HMAC key). */
  keys(): Promise<HubKeys>;
  /**
   * Host a room created by one of our clients: bootstrap the hub view from the creator's
   * GroupInfo and ratchet tree, check the group is the room's, and open the room log.
   *
   * @throws ValidationError when the GroupInfo/tree are invalid or do not fit the room;
   * HttpRejection 409 when the room exists.
   */
  createRoom(
    roomId: string,
    groupInfo: Uint8Array,
    ratchetTree: Uint8Array,
    creatorClient: string,
  ): Promise<void>;
  /** The room's current view (caught up with the room log), or undefined for a room we do not host. */
  room(roomId: string): Promise<HubRoom | undefined>;
  /**
   * The room's view as this process last knew it, without reading the log (undefined when not
   * loaded). It may be behind another process sharing the database: use it only where the write
   * that follows re-checks the epoch in the database, as application messages do.
   */
  cachedRoom(roomId: string): HubRoom | undefined;
  /**
   * Run `fn` holding the room's in-process lock, with the caught-up room; `fn` returns the room
   * to cache (or undefined to drop the cache, e.g. after losing a race to another process).
   */
  withRoom<T>(
    roomId: string,
    fn: (room: HubRoom) => Promise<{ readonly result: T; readonly room?: HubRoom }>,
  ): Promise<T | undefined>;
  /** Every room this provider hosts. */
  rooms(): Promise<string[]>;
  /** The provider domains a room's events are fanned out to (ever). */
  roomPeers(roomId: string): Promise<string[]>;
  /** Be told whenever the hub accepted something in a room. Returns an unsubscribe function. */
  onAccepted(listener: HubListener): () => void;
  /** Tell the listeners (called by the handlers after an accepted write). */
  accepted(roomId: string, domains?: readonly string[]): void;
  readonly now: () => number;
  readonly log: (r: LogRecord) => void;
  readonly options: HubOptions;
  /** The room-log events this hub wrote lately, shared by its write path and its fanout. */
  readonly recent: RecentEvents;
  /** The hub's batched writer of accepted application messages (decision 0655). */
  readonly submits: SubmitBatcher;
  /** What the hub derived from each view it used (a view is immutable: one epoch of one room). */
  readonly epochFacts: WeakMap<HubGroupView, EpochFacts>;
}

/** Canonical room URI of a path parameter, hosted by `domain`, or a 404. */
export function hostedRoomId(param: string, domain: string): string {
  let roomId: string;
  try {
    roomId = parseRoomUri(param);
  } catch {
    throw new HttpRejection(404, `not a room URI: ${JSON.stringify(param.slice(0, 200))}`, { path: "/path" });
  }
  if (domainOfUri(roomId) !== domain.toLowerCase())
    throw new HttpRejection(404, `${roomId} is not hosted by ${domain}`, { path: "/path" });
  return roomId;
}

/** Apply one room-log event to a view (proposals and commits; the rest does not change it). */
async function applyEvent(view: HubGroupView, kind: string, body: Uint8Array): Promise<HubGroupView> {
  if (kind !== "commit" && kind !== "proposal") return view;
  const m = decodeFanoutMessage(body);
  let v = (await processHubMessage(view, m.message.bytes)).view;
  if ("moreProposals" in m) for (const p of m.moreProposals) v = (await processHubMessage(v, p.bytes)).view;
  return v;
}

/** The options of every hosted room's hub view (MIMI's components, external joins, the credential check). */
export function hubViewOptions(authService?: AuthenticationService): HubViewOptions {
  return {
    // External commits may append the joiner's own user to the participant list (decision 0576);
    // which role it may take is room policy, checked in /update (POLICY-JOIN-01, decision 0661).
    ...appDataHubViewOptions(mimiComponentHandlers(), {
      externalCommit: mimiExternalJoinPolicy({ userOf: (c) => utf8(userUriOfCredential(c) ?? "") }),
    }),
    ...(authService === undefined ? {} : { authService }),
  };
}

/** A room's hub view is snapshotted after this many accepted commits or proposals (decision 0650). */
const SNAPSHOT_EVERY = 16;

/** Create a provider's hub. Keys are created (or loaded) on first use. */
export function createHub(options: HubOptions): Hub {
  const db = options.db;
  const domain = options.domain.toLowerCase();
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const cache = new Map<string, HubRoom>();
  /** View changes per room since its last snapshot (a snapshot is stored every {@link SNAPSHOT_EVERY}). */
  const sinceSnapshot = new Map<string, number>();
  const locks = new Map<string, Promise<unknown>>();
  const listeners = new Set<HubListener>();
  const recent = new RecentEvents();
  const submits = makeSubmitBatcher({
    db,
    written: (roomId, appended) => {
      recent.add(appended);
      hub.accepted(roomId, appended[0]?.domains);
    },
  });
  let csPromise: Promise<MlsCiphersuite> | undefined;
  let keysPromise: Promise<HubKeys> | undefined;

  const cipherSuite = (): Promise<MlsCiphersuite> => {
    csPromise ??= loadCiphersuite(options.cipherSuite ?? 1);
    return csPromise;
  };
  const keys = (): Promise<HubKeys> => {
    keysPromise ??= cipherSuite().then((cs) => loadHubKeys(db, domain, cs, now()));
    keysPromise.catch(() => {
      keysPromise = undefined;
    });
    return keysPromise;
  };
  const viewOptions = hubViewOptions(options.authService);

  const bootstrap = async (groupInfo: Uint8Array, ratchetTree: Uint8Array): Promise<HubGroupView> => {
    const cs = await cipherSuite();
    return bootstrapHubView({
      groupInfo,
      ratchetTree,
      cipherSuite: hubCipherSuite(cs.impl),
      options: viewOptions,
    });
  };

  /** Load (bootstrap and replay if needed) and catch up a room with the log. */
  const load = async (roomId: string): Promise<HubRoom | undefined> => {
    let room = cache.get(roomId);
    let cold = false;
    if (room === undefined) {
      const r = await roomOrigin(db, roomId);
      if (r === undefined) return undefined;
      // [PROTO-HUB-11] draft-ietf-mimi-protocol-06 §5.3 (decision 0650): a restarted hub has
      // exactly the room state it accepted: it starts from the newest snapshot of the view that
      // restores (strictly checked, MLS-HUB-22), else from the room's first GroupInfo, and replays
      // the log after it.
      room = await fromSnapshot(roomId, r.creatorClient);
      room ??= {
        roomId,
        view: await bootstrap(r.groupInfo, r.ratchetTree),
        seq: 0n,
        creatorClient: r.creatorClient,
      };
      cold = true;
    }
    let replayed = 0;
    const startSeq = room.seq;
    // Catch up with the log: only proposals and commits change the view; application messages
    // and Welcomes are skipped by reading up to the room's last sequence number.
    const state = await roomState(db, roomId);
    if (state !== undefined && state.lastSeq > room.seq) {
      const rows = await handshakeEvents(db, roomId, room.seq, state.lastSeq);
      let view: HubGroupView = room.view;
      replayed = rows.length;
      for (const r of rows) {
        const seq = r.seq;
        try {
          view = await applyEvent(view, r.kind, r.body);
        } catch (err) {
          throw new InternalError(`room log of ${roomId} does not replay at seq ${seq}`, { cause: err });
        }
      }
      room = { ...room, view, seq: state.lastSeq };
    }
    cache.set(roomId, room);
    if (cold)
      log({ level: "info", msg: "room loaded", room: roomId, fromSeq: startSeq.toString(), replayed });
    if (replayed > 0) void saveSnapshot(room);
    return room;
  };

  /** The newest snapshot of a room's view, if it restores; a bad one is logged and ignored. */
  const fromSnapshot = async (roomId: string, creatorClient: string): Promise<HubRoom | undefined> => {
    const r = await viewSnapshot(db, roomId);
    if (r === undefined) return undefined;
    try {
      const cs = await cipherSuite();
      const view = decodeHubView(r.snapshot, {
        cipherSuite: hubCipherSuite(cs.impl),
        options: viewOptions,
      });
      return { roomId, view, seq: r.seq, creatorClient };
    } catch (e) {
      log({
        level: "warn",
        msg: "hub view snapshot unusable; replaying the whole log",
        room: roomId,
        error: String(e),
      });
      return undefined;
    }
  };

  /** Store a snapshot of `room`'s view at its log position (never older than the stored one). */
  const saveSnapshot = async (room: HubRoom): Promise<void> => {
    try {
      await storeViewSnapshot(db, {
        roomId: room.roomId,
        seq: room.seq,
        epoch: room.view.groupContext.epoch,
        createdAt: now(),
        snapshot: encodeHubView(room.view),
      });
    } catch (e) {
      log({ level: "warn", msg: "could not store a hub view snapshot", room: room.roomId, error: String(e) });
    }
  };

  const withLock = async <T>(roomId: string, fn: () => Promise<T>): Promise<T> => {
    const previous = locks.get(roomId) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    locks.set(roomId, tail);
    try {
      return await run;
    } finally {
      if (locks.get(roomId) === tail) locks.delete(roomId);
    }
  };

  const hub: Hub = {
    domain,
    db,
    now,
    log,
    options,
    recent,
    submits,
    epochFacts: new WeakMap(),
    cipherSuite,
    keys,
    async externalSender() {
      return hubExternalSender(await keys());
    },
    async createRoom(roomId, groupInfo, ratchetTree, creatorClient) {
      const canonical = hostedRoomIdOrThrow(roomId, domain);
      const cs = await cipherSuite();
      const view = await bootstrap(groupInfo, ratchetTree);
      const gc = view.groupContext;
      // [PROTO-HUB-09] draft-ietf-mimi-protocol-06 §4.2, §7: a room's MLS group is the room's; its
      // group ID is the room URI (decision 0539 of the MLS profile).
      if (!bytesEqual(gc.groupId, utf8(canonical)))
        throw new ValidationError("the group ID is not the room URI", {
          path: "/group_info/group_context/group_id",
          rule: "PROTO-HUB-09",
        });
      // [PROTO-HUB-08] draft-ietf-mimi-protocol-06 §7.4: every room's external_senders MUST
      // include the hub.
      const mine = await hub.externalSender();
      if (!hasExternalSender(view, mine))
        throw new ValidationError("the room's external_senders does not include this hub", {
          path: "/group_info/group_context/extensions",
          rule: "PROTO-HUB-08",
        });
      const creator = [...view.ratchetTree].find(
        (n, i) => i % 2 === 0 && n?.nodeType === "leaf" && clientMatches(n.leaf.credential, creatorClient),
      );
      if (creator === undefined)
        throw new ValidationError(`${creatorClient} is not a member of the group`, {
          path: "/creatorClient",
        });
      const clientDomain = domainOfUri(creatorClient);
      const created = await db.transaction(async (tx) => {
        if (!(await createRoomLog(tx, canonical, now(), gc.epoch))) return false;
        await insertHostedRoom(tx, {
          roomId: canonical,
          creatorClient,
          cipherSuite: cs.id,
          createdAt: now(),
          groupInfo,
          ratchetTree,
          epoch: gc.epoch,
        });
        if (clientDomain !== undefined) await addRoomPeers(tx, canonical, [clientDomain]);
        return true;
      });
      if (!created) throw new HttpRejection(409, `room ${canonical} exists`, { path: "/roomId" });
      cache.set(canonical, { roomId: canonical, view, seq: 0n, creatorClient });
      log({ level: "info", msg: "room created", room: canonical, creator: creatorClient });
    },
    async room(roomId) {
      return withLock(roomId, () => load(roomId));
    },
    cachedRoom(roomId) {
      return cache.get(roomId);
    },
    async withRoom(roomId, fn) {
      return withLock(roomId, async () => {
        const room = await load(roomId);
        if (room === undefined) return undefined;
        let out: { readonly result: unknown; readonly room?: HubRoom };
        try {
          out = await fn(room);
        } catch (e) {
          cache.delete(roomId);
          throw e;
        }
        if (out.room === undefined) cache.delete(roomId);
        else {
          cache.set(roomId, out.room);
          if (out.room.view !== room.view) {
            const n = (sinceSnapshot.get(roomId) ?? 0) + 1;
            sinceSnapshot.set(roomId, n % SNAPSHOT_EVERY);
            if (n >= SNAPSHOT_EVERY) void saveSnapshot(out.room);
          }
        }
        return out.result as never;
      });
    },
    rooms() {
      return hostedRooms(db);
    },
    roomPeers(roomId) {
      return roomPeers(db, roomId);
    },
    onAccepted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    accepted(roomId, domains) {
      for (const l of listeners) {
        try {
          l(roomId, domains);
        } catch (e) {
          log({ level: "error", msg: "hub listener failed", ...errorFields(e) });
        }
      }
    },
  };
  return hub;
}

function hostedRoomIdOrThrow(roomId: string, domain: string): string {
  try {
    return hostedRoomId(roomId, domain);
  } catch (e) {
    throw new ValidationError((e as HttpRejection).what, { path: "/roomId" });
  }
}

function clientMatches(credential: Credential, clientUri: string): boolean {
  return clientUriOfCredential(credential) === clientUri;
}

/** Whether a view's `external_senders` contains `sender` (same key and credential). */
export function hasExternalSender(view: HubGroupView, sender: ExternalSender): boolean {
  return externalSendersOfView(view).some(
    (s) =>
      bytesEqual(s.signaturePublicKey, sender.signaturePublicKey) &&
      s.credential.credentialType === sender.credential.credentialType &&
      (s.credential.credentialType !== "basic" ||
        (sender.credential.credentialType === "basic" &&
          bytesEqual(s.credential.identity, sender.credential.identity))),
  );
}

function externalSendersOfView(view: HubGroupView): readonly ExternalSender[] {
  try {
    return externalSendersOf(view.groupContext.extensions);
  } catch {
    return [];
  }
}

/** Decode a stored GroupInfo MLSMessage. */
export function storedGroupInfo(bytes: Uint8Array): GroupInfo {
  const m = decodeMls("MLSMessage", bytes).value;
  if (m.wireformat !== "mls_group_info") throw new InternalError("stored GroupInfo is not a GroupInfo");
  return m.groupInfo;
}
