#!/usr/bin/env node
/**
 * `mimi`: the project's command line. This module is the published program (the `mimi` bin of
 * `@mimi/cli`, with the commands of `command-list.ts`); `pnpm mimi` in the source repository runs
 * `repository-main.ts`, which adds the repository's own commands.
 */
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT, type Io, reportError } from "./command.js";
import { type CommandEntry, commands as publishedCommands, repositoryOnly } from "./command-list.js";

const here = dirname(fileURLToPath(import.meta.url));

/** The commands a program offers, and those it names as being in the source repository only. */
export interface CommandSet {
  readonly commands: readonly CommandEntry[];
  readonly elsewhere: readonly string[];
}

/** The published program's commands. */
const published: CommandSet = { commands: publishedCommands, elsewhere: repositoryOnly };

function helpText(set: CommandSet): string {
  const { commands } = set;
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    "usage: mimi <command> [arguments]",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    ...(set.elsewhere.length === 0
      ? []
      : ["", `in the project's source repository only (pnpm mimi): ${set.elsewhere.join(", ")}`]),
    "",
    "Run `mimi <command> --help` for a command's usage; `mimi --version` prints the version.",
    "Exit codes: 0 ok, 1 invalid input or failed check, 2 usage error, 70 internal error (a bug:",
    "the stack follows). Errors print as `error: <ErrorName>: <what> at <where>`.",
    "",
  ].join("\n");
}

/** The version of the `@mimi/cli` package. */
function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8")) as { version: string };
  return manifest.version;
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Run the command line with `argv` (without node and script) and return the exit code. */
export async function main(argv: readonly string[], io: Io, set: CommandSet = published): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(helpText(set));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    if (rest.length > 0) {
      io.stderr(`error: UsageError: --version takes no arguments at argv[1]\n`);
      return EXIT.usage;
    }
    io.stdout(`${cliVersion()}\n`);
    return EXIT.ok;
  }
  const entry = set.commands.find((c) => c.name === name);
  if (entry === undefined && set.elsewhere.includes(name)) {
    io.stderr(
      `error: UsageError: "mimi ${name}" runs the project's test and benchmark code, which is not ` +
        `published: run it from the source repository as "pnpm mimi ${name}" at argv[0]\n`,
    );
    return EXIT.usage;
  }
  if (entry === undefined) {
    io.stderr(`error: UsageError: unknown command ${JSON.stringify(name)} at argv[0]\n\n${helpText(set)}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    return reportError(e, io, command.usage);
  }
}

/**
 * Run `set` as this process's program: arguments from `process.argv`, relative paths resolved
 * against `root`, the exit code set when it finishes.
 */
export function runProgram(set: CommandSet, root: string): void {
  const io: Io = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdin: readStdin,
    isTTY: process.stderr.isTTY === true,
    root,
  };
  main(process.argv.slice(2), io, set).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = reportError(e, io);
    },
  );
}

/** Whether `moduleUrl` is the script node was started with (through a bin link or not). */
export function isMainModule(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

// the published `mimi`: paths relative to where it runs
if (isMainModule(import.meta.url)) runProgram(published, process.cwd());
