/**
 * The hub's per-room ordering (protocol-06 §5.3–§5.5; spec digest §4.15): each room has a current
 * MLS epoch and an ordered log of accepted events. The first valid commit for an epoch wins and
 * moves the room to the next epoch; any later commit for that epoch gets `wrongEpoch` with the
 * current epoch. Proposals and application messages are appended to the current epoch only.
 *
 * Every check-and-write is one transaction holding the room's row lock (`SELECT … FOR UPDATE` /
 * `UPDATE … WHERE epoch = $2`), so the ordering holds across several server processes sharing one
 * PostgreSQL (decision 0609).
 */
import { ValidationError } from "@mimi/wire";
import { type Database, packBytes, type SqlExecutor, toBigInt, toBytes } from "./database.js";

/** What an event of the room log is. */
export type RoomEventKind = "commit" | "proposal" | "application" | "welcome";

/** An event to append. */
export interface NewRoomEvent {
  readonly kind: RoomEventKind;
  /** The encoded message, as it will be fanned out. */
  readonly body: Uint8Array;
}

/** An event of the room log. */
export interface RoomEvent extends NewRoomEvent {
  readonly roomId: string;
  /** Position in the room's log, from 1, without gaps. */
  readonly seq: bigint;
  /** The epoch the event belongs to (a commit's is the epoch it ends). */
  readonly epoch: bigint;
  /** Hub acceptance time, ms since the UNIX epoch. */
  readonly acceptedAt: bigint;
}

/** A room's ordering state. */
export interface RoomState {
  readonly epoch: bigint;
  readonly lastSeq: bigint;
}

/** The outcome of an ordered write. */
export type OrderedWrite =
  | { readonly ok: true; readonly seqs: readonly bigint[]; readonly epoch: bigint }
  | { readonly ok: false; readonly reason: "wrongEpoch"; readonly currentEpoch: bigint }
  | { readonly ok: false; readonly reason: "noSuchRoom" };

function checkRoomId(roomId: string): void {
  if (roomId.length === 0) throw new ValidationError("empty room ID", { path: "/roomId" });
}

/**
 * Create a room at epoch `epoch` (0 for a new MLS group). Returns false when it exists.
 *
 * @throws ValidationError for an empty room ID.
 */
export async function createRoom(db: SqlExecutor, roomId: string, now: number, epoch = 0n): Promise<boolean> {
  checkRoomId(roomId);
  const rows = await db.query(
    "INSERT INTO rooms (room_id, epoch, created_at) VALUES ($1, $2, $3) ON CONFLICT (room_id) DO NOTHING RETURNING room_id",
    [roomId, epoch.toString(), now],
  );
  return rows.length === 1;
}

/** A room's epoch and last sequence number, or undefined when there is no such room. */
export async function roomState(db: SqlExecutor, roomId: string): Promise<RoomState | undefined> {
  const rows = await db.query<{ epoch: unknown; last_seq: unknown }>(
    "SELECT epoch, last_seq FROM rooms WHERE room_id = $1",
    [roomId],
  );
  const r = rows[0];
  return r === undefined ? undefined : { epoch: toBigInt(r.epoch), lastSeq: toBigInt(r.last_seq) };
}

/**
 * Accept a commit for `epoch` if the room is in that epoch: log it (with any `followers`, e.g. the
 * Welcome of the same commit) and move the room to `epoch + 1`, atomically. Otherwise report the
 * room's current epoch. `inTransaction`, when given, runs inside the same transaction after the
 * events are written (with their sequence numbers), e.g. to store the new epoch's GroupInfo.
 */
