/**
 * The whole state of a client as bytes, so that it survives a restart (a page reload): written
 * by `ClientCore.snapshot`, read back strictly by `ClientCore.restore` (decision 0812).
 *
 * ```
 * struct {
 *   uint16 version = 2;
 *   ClientStateSnapshot state;
 *   opaque checksum[32];                  // SHA-256 of every byte before it
 * } ClientSnapshot;
 *
 * struct {
 *   uint16 cipher_suite;
 *   uint64 inbox_position;                // the highest inbox item n received
 *   IdentitySnapshot identity;
 *   KeyPackageSnapshot key_packages<V>;   // unused, in generation order
 *   GroupInfoKeySnapshot group_info_keys<V>;
 *   RoomSnapshot rooms<V>;                // in the order the client learnt of them
 * } ClientStateSnapshot;
 *
 * struct {
 *   opaque user_uri<V>; opaque client_uri<V>;                  // UTF-8
 *   opaque signature_public_key<V>; opaque signature_private_key<V>;
 *   opaque credential<V>;                                     // Credential (RFC 9420 §5.3)
 *   optional<TlsSnapshot> tls;                                // absent for a client that signs
 * } IdentitySnapshot;                                         // its requests (decision 0810)
 *
 * struct { opaque certificate_pem<V>; opaque private_key_pem<V>; } TlsSnapshot;
 *
 * struct {
 *   opaque ref<V>;                        // KeyPackageRef (RFC 9420 §5.2)
 *   opaque key_package<V>;                // KeyPackage (RFC 9420 §10)
 *   opaque init_private_key<V>; opaque hpke_private_key<V>; opaque signature_private_key<V>;
 * } KeyPackageSnapshot;
 *
 * struct { opaque room_uri<V>; opaque hpke_private_key<V>; } GroupInfoKeySnapshot;
 *
 * struct {
 *   opaque room_uri<V>;
 *   opaque hub<V>;                        // ExternalSender (RFC 9420 §12.1.8.1)
 *   opaque group_state<V>;                // ts-mls's encoding of the member's state
 *   bool active;
 *   optional<PendingCommitSnapshot> pending;
 *   opaque sent[32]<V>;                   // SHA-256 of every message this client sent here
 *   UnconfirmedSnapshot unconfirmed<V>;
 *   MessageSnapshot messages<V>;          // the conversation, in the order it was recorded
 * } RoomSnapshot;
 *
 * struct { opaque hash[32]; uint8 via; opaque group_state<V>; } PendingCommitSnapshot;   // 0 commit, 1 external commit
 * struct { opaque hash[32]; opaque content<V>; } UnconfirmedSnapshot;
 * struct {
 *   opaque content<V>;                    // application/mimi-content
 *   opaque sender_uri<V>; opaque sender_client<V>;
 *   uint64 accepted_timestamp; bool franked;
 * } MessageSnapshot;
 * ```
 *
 * What is code or configuration (the trust store, the cipher suite's implementation, the clock,
 * room-policy defaults, the ts-mls configuration) is not stored: it is given again on restore.
 */

import { decodeMimiContent } from "@mimi/content";
import { parseMimiUriOfKind } from "@mimi/identifiers";
import {
  checkGroupState,
  decodeGroupState,
  decodeMlsStructure,
  encodeGroupState,
  encodeMlsStructure,
  externalSendersOf,
  type KeyPackageBundle,
  type MimiProfile,
  type MlsGroupState,
} from "@mimi/mls-profile";
import {
  bool,
  bytesEqual,
  CodecError,
  concatBytes,
  decodeWith,
  encodeWith,
  fixed,
  fromHex,
  type Json,
  MimiError,
  opaque,
  optional,
  struct,
  TlsReader,
  TlsWriter,
  toHex,
  uint8,
  uint16,
  uint64,
  utf8,
  utf8String,
  ValidationError,
  type ValueOf,
  vector,
} from "@mimi/wire";
import { sha256 } from "@noble/hashes/sha2.js";
import { clientOfCredential, type ProvisionedClient, userOfCredential } from "../client-identity.js";
import { keyPackageRef } from "./key-packages.js";
import { record } from "./messages.js";
import {
  addRoom,
  type ClientCoreOptions,
  type CoreState,
  createCoreState,
  type HpkePrivateKey,
} from "./state.js";

