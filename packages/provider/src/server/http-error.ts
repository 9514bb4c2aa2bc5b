import { CodecError, type MimiError, ProtocolError, ValidationError } from "@mimi/wire";
import { isStorageUnavailable } from "../storage/database.js";

/**
 * A request the server refuses, with the HTTP status to answer (4xx; 502 or 504 when a server this
 * one depends on failed, decision 0670) and the reason sent to the peer in the JSON error body.
 */
export class HttpRejection extends ProtocolError {
  override name: string = "HttpRejection";
  /** The HTTP status code (400–499, 502, 504). */
  readonly status: number;
  /** Seconds the peer should wait before retrying (sent as `Retry-After`), for 429. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    what: string,
    options: { readonly path?: string; readonly rule?: string; readonly retryAfterSeconds?: number } = {},
  ) {
    const { retryAfterSeconds, ...rest } = options;
    super(what, { ...rest, code: String(status) });
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** What a server answers for an error a handler threw. */
export interface ErrorAnswer {
  /** The HTTP status: the rejection's own, 400 for malformed or invalid input, 500 otherwise. */
  readonly status: number;
  /** The JSON error body: `{ error, what, path, rule? }` (decision 0610), plus `extra`. */
  readonly body: Uint8Array;
  /** `Retry-After` in seconds, when the rejection names one. */
  readonly retryAfterSeconds?: number;
  /** The error, when it is a refusal of the request (a 4xx or a dependency's 502/504), for the log. */
  readonly rejected?: MimiError;
  /** The refusal's label in the servers' rejection metric (`http_<status>` or the error's name). */
  readonly metricLabel?: string;
}

/** The JSON error body of decision 0610 for `e`, with `extra` fields. */
export function errorBodyOf(e: MimiError, extra: Readonly<Record<string, string>> = {}): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      error: e.name,
      what: e.what,
      path: e.path,
      ...(e.rule === undefined ? {} : { rule: e.rule }),
      ...extra,
    }),
  );
}

/**
 * The one error-to-answer mapping of the provider's HTTP servers: an {@link HttpRejection} answers
 * its status, a `CodecError` or `ValidationError` 400 with its reason, an unreachable database 503
 * with `Retry-After: 1` ({@link isStorageUnavailable}; the request was fine; nothing of it was kept unless it was acknowledged;
 * send it again), anything else 500 without details (it is logged instead), so a bad request
 * never gets a 5xx.
 */
export function errorAnswer(e: unknown): ErrorAnswer {
  if (isStorageUnavailable(e)) {
    return {
      status: 503,
      body: new TextEncoder().encode(
        JSON.stringify({ error: "StorageUnavailable", what: "storage unavailable; retry later", path: "/" }),
      ),
      retryAfterSeconds: 1,
      metricLabel: "storage_unavailable",
    };
  }
  if (e instanceof HttpRejection || e instanceof CodecError || e instanceof ValidationError) {
    const retry = e instanceof HttpRejection ? e.retryAfterSeconds : undefined;
    return {
      status: e instanceof HttpRejection ? e.status : 400,
      body: errorBodyOf(e),
      ...(retry === undefined ? {} : { retryAfterSeconds: retry }),
      rejected: e,
      metricLabel: e instanceof HttpRejection ? `http_${e.status}` : e.name,
    };
  }
  return {
    status: 500,
    body: new TextEncoder().encode(JSON.stringify({ error: "InternalError", what: "internal error" })),
  };
}