export async function acceptCommit(
  db: Database,
  roomId: string,
  epoch: bigint,
  commit: Uint8Array,
  now: number,
  followers: readonly NewRoomEvent[] = [],
  inTransaction?: (tx: SqlExecutor, seqs: readonly bigint[]) => Promise<void>,
): Promise<OrderedWrite> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ epoch: unknown; last_seq: unknown }>(
      "SELECT epoch, last_seq FROM rooms WHERE room_id = $1 FOR UPDATE",
      [roomId],
    );
    const r = rows[0];
    if (r === undefined) return { ok: false, reason: "noSuchRoom" } as const;
    const current = toBigInt(r.epoch);
    if (current !== epoch) return { ok: false, reason: "wrongEpoch", currentEpoch: current } as const;
    const events: NewRoomEvent[] = [{ kind: "commit", body: commit }, ...followers];
    const first = toBigInt(r.last_seq) + 1n;
    const seqs = events.map((_, i) => first + BigInt(i));
    await insertEvents(tx, roomId, epoch, now, first, events);
    await tx.query("UPDATE rooms SET epoch = $2, last_seq = $3 WHERE room_id = $1", [
      roomId,
      (epoch + 1n).toString(),
      (first + BigInt(events.length) - 1n).toString(),
    ]);
    if (inTransaction !== undefined) await inTransaction(tx, seqs);
    return { ok: true, seqs, epoch: epoch + 1n } as const;
  });
}

async function insertEvents(
  tx: SqlExecutor,
  roomId: string,
  epoch: bigint,
  now: number,
  first: bigint,
  events: readonly NewRoomEvent[],
): Promise<void> {
  // one packed bytea, not a bytea[] (decision 0659): a commit and its Welcome are megabytes in a
  // big room, and an array parameter travels as text
  const bodies = packBytes(events.map((e) => e.body));
  await tx.query(
    `INSERT INTO room_events (room_id, seq, epoch, kind, accepted_at, body)
     SELECT $1, $2::bigint + u.i - 1, $3, u.k, $4, substring($6::bytea FROM u.o FOR u.len)
       FROM unnest($5::text[], $7::int[], $8::int[]) WITH ORDINALITY AS u(k, o, len, i)`,
    [
      roomId,
      first.toString(),
      epoch.toString(),
      now,
      events.map((e) => e.kind),
      bodies.bytes,
      bodies.offsets,
      bodies.lengths,
    ],
  );
}

/**
 * Append proposals or application messages to the room's current epoch, in one statement that
 * holds the room's row lock. Accepted only when the room is in `epoch`.
 */
export async function appendToEpoch(
  db: Database,
  roomId: string,
  epoch: bigint,
  events: readonly NewRoomEvent[],
  now: number,
): Promise<OrderedWrite> {
  if (events.length === 0) throw new ValidationError("nothing to append", { path: "/events" });
  const n = events.length;
  // a transaction, so that a connection lost during its COMMIT is resolved, not guessed (0678)
  const rows = await db.transaction((tx) =>
    tx.query<{ seq: unknown }>(
      `WITH r AS (
       UPDATE rooms SET last_seq = last_seq + $3 WHERE room_id = $1 AND epoch = $2 RETURNING last_seq
     )
     INSERT INTO room_events (room_id, seq, epoch, kind, accepted_at, body)
     SELECT $1, r.last_seq - $3 + u.i, $2, u.k, $4, u.b
       FROM r, unnest($5::text[], $6::bytea[]) WITH ORDINALITY AS u(k, b, i)
     RETURNING seq`,
      [roomId, epoch.toString(), n, now, events.map((e) => e.kind), events.map((e) => e.body)],
    ),
  );
  return orderedOutcome(db, roomId, epoch, n, rows);
}

/** An application message to append with {@link appendApplicationBatch}. */
export interface NewApplicationEvent {
  /** The encoded FanoutMessage. */
  readonly body: Uint8Array;
  /** The hub's acceptance time (the FanoutMessage's timestamp), ms since the UNIX epoch. */
  readonly acceptedAt: number;
}

/**
 * Append a batch of application messages of one epoch, with their fanout recipients, in ONE
 * statement: the room's row lock assigns consecutive sequence numbers (so the order holds across
 * processes sharing the database), the events and their targets are inserted, and nothing is
 * written unless the room is still in `epoch`. The hub's group commit (decision 0655).
 */