/**
 * Version of the snapshot format written by `ClientCore.snapshot`. 2: the group states hold the
 * lazily derived secret tree of the ts-mls patch revision 4 (tagged entries; version 1 held every
 * node), so a version 1 snapshot is refused as unknown rather than misread.
 */
const CLIENT_SNAPSHOT_VERSION = 2;

const CHECKSUM_LENGTH = 32;
const hash32 = fixed(32);

const identityCodec = struct("IdentitySnapshot", [
  ["user_uri", utf8String],
  ["client_uri", utf8String],
  ["signature_public_key", opaque],
  ["signature_private_key", opaque],
  ["credential", opaque],
  [
    "tls",
    optional(
      struct("TlsSnapshot", [
        ["certificate_pem", utf8String],
        ["private_key_pem", utf8String],
      ]),
    ),
  ],
]);

const keyPackageCodec = struct("KeyPackageSnapshot", [
  ["ref", opaque],
  ["key_package", opaque],
  ["init_private_key", opaque],
  ["hpke_private_key", opaque],
  ["signature_private_key", opaque],
]);

const groupInfoKeyCodec = struct("GroupInfoKeySnapshot", [
  ["room_uri", utf8String],
  ["hpke_private_key", opaque],
]);

const pendingCodec = struct("PendingCommitSnapshot", [
  ["hash", hash32],
  ["via", uint8],
  ["group_state", opaque],
]);

const unconfirmedCodec = struct("UnconfirmedSnapshot", [
  ["hash", hash32],
  ["content", opaque],
]);

const messageCodec = struct("MessageSnapshot", [
  ["content", opaque],
  ["sender_uri", utf8String],
  ["sender_client", utf8String],
  ["accepted_timestamp", uint64],
  ["franked", bool()],
]);

const roomCodec = struct("RoomSnapshot", [
  ["room_uri", utf8String],
  ["hub", opaque],
  ["group_state", opaque],
  ["active", bool()],
  ["pending", optional(pendingCodec)],
  ["sent", vector(hash32)],
  ["unconfirmed", vector(unconfirmedCodec)],
  ["messages", vector(messageCodec)],
]);

const snapshotStateCodec = struct("ClientStateSnapshot", [
  ["cipher_suite", uint16],
  ["inbox_position", uint64],
  ["identity", identityCodec],
  ["key_packages", vector(keyPackageCodec)],
  ["group_info_keys", vector(groupInfoKeyCodec)],
  ["rooms", vector(roomCodec)],
]);

type StateSnapshot = ValueOf<typeof snapshotStateCodec>;
type RoomSnapshot = ValueOf<typeof roomCodec>;

const viaCodes = { commit: 0, externalCommit: 1 } as const;

