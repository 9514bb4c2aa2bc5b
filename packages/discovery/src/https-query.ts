/**
 * The sender's provider's side of `POST /identifierQuery/{domain}` (draft-ietf-mimi-protocol-06
 * §5.8): a {@link QueryProvider} for {@link discover} over the transport's federation client
 * (HTTPS with mutual TLS, §4.1).
 */

import { decodeWith, encodeWith, identifierRequestCodec, identifierResponseCodec } from "@mimi/protocol";
import { createFederationClient, type FederationClient } from "@mimi/provider";
import { ProtocolError } from "@mimi/wire";
import type { DiscoveryProvider, QueryProvider } from "./discover.js";
import { fromWireIdentifierResponse } from "./identifier-query-endpoint.js";

/**
 * Sends identifier queries through a federation client: the peer's answer must be 200 with a
 * decodable `IdentifierResponse`; anything else (a refusal, an unreachable peer, an undecodable
 * body) rejects, and `discover` reports that provider as failed, never as a miss.
 */
export function federationQuery(client: FederationClient): QueryProvider {
  return async (provider, request) => {
    const r = await client.send(provider.domain, {
      endpoint: "identifierQuery",
      param: provider.domain,
      body: encodeWith(identifierRequestCodec, request),
    });
    if (r.status !== 200)
      throw new ProtocolError(`${provider.domain} answered ${r.status}`, { path: "/status" });
    return fromWireIdentifierResponse(decodeWith(identifierResponseCodec, r.body));
  };
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
 * its federation API), with the server name and `Host` of its domain, and its {@link federationQuery}.
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
