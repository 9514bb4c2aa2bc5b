/**
 * The store back-ends every store test runs against: memory, PGlite (`memory://`) and PostgreSQL
 * (`MIMI_TEST_POSTGRES_URL`, set by the test run's global setup; a fresh schema per call).
 */

import {
  type ConsentStore,
  type DirectoryStore,
  MemoryConsentStore,
  MemoryDirectoryStore,
} from "@mimi/discovery";
import {
  type Database,
  migrateDiscovery,
  openDatabase,
  SqlConsentStore,
  SqlDirectoryStore,
} from "../src/index.js";
import { freshPostgresDatabase as freshPostgres } from "./support/index.js";

export { freshPostgres };

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