/** Encode a client's whole state (format in the module documentation; deterministic). */
export async function encodeSnapshot(core: CoreState): Promise<Uint8Array> {
  const hpke = core.cs.impl.hpke;
  const groupInfoKeys: { room_uri: string; hpke_private_key: Uint8Array }[] = [];
  for (const [roomUri, key] of core.groupInfoKeys)
    groupInfoKeys.push({ room_uri: roomUri, hpke_private_key: await hpke.exportPrivateKey(key) });
  const id = core.identity;
  const state: StateSnapshot = {
    cipher_suite: core.cs.id,
    inbox_position: core.inboxPosition,
    identity: {
      user_uri: id.userUri,
      client_uri: id.clientUri,
      signature_public_key: id.signatureKeyPair.publicKey,
      signature_private_key: id.signatureKeyPair.signKey,
      credential: encodeMlsStructure("Credential", id.credential),
      ...(id.tls === undefined
        ? {}
        : { tls: { certificate_pem: id.tls.certificatePem, private_key_pem: id.tls.privateKeyPem } }),
    },
    key_packages: [...core.keyPackages].map(([ref, kp]) => ({
      ref: fromHex(ref),
      key_package: encodeMlsStructure("KeyPackage", kp.publicPackage),
      init_private_key: kp.privatePackage.initPrivateKey,
      hpke_private_key: kp.privatePackage.hpkePrivateKey,
      signature_private_key: kp.privatePackage.signaturePrivateKey,
    })),
    group_info_keys: groupInfoKeys,
    rooms: [...core.rooms.values()].map(
      (room): RoomSnapshot => ({
        room_uri: room.roomUri,
        hub: encodeMlsStructure("ExternalSender", room.profile.hub),
        group_state: encodeGroupState(room.state),
        active: room.active,
        ...(room.pending === undefined
          ? {}
          : {
              pending: {
                hash: fromHex(room.pending.hash),
                via: viaCodes[room.pending.via],
                group_state: encodeGroupState(room.pending.state),
              },
            }),
        sent: [...room.sent].map((h) => fromHex(h)),
        unconfirmed: [...room.unconfirmed].map(([hash, u]) => ({ hash: fromHex(hash), content: u.bytes })),
        messages: room.log.map((m) => ({
          content: m.bytes,
          sender_uri: m.senderUri,
          sender_client: m.senderClient,
          accepted_timestamp: BigInt(m.acceptedTimestamp),
          franked: m.franked,
        })),
      }),
    ),
  };
  return seal(encodeWith(snapshotStateCodec, state));
}

/** The snapshot of an encoded `ClientStateSnapshot`: version, state, checksum. */
function seal(state: Uint8Array): Uint8Array {
  const w = new TlsWriter();
  w.uint16(CLIENT_SNAPSHOT_VERSION);
  const body = concatBytes(w.finish(), state);
  return concatBytes(body, sha256(body));
}

/**
 * The `ClientStateSnapshot` of a snapshot as JSON (opaque fields in hex), for inspection and for
 * tests that build inconsistent snapshots.
 *
 * @throws CodecError / ValidationError (CLIENT-STATE-01) when the bytes are not a snapshot.
 */
export function snapshotToJson(bytes: Uint8Array): Json {
  return snapshotStateCodec.toJson(openSnapshot(bytes));
}

/**
 * A snapshot of a `ClientStateSnapshot` in JSON (see {@link snapshotToJson}), with its version
 * and checksum; nothing is checked beyond the structure.
 *
 * @throws CodecError when the JSON does not have the structure's shape.
 */
export function snapshotFromJson(json: unknown): Uint8Array {
  return seal(encodeWith(snapshotStateCodec, snapshotStateCodec.fromJson(json, "/state")));
}

/** Options of a restore: everything of {@link ClientCoreOptions} but the identity, which the snapshot holds. */
export type ClientRestoreOptions = Omit<ClientCoreOptions, "identity">;

const ENVELOPE_RULE = "CLIENT-STATE-01";
const STATE_RULE = "CLIENT-STATE-02";

function invalid(what: string, path: string, cause?: unknown): never {
  throw new ValidationError(
    what,
    cause === undefined ? { path, rule: STATE_RULE } : { path, rule: STATE_RULE, cause },
  );
}

function check(ok: boolean, what: string, path: string): asserts ok {
  if (!ok) invalid(what, path);
}

/** A typed error `e` again, of its class, with `path` prepended to its path. */
function under(path: string, e: unknown): unknown {
  if (!(e instanceof MimiError) || e.path.startsWith(path)) return e;
  const inner = e.path === "/" ? "" : e.path;
  const Ctor = e instanceof CodecError ? CodecError : ValidationError;
  return new Ctor(e.what, {
    path: `${path}${inner}`,
    ...(e.rule === undefined ? {} : { rule: e.rule }),
    cause: e,
  });
}

