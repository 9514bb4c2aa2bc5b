/**
 * The sender's provider's side of `POST /identifierQuery/{domain}` (draft-ietf-mimi-protocol-06
 * §5.8): a {@link QueryProvider} for {@link discover} over a federation client (HTTPS with mutual
 * TLS, §4.1; `@mimi/provider`'s `httpsQueryClient` makes one).
 */

import { identifierRequestCodec, identifierResponseCodec } from "@mimi/protocol";
import { decodeWith, encodeWith, ProtocolError } from "@mimi/wire";
import type { QueryProvider } from "./discover.js";
import { fromWireIdentifierResponse } from "./identifier-query-wire.js";

/**
 * What sends a request to a peer provider's §5 endpoint and returns its 2xx answer (rejecting on
 * anything else): `@mimi/provider`'s federation client is one.
 */
export interface PeerSender {
  send(
    peerDomain: string,
    request: { readonly endpoint: "identifierQuery"; readonly param: string; readonly body: Uint8Array },
  ): Promise<{ readonly status: number; readonly body: Uint8Array }>;
}

/**
 * Sends identifier queries through a federation client: the peer's answer must be 200 with a
 * decodable `IdentifierResponse`; anything else (a refusal, an unreachable peer, an undecodable
 * body) rejects, and `discover` reports that provider as failed, never as a miss.
 */
export function federationQuery(client: PeerSender): QueryProvider {
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
