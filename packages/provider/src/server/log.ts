/** A structured log line (one JSON object per line). */
export interface LogRecord {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** Where log lines go. */
export type LogSink = (record: LogRecord & { readonly ts: string }) => void;

/** The default sink: one JSON line per record on stdout. */
export const jsonLinesToStdout: LogSink = (record) => {
  process.stdout.write(`${JSON.stringify(record, (_, v) => (typeof v === "bigint" ? v.toString() : v))}\n`);
};

/** A logger writing timestamped records to `sink`. */
export function makeLogger(sink: LogSink): (record: LogRecord) => void {
  return (record) => sink({ ts: new Date().toISOString(), ...record });
}

/** The levels of {@link LogRecord}, least severe first. */
export const logLevels: readonly LogRecord["level"][] = ["debug", "info", "warn", "error"];

/** `sink`, passing on only records at `level` or more severe (e.g. "info" drops per-request "debug" lines). */
export function atLeast(level: LogRecord["level"], sink: LogSink): LogSink {
  const min = logLevels.indexOf(level);
  return (record) => {
    if (logLevels.indexOf(record.level) >= min) sink(record);
  };
}

/**
 * The fields an error adds to a log record: `error` (its name and message) and, for an `Error`,
 * its `stack`, so that an operator can find where it came from.
 */
export function errorFields(e: unknown): { readonly error: string; readonly stack?: string } {
  if (e instanceof Error && e.stack !== undefined) return { error: String(e), stack: e.stack };
  return { error: String(e) };
}
