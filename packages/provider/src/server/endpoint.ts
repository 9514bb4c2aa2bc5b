/**
 * What an endpoint of the protocol-06 §5 directory is to the server framework.
 */
import type { Database } from "../storage/database.js";
import type { LogRecord } from "./log.js";

/** The directory names of protocol-06 §5.1. */
export const directoryNames = [
  "keyMaterial",
  "update",
  "notify",
  "submitMessage",
  "groupInfo",
  "requestConsent",
  "updateConsent",
  "identifierQuery",
  "reportAbuse",
  "proxyDownload",
] as const;
/** A directory name. */
export type DirectoryName = (typeof directoryNames)[number];

/** The HTTP method of a directory endpoint (protocol-06 §5: `proxyDownload` is GET, the rest POST). */
export function directoryMethod(name: DirectoryName): "GET" | "POST" {
  return name === "proxyDownload" ? "GET" : "POST";
}

/** The template variable of each endpoint's path (as the §5 section headings name them). */
export const pathVariables: Readonly<Record<DirectoryName, string>> = {
  keyMaterial: "targetUser",
  update: "roomId",
  notify: "roomId",
  submitMessage: "roomId",
  groupInfo: "roomId",
  requestConsent: "targetDomain",
  updateConsent: "requesterDomain",
  identifierQuery: "domain",
  reportAbuse: "roomId",
  proxyDownload: "downloadUrl",
};

/**
 * Routes of ours outside the §5.1 directory, each at a fixed path (not listed in the directory):
 * `asset` serves our stored blobs to peers at their download URL's path `/blobs/{id}` (decision
 * 0670); `ohttpKeys` (GET) and `ohttpGateway` (POST) are the hub's OHTTP gateway at
 * `/.well-known/ohttp-gateway` (decision 0672).
 */
export const extensionRoutes: Readonly<
  Record<"asset" | "ohttpKeys" | "ohttpGateway", { readonly path?: string; readonly prefix?: string }>
> = {
  asset: { prefix: "/blobs/" },
  ohttpKeys: { path: "/.well-known/ohttp-gateway" },
  ohttpGateway: { path: "/.well-known/ohttp-gateway" },
};
/** An extension route's name. */
export type ExtensionName = keyof typeof extensionRoutes;
/** Any routed endpoint's name. */
export type EndpointName = DirectoryName | ExtensionName;

/** True for the names of the §5.1 directory. */
export function isDirectoryName(name: string): name is DirectoryName {
  return (directoryNames as readonly string[]).includes(name);
}

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

/** One routed endpoint. */
export interface Endpoint {
  readonly name: EndpointName;
  readonly method: "GET" | "POST";
  /**
   * Handle a request that passed the §4.1 checks.
   *
   * @throws HttpRejection, CodecError or ValidationError for requests to refuse with a 4xx.
   */
  handle(ctx: RequestContext): Promise<EndpointResult>;
}
