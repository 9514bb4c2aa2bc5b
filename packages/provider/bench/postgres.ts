/**
 * The PostgreSQL server of the transport benchmark: `MIMI_BENCH_POSTGRES_URL`, else the tests'
 * `MIMI_TEST_POSTGRES_URL`, else a throw-away server started with `tools/postgres.sh` (as the test
 * run's global setup does) and stopped afterwards. Undefined when none can be had.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "tools", "postgres.sh");

/** A PostgreSQL server for the bench, and how to let go of it. */
export interface BenchPostgres {
  readonly url: string;
  /** Where the URL came from. */
  readonly source: "MIMI_BENCH_POSTGRES_URL" | "MIMI_TEST_POSTGRES_URL" | "tools/postgres.sh";
  stop(): void;
}

/** Find or start a PostgreSQL server; undefined (with the reason given to `why`) when none. */
export function benchPostgres(why?: (reason: string) => void): BenchPostgres | undefined {
  for (const name of ["MIMI_BENCH_POSTGRES_URL", "MIMI_TEST_POSTGRES_URL"] as const) {
    const url = process.env[name];
    if (url !== undefined && url !== "") return { url, source: name, stop: () => {} };
  }
  const dir = mkdtempSync(join(tmpdir(), "mimi-bench-pg-"));
  try {
    const url = execFileSync("bash", [script, "start", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    })
      .trim()
      .split("\n")
      .at(-1)!;
    return {
      url,
      source: "tools/postgres.sh",
      stop() {
        try {
          execFileSync("bash", [script, "stop", dir], { stdio: "ignore" });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    why?.(`no PostgreSQL server: ${(e as Error).message.split("\n")[0]}`);
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}
