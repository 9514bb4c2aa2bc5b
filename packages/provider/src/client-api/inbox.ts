/**
 * What a provider's client receives (the client API's inbox, decision 0642): the provider's
 * queue of fanned-out messages (`follower_inbox`, filled by `/notify` and by the local hub), read
 * per client: every message of a room the client is subscribed to but the Welcomes for other
 * clients (decision 0686), and every Welcome whose `new_member` KeyPackageRef names one of the
 * client's uploaded KeyPackages.
 */

import type { Welcome } from "@mimi/mls-profile";
import { fanoutMessageCodec } from "@mimi/protocol";
import { decodeWith } from "@mimi/wire";
import type { Endpoint } from "../server/endpoint.js";
import { IDEMPOTENT, type SqlExecutor, toBigInt, toBytes } from "../storage/database.js";

/** One item of a client's inbox. */
export interface InboxItem {
  /** Queue position. */
  readonly n: bigint;
  readonly roomId: string;
  /** The hub's acceptance time (the FanoutMessage's timestamp). */
  readonly timestamp: bigint;
  /** The FanoutMessage as queued. */
  readonly message: Uint8Array;
}

/**
 * Subscribe a client to a room (idempotent).
 *
 * @throws the engine's error when the statement fails.
 */
export async function subscribe(
  db: SqlExecutor,
  clientUri: string,
  roomId: string,
  now: number,
): Promise<void> {
  await db.query(
    `${IDEMPOTENT} INSERT INTO client_subscriptions (client_uri, room_id, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (client_uri, room_id) DO NOTHING`,
    [clientUri, roomId, now],
  );
}

/** The rooms a client is subscribed to. */
export async function subscriptionsOf(db: SqlExecutor, clientUri: string): Promise<Set<string>> {
  const rows = await db.query<{ room_id: string }>(
    "SELECT room_id FROM client_subscriptions WHERE client_uri = $1",
    [clientUri],
  );
  return new Set(rows.map((r) => r.room_id));
}

/** `mls_welcome` (RFC 9420 §6): the wire format at bytes 10..11 of a FanoutMessage. */
const WELCOME_WIRE_FORMAT = 3;

/** The `new_member` KeyPackageRefs of a queued FanoutMessage holding a Welcome, else undefined. */
export function welcomeRefs(fanoutMessage: Uint8Array): Uint8Array[] | undefined {
  // A FanoutMessage starts with uint64 timestamp, then the MLSMessage: uint16 version, uint16
  // wire_format. Only Welcomes are decoded further.
  if (!isWelcomeMessage(fanoutMessage)) return undefined;
  const m = decodeWith(fanoutMessageCodec, fanoutMessage).message.value;
  if (m.wireformat !== "mls_welcome") return undefined;
  return (m as { welcome: Welcome }).welcome.secrets.map((s) => s.newMember);
}

/**
 * True when a queued FanoutMessage holds a Welcome (its MLSMessage's wire_format, bytes 10..11).
 * Decision 0686: a Welcome is delivered only to the clients whose KeyPackage one
 * of its `new_member` refs names, also in a room the client is subscribed to; the room's other
 * members cannot use it (a big room's Welcome carries the whole ratchet tree, megabytes per member).
 */
export function isWelcomeMessage(fanoutMessage: Uint8Array): boolean {
  return (
    fanoutMessage.length >= 12 && ((fanoutMessage[10]! << 8) | fanoutMessage[11]!) === WELCOME_WIRE_FORMAT
  );
}

/** The bytes 10..11 of a FanoutMessage holding a Welcome (its MLSMessage's wire_format). */
const WELCOME_WIRE_FORMAT_BYTES = new Uint8Array([0, WELCOME_WIRE_FORMAT]);

/** What {@link readInbox} read. */
export interface InboxRead {
  /** The client's items, in queue order. */
  readonly items: InboxItem[];
  /** The last queue position examined: read again after it. */
  readonly last: bigint;
  /** True when every position up to the queue's end (as the read saw it) was examined. */
  readonly atEnd: boolean;
}

/**
 * The next items of `clientUri`'s inbox after queue position `after` (at most `limit` of them):
 * the queued messages of rooms it is subscribed to, and the Welcomes naming one of its
 * KeyPackages. A Welcome for the client subscribes it to the Welcome's room; the read then ends
 * at the Welcome, so that what follows in that room comes with the next read. One statement
 * selects the client's rows, its subscriptions included, so a subscription made before a message
 * was queued is seen with the message.
 *
 * @throws the engine's error when a query fails.
 */
