/**
 * `POST /identifierQuery/{domain}` (draft-ietf-mimi-protocol-06 §5.8) served from a
 * `@mimi/discovery` directory, persisted in the provider's database; and the sending side, a
 * query client over the federation client.
 */
import {
  answerIdentifierQueryBody,
  Directory,
  type DirectorySeed,
  type DiscoveryProvider,
  federationQuery,
  publishSeed,
  type QueryProvider,
  RateLimiter,
  type RateLimits,
} from "@mimi/discovery";
import { createFederationClient } from "../federation/client.js";
import type { Endpoint } from "../server/endpoint.js";
import { HttpRejection } from "../server/http-error.js";
import type { Database } from "../storage/database.js";
import { migrateDiscovery } from "./migrations.js";
import { SqlDirectoryStore } from "./sql-directory-store.js";

/**
 * The `identifierQuery` endpoint of one provider's directory: a path naming another domain is a
 * 404; the body is answered by `@mimi/discovery` (`answerIdentifierQueryBody`: always 200 with an
 * `IdentifierResponse`, so a miss, an opted-out user and a rate-limited query are the same bytes;
 * a malformed requesting-user component is a 400).
 */
export function identifierQueryEndpoint(directory: Directory, limiter: RateLimiter): Endpoint {
  return {
    name: "identifierQuery",
    async handle(ctx) {
      if (ctx.param.toLowerCase() !== ctx.domain || ctx.domain !== directory.domain) {
        throw new HttpRejection(404, `${ctx.param} is not a domain of this provider`, { path: "/path" });
      }
      return {
        status: 200,
        body: await answerIdentifierQueryBody(directory, limiter, ctx.body, ctx.peerDomain, ctx.now),
      };
    },
  };
}

/**
 * Migrates the discovery tables on `db`, publishes every user of the seed (each as itself,
 * replacing its stored record; users not in the seed are kept), and returns the
 * `identifierQuery` endpoint answering from the database, with the directory.
 * @throws ValidationError for a malformed seed or a user or handle the directory refuses.
 */
export async function persistedDirectoryEndpoint(
  db: Database,
  domain: string,
  seed: DirectorySeed,
  limits?: RateLimits,
): Promise<{ endpoint: Endpoint; directory: Directory }> {
  await migrateDiscovery(db);
  const directory = new Directory(domain, new SqlDirectoryStore(db));
  await publishSeed(directory, seed);
  return { endpoint: identifierQueryEndpoint(directory, new RateLimiter(limits)), directory };
}

/** Who we are to the providers we query: our provider domain, key and certificate, and the CAs we trust. */
export interface QueryClientOptions {
  /** Our provider domain (sent as `From: mimi@<domain>`; our certificate's DNS name). */
  readonly domain: string;
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CAs trusted for the providers' server certificates (each provider's own `ca` is added). */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** Abandon a query after this many milliseconds (default 10 000). */
  readonly timeoutMs?: number;
}

/** A query client; `close` ends its keep-alive connections. */
export interface QueryClient {
  readonly query: QueryProvider;
  close(): void;
}

/**
 * A federation client reaching each provider at the host and port of its `url` (the origin of
 * its federation API), with the server name and `Host` of its domain, and `@mimi/discovery`'s
 * `federationQuery` over it.
 */
export function httpsQueryClient(
  options: QueryClientOptions,
  providers: readonly DiscoveryProvider[],
): QueryClient {
  const base = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  const peers: Record<string, string> = {};
  for (const p of providers) {
    const url = new URL(p.url);
    peers[p.domain] = `${url.hostname}:${url.port === "" ? 443 : url.port}`;
  }
  const client = createFederationClient({
    domain: options.domain,
    key: options.key,
    cert: options.cert,
    ca: [...base, ...providers.flatMap((p) => (p.ca === undefined ? [] : [p.ca]))],
    peers,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { query: federationQuery(client), close: () => client.close() };
}
