/**
 * The sender's provider's side of `POST /identifierQuery/{domain}` (draft-ietf-mimi-protocol-06
 * §5.8) over HTTPS with mutual TLS (§4.1): a {@link QueryProvider} for {@link discover}.
 */
import { Agent, request } from "node:https";
import {
  API_PREFIX,
  decodeWith,
  encodeWith,
  identifierRequestCodec,
  identifierResponseCodec,
} from "@mimi/transport";
import { ProtocolError } from "@mimi/wire";
import type { DiscoveryProvider, QueryProvider } from "./discover.js";
import { fromWireIdentifierResponse } from "./identifier-query-endpoint.js";

/** Who we are to the providers we query: our provider domain, key and certificate, and the CAs we trust. */
export interface QueryClientOptions {
  /** Our provider domain (sent as `From: mimi@<domain>`; our certificate's DNS name). */
  readonly domain: string;
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CAs trusted for the providers' server certificates (a provider's own `ca` is added to these). */
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
 * Queries providers over HTTPS with mutual TLS (TLS 1.3, the server's certificate checked for the
 * provider's domain). A provider's answer other than 200 with a decodable `IdentifierResponse` is
 * a failed provider (`discover` reports it), never a miss.
 */
export function httpsQueryClient(options: QueryClientOptions): QueryClient {
  const base = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  const agents = new Map<string, Agent>();
  const agentFor = (provider: DiscoveryProvider): Agent => {
    const id = provider.ca ?? "";
    let agent = agents.get(id);
    if (agent === undefined) {
      const ca = provider.ca === undefined ? base : [...base, provider.ca];
      agent = new Agent({
        keepAlive: true,
        key: options.key,
        cert: options.cert,
        ...(ca.length > 0 ? { ca: ca as string[] } : {}),
        minVersion: "TLSv1.3",
      });
      agents.set(id, agent);
    }
    return agent;
  };
  const query: QueryProvider = (provider, identifierRequest) => {
    const body = encodeWith(identifierRequestCodec, identifierRequest);
    const url = new URL(provider.url);
    const prefix = url.pathname.replace(/\/+$/, "");
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname.replace(/^\[|\]$/g, ""),
          port: url.port === "" ? 443 : Number(url.port),
          agent: agentFor(provider),
          servername: provider.domain,
          method: "POST",
          path: `${prefix}${API_PREFIX}/identifierQuery/${encodeURIComponent(provider.domain)}`,
          timeout: options.timeoutMs ?? 10_000,
          headers: {
            host: provider.domain,
            from: `mimi@${options.domain}`,
            "content-type": "application/octet-stream",
            "content-length": String(body.length),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            if (res.statusCode !== 200) {
              reject(new ProtocolError(`${provider.domain} answered ${res.statusCode}`, { path: "/status" }));
              return;
            }
            try {
              resolve(fromWireIdentifierResponse(decodeWith(identifierResponseCodec, Buffer.concat(chunks))));
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(new ProtocolError(`${provider.domain} timed out`, { path: "/" })));
      req.on("error", reject);
      req.end(body);
    });
  };
  return {
    query,
    close: () => {
      for (const a of agents.values()) a.destroy();
    },
  };
}