export async function readInbox(
  db: SqlExecutor,
  clientUri: string,
  after: bigint,
  now: number,
  limit = 500,
): Promise<InboxRead> {
  const top = await db.query<{ top: unknown }>("SELECT coalesce(max(id), 0) AS top FROM follower_inbox");
  const end = toBigInt(top[0]?.top ?? 0);
  if (end <= after) return { items: [], last: after, atEnd: true };
  // Positions become visible in order (PROTO-CAPI-10): every position up to `end` is visible now.
  const rows = await db.query<{
    id: unknown;
    room_id: string;
    timestamp: unknown;
    message: unknown;
    subscribed: unknown;
  }>(
    `SELECT f.id, f.room_id, f.timestamp, f.message,
            EXISTS (SELECT 1 FROM client_subscriptions s WHERE s.client_uri = $1 AND s.room_id = f.room_id) AS subscribed
       FROM follower_inbox f
      WHERE f.id > $2 AND f.id <= $3
        AND (EXISTS (SELECT 1 FROM client_subscriptions s WHERE s.client_uri = $1 AND s.room_id = f.room_id)
             OR substring(f.message FROM 11 FOR 2) = $4::bytea)
      ORDER BY f.id LIMIT $5`,
    [clientUri, after.toString(), end.toString(), WELCOME_WIRE_FORMAT_BYTES, limit],
  );
  const items: InboxItem[] = [];
  let last = after;
  for (const r of rows) {
    const item: InboxItem = {
      n: toBigInt(r.id),
      roomId: r.room_id,
      timestamp: toBigInt(r.timestamp),
      message: toBytes(r.message),
    };
    last = item.n;
    // A Welcome goes only to the clients it names, subscribed to its room or not (decision 0686).
    if (!isWelcomeMessage(item.message)) {
      if (r.subscribed === true) items.push(item);
      continue;
    }
    if (!(await isWelcomeFor(db, clientUri, item.message))) continue;
    if (r.subscribed === true) {
      items.push(item);
      continue;
    }
    // A Welcome delivered to the client subscribes it to the room (the contract's rule); the
    // room's later rows were not selected, so the read ends here.
    await subscribe(db, clientUri, item.roomId, now);
    items.push(item);
    return { items, last: item.n, atEnd: false };
  }
  if (rows.length === limit) return { items, last, atEnd: false };
  return { items, last: end, atEnd: true };
}

/** True when `message` is a Welcome whose `new_member` names one of `clientUri`'s KeyPackages. */
async function isWelcomeFor(db: SqlExecutor, clientUri: string, message: Uint8Array): Promise<boolean> {
  const refs = welcomeRefsOrNone(message);
  if (refs.length === 0) return false;
  const mine = await db.query(
    "SELECT 1 FROM key_packages WHERE client_uri = $1 AND ref = ANY($2::bytea[]) LIMIT 1",
    [clientUri, refs],
  );
  return mine.length > 0;
}

/** The `new_member` refs of a queued Welcome; none for anything else, or for one that no longer decodes. */
export function welcomeRefsOrNone(message: Uint8Array): Uint8Array[] {
  try {
    return welcomeRefs(message) ?? [];
  } catch {
    // Queued messages were decoded when they arrived; one that no longer decodes is skipped.
    return [];
  }
}

/** The JSON line of an inbox item (without the newline). */
export function inboxLine(item: InboxItem): string {
  return JSON.stringify({
    n: item.n.toString(),
    roomId: item.roomId,
    timestamp: item.timestamp.toString(),
    message: Buffer.from(item.message.buffer, item.message.byteOffset, item.message.byteLength).toString(
      "hex",
    ),
  });
}

/**
 * Wakes inbox streams when messages are queued in this process (the `/notify` endpoint and the
 * local hub call {@link InboxSignal.notify}); streams also poll slowly for other processes.
 */
export interface InboxSignal {
  /** New messages were queued. */
  notify(): void;
  /** Resolves at the next `notify()` or after `ms`, whichever is first. */
  wait(ms: number): Promise<void>;
}

/** Make an {@link InboxSignal}. */
export function createInboxSignal(): InboxSignal {
  let waiters: (() => void)[] = [];
  return {
    notify() {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    },
    wait(ms) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((f) => f !== done);
          resolve();
        }, ms);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(done);
      });
    },
  };
}

/**
 * The same endpoints, each waking `signal` after it handled a request: a `/notify` (or the local
 * hub's delivery after an update or submission) has queued messages that inbox streams of this
 * process should send at once.
 */
export function wakingInboxes(endpoints: readonly Endpoint[], signal: InboxSignal): Endpoint[] {
  return endpoints.map((e) => ({
    ...e,
    async handle(ctx) {
      const out = await e.handle(ctx);
      signal.notify();
      return out;
    },
  }));
}
