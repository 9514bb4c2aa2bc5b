/**
 * A follower's durable queue of messages fanned out by hubs (protocol-06 §5.5), from which the
 * provider's own clients are served.
 */
import type { SqlExecutor } from "./database.js";
import { IDEMPOTENT, packBytes, toBigInt, toBytes } from "./database.js";

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

/** The advisory lock serializing writers of `follower_inbox` ("mimq" in ASCII). */
const INBOX_WRITE_LOCK = 0x6d696d71;

// [PROTO-CAPI-10] draft-ietf-mimi-protocol-06 §5.5 (decision 0629): queue positions become visible
// in the order they are assigned. Readers resume after the last position they saw; if two
// transactions could take positions 10 and 11 and commit 11 first, a reader would pass 10 before
// it is visible and never deliver it. So every writer takes the inbox write lock (a transaction
// advisory lock, held until its transaction commits) BEFORE it takes positions. In the statements
// below the lock is a CTE the inserts read from, so it is taken before their first row, in the
// same statement (decision 0659): one round trip and one commit per write.
const locked = (lockParam: number, from?: string): string =>
  `SELECT pg_advisory_xact_lock($${lockParam}::bigint) AS locked${from === undefined ? "" : ` FROM ${from}`}`;

// [PROTO-NOTIFY-04] draft-ietf-mimi-protocol-06 §5.5: a message the hub sends again is processed
// once, whatever body it arrives in: the message hash is unique per (hub, room).
// The messages travel packed in one bytea ($5) with their offsets and lengths ($off, $off + 1).
const insertMessages = (from: string, off: number): string =>
  `INSERT INTO follower_inbox (room_id, hub_domain, timestamp, received_at, message, message_hash)
       SELECT $1, $2, u.t, $3, s.m, sha256(s.m)
         FROM ${from}, unnest($4::bigint[], $${off}::int[], $${off + 1}::int[]) WITH ORDINALITY AS u(t, o, len, i),
              LATERAL (SELECT substring($5::bytea FROM u.o FOR u.len) AS m) s
        ORDER BY u.i
       ON CONFLICT (hub_domain, room_id, message_hash) DO NOTHING`;

/**
 * Queue the FanoutMessages of one `/notify` body, unless the same hub already sent a
 * byte-identical body. The lock, the check and the insert are ONE statement (decisions 0656,
 * 0659): a body is either queued and marked, or neither. Returns false for a duplicate.
 */
export async function queueNotifyBody(
  ex: SqlExecutor,
  hubDomain: string,
  roomId: string,
  bodyHash: Uint8Array,
  messages: readonly { readonly timestamp: bigint; readonly encoded: Uint8Array }[],
  now: number,
): Promise<boolean> {
  const packed = packBytes(messages.map((m) => m.encoded));
  // sent again if lost in flight: a body already queued is recognised by its hash (0678)
  const rows = await ex.query<{ fresh: unknown }>(
    `${IDEMPOTENT} WITH l AS (${locked(7)}
     ), n AS (
       INSERT INTO notify_received (peer_domain, body_hash, received_at)
       SELECT $2::text, $6::bytea, $3::bigint FROM l
       ON CONFLICT (peer_domain, body_hash) DO NOTHING RETURNING 1 AS one
     ), q AS (
       ${insertMessages("n", 8)}
     )
     SELECT count(*) AS fresh FROM n`,
    [
      roomId,
      hubDomain,
      now,
      messages.map((m) => m.timestamp.toString()),
      packed.bytes,
      bodyHash,
      INBOX_WRITE_LOCK,
      packed.offsets,
      packed.lengths,
    ],
  );
  return Number(rows[0]?.fresh ?? 0) === 1;
}

/**
 * Queue a hub's own room events for its own clients (the hub's domain is one of the room's
 * followers): the same rows `/notify` writes, and the hub's fanout cursor for its own domain moved
 * from `cursor.from` to `cursor.to`, in ONE statement (decision 0659), so each event is queued
 * once. Returns false, queueing nothing, when the cursor is no longer at `cursor.from` (another
 * process moved it).
 */
export async function queueLocally(
  ex: SqlExecutor,
  hubDomain: string,
  roomId: string,
  events: readonly { readonly acceptedAt: bigint; readonly body: Uint8Array }[],
  now: number,
  cursor: { readonly from: bigint; readonly to: bigint },
): Promise<boolean> {
  const packed = packBytes(events.map((e) => e.body));
  const rows = await ex.query<{ moved: unknown }>(
    `WITH c AS (
       INSERT INTO fanout_cursor (room_id, peer_domain, delivered_seq) VALUES ($1, $2, $7)
       ON CONFLICT (room_id, peer_domain) DO UPDATE SET delivered_seq = EXCLUDED.delivered_seq
         WHERE fanout_cursor.delivered_seq = $6
       RETURNING 1 AS one
     ), l AS (${locked(8, "c")}
     ), q AS (
       ${insertMessages("l", 9)}
     )
     SELECT count(*) AS moved FROM c`,
    [
      roomId,
      hubDomain,
      now,
      events.map((e) => e.acceptedAt.toString()),
      packed.bytes,
      cursor.from.toString(),
      cursor.to.toString(),
      INBOX_WRITE_LOCK,
      packed.offsets,
      packed.lengths,
    ],
  );
  return Number(rows[0]?.moved ?? 0) === 1;
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
