/**
 * What an endpoint of the protocol-06 §5 directory is to the server framework. The endpoints
 * themselves (names, methods, paths, bodies) are `@mimi/protocol`'s endpoint table.
 */
import type { EndpointName } from "@mimi/protocol";
import type { Database } from "../storage/database.js";
import type { LogRecord } from "./log.js";

/** What a handler gets. */
export interface RequestContext {
  /** Our provider domain. */
  readonly domain: string;
  /** The authenticated source provider (§4.1). */
  readonly peerDomain: string;
  /** The path parameter, percent-decoded. */
  readonly param: string;
  /** The request body. */
  readonly body: Uint8Array;
  /** The storage. */
  readonly db: Database;
  /** Milliseconds since the UNIX epoch at arrival. */
  readonly now: number;
  /** Structured log. */
  readonly log: (record: LogRecord) => void;
}

/** What a handler answers. */
export interface EndpointResult {
  readonly status: number;
  /** A TLS-encoded body, if the endpoint has one. */
  readonly body?: Uint8Array;
  /** The body's media type (default `application/octet-stream`). */
  readonly contentType?: string;
}

/**
 * One routed endpoint: the handler of a name of `@mimi/protocol`'s endpoint table (or one of its
 * extension routes), whose method and path the table gives.
 */
export interface Endpoint {
  readonly name: EndpointName;
  /**
   * Handle a request that passed the §4.1 checks.
   *
   * @throws HttpRejection, CodecError or ValidationError for requests to refuse with a 4xx.
   */
  handle(ctx: RequestContext): Promise<EndpointResult>;
}
