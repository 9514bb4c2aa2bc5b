/**
 * A {@link ConsentStore} on the transport's database (PGlite or PostgreSQL; decision 0709), in the
 * `discovery_consent` table. An update runs in one transaction holding an advisory lock on the
 * scope, so two providers' messages about one scope never both act on the same old state.
 */

import {
  type ConsentRecord,
  type ConsentScope,
  type ConsentState,
  type ConsentStore,
  canonicalConsentScope,
  consentScopeKey,
  consentStates,
} from "@mimi/discovery";
import { InternalError } from "@mimi/wire";
import type { Database } from "../storage/database.js";
import { DISCOVERY_LOCK } from "./migrations.js";

interface ConsentRow {
  readonly state: string;
  readonly updated_at: unknown;
}

function recordOf(scope: ConsentScope, row: ConsentRow | undefined): ConsentRecord | undefined {
  if (row === undefined) return undefined;
  if (!(row.state in consentStates)) throw new InternalError(`stored consent state ${row.state} is unknown`);
  return { scope, state: row.state as ConsentState, updatedAt: Number(row.updated_at) };
}

const SELECT =
  "SELECT state, updated_at FROM discovery_consent WHERE requester_uri = $1 AND target_uri = $2 AND room_id = $3";

/** Consent records persisted in `discovery_consent` (run `migrateDiscovery` first). */
export class SqlConsentStore implements ConsentStore {
  readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async get(scope: ConsentScope): Promise<ConsentRecord | undefined> {
    const c = canonicalConsentScope(scope);
    const rows = await this.db.query<ConsentRow>(SELECT, [c.requesterUri, c.targetUri, c.roomId ?? ""]);
    return recordOf(c, rows[0]);
  }

  async update(
    scope: ConsentScope,
    fn: (current: ConsentRecord | undefined) => ConsentRecord | undefined,
  ): Promise<void> {
    const c = canonicalConsentScope(scope);
    const params = [c.requesterUri, c.targetUri, c.roomId ?? ""];
    await this.db.transaction(async (tx) => {
      // A row that does not exist yet cannot be locked FOR UPDATE: lock the scope's key instead.
      await tx.query("SELECT pg_advisory_xact_lock($1::int4, hashtext($2))", [
        DISCOVERY_LOCK,
        consentScopeKey(c),
      ]);
      const next = fn(recordOf(c, (await tx.query<ConsentRow>(SELECT, params))[0]));
      if (next === undefined) return;
      if (consentScopeKey(next.scope) !== consentScopeKey(c))
        throw new InternalError("a consent update must keep its scope");
      await tx.query(
        `INSERT INTO discovery_consent (requester_uri, target_uri, room_id, state, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (requester_uri, target_uri, room_id)
         DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
        [...params, next.state, next.updatedAt],
      );
    });
  }
}
