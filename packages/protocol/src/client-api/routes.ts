/**
 * The routes of our client API (decision 0640; `docs/client-api.md`): a provider's own clients
 * reach it at `/client/v1/<name>[/{param}]`. The directory endpoints with `clientApi` in the
 * endpoint table are reached the same way and forwarded to the provider that serves them; the
 * routes below are the client API's own. The provider's router and the client SDK both read these
 * tables.
 */
import { type DirectoryName, endpoints, isDirectoryName } from "../endpoints.js";

/** The prefix of every client API path. */
export const CLIENT_API_PREFIX = "/client/v1";

/** One route of the client API's own. */
export interface ClientApiRoute {
  readonly method: "GET" | "POST";
  /** True when the path has a parameter after the name (`/client/v1/<name>/{param}`). */
  readonly param: boolean;
  /** False for the one route a client reaches before it has credentials (enrollment); default true. */
  readonly authenticated?: boolean;
}

/** The client API's own routes. */
export const clientApiRoutes: {
  /** Upload KeyPackages (body: KeyPackageUpload). */
  readonly keyPackages: ClientApiRoute;
  /** Create a room hosted by this provider (body: CreateRoomRequest); the parameter is the room. */
  readonly rooms: ClientApiRoute;
  /** Store an encrypted attachment; answers its download URL. */
  readonly blobs: ClientApiRoute;
  /** The client's inbox as ndjson (`?after=n`). */
  readonly inbox: ClientApiRoute;
  /** Download an attachment (`?url=...&hub=...`). */
  readonly download: ClientApiRoute;
  /** The hub's external sender for rooms of this provider (decision 0807). */
  readonly hubSender: ClientApiRoute;
  /** Issue a joining code for a room; the parameter is the room. */
  readonly joinCodes: ClientApiRoute;
  /** A hub's OHTTP key configurations; the parameter is the hub's domain. */
  readonly ohttpKeys: ClientApiRoute;
  /** Relay an Encapsulated Request to a hub's OHTTP gateway; the parameter is the hub's domain. */
  readonly ohttpRelay: ClientApiRoute;
  /** Get a client certificate with a one-time enrollment code (no authentication; decision 0811). */
  readonly enroll: ClientApiRoute;
} = {
  keyPackages: { method: "POST", param: false },
  rooms: { method: "POST", param: true },
  blobs: { method: "POST", param: false },
  inbox: { method: "GET", param: false },
  download: { method: "GET", param: false },
  hubSender: { method: "GET", param: false },
  joinCodes: { method: "POST", param: true },
  ohttpKeys: { method: "GET", param: true },
  ohttpRelay: { method: "POST", param: true },
  enroll: { method: "POST", param: false, authenticated: false },
};

/** A name of the client API's own routes. */
export type ClientApiRouteName = keyof typeof clientApiRoutes;

/** The method and whether a parameter follows, for any name the client API routes; undefined for others. */
export function clientApiRoute(name: string): ClientApiRoute | undefined {
  if (Object.hasOwn(clientApiRoutes, name)) return clientApiRoutes[name as ClientApiRouteName];
  if (isDirectoryName(name) && endpoints[name].clientApi)
    return { method: endpoints[name].method, param: true };
  return undefined;
}

/**
 * The client API path of a route or of a directory endpoint reached through it, the parameter
 * percent-encoded.
 */
export function clientApiPath(name: ClientApiRouteName | DirectoryName, param?: string): string {
  return param === undefined
    ? `${CLIENT_API_PREFIX}/${name}`
    : `${CLIENT_API_PREFIX}/${name}/${encodeURIComponent(param)}`;
}