/** Run `f`; a typed error from it keeps its class and gets `path` prepended (its own path after). */
async function at<T>(path: string, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw under(path, e);
  }
}

function atSync<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw under(path, e);
  }
}

/**
 * Read a snapshot written by {@link encodeSnapshot} into a client state, with the configuration
 * given again. Decoding is strict and total and the state is checked for consistency before it
 * is used (see the requirement comments below).
 *
 * @throws CodecError (CLIENT-STATE-01, or the rule of a nested structure) when the bytes are not a snapshot.
 * @throws ValidationError (CLIENT-STATE-01/02/03) when the snapshot is corrupt or inconsistent.
 */
export async function decodeSnapshot(bytes: Uint8Array, options: ClientRestoreOptions): Promise<CoreState> {
  return restoreState(openSnapshot(bytes), options);
}

/** The state structure of a snapshot, its envelope checked (CLIENT-STATE-01). */
function openSnapshot(bytes: Uint8Array): StateSnapshot {
  // [CLIENT-STATE-01] RFC 9420 §2.1: a client snapshot is read strictly: a known version, a SHA-256 checksum over every byte before it, the exact structure and nothing after it; anything else is a typed error, never a partly restored client (decision 0812)
  if (bytes.length < 2 + CHECKSUM_LENGTH)
    throw new CodecError(`a client snapshot of ${bytes.length} bytes is truncated`, {
      path: "/",
      rule: ENVELOPE_RULE,
    });
  const version = new TlsReader(bytes).uint16();
  if (version !== CLIENT_SNAPSHOT_VERSION)
    throw new CodecError(`unknown client snapshot version ${version}`, {
      path: "/version",
      rule: ENVELOPE_RULE,
    });
  const bodyEnd = bytes.length - CHECKSUM_LENGTH;
  if (!bytesEqual(sha256(bytes.subarray(0, bodyEnd)), bytes.subarray(bodyEnd)))
    throw new ValidationError("the client snapshot's checksum does not match: it is truncated or corrupt", {
      path: "/checksum",
      rule: ENVELOPE_RULE,
    });
  return atSync("/state", () => decodeWith(snapshotStateCodec, bytes.subarray(2, bodyEnd)));
}

async function restoreState(raw: StateSnapshot, options: ClientRestoreOptions): Promise<CoreState> {
  const cs = options.cs;
  // [CLIENT-STATE-02] RFC 9420 §5.3, §10: a restored client is checked before use: its suite is the one given, its signature key pair signs and verifies, its credential names its client and user, every KeyPackage has its KeyPackageRef and the client's key, every room is named once with its group, its own leaf and its hub, and every recorded message decodes (decision 0812)
  check(
    raw.cipher_suite === cs.id,
    `the snapshot is of cipher suite ${raw.cipher_suite}, the client was given ${cs.id}`,
    "/state/cipher_suite",
  );
  const identity = await restoreIdentity(raw.identity, options);
  const core = createCoreState({ ...options, identity });
  core.inboxPosition = raw.inbox_position;

  for (const [i, k] of raw.key_packages.entries()) {
    const path = `/state/key_packages/${i}`;
    const publicPackage = await at(`${path}/key_package`, () =>
      decodeMlsStructure("KeyPackage", k.key_package),
    );
    const ref = toHex(k.ref);
    check(
      ref === (await keyPackageRef(core, publicPackage)),
      "the KeyPackageRef is not the KeyPackage's",
      `${path}/ref`,
    );
    check(!core.keyPackages.has(ref), "a KeyPackage listed twice", `${path}/ref`);
    check(
      bytesEqual(publicPackage.leafNode.signaturePublicKey, identity.signatureKeyPair.publicKey) &&
        bytesEqual(k.signature_private_key, identity.signatureKeyPair.signKey),
      "the KeyPackage is not signed with the client's key",
      `${path}/key_package`,
    );
    const bundle: KeyPackageBundle = {
      publicPackage,
      privatePackage: {
        initPrivateKey: k.init_private_key,
        hpkePrivateKey: k.hpke_private_key,
        signaturePrivateKey: k.signature_private_key,
      },
    };
    core.keyPackages.set(ref, bundle);
  }

  for (const [i, g] of raw.group_info_keys.entries()) {
    const path = `/state/group_info_keys/${i}`;
    await at(`${path}/room_uri`, () => parseMimiUriOfKind(g.room_uri, "r"));
    check(!core.groupInfoKeys.has(g.room_uri), "a room listed twice", `${path}/room_uri`);
    let key: HpkePrivateKey;
    try {
      key = await cs.impl.hpke.importPrivateKey(g.hpke_private_key);
    } catch (e) {
      invalid("not an HPKE private key of the suite", `${path}/hpke_private_key`, e);
    }
    core.groupInfoKeys.set(g.room_uri, key);
  }

  for (const [i, room] of raw.rooms.entries()) await restoreRoom(core, room, `/state/rooms/${i}`);
  return core;
}

