import { ProtocolError } from "@mimi/wire";

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
