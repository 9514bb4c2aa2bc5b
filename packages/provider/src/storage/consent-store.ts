/**
 * Consent state of a provider (protocol-06 §5.7): requests received for our users, and
 * grant/revoke decisions received for requests our users made. Keyed by `ConsentScope`
 * (requester, target, room; no room = the empty string).
 */
import type { SqlExecutor } from "./database.js";

/** Which side recorded the entry. */
export type ConsentDirection = "received_request" | "received_decision";

/** A recorded consent entry. */
export interface ConsentRecord {
  readonly operation: string;
  readonly peerDomain: string;
  readonly updatedAt: number;
}

/** The storage key of a ConsentScope. */
export interface ConsentKey {
  readonly requesterUri: string;
  readonly targetUri: string;
  readonly roomId?: string;
}

/** Insert or replace the entry for a scope. */
export async function putConsent(
  db: SqlExecutor,
  direction: ConsentDirection,
  key: ConsentKey,
  operation: string,
  peerDomain: string,
  entry: Uint8Array,
  now: number,
): Promise<void> {
  await db.query(
    `INSERT INTO consent (direction, requester_uri, target_uri, room_id, operation, peer_domain, updated_at, entry)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (direction, requester_uri, target_uri, room_id)
     DO UPDATE SET operation = EXCLUDED.operation, peer_domain = EXCLUDED.peer_domain,
                   updated_at = EXCLUDED.updated_at, entry = EXCLUDED.entry`,
    [direction, key.requesterUri, key.targetUri, key.roomId ?? "", operation, peerDomain, now, entry],
  );
}

/** Delete the entry of exactly this scope; returns whether one existed. */
export async function deleteConsent(
  db: SqlExecutor,
  direction: ConsentDirection,
  key: ConsentKey,
): Promise<boolean> {
  const rows = await db.query(
    "DELETE FROM consent WHERE direction = $1 AND requester_uri = $2 AND target_uri = $3 AND room_id = $4 RETURNING 1",
    [direction, key.requesterUri, key.targetUri, key.roomId ?? ""],
  );
  return rows.length > 0;
}

/** The entry of exactly this scope, if any. */
export async function getConsent(
  db: SqlExecutor,
  direction: ConsentDirection,
  key: ConsentKey,
): Promise<ConsentRecord | undefined> {
  const rows = await db.query<{ operation: string; peer_domain: string; updated_at: unknown }>(
    `SELECT operation, peer_domain, updated_at FROM consent
      WHERE direction = $1 AND requester_uri = $2 AND target_uri = $3 AND room_id = $4`,
    [direction, key.requesterUri, key.targetUri, key.roomId ?? ""],
  );
  const r = rows[0];
  return r === undefined
    ? undefined
    : { operation: r.operation, peerDomain: r.peer_domain, updatedAt: Number(r.updated_at) };
}