async function restoreIdentity(
  raw: StateSnapshot["identity"],
  options: ClientRestoreOptions,
): Promise<ProvisionedClient> {
  const path = "/state/identity";
  const user = await at(`${path}/user_uri`, () => parseMimiUriOfKind(raw.user_uri, "u"));
  const client = await at(`${path}/client_uri`, () => parseMimiUriOfKind(raw.client_uri, "d"));
  check(user === raw.user_uri && client === raw.client_uri, "a URI not in canonical form", path);
  const credential = await at(`${path}/credential`, () => decodeMlsStructure("Credential", raw.credential));
  const named = await at(`${path}/credential`, () => ({
    client: clientOfCredential(credential),
    user: userOfCredential(credential),
  }));
  check(
    named.client === raw.client_uri && bytesEqual(named.user, utf8(raw.user_uri)),
    "the credential names another client or user",
    `${path}/credential`,
  );
  const signature = options.cs.impl.signature;
  let pairs = false;
  try {
    const probe = utf8("MIMI client snapshot key check");
    pairs = await signature.verify(
      raw.signature_public_key,
      probe,
      await signature.sign(raw.signature_private_key, probe),
    );
  } catch (e) {
    invalid("the signature key pair cannot sign", `${path}/signature_private_key`, e);
  }
  check(pairs, "the signature private key is not the public key's", `${path}/signature_private_key`);
  const tls = raw.tls ?? undefined;
  if (tls !== undefined)
    for (const [name, pem] of [
      ["certificate_pem", tls.certificate_pem],
      ["private_key_pem", tls.private_key_pem],
    ] as const)
      check(/^-----BEGIN [A-Z ]+-----\r?\n/.test(pem), "not a PEM text", `${path}/tls/${name}`);
  return {
    userUri: raw.user_uri,
    clientUri: raw.client_uri,
    signatureKeyPair: { publicKey: raw.signature_public_key, signKey: raw.signature_private_key },
    credential,
    ...(tls === undefined
      ? {}
      : { tls: { certificatePem: tls.certificate_pem, privateKeyPem: tls.private_key_pem } }),
  };
}