export async function appendApplicationBatch(
  db: Database,
  roomId: string,
  epoch: bigint,
  events: readonly NewApplicationEvent[],
  domains: readonly string[],
): Promise<OrderedWrite> {
  if (events.length === 0) throw new ValidationError("nothing to append", { path: "/events" });
  const n = events.length;
  const bodies = packBytes(events.map((e) => e.body));
  // a transaction, so that a connection lost during its COMMIT is resolved, not guessed (0678)
  const rows = await db.transaction((tx) =>
    tx.query<{ seq: unknown }>(
      `WITH r AS (
       UPDATE rooms SET last_seq = last_seq + $3 WHERE room_id = $1 AND epoch = $2 RETURNING last_seq
     ), e AS (
       INSERT INTO room_events (room_id, seq, epoch, kind, accepted_at, body)
       SELECT $1, r.last_seq - $3 + u.i, $2, 'application', u.t, substring($5::bytea FROM u.o FOR u.len)
         FROM r, unnest($4::bigint[], $7::int[], $8::int[]) WITH ORDINALITY AS u(t, o, len, i)
       RETURNING seq
     ), t AS (
       INSERT INTO hub_event_targets (room_id, seq, domains)
       SELECT $1, r.last_seq - $3 + g.i, $6::text[] FROM r, generate_series(1, $3::int) AS g(i)
     ), p AS (
       INSERT INTO hub_room_peers (room_id, domain) SELECT $1, d FROM r, unnest($6::text[]) AS u(d)
       ON CONFLICT DO NOTHING
     )
     SELECT seq FROM e`,
      [
        roomId,
        epoch.toString(),
        n,
        events.map((e) => e.acceptedAt.toString()),
        bodies.bytes,
        [...new Set(domains)],
        bodies.offsets,
        bodies.lengths,
      ],
    ),
  );
  return orderedOutcome(db, roomId, epoch, n, rows);
}

/**
 * The outcome of an epoch-guarded append that returned `rows` for `n` events: all written, or
 * (nothing written) the room is gone or in another epoch.
 */
async function orderedOutcome(
  db: SqlExecutor,
  roomId: string,
  epoch: bigint,
  n: number,
  rows: readonly { readonly seq: unknown }[],
): Promise<OrderedWrite> {
  if (rows.length === n) {
    const seqs = rows.map((x) => toBigInt(x.seq)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { ok: true, seqs, epoch };
  }
  const state = await roomState(db, roomId);
  if (state === undefined) return { ok: false, reason: "noSuchRoom" };
  return { ok: false, reason: "wrongEpoch", currentEpoch: state.epoch };
}

/** A `room_events` row as read by the queries below. */
export interface RoomEventRow {
  readonly seq: unknown;
  readonly epoch: unknown;
  readonly kind: string;
  readonly accepted_at: unknown;
  readonly body: unknown;
}

/** A room event from its row. */
export function roomEventOfRow(roomId: string, r: RoomEventRow): RoomEvent {
  return {
    roomId,
    seq: toBigInt(r.seq),
    epoch: toBigInt(r.epoch),
    kind: r.kind as RoomEventKind,
    acceptedAt: toBigInt(r.accepted_at),
    body: toBytes(r.body),
  };
}

/** Events of a room after `afterSeq`, in order (at most `limit`). */
export async function eventsAfter(
  db: SqlExecutor,
  roomId: string,
  afterSeq: bigint,
  limit = 1000,
): Promise<RoomEvent[]> {
  const rows = await db.query<RoomEventRow>(
    "SELECT seq, epoch, kind, accepted_at, body FROM room_events WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    [roomId, afterSeq.toString(), limit],
  );
  return rows.map((r) => roomEventOfRow(roomId, r));
}

/**
 * Record a `/notify` body received from a peer, by its hash. Returns true the first time, false
 * for a duplicate (protocol-06 §5.5: a byte-identical body from the same hub is processed once).
 */
export async function markNotifyReceived(
  db: SqlExecutor,
  peerDomain: string,
  bodyHash: Uint8Array,
  now: number,
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO notify_received (peer_domain, body_hash, received_at) VALUES ($1, $2, $3)
     ON CONFLICT (peer_domain, body_hash) DO NOTHING RETURNING peer_domain`,
    [peerDomain, bodyHash, now],
  );
  return rows.length === 1;
}
