/**
 * What a provider's client receives (the client API's inbox, decision 0642): the provider's
 * queue of fanned-out messages (`follower_inbox`, filled by `/notify` and by the local hub), read
 * per client: every message of a room the client is subscribed to, and every Welcome whose
 * `new_member` KeyPackageRef names one of the client's uploaded KeyPackages.
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
  if (fanoutMessage.length < 12 || ((fanoutMessage[10]! << 8) | fanoutMessage[11]!) !== WELCOME_WIRE_FORMAT)
    return undefined;
  const m = decodeWith(fanoutMessageCodec, fanoutMessage).message.value;
  if (m.wireformat !== "mls_welcome") return undefined;
  return (m as { welcome: Welcome }).welcome.secrets.map((s) => s.newMember);
}

/**
 * The next items of `clientUri`'s inbox after queue position `after` (at most `limit` queue rows
 * are examined). A Welcome for the client subscribes it to the Welcome's room. `subscriptions` is
 * the client's set, updated in place. Returns the items and the last queue position examined.
 *
 * @throws the engine's error when a query fails.
 */
export async function readInbox(
  db: SqlExecutor,
  clientUri: string,
  after: bigint,
  subscriptions: Set<string>,
  now: number,
  limit = 500,
): Promise<{ readonly items: InboxItem[]; readonly last: bigint }> {
  const rows = await db.query<{ id: unknown; room_id: string; timestamp: unknown; message: unknown }>(
    "SELECT id, room_id, timestamp, message FROM follower_inbox WHERE id > $1 ORDER BY id LIMIT $2",
    [after.toString(), limit],
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
    if (subscriptions.has(item.roomId)) {
      items.push(item);
      continue;
    }
    let refs: Uint8Array[] | undefined;
    try {
      refs = welcomeRefs(item.message);
    } catch {
      // Queued messages were decoded when they arrived; one that no longer decodes is skipped.
      refs = undefined;
    }
    if (refs === undefined || refs.length === 0) continue;
    const mine = await db.query(
      "SELECT 1 FROM key_packages WHERE client_uri = $1 AND ref = ANY($2::bytea[]) LIMIT 1",
      [clientUri, refs],
    );
    if (mine.length === 0) continue;
    // A Welcome delivered to the client subscribes it to the room (the contract's rule).
    await subscribe(db, clientUri, item.roomId, now);
    subscriptions.add(item.roomId);
    items.push(item);
  }
  return { items, last };
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
