/**
 * A {@link DirectoryStore} on the transport's database (PGlite or PostgreSQL; decision 0709). Each
 * store call is one SQL statement (a `putUser` one transaction), so the identifier query's equal
 * sequence of store calls for a hit and a miss is an equal sequence of statements.
 */

import {
  type DirectoryHandleScheme,
  type DirectoryMatch,
  type DirectoryStore,
  type Discoverability,
  directoryHandleSchemes,
  discoverabilities,
  type HandleEntry,
  type UserRecord,
} from "@mimi/discovery";
import type { MimiUri, UserUri } from "@mimi/identifiers";
import { InternalError } from "@mimi/wire";
import type { Database } from "../storage/database.js";

interface HandleRow {
  readonly handle_uri: string;
  readonly scheme: string;
  readonly issuer: string | null;
  readonly search_keys: string;
  readonly discoverability: string;
  readonly tags: string;
}

function stringArray(text: string, what: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
    throw new InternalError(`stored ${what} is not a JSON array of strings`);
  return value;
}

/** A stored handle row as a {@link HandleEntry}. @throws InternalError for a corrupt row. */
function entryOf(row: HandleRow): HandleEntry {
  if (!(row.scheme in directoryHandleSchemes) || !(row.discoverability in discoverabilities))
    throw new InternalError(`stored handle ${row.handle_uri} has an unknown scheme or discoverability`);
  return {
    handle: {
      uri: row.handle_uri,
      scheme: row.scheme as DirectoryHandleScheme,
      issuer: row.issuer ?? undefined,
      keys: stringArray(row.search_keys, "search keys"),
    },
    discoverability: row.discoverability as Discoverability,
    tags: stringArray(row.tags, "tags"),
  };
}

/** A directory persisted in the `discovery_*` tables (run `migrateDiscovery` first). */
export class SqlDirectoryStore implements DirectoryStore {
  readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  async getUser(user: UserUri): Promise<UserRecord | undefined> {
    // One statement (one snapshot) whether or not the user exists.
    const rows = await this.db.query<{ reveal: string; handles: string; contacts: string }>(
      `SELECT u.reveal,
              (SELECT coalesce(json_agg(json_build_object(
                        'handle_uri', h.handle_uri, 'scheme', h.scheme, 'issuer', h.issuer,
                        'search_keys', h.search_keys, 'discoverability', h.discoverability, 'tags', h.tags)
                        ORDER BY h.position)::text, '[]')
                 FROM discovery_handles h WHERE h.user_uri = u.user_uri) AS handles,
              (SELECT coalesce(json_agg(c.contact_uri ORDER BY c.position)::text, '[]')
                 FROM discovery_contacts c WHERE c.user_uri = u.user_uri) AS contacts
         FROM discovery_users u WHERE u.user_uri = $1`,
      [user],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    let handles: unknown;
    try {
      handles = JSON.parse(row.handles);
    } catch {
      handles = undefined;
    }
    if (!Array.isArray(handles)) throw new InternalError(`stored handles of ${user} are corrupt`);
    return {
      user,
      handles: handles.map((h) => entryOf(h as HandleRow)),
      reveal: stringArray(row.reveal, "reveal list") as MimiUri[],
      contacts: stringArray(row.contacts, "contacts") as UserUri[],
    };
  }

  async putUser(record: UserRecord): Promise<void> {
    await this.db.transaction(async (tx) => {
      // The upsert locks the user's row, so concurrent puts of one user are serialized.
      await tx.query(
        `INSERT INTO discovery_users (user_uri, reveal, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_uri) DO UPDATE SET reveal = EXCLUDED.reveal, updated_at = EXCLUDED.updated_at`,
        [record.user, JSON.stringify(record.reveal), Date.now()],
      );
      await tx.query("DELETE FROM discovery_handles WHERE user_uri = $1", [record.user]);
      await tx.query("DELETE FROM discovery_contacts WHERE user_uri = $1", [record.user]);
      for (const [position, entry] of record.handles.entries()) {
        const h = entry.handle;
        await tx.query(
          `INSERT INTO discovery_handles
             (user_uri, position, handle_uri, scheme, issuer, search_keys, discoverability, tags)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            record.user,
            position,
            h.uri,
            h.scheme,
            h.issuer ?? null,
            JSON.stringify(h.keys),
            entry.discoverability,
            JSON.stringify(entry.tags),
          ],
        );
        for (const key of new Set(h.keys)) {
          await tx.query(
            "INSERT INTO discovery_handle_keys (search_key, user_uri, position) VALUES ($1, $2, $3)",
            [key, record.user, position],
          );
        }
      }
      for (const [position, contact] of record.contacts.entries()) {
        await tx.query(
          `INSERT INTO discovery_contacts (user_uri, position, contact_uri) VALUES ($1, $2, $3)
           ON CONFLICT (user_uri, contact_uri) DO NOTHING`,
          [record.user, position, contact],
        );
      }
    });
  }

  async deleteUser(user: UserUri): Promise<void> {
    await this.db.query("DELETE FROM discovery_users WHERE user_uri = $1", [user]);
  }

  async lookup(key: string, limit: number): Promise<readonly DirectoryMatch[]> {
    const rows = await this.db.query<HandleRow & { user_uri: string }>(
      `SELECT h.user_uri, h.handle_uri, h.scheme, h.issuer, h.search_keys, h.discoverability, h.tags
         FROM discovery_handle_keys k
         JOIN discovery_handles h ON h.user_uri = k.user_uri AND h.position = k.position
        WHERE k.search_key = $1
        ORDER BY k.user_uri, k.position
        LIMIT $2`,
      [key, limit],
    );
    return rows.map((row) => ({ user: row.user_uri as UserUri, entry: entryOf(row) }));
  }

  async isContact(user: UserUri, candidate: UserUri): Promise<boolean> {
    const rows = await this.db.query<{ found: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM discovery_contacts WHERE user_uri = $1 AND contact_uri = $2) AS found",
      [user, candidate],
    );
    return rows[0]?.found === true;
  }
}