/** A group state of the room, decoded and checked against the room and the client. */
async function groupState(
  core: CoreState,
  roomUri: string,
  bytes: Uint8Array,
  path: string,
): Promise<MlsGroupState> {
  const state = decodeGroupState(bytes, core.base.config, path);
  await checkGroupState(state, core.cs, path);
  check(
    bytesEqual(state.groupContext.groupId, utf8(roomUri)),
    "the group is not the room's",
    `${path}/group_id`,
  );
  check(
    bytesEqual(state.signaturePrivateKey, core.identity.signatureKeyPair.signKey),
    "the group's signature key is not this client's",
    `${path}/signature_private_key`,
  );
  // a client removed from the group has no leaf in it any more
  if (state.groupActiveState.kind === "removedFromGroup") return state;
  const own = state.ratchetTree.get(state.privatePath.leafIndex * 2);
  check(
    own?.nodeType === "leaf" &&
      bytesEqual(own.leaf.signaturePublicKey, core.identity.signatureKeyPair.publicKey) &&
      bytesEqual(state.signaturePrivateKey, core.identity.signatureKeyPair.signKey),
    "the group's own leaf is not this client's",
    `${path}/private_path/leaf_index`,
  );
  return state;
}

async function restoreRoom(core: CoreState, raw: RoomSnapshot, path: string): Promise<void> {
  const roomUri = raw.room_uri;
  await at(`${path}/room_uri`, () => parseMimiUriOfKind(roomUri, "r"));
  check(!core.rooms.has(roomUri), "a room listed twice", `${path}/room_uri`);
  const hub = await at(`${path}/hub`, () => decodeMlsStructure("ExternalSender", raw.hub));
  const state = await groupState(core, roomUri, raw.group_state, `${path}/group_state`);
  check(
    (externalSendersOf(state.groupContext.extensions) ?? []).some((s) =>
      bytesEqual(encodeMlsStructure("ExternalSender", s), raw.hub),
    ),
    "the room's hub is not one of the group's external senders",
    `${path}/hub`,
  );
  const profile: MimiProfile = { ...core.base, hub };
  check(
    !raw.active || state.groupActiveState.kind !== "removedFromGroup",
    "an active room whose group removed this client",
    `${path}/active`,
  );
  const room = addRoom(core, roomUri, profile, state);
  room.active = raw.active;
  if (raw.pending !== undefined) {
    const p = raw.pending;
    const where = `${path}/pending`;
    const via =
      p.via === viaCodes.commit ? "commit" : p.via === viaCodes.externalCommit ? "externalCommit" : undefined;
    check(via !== undefined, `unknown pending commit kind ${p.via}`, `${where}/via`);
    const next = await groupState(core, roomUri, p.group_state, `${where}/group_state`);
    const epoch = state.groupContext.epoch;
    check(
      via === "commit"
        ? next.groupContext.epoch === epoch + 1n
        : next.groupContext.epoch === epoch && !raw.active,
      `a pending ${via} to epoch ${next.groupContext.epoch} from epoch ${epoch}`,
      `${where}/group_state`,
    );
    room.pending = { hash: toHex(p.hash), state: next, via };
  }
  for (const [j, h] of raw.sent.entries()) {
    const hash = toHex(h);
    check(!room.sent.has(hash), "a sent message listed twice", `${path}/sent/${j}`);
    room.sent.add(hash);
  }
  for (const [j, u] of raw.unconfirmed.entries()) {
    const hash = toHex(u.hash);
    check(
      room.sent.has(hash) && !room.unconfirmed.has(hash),
      "an unconfirmed message not sent, or listed twice",
      `${path}/unconfirmed/${j}`,
    );
    await at(`${path}/unconfirmed/${j}/content`, () => decodeMimiContent(u.content));
    room.unconfirmed.set(hash, { bytes: u.content });
  }
  for (const [j, m] of raw.messages.entries()) {
    const where = `${path}/messages/${j}`;
    await at(`${where}/sender_uri`, () => parseMimiUriOfKind(m.sender_uri, "u"));
    await at(`${where}/sender_client`, () => parseMimiUriOfKind(m.sender_client, "d"));
    check(
      m.accepted_timestamp <= BigInt(Number.MAX_SAFE_INTEGER),
      "an accepted timestamp beyond 2^53 ms",
      `${where}/accepted_timestamp`,
    );
    await at(`${where}/content`, () =>
      record(room, m.content, m.sender_uri, m.sender_client, Number(m.accepted_timestamp), m.franked),
    );
  }
}
