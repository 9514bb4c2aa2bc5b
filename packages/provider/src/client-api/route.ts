/**
 * What a client API route handler is given and answers (`docs/client-api.md`). Each route of
 * `@mimi/protocol`'s client API tables has one handler in `routes/`, listed in `routes/index.ts`;
 * the listener (`server.ts`) authenticates the client, finds the handler and turns what it throws
 * into the JSON error answer.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CertifiedKeyPem } from "@mimi/identity";
import type { ExternalSender } from "@mimi/mls-profile";
import type { DirectoryName } from "@mimi/protocol";
import type { FederationClient } from "../federation/client.js";
import type { Endpoint } from "../server/endpoint.js";
import type { LogRecord } from "../server/log.js";
import type { Database } from "../storage/database.js";
import type { InboxFeed } from "./inbox-feed.js";

/** Creates a room this provider hosts (the hub's `createRoom`). */
export type RoomCreator = (
  roomId: string,
  groupInfo: Uint8Array,
  ratchetTree: Uint8Array,
  creatorClient: string,
) => Promise<void>;

/** Issues and revokes joining codes of hosted rooms (the hub's `createJoinCode`/`deleteJoinCode`). */
export interface JoinCodeIssuer {
  create(input: {
    readonly roomId: string;
    readonly creatorClient: string;
    readonly role_index: number;
    readonly expiresAt: number;
    readonly maxUses?: number;
  }): Promise<Uint8Array>;
  revoke(roomId: string, code: Uint8Array, client: string): Promise<boolean>;
}

/** What enrollment (decision 0811) issues with and answers. */
export interface EnrollmentIssuer {
  /** The CA key and certificate (PEM) issuing enrolled clients' certificates (one of our client CAs). */
  readonly issuer: CertifiedKeyPem;
  /** The CAs answered as trust anchors, each with the domain it is bound to (null: it names its own). */
  readonly trustAnchors: readonly { readonly pem: string; readonly domain: string | null }[];
}

/** A route's answer: status, and a body with its media type (default application/octet-stream). */
export interface RouteAnswer {
  readonly status: number;
  readonly body?: Uint8Array;
  readonly contentType?: string;
}

/** A JSON answer. */
export const jsonAnswer = (status: number, v: unknown): RouteAnswer => ({
  status,
  body: new TextEncoder().encode(JSON.stringify(v)),
  contentType: "application/json",
});

/** What every handler shares: the listener's configuration and state. */
export interface ClientApiContext {
  /** Our provider domain (lower case). */
  readonly domain: string;
  readonly db: Database;
  readonly now: () => number;
  readonly log: (record: LogRecord) => void;
  readonly federation: FederationClient;
  /** Our own handlers of directory and extension endpoints, by name. */
  readonly local: ReadonlyMap<string, Endpoint>;
  /** The inbox streams' one reader of the queue. */
  readonly inbox: InboxFeed;
  /** The open inbox streams (ended when the listener closes). */
  readonly streams: Set<ServerResponse>;
  /** True once the listener is closing. */
  readonly closing: () => boolean;
  readonly createRoom: RoomCreator | undefined;
  readonly hubSender: (() => Promise<ExternalSender>) | undefined;
  readonly joinCodes: JoinCodeIssuer | undefined;
  /** Enrollment's issuer and trust anchors; without it `POST /client/v1/enroll` answers 404. */
  readonly enrollment: EnrollmentIssuer | undefined;
  /**
   * Call our own handler of a directory endpoint (when `owner` is our domain) or forward the
   * request to the owner's provider, and answer what it answered.
   */
  dispatch(name: DirectoryName, owner: string, param: string, body: Uint8Array): Promise<RouteAnswer>;
}

/** One authenticated request to a route. */
export interface ClientCall {
  /** The route's name (a client API route or a directory endpoint's name). */
  readonly name: string;
  /** The authenticated client's URI ("" on the one route without authentication, enrollment). */
  readonly client: string;
  /** The path parameter, percent-decoded ("" when the route has none). */
  readonly param: string;
  readonly body: Uint8Array;
  readonly query: URLSearchParams;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly ctx: ClientApiContext;
}

/**
 * A route's handler: its answer, or `"streamed"` when it wrote the response itself.
 *
 * @throws HttpRejection (or any typed error `errorAnswer` maps) to refuse the request.
 */
export type ClientRouteHandler = (call: ClientCall) => Promise<RouteAnswer | "streamed">;

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** True for a provider domain as a client may name it in a path or query (lower-case DNS name). */
export const isProviderDomain = (s: string): boolean => HOST.test(s);
