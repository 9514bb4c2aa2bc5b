/**
 * The contract every `mimi` subcommand follows.
 *
 * Exit codes: 0 success; 1 invalid input or a failed check (the error is printed as
 * `error: <ErrorName>: <what> at <where>` on stderr); 2 usage error. Results go to stdout as JSON
 * (or a table where a person is the reader); progress goes to stderr, and only on a TTY.
 */
import { readFileSync } from "node:fs";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { fromHex, InternalError, MimiError } from "@mimi/wire";

/** Where a command writes. Tests pass their own to capture output. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Read all of standard input. */
  readonly stdin: () => Promise<Uint8Array>;
  /** True when stderr is a terminal (progress lines are shown only then). */
  readonly isTTY: boolean;
  /** The repository root (commands that read or write project files resolve against it). */
  readonly root: string;
}

/** A subcommand: `mimi <name> ...`. */
export interface Command {
  readonly name: string;
  /** One line for `mimi --help`. */
  readonly summary: string;
  /** The full usage text for `mimi <name> --help`. */
  readonly usage: string;
  run(args: readonly string[], io: Io): Promise<number>;
}

/** Wrong arguments: printed with the usage text, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * The exit codes: 1 for invalid input or a failed check, 2 for a usage error, 70 (sysexits'
 * EX_SOFTWARE) for an internal error, a bug of ours, so that scripts can tell it from a verdict.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;

/** `node:util.parseArgs`, strict, with its errors turned into {@link UsageError}. */
export function parseOptions<T extends ParseArgsConfig["options"]>(
  args: readonly string[],
  options: T,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: [...args], options: options ?? {}, strict: true, allowPositionals: true });
    return {
      values: r.values as Record<string, string | boolean | string[] | undefined>,
      positionals: r.positionals,
    };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Print an error in the house format and return the exit code for it. */
export function reportError(e: unknown, io: Io, usage?: string): number {
  if (e instanceof UsageError) {
    io.stderr(`error: UsageError: ${e.message}\n`);
    if (usage !== undefined) io.stderr(`\n${usage}\n`);
    return EXIT.usage;
  }
  if (e instanceof MimiError && !(e instanceof InternalError)) {
    io.stderr(`error: ${e.describe()}\n`);
    return EXIT.failed;
  }
  // a typed error of ours outside @mimi/wire's hierarchy (spec-vectors' VectorFileError): the
  // same house line, recognised by its shape so that the published CLI need not load the vectors
  if (
    e instanceof Error &&
    !(e instanceof MimiError) &&
    typeof (e as { what?: unknown }).what === "string" &&
    typeof (e as { path?: unknown }).path === "string"
  ) {
    const { what, path } = e as Error & { what: string; path: string };
    io.stderr(`error: ${e.name}: ${what} at ${path}\n`);
    return EXIT.failed;
  }
  // A bug of ours: the house line first, then the whole stack for the report.
  const err = e instanceof Error ? e : new Error(String(e));
  const line =
    e instanceof InternalError
      ? e.describe()
      : `InternalError: ${err.message} at ${err.stack?.split("\n")[1]?.trim() ?? "?"}`;
  io.stderr(`error: ${line}\n${err.stack ?? ""}\n`);
  return EXIT.internal;
}

/**
 * Read a command's binary input from a file or stdin (`-` or none). With `hex`, the input is hex
 * text (whitespace ignored).
 */
export async function readInput(io: Io, file: string | undefined, hex: boolean): Promise<Uint8Array> {
  const raw = file === undefined || file === "-" ? await io.stdin() : new Uint8Array(readFileSync(file));
  if (!hex) return raw;
  return fromHex(new TextDecoder().decode(raw).trim(), { lenient: true });
}

/** Read a command's text input (JSON, a URI list, …) from a file or stdin. */
export async function readTextInput(io: Io, file: string | undefined): Promise<string> {
  const raw = file === undefined || file === "-" ? await io.stdin() : new Uint8Array(readFileSync(file));
  return new TextDecoder().decode(raw);
}

/** Print a JSON value on stdout. */
export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Progress line on stderr, only on a TTY. */
export function progress(io: Io, line: string): void {
  if (io.isTTY) io.stderr(`\r\x1b[2K${line}`);
}

/** End a progress line (TTY only). */
export function progressDone(io: Io): void {
  if (io.isTTY) io.stderr("\r\x1b[2K");
}

/** Resolves at the first SIGINT or SIGTERM (Ctrl-C, or a service manager stopping us). */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      done();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
