/**
 * One item of a client's inbox stream (the provider's client API, `docs/client-api.md`): a line
 * of `application/x-ndjson`,
 * `{"n":"12","roomId":"mimi://…","timestamp":"…","message":"<hex FanoutMessage>"}`.
 */
import { CodecError, fromHex } from "@mimi/wire";

/** An inbox item as the SDK uses it. */
export interface InboxItem {
  /** The item's position in the client's queue (resume the stream with `after=n`). */
  readonly n: bigint;
  /** The room the message belongs to. */
  readonly roomId: string;
  /** When the provider queued the item (milliseconds since the UNIX epoch). */
  readonly timestamp: number;
  /** The encoded FanoutMessage (draft-ietf-mimi-protocol-06 §5.5) exactly as queued. */
  readonly message: Uint8Array;
}

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

function field(o: Record<string, unknown>, name: string): string {
  const v = o[name];
  if (typeof v !== "string") {
    throw new CodecError(`inbox item field "${name}" must be a string`, { path: `/${name}` });
  }
  return v;
}

/**
 * Parse one inbox line strictly: a JSON object with exactly the four string fields, `n` and
 * `timestamp` decimal integers, `message` lowercase or uppercase hex.
 *
 * @throws CodecError naming the field that is wrong.
 */
export function parseInboxLine(line: string): InboxItem {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (e) {
    throw new CodecError(`inbox line is not JSON: ${(e as Error).message}`, { path: "/" });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new CodecError("inbox line must be a JSON object", { path: "/" });
  }
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!["n", "roomId", "timestamp", "message"].includes(k)) {
      throw new CodecError(`unknown inbox item field "${k}"`, { path: `/${k}` });
    }
  }
  const n = field(o, "n");
  const timestamp = field(o, "timestamp");
  if (!DECIMAL.test(n)) throw new CodecError("n must be a decimal integer", { path: "/n" });
  if (!DECIMAL.test(timestamp) || !Number.isSafeInteger(Number(timestamp))) {
    throw new CodecError("timestamp must be a decimal integer (milliseconds)", { path: "/timestamp" });
  }
  let message: Uint8Array;
  try {
    message = fromHex(field(o, "message"));
  } catch (e) {
    throw new CodecError(`message is not hex: ${(e as CodecError).what}`, { path: "/message" });
  }
  return { n: BigInt(n), roomId: field(o, "roomId"), timestamp: Number(timestamp), message };
}

/**
 * Split the inbox stream's text into lines as its chunks arrive: `push` each chunk; `onLine` gets
 * every complete line, trimmed, empty ones left out. Only the new chunk is searched for a line
 * end, and a line's pieces are joined once, when it is complete: a Welcome line of a big room is
 * megabytes long and arrives in many chunks (searching all the text kept so far after every chunk
 * cost the square of the line's length; decision 0684).
 */
export function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let pending: string[] = [];
  return (chunk: string): void => {
    let start = 0;
    let nl = chunk.indexOf("\n");
    while (nl >= 0) {
      pending.push(chunk.slice(start, nl));
      const line = (pending.length === 1 ? pending[0]! : pending.join("")).trim();
      pending = [];
      if (line !== "") onLine(line);
      start = nl + 1;
      nl = chunk.indexOf("\n", start);
    }
    if (start < chunk.length) pending.push(chunk.slice(start));
  };
}
