/**
 * Every SQL statement of the hub, in one module: rooms and their served GroupInfo, view snapshots,
 * the replay of the room log, event recipients and room peers, joining codes and their grants, the
 * hub's keys, consent and abuse reports. The rest of the hub decides and calls these; the room
 * log's own statements (append, accept a commit) are in `storage/room-log.ts`.
 */

import type { Database, SqlExecutor } from "../storage/database.js";
import { IDEMPOTENT, toBigInt, toBytes } from "../storage/database.js";
import type { RoomEvent, RoomEventRow } from "../storage/room-log.js";
import { roomEventOfRow } from "../storage/room-log.js";

// Rooms.

/** What a hosted room starts from: its creator and the GroupInfo and ratchet tree it was created with. */
export async function roomOrigin(
  db: SqlExecutor,
  roomId: string,
): Promise<
  | { readonly creatorClient: string; readonly groupInfo: Uint8Array; readonly ratchetTree: Uint8Array }
  | undefined
> {
  const rows = await db.query<{
    creator_client: string;
    initial_group_info: unknown;
    initial_ratchet_tree: unknown;
  }>("SELECT creator_client, initial_group_info, initial_ratchet_tree FROM hub_rooms WHERE room_id = $1", [
    roomId,
  ]);
  const r = rows[0];
  if (r === undefined) return undefined;
  return {
    creatorClient: r.creator_client,
    groupInfo: toBytes(r.initial_group_info),
    ratchetTree: toBytes(r.initial_ratchet_tree),
  };
}

/** Record a newly hosted room (its first GroupInfo and tree are also the ones served). */
export async function insertHostedRoom(
  tx: SqlExecutor,
  room: {
    readonly roomId: string;
    readonly creatorClient: string;
    readonly cipherSuite: number;
    readonly createdAt: number;
    readonly groupInfo: Uint8Array;
    readonly ratchetTree: Uint8Array;
    readonly epoch: bigint;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO hub_rooms (room_id, creator_client, cipher_suite, created_at, initial_group_info,
       initial_ratchet_tree, info_epoch, group_info, ratchet_tree)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      room.roomId,
      room.creatorClient,
      room.cipherSuite,
      room.createdAt,
      room.groupInfo,
      room.ratchetTree,
      room.epoch.toString(),
      room.groupInfo,
      room.ratchetTree,
    ],
  );
}

/** Every hosted room. */
export async function hostedRooms(db: SqlExecutor): Promise<string[]> {
  const rows = await db.query<{ room_id: string }>("SELECT room_id FROM hub_rooms ORDER BY room_id");
  return rows.map((r) => r.room_id);
}

/** The GroupInfo (an MLSMessage) and ratchet tree the hub serves for a room, and their epoch. */
export async function servedGroupInfo(
  db: SqlExecutor,
  roomId: string,
): Promise<
  { readonly epoch: bigint; readonly groupInfo: Uint8Array; readonly ratchetTree: Uint8Array } | undefined
