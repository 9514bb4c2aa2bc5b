/**
 * PostgreSQL for tests: `MIMI_TEST_POSTGRES_URL` names a server (the test run's global setup starts
 * one with `tools/postgres.sh` unless it is set); each call makes a fresh schema on it so test files never share tables.
 */
import { randomBytes } from "node:crypto";
import { openDatabase } from "../../src/storage/database.js";

/** The test server's URL, if configured. */
export const postgresUrl: string | undefined = process.env["MIMI_TEST_POSTGRES_URL"] || undefined;

/**
 * Create a fresh schema on the test server and return a URL whose connections use it (through
 * `options=-c search_path=…`), and a drop function. Cheaper than a database per test file.
 */
export async function freshPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (postgresUrl === undefined) throw new Error("MIMI_TEST_POSTGRES_URL is not set");
  const name = `mimi_test_${randomBytes(6).toString("hex")}`;
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
