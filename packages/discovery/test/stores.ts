/**
 * The store back-ends every store test runs against: memory, PGlite (`memory://`) and PostgreSQL
 * (`MIMI_TEST_POSTGRES_URL`, set by the test run's global setup; a fresh schema per call).
 */
import { randomBytes } from "node:crypto";
import { type Database, openDatabase } from "@mimi/transport";
import {
  type ConsentStore,
  type DirectoryStore,
  MemoryConsentStore,
  MemoryDirectoryStore,
  migrateDiscovery,
  SqlConsentStore,
  SqlDirectoryStore,
} from "../src/index.js";

/** The PostgreSQL server of the test run, if any. */
export const postgresUrl: string | undefined = process.env["MIMI_TEST_POSTGRES_URL"] || undefined;

/** A fresh schema on the test server: a URL whose connections use it, and its drop. */
export async function freshPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (postgresUrl === undefined) throw new Error("MIMI_TEST_POSTGRES_URL is not set");
  const name = `mimi_disc_${randomBytes(6).toString("hex")}`;
  const admin = await openDatabase(postgresUrl, { poolSize: 1 });
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.close();
  const url = new URL(postgresUrl);
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    url: url.toString(),
    drop: async () => {
      const a = await openDatabase(postgresUrl, { poolSize: 1 });
      await a.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await a.close();
    },
  };
}

/** Both stores of one back-end, and how to dispose of them. */
export interface Stores {
  readonly directory: DirectoryStore;
  readonly consent: ConsentStore;
  readonly db?: Database;
  done(): Promise<void>;
}

/** The back-ends by name; PostgreSQL only when the test run has a server. */
export const backends: readonly (readonly [string, () => Promise<Stores>])[] = [
  [
    "memory",
    async () => ({
      directory: new MemoryDirectoryStore(),
      consent: new MemoryConsentStore(),
      done: async () => {},
    }),
  ],
  [
    "PGlite (memory://)",
    async () => {
      const db = await openDatabase("memory://");
      await migrateDiscovery(db);
      return {
        directory: new SqlDirectoryStore(db),
        consent: new SqlConsentStore(db),
        db,
        done: () => db.close(),
      };
    },
  ],
  [
    "PostgreSQL",
    async () => {
      const fresh = await freshPostgres();
      const db = await openDatabase(fresh.url);
      await migrateDiscovery(db);
      return {
        directory: new SqlDirectoryStore(db),
        consent: new SqlConsentStore(db),
        db,
        done: async () => {
          await db.close();
          await fresh.drop();
        },
      };
    },
  ],
];