> {
  const rows = await db.query<{ group_info: unknown; ratchet_tree: unknown; info_epoch: unknown }>(
    "SELECT group_info, ratchet_tree, info_epoch FROM hub_rooms WHERE room_id = $1",
    [roomId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    epoch: toBigInt(row.info_epoch),
    groupInfo: toBytes(row.group_info),
    ratchetTree: toBytes(row.ratchet_tree),
  };
}

/** Replace the GroupInfo and ratchet tree the hub serves for a room with those of a new epoch. */
export async function storeServedGroupInfo(
  tx: SqlExecutor,
  roomId: string,
  served: { readonly epoch: bigint; readonly message: Uint8Array; readonly ratchetTree: Uint8Array },
): Promise<void> {
  await tx.query(
    "UPDATE hub_rooms SET info_epoch = $2, group_info = $3, ratchet_tree = $4 WHERE room_id = $1",
    [roomId, served.epoch.toString(), served.message, served.ratchetTree],
  );
}

// The room log, as the hub reads it.

/** The proposals and commits of a room's log after `afterSeq` up to `lastSeq`, in order (to replay a view). */
export async function handshakeEvents(
  db: SqlExecutor,
  roomId: string,
  afterSeq: bigint,
  lastSeq: bigint,
): Promise<{ readonly seq: bigint; readonly kind: string; readonly body: Uint8Array }[]> {
  const rows = await db.query<{ seq: unknown; kind: string; body: unknown }>(
    `SELECT seq, kind, body FROM room_events
      WHERE room_id = $1 AND seq > $2 AND seq <= $3 AND kind IN ('commit', 'proposal') ORDER BY seq`,
    [roomId, afterSeq.toString(), lastSeq.toString()],
  );
  return rows.map((r) => ({ seq: toBigInt(r.seq), kind: r.kind, body: toBytes(r.body) }));
}

/** The FanoutMessage bodies of the proposals accepted in a room's epoch, in order. */
export async function epochProposals(db: SqlExecutor, roomId: string, epoch: bigint): Promise<Uint8Array[]> {
  const rows = await db.query<{ body: unknown }>(
    "SELECT body FROM room_events WHERE room_id = $1 AND epoch = $2 AND kind = 'proposal' ORDER BY seq",
    [roomId, epoch.toString()],
  );
  return rows.map((r) => toBytes(r.body));
}

// View snapshots.

/** A room's stored view snapshot and its log position. */
export async function viewSnapshot(
  db: SqlExecutor,
  roomId: string,
): Promise<{ readonly seq: bigint; readonly snapshot: Uint8Array } | undefined> {
  const rows = await db.query<{ seq: unknown; snapshot: unknown }>(
    "SELECT seq, snapshot FROM hub_view_snapshots WHERE room_id = $1",
    [roomId],
  );
  const r = rows[0];
  return r === undefined ? undefined : { seq: toBigInt(r.seq), snapshot: toBytes(r.snapshot) };
}

/** Store a view snapshot, unless a newer one is stored. */
export async function storeViewSnapshot(
  db: SqlExecutor,
  s: {
    readonly roomId: string;
    readonly seq: bigint;
    readonly epoch: bigint;
    readonly createdAt: number;
    readonly snapshot: Uint8Array;
  },
): Promise<void> {
  await db.query(
    `${IDEMPOTENT} INSERT INTO hub_view_snapshots (room_id, seq, epoch, created_at, snapshot) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (room_id) DO UPDATE SET seq = EXCLUDED.seq, epoch = EXCLUDED.epoch,
       created_at = EXCLUDED.created_at, snapshot = EXCLUDED.snapshot
     WHERE hub_view_snapshots.seq < EXCLUDED.seq`,
    [s.roomId, s.seq.toString(), s.epoch.toString(), s.createdAt, s.snapshot],
  );
}

// Recipients.

/** Record that a room's events go to these domains. */
export async function addRoomPeers(
  tx: SqlExecutor,
  roomId: string,
  domains: readonly string[],
): Promise<void> {
  if (domains.length === 0) return;
  await tx.query(
    `INSERT INTO hub_room_peers (room_id, domain) SELECT $1, d FROM unnest($2::text[]) AS u(d)
     ON CONFLICT DO NOTHING`,
    [roomId, [...new Set(domains)]],
  );
}

/** The provider domains a room's events were ever fanned out to. */
export async function roomPeers(db: SqlExecutor, roomId: string): Promise<string[]> {
  const rows = await db.query<{ domain: string }>(
    "SELECT domain FROM hub_room_peers WHERE room_id = $1 ORDER BY domain",
    [roomId],
  );
  return rows.map((r) => r.domain);
}

/** Record the recipients of room-log events (and that the room's events go to them). */
export async function setEventTargets(
  tx: SqlExecutor,
  roomId: string,
  targets: readonly { readonly seq: bigint; readonly domains: readonly string[] }[],
): Promise<void> {
  if (targets.length === 0) return;
  for (const t of targets)
    await tx.query(
      "INSERT INTO hub_event_targets (room_id, seq, domains) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [roomId, t.seq.toString(), [...new Set(t.domains)]],
    );
  await addRoomPeers(
    tx,
    roomId,
    targets.flatMap((t) => t.domains),
  );
}

/**
 * The room-log events after `afterSeq` with their recorded recipients (undefined: every room
 * peer), in order, in one query: what the fanout sends next.
 */
export async function eventsWithTargetsAfter(
  db: SqlExecutor,
  roomId: string,
  afterSeq: bigint,
  limit: number,
): Promise<(RoomEvent & { readonly domains?: readonly string[] })[]> {
  const rows = await db.query<RoomEventRow & { domains: string[] | null }>(
    `SELECT e.seq, e.epoch, e.kind, e.accepted_at, e.body, t.domains
       FROM room_events e LEFT JOIN hub_event_targets t ON t.room_id = e.room_id AND t.seq = e.seq
      WHERE e.room_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3`,
    [roomId, afterSeq.toString(), limit],
  );
  return rows.map((r) => ({
    ...roomEventOfRow(roomId, r),
    ...(r.domains === null ? {} : { domains: r.domains }),
  }));
}

// Joining codes.

/** Store a new joining code (its SHA-256). */
export async function insertJoinCode(
  db: SqlExecutor,
  c: {
    readonly roomId: string;
    readonly codeHash: Uint8Array;
    readonly role_index: number;
    readonly createdBy: string;
    readonly createdAt: number;
    readonly expiresAt: number;
    readonly usesLeft: number;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO hub_join_codes (room_id, code_hash, role_index, created_by, created_at, expires_at, uses_left)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [c.roomId, c.codeHash, c.role_index, c.createdBy, c.createdAt, c.expiresAt, c.usesLeft],
  );
}

/** Delete a code created by `client`, or by anyone when `mayDeleteAny`; whether one was deleted. */
export async function deleteJoinCodeRow(
  db: SqlExecutor,
  roomId: string,
  codeHash: Uint8Array,
  client: string,
  mayDeleteAny: boolean,
): Promise<boolean> {
  const rows = await db.query<{ room_id: string }>(
    `DELETE FROM hub_join_codes WHERE room_id = $1 AND code_hash = $2 AND (created_by = $3 OR $4)
     RETURNING room_id`,
    [roomId, codeHash, client, mayDeleteAny],
  );
  return rows.length > 0;
}

/** A stored code's role, expiry and uses left. */
export async function joinCodeRow(
  db: SqlExecutor,
  roomId: string,
  codeHash: Uint8Array,
): Promise<
  { readonly role_index: number; readonly expiresAt: bigint; readonly usesLeft: number } | undefined
> {
  const rows = await db.query<{ role_index: unknown; expires_at: unknown; uses_left: unknown }>(
    "SELECT role_index, expires_at, uses_left FROM hub_join_codes WHERE room_id = $1 AND code_hash = $2",
    [roomId, codeHash],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    role_index: Number(row.role_index),
    expiresAt: toBigInt(row.expires_at),
    usesLeft: Number(row.uses_left),
  };
}

/** Remember that the client with this signature key may join the room with the code (until it expires). */
export async function upsertJoinGrant(
  db: SqlExecutor,
  roomId: string,
  codeHash: Uint8Array,
  requester: { readonly signatureKey: Uint8Array; readonly clientUri: string },
): Promise<void> {
  const expires = await db.query<{ expires_at: unknown }>(
    "SELECT expires_at FROM hub_join_codes WHERE room_id = $1 AND code_hash = $2",
    [roomId, codeHash],
  );
  await db.query(
    `INSERT INTO hub_join_grants (room_id, signature_key, client_uri, code_hash, expires_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (room_id, signature_key)
     DO UPDATE SET client_uri = EXCLUDED.client_uri, code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at`,
    [roomId, requester.signatureKey, requester.clientUri, codeHash, String(expires[0]!.expires_at)],
  );
}

/** The grant of a signature key in a room: the client URI it was given to and the code's hash. */
export async function joinGrant(
  db: SqlExecutor,
  roomId: string,
  signatureKey: Uint8Array,
): Promise<{ readonly clientUri: string; readonly codeHash: Uint8Array } | undefined> {
  const rows = await db.query<{ client_uri: string; code_hash: unknown }>(
    "SELECT client_uri, code_hash FROM hub_join_grants WHERE room_id = $1 AND signature_key = $2",
    [roomId, signatureKey],
  );
  const row = rows[0];
  return row === undefined ? undefined : { clientUri: row.client_uri, codeHash: toBytes(row.code_hash) };
}

/** Spend one use of a code for an accepted external commit, and drop the joiner's grant. */
export async function spendJoinCode(
  tx: SqlExecutor,
  roomId: string,
  codeHash: Uint8Array,
  signatureKey: Uint8Array,
): Promise<void> {
  await tx.query(
    "UPDATE hub_join_codes SET uses_left = uses_left - 1 WHERE room_id = $1 AND code_hash = $2 AND uses_left > 0",
    [roomId, codeHash],
  );
  await tx.query("DELETE FROM hub_join_grants WHERE room_id = $1 AND signature_key = $2", [
    roomId,
    signatureKey,
  ]);
}

// Keys, consent, abuse reports.

/** A stored hub key by name. */
export async function hubKey(db: Database, name: string): Promise<Uint8Array | undefined> {
  const rows = await db.query<{ value: unknown }>("SELECT value FROM hub_keys WHERE name = $1", [name]);
  return rows[0] === undefined ? undefined : toBytes(rows[0].value);
}

/** Store a hub key unless one of that name exists (the first stored wins). */
export async function insertHubKey(
  db: Database,
  name: string,
  value: Uint8Array,
  now: number,
): Promise<void> {
  await db.query(
    "INSERT INTO hub_keys (name, created_at, value) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
    [name, now, value],
  );
}

/** The stored hub keys whose name starts with `prefix`, with when each was created. */
export async function hubKeysByPrefix(
  db: Database,
  prefix: string,
): Promise<{ readonly name: string; readonly createdAt: number; readonly value: Uint8Array }[]> {
  const rows = await db.query<{ name: string; created_at: unknown; value: unknown }>(
    "SELECT name, created_at, value FROM hub_keys WHERE starts_with(name, $1) ORDER BY created_at DESC, name DESC",
    [prefix],
  );
  return rows.map((r) => ({ name: r.name, createdAt: Number(r.created_at), value: toBytes(r.value) }));
}

/** Forget a hub key (a retired OHTTP key: its secret is gone for good). */
export async function deleteHubKey(db: Database, name: string): Promise<void> {
  await db.query("DELETE FROM hub_keys WHERE name = $1", [name]);
}

/** The consent decisions `target` received from `requester`, for the room or for no room. */
export async function receivedConsentDecisions(
  db: SqlExecutor,
  requester: string,
  target: string,
  roomId: string,
): Promise<{ readonly room_id: string; readonly operation: string }[]> {
  return db.query<{ room_id: string; operation: string }>(
    `SELECT room_id, operation FROM consent
      WHERE direction = 'received_decision' AND requester_uri = $1 AND target_uri = $2 AND room_id IN ('', $3)`,
    [requester, target, roomId],
  );
}

/** Store an abuse report received from a peer. */
export async function insertAbuseReport(
  db: SqlExecutor,
  r: {
    readonly roomId: string;
    readonly peerDomain: string;
    readonly receivedAt: number;
    readonly report: Uint8Array;
  },
): Promise<void> {
  await db.query(
    "INSERT INTO abuse_reports (room_id, peer_domain, received_at, report) VALUES ($1, $2, $3, $4)",
    [r.roomId, r.peerDomain, r.receivedAt, r.report],
  );
}
