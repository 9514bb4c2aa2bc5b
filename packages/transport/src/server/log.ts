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
