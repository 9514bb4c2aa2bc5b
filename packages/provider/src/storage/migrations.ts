/**
 * The storage schema, as ordered migrations. `migrate` applies the missing ones in one transaction
 * under an advisory lock, so several server processes starting against one PostgreSQL apply each
 * migration once.
 */
import type { Database } from "./database.js";

/** One schema migration. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: readonly string[];
}

/** Every migration, in order. Never edit a released one; add a new one. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "rooms, the hub's ordered event log, and /notify de-duplication",
    sql: [
      `CREATE TABLE rooms (
         room_id    text PRIMARY KEY,
         epoch      bigint NOT NULL DEFAULT 0 CHECK (epoch >= 0),
         last_seq   bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
         created_at bigint NOT NULL
       )`,
      `CREATE TABLE room_events (
         room_id     text   NOT NULL REFERENCES rooms (room_id),
         seq         bigint NOT NULL CHECK (seq > 0),
         epoch       bigint NOT NULL,
         kind        text   NOT NULL,
         accepted_at bigint NOT NULL,
         body        bytea  NOT NULL,
         PRIMARY KEY (room_id, seq)
       )`,
      `CREATE TABLE notify_received (
         peer_domain text   NOT NULL,
         body_hash   bytea  NOT NULL,
         received_at bigint NOT NULL,
         PRIMARY KEY (peer_domain, body_hash)
       )`,
    ],
  },
  {
    version: 2,
    name: "follower inbox and consent",
    sql: [
      `CREATE TABLE follower_inbox (
         id          bigserial PRIMARY KEY,
         room_id     text   NOT NULL,
         hub_domain  text   NOT NULL,
         timestamp   bigint NOT NULL,
         received_at bigint NOT NULL,
         message     bytea  NOT NULL
       )`,
      "CREATE INDEX follower_inbox_room ON follower_inbox (room_id, id)",
      `CREATE TABLE consent (
         direction     text   NOT NULL CHECK (direction IN ('received_request', 'received_decision')),
         requester_uri text   NOT NULL,
         target_uri    text   NOT NULL,
         room_id       text   NOT NULL,
         operation     text   NOT NULL,
         peer_domain   text   NOT NULL,
         updated_at    bigint NOT NULL,
         entry         bytea  NOT NULL,
         PRIMARY KEY (direction, requester_uri, target_uri, room_id)
       )`,
    ],
  },
  {
    version: 3,
    name: "hub fanout cursors",
    sql: [
      `CREATE TABLE fanout_cursor (
         room_id       text   NOT NULL REFERENCES rooms (room_id),
         peer_domain   text   NOT NULL,
         delivered_seq bigint NOT NULL DEFAULT 0,
         PRIMARY KEY (room_id, peer_domain)
       )`,
    ],
  },
  {
    version: 4,
    name: "hub: KeyPackages, blobs, hosted rooms, hub keys, abuse reports",
    sql: [
      `CREATE TABLE key_packages (
         ref          bytea   PRIMARY KEY,
         client_uri   text    NOT NULL,
         user_uri     text    NOT NULL,
         cipher_suite integer NOT NULL,
         last_resort  boolean NOT NULL,
         not_after    numeric NOT NULL,
         uploaded_at  bigint  NOT NULL,
         claimed_at   bigint,
         key_package  bytea   NOT NULL
       )`,
      "CREATE INDEX key_packages_user ON key_packages (user_uri, client_uri)",
      `CREATE TABLE blobs (
         id         text   PRIMARY KEY,
         domain     text   NOT NULL,
         created_at bigint NOT NULL,
         bytes      bytea  NOT NULL
       )`,
      `CREATE TABLE hub_rooms (
         room_id              text    PRIMARY KEY REFERENCES rooms (room_id),
         creator_client       text    NOT NULL,
         cipher_suite         integer NOT NULL,
         created_at           bigint  NOT NULL,
         initial_group_info   bytea   NOT NULL,
         initial_ratchet_tree bytea   NOT NULL,
         info_epoch           bigint  NOT NULL,
         group_info           bytea   NOT NULL,
         ratchet_tree         bytea   NOT NULL
       )`,
      `CREATE TABLE hub_keys (
         name       text   PRIMARY KEY,
         created_at bigint NOT NULL,
         value      bytea  NOT NULL
       )`,
      `CREATE TABLE abuse_reports (
         id          bigserial PRIMARY KEY,
         room_id     text   NOT NULL,
         peer_domain text   NOT NULL,
         received_at bigint NOT NULL,
         report      bytea  NOT NULL
       )`,
    ],
  },
  {
    version: 5,
    name: "client API: room subscriptions of a provider's own clients",
    sql: [
      `CREATE TABLE client_subscriptions (
         client_uri text   NOT NULL,
         room_id    text   NOT NULL,
         created_at bigint NOT NULL,
         PRIMARY KEY (client_uri, room_id)
       )`,
    ],
  },
  {
    version: 6,
    name: "hub: fanout recipients per event and per room",
    sql: [
      `CREATE TABLE hub_event_targets (
         room_id text   NOT NULL,
         seq     bigint NOT NULL,
         domains text[] NOT NULL,
         PRIMARY KEY (room_id, seq)
       )`,
      `CREATE TABLE hub_room_peers (
         room_id text NOT NULL,
         domain  text NOT NULL,
         PRIMARY KEY (room_id, domain)
       )`,
    ],
  },
  {
    version: 7,
    name: "follower inbox: each fanned-out message queued once, however a hub regroups its retries",
    sql: [
      "ALTER TABLE follower_inbox ADD COLUMN message_hash bytea",
      "UPDATE follower_inbox SET message_hash = sha256(message)",
      `DELETE FROM follower_inbox f USING follower_inbox g
         WHERE f.hub_domain = g.hub_domain AND f.room_id = g.room_id
           AND f.message_hash = g.message_hash AND f.id > g.id`,
      "ALTER TABLE follower_inbox ALTER COLUMN message_hash SET NOT NULL",
      "CREATE UNIQUE INDEX follower_inbox_once ON follower_inbox (hub_domain, room_id, message_hash)",
    ],
  },
  {
    version: 8,
    name: "hub: snapshots of rooms' hub views, so a restart replays only the log after them",
    sql: [
      `CREATE TABLE hub_view_snapshots (
         room_id    text   PRIMARY KEY,
         seq        bigint NOT NULL,
         epoch      bigint NOT NULL,
         created_at bigint NOT NULL,
         snapshot   bytea  NOT NULL
       )`,
    ],
  },
  {
    version: 10,
    name: "hub: joining codes and the external joins they authorize (decision 0661)",
    sql: [
      `CREATE TABLE hub_join_codes (
         room_id    text    NOT NULL,
         code_hash  bytea   NOT NULL,
         role_index integer NOT NULL CHECK (role_index > 0),
         created_by text    NOT NULL,
         created_at bigint  NOT NULL,
         expires_at bigint  NOT NULL,
         uses_left  integer NOT NULL CHECK (uses_left >= 0),
         PRIMARY KEY (room_id, code_hash)
       )`,
      `CREATE TABLE hub_join_grants (
         room_id       text   NOT NULL,
         signature_key bytea  NOT NULL,
         client_uri    text   NOT NULL,
         code_hash     bytea  NOT NULL,
         expires_at    bigint NOT NULL,
         PRIMARY KEY (room_id, signature_key)
       )`,
    ],
  },
  {
    version: 11,
    name: "client API: one-time enrollment codes (decision 0811)",
    sql: [
      `CREATE TABLE client_enrollment_codes (
         code_hash  bytea  PRIMARY KEY,
         user_uri   text   NOT NULL,
         created_at bigint NOT NULL,
         expires_at bigint NOT NULL,
         used_at    bigint,
         used_by    text
       )`,
    ],
  },
  {
    version: 12,
    name: "client API: the subscribers of a room (the inbox reader's lookup, decision 0683)",
    sql: ["CREATE INDEX client_subscriptions_room ON client_subscriptions (room_id, client_uri)"],
  },
];

/** The advisory lock key that serializes migrations ("mimi" in ASCII). */
const MIGRATION_LOCK = 0x6d696d69;

