/** Run the `mimi` command line in-process and capture what it prints (shared by the CLI tests). */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Io } from "../src/command.js";
import { main } from "../src/main.js";
import { repositoryCommandSet } from "../src/repository-main.js";

/** The repository root. */
export const repoRoot: string = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** What a run printed and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `pnpm mimi <argv>` (the repository's command set) with `stdin` (bytes, or text sent as UTF-8) as standard input. */
export async function runCli(
  argv: readonly string[],
  stdin: Uint8Array | string = new Uint8Array(),
): Promise<CliRun> {
  const input = typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin;
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdin: async () => input,
    isTTY: false,
    root: repoRoot,
  };
  const code = await main(argv, io, repositoryCommandSet);
  return { code, stdout, stderr };
}
