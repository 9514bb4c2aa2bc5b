/**
 * vitest global setup: a throw-away PostgreSQL server for the tests that need a real one.
 *
 * When `MIMI_TEST_POSTGRES_URL` is not set, it runs `tools/postgres.sh start` (which installs
 * PostgreSQL from Debian packages when it is missing, then starts a server on 127.0.0.1 at a free
 * port in a temporary folder), exports the URL to the test workers and stops the server at the end.
 * If no server can be had, the URL stays unset and the PostgreSQL suites fail with the reason.
 * Set `MIMI_TEST_POSTGRES_URL` to use a server of your own.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "tools", "postgres.sh");

/** Start the server (unless one is configured) and return the teardown. */
export default function setup(): () => void {
  if (process.env["MIMI_TEST_POSTGRES_URL"]) return () => {};
  const dir = mkdtempSync(join(tmpdir(), "mimi-pg-"));
  try {
    const url = execFileSync("bash", [script, "start", dir], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
    process.env["MIMI_TEST_POSTGRES_URL"] = url;
  } catch (e) {
    // the script's last words say why (its log ends its error output)
    const said = String((e as { stderr?: unknown }).stderr ?? "")
      .trim()
      .split("\n")
      .slice(-5)
      .join(" | ");
    process.env["MIMI_TEST_POSTGRES_ERROR"] =
      `could not start PostgreSQL: ${(e as Error).message.split("\n")[0]}${said === "" ? "" : ` (${said})`}`;
    rmSync(dir, { recursive: true, force: true });
    return () => {};
  }
  return () => {
    try {
      execFileSync("bash", [script, "stop", dir], { stdio: "ignore" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