/** Where a set of migrations keeps its bookkeeping. */
export interface MigrationTrack {
  /** The table listing the applied versions (a SQL identifier the caller controls). */
  readonly table: string;
  /** The advisory lock key that serializes runs of this track. */
  readonly lock: number;
}

/**
 * Apply the migrations of `list` missing from `track`'s table in one transaction under its
 * advisory lock, so that several processes starting against one PostgreSQL apply each once.
 * Returns the versions applied by this call. Other packages keep their own tables on the same
 * database this way.
 *
 * @throws the engine's error when a migration fails (nothing of it is kept).
 */
export async function runMigrations(
  db: Database,
  list: readonly Migration[],
  track: MigrationTrack,
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [track.lock]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${track.table} (
         version    integer PRIMARY KEY,
         name       text    NOT NULL,
         applied_at bigint  NOT NULL
       )`,
    );
    const done = new Set(
      (await tx.query<{ version: unknown }>(`SELECT version FROM ${track.table}`)).map((r) =>
        Number(r.version),
      ),
    );
    const applied: number[] = [];
    for (const m of list) {
      if (done.has(m.version)) continue;
      for (const statement of m.sql) await tx.query(statement);
      await tx.query(`INSERT INTO ${track.table} (version, name, applied_at) VALUES ($1, $2, $3)`, [
        m.version,
        m.name,
        Date.now(),
      ]);
      applied.push(m.version);
    }
    return applied;
  });
}

/**
 * Bring the transport's schema up to date. Returns the versions applied by this call.
 *
 * @throws the engine's error when a migration fails (nothing of it is kept).
 */
export async function migrate(db: Database): Promise<number[]> {
  return runMigrations(db, migrations, { table: "schema_migrations", lock: MIGRATION_LOCK });
}

/** The schema version of a database (0 when nothing is applied). */
export async function schemaVersion(db: Database): Promise<number> {
  const exists = await db.query<{ t: unknown }>("SELECT to_regclass('schema_migrations') AS t");
  if (exists[0]?.t === null || exists[0]?.t === undefined) return 0;
  const rows = await db.query<{ v: unknown }>("SELECT coalesce(max(version), 0) AS v FROM schema_migrations");
  return Number(rows[0]?.v ?? 0);
}
