/**
 * A follower's durable queue of messages fanned out by hubs (protocol-06 §5.5), from which the
 * provider's own clients are served.
 */
import type { Database, SqlExecutor } from "./database.js";
import { toBigInt, toBytes } from "./database.js";

/** A queued message. */
export interface InboxMessage {
  /** Queue position (increasing across rooms). */
  readonly id: bigint;
  readonly roomId: string;
  readonly hubDomain: string;
  /** The hub's acceptance time from the FanoutMessage. */
  readonly timestamp: bigint;
  /** The FanoutMessage's encoding, as received. */
  readonly message: Uint8Array;
}

/**
 * Queue the FanoutMessages of one `/notify` body, unless the same hub already sent a
 * byte-identical body. The check and the insert are ONE statement (decision 0656), after the inbox
 * write lock, in one short transaction: a body is either queued and marked, or neither. Returns
 * false for a duplicate.
 */
export async function queueNotifyBody(
  db: Database,
  hubDomain: string,
  roomId: string,
  bodyHash: Uint8Array,
  messages: readonly { readonly timestamp: bigint; readonly encoded: Uint8Array }[],
  now: number,
): Promise<boolean> {
  // [PROTO-NOTIFY-04] draft-ietf-mimi-protocol-06 §5.5: a message the hub sends again is
  // processed once, whatever body it arrives in (the message hash; the body hash marks the body).
  const rows = await db.transaction(async (tx) => {
    await lockInboxWrites(tx);
    return tx.query<{ fresh: unknown }>(
      `WITH n AS (
       INSERT INTO notify_received (peer_domain, body_hash, received_at) VALUES ($2, $6, $3)
       ON CONFLICT (peer_domain, body_hash) DO NOTHING RETURNING 1 AS one
     ), q AS (
       INSERT INTO follower_inbox (room_id, hub_domain, timestamp, received_at, message, message_hash)
       SELECT $1, $2, u.t, $3, u.m, sha256(u.m)
         FROM n, unnest($4::bigint[], $5::bytea[]) WITH ORDINALITY AS u(t, m, i) ORDER BY u.i
       ON CONFLICT (hub_domain, room_id, message_hash) DO NOTHING
     )
     SELECT count(*) AS fresh FROM n`,
      [
        roomId,
        hubDomain,
        now,
        messages.map((m) => m.timestamp.toString()),
        messages.map((m) => m.encoded),
        bodyHash,
      ],
    );
  });
  return Number(rows[0]?.fresh ?? 0) === 1;
}

/**
 * Queue a hub's own room events for its own clients (the hub's domain is one of the room's
 * followers): the same rows `/notify` writes, inside the caller's transaction.
 */
export async function queueLocally(
  tx: SqlExecutor,
  hubDomain: string,
  roomId: string,
  events: readonly { readonly acceptedAt: bigint; readonly body: Uint8Array }[],
  now: number,
): Promise<void> {
  await insertOnce(
    tx,
    hubDomain,
    roomId,
    events.map((e) => ({ timestamp: e.acceptedAt, encoded: e.body })),
    now,
  );
}

/** The advisory lock serializing writers of `follower_inbox` ("mimq" in ASCII). */
const INBOX_WRITE_LOCK = 0x6d696d71;

/** Take the inbox write lock until the caller's transaction ends. */
async function lockInboxWrites(tx: SqlExecutor): Promise<void> {
  // [PROTO-CAPI-10] draft-ietf-mimi-protocol-06 §5.5 (decision 0629): queue positions become
  // visible in the order they are assigned. Readers resume after the last position they saw; if
  // two transactions could take positions 10 and 11 and commit 11 first, a reader would pass 10
  // before it is visible and never deliver it. One writer at a time (until its commit) makes that
  // impossible across processes.
  await tx.query("SELECT pg_advisory_xact_lock($1)", [INBOX_WRITE_LOCK]);
}

/**
 * Insert FanoutMessages in order, skipping any this hub already delivered for this room. Must run
 * inside a transaction (the write lock is held until it commits). A hub
 * that crashed after a follower accepted a batch resends from its last recorded cursor, and may
 * group the messages into a different body; the body hash cannot catch that, the message hash can
 * ([PROTO-NOTIFY-04]).
 */
async function insertOnce(
  tx: SqlExecutor,
  hubDomain: string,
  roomId: string,
  messages: readonly { readonly timestamp: bigint; readonly encoded: Uint8Array }[],
  now: number,
): Promise<void> {
  await lockInboxWrites(tx);
  // [PROTO-NOTIFY-04] draft-ietf-mimi-protocol-06 §5.5: a message the hub sends again is
  // processed once, whatever body it arrives in.
  await tx.query(
    `INSERT INTO follower_inbox (room_id, hub_domain, timestamp, received_at, message, message_hash)
     SELECT $1, $2, u.t, $3, u.m, sha256(u.m)
       FROM unnest($4::bigint[], $5::bytea[]) WITH ORDINALITY AS u(t, m, i) ORDER BY u.i
     ON CONFLICT (hub_domain, room_id, message_hash) DO NOTHING`,
    [roomId, hubDomain, now, messages.map((m) => m.timestamp.toString()), messages.map((m) => m.encoded)],
  );
}

/** Queued messages of a room after queue position `afterId`, in order. */
export async function inboxAfter(
  db: SqlExecutor,
  roomId: string,
  afterId: bigint,
  limit = 1000,
): Promise<InboxMessage[]> {
  const rows = await db.query<{ id: unknown; hub_domain: string; timestamp: unknown; message: unknown }>(
    "SELECT id, hub_domain, timestamp, message FROM follower_inbox WHERE room_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    [roomId, afterId.toString(), limit],
  );
  return rows.map((r) => ({
    id: toBigInt(r.id),
    roomId,
    hubDomain: r.hub_domain,
    timestamp: toBigInt(r.timestamp),
    message: toBytes(r.message),
  }));
}
