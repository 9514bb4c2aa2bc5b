/**
 * The discovery schema on the provider's database (decision 0709): discovery owns its tables
 * (`discovery_*`) and its own migration bookkeeping (`discovery_schema_migrations`), applied in one
 * transaction under its own advisory lock by the provider's `runMigrations`, so it never touches the provider's own migrations and
 * several processes starting against one PostgreSQL apply each migration once.
 */
import type { Database } from "../storage/database.js";
import { type Migration, runMigrations } from "../storage/migrations.js";

/** One discovery schema migration (the provider's migration shape). */
export type DiscoveryMigration = Migration;

/** Every discovery migration, in order. Never edit a released one; add a new one. */
export const discoveryMigrations: readonly DiscoveryMigration[] = [
  {
    version: 1,
    name: "directory (users, handles, search keys, contacts) and consent",
    sql: [
      `CREATE TABLE discovery_users (
         user_uri   text   PRIMARY KEY,
         reveal     text   NOT NULL,
         updated_at bigint NOT NULL
       )`,
      `CREATE TABLE discovery_handles (
         user_uri        text    NOT NULL REFERENCES discovery_users (user_uri) ON DELETE CASCADE,
         position        integer NOT NULL CHECK (position >= 0),
         handle_uri      text    NOT NULL,
         scheme          text    NOT NULL,
         issuer          text,
         search_keys     text    NOT NULL,
         discoverability text    NOT NULL CHECK (discoverability IN ('anyone', 'contacts', 'nobody')),
         tags            text    NOT NULL,
         PRIMARY KEY (user_uri, position)
       )`,
      `CREATE TABLE discovery_handle_keys (
         search_key text    NOT NULL,
         user_uri   text    NOT NULL,
         position   integer NOT NULL,
         PRIMARY KEY (search_key, user_uri, position),
         FOREIGN KEY (user_uri, position) REFERENCES discovery_handles (user_uri, position) ON DELETE CASCADE
       )`,
      `CREATE TABLE discovery_contacts (
         user_uri    text    NOT NULL REFERENCES discovery_users (user_uri) ON DELETE CASCADE,
         position    integer NOT NULL,
         contact_uri text    NOT NULL,
         PRIMARY KEY (user_uri, contact_uri)
       )`,
      `CREATE TABLE discovery_consent (
         requester_uri text   NOT NULL,
         target_uri    text   NOT NULL,
         room_id       text   NOT NULL,
         state         text   NOT NULL CHECK (state IN ('none', 'requested', 'granted', 'revoked')),
         updated_at    bigint NOT NULL,
         PRIMARY KEY (requester_uri, target_uri, room_id)
       )`,
    ],
  },
];

/** The advisory lock key of discovery's migrations ("disc" in ASCII; the provider's is "mimi"). */
export const DISCOVERY_LOCK = 0x64697363;

/**
 * Brings the discovery schema up to date. Returns the versions applied by this call.
 *
 * @throws the engine's error when a migration fails (nothing of it is kept).
 */
export async function migrateDiscovery(db: Database): Promise<number[]> {
  return runMigrations(db, discoveryMigrations, {
    table: "discovery_schema_migrations",
    lock: DISCOVERY_LOCK,
  });
}
