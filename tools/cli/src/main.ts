#!/usr/bin/env -S tsx --conditions=@mimi/source
/**
 * `mimi`: the project's command line (`pnpm mimi <command> ...` from the repository root).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXIT, type Io, reportError } from "./command.js";
import { commands } from "./command-list.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");

function helpText(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    "usage: mimi <command> [arguments]",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
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
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(helpText());
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
  const entry = commands.find((c) => c.name === name);
  if (entry === undefined) {
    io.stderr(`error: UsageError: unknown command ${JSON.stringify(name)} at argv[0]\n\n${helpText()}`);
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

const isEntryPoint = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntryPoint) {
  const io: Io = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdin: readStdin,
    isTTY: process.stderr.isTTY === true,
    root,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = reportError(e, io);
    },
  );
}
