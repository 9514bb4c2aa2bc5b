/**
 * The outgoing side of provider-to-provider requests (protocol-06 §4.1, §5): one HTTPS client per
 * provider that calls its peers' endpoints over mutual TLS with its provider certificate, names
 * the target in `Host` and itself in `From: mimi@<domain>`, keeps one keep-alive connection pool
 * per peer, resolves peers from configuration, and bounds every request with a timeout.
 *
 * A peer's refusal (4xx) is surfaced as {@link PeerRejected} carrying the peer's JSON reason, so a
 * caller (the client API) can relay it; a peer that cannot be reached, times out or fails (5xx) is
 * {@link PeerUnavailable}.
 */
import { Agent, request } from "node:https";
import { createSecureContext } from "node:tls";
import { API_PREFIX, type DirectoryName, endpointPath, endpoints } from "@mimi/protocol";
import { ProtocolError, ValidationError } from "@mimi/wire";
import { type PeerCa, peerConnectionTrust, peerTrust } from "../server/anchor-binding.js";
import { pemList, type TlsMaterial } from "../server/tls-server.js";

/** Where a peer provider's server listens. */
export interface PeerEndpoint {
  readonly host: string;
  readonly port: number;
}

/** The configuration of a {@link FederationClient}. */
export interface FederationClientOptions {
  /** Our provider domain (sent as `From: mimi@<domain>`). */
  readonly domain: string;
  /** Our provider key and certificate chain (PEM): the client side of mutual TLS. */
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CAs trusted for peer providers; a {@link BoundAnchor} certifies only its domain (decision 0401). */
  readonly ca: PeerCa | readonly PeerCa[];
  /** CRLs (PEM) of the peer CAs (see {@link TlsMaterial.crl}). */
  readonly crl?: string | Buffer | readonly (string | Buffer)[];
  /**
   * How to reach a peer domain: a map `domain → "host:port"` (e.g. the `peers` of the
   * configuration) or a function. A domain not listed resolves to `<domain>:443`.
   */
  readonly peers?: Readonly<Record<string, string>> | ((domain: string) => PeerEndpoint | undefined);
  /** Time allowed for one request, connection included (default 10 s). */
  readonly timeoutMs?: number;
  /** Connections kept per peer (default 32). */
  readonly maxSocketsPerPeer?: number;
  /** Largest response body accepted, in bytes (default 16 MiB). */
  readonly maxResponseBytes?: number;
}

/** A peer's answer with a 2xx status. */
export interface PeerResponse {
  readonly status: number;
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
}

/** The JSON reason a MIMI server sends with a refusal (decision 0610). */
export interface PeerReason {
  readonly error?: string;
  readonly what?: string;
  readonly path?: string;
  readonly rule?: string;
}

/** A peer refused a request with a 4xx; `reason` is its JSON error body when it sent one. */
export class PeerRejected extends ProtocolError {
  override name: string = "PeerRejected";
  /** The peer domain. */
  readonly peerDomain: string;
  /** The HTTP status (400–499). */
  readonly status: number;
  /** The peer's reason. */
  readonly reason: PeerReason;
  /** The raw response body. */
  readonly body: Uint8Array;
  /** The peer's `Retry-After` in milliseconds, if any. */
  readonly retryAfterMs: number | undefined;

  constructor(peerDomain: string, status: number, body: Uint8Array, retryAfterMs?: number) {
    const reason = parseReason(body);
    super(`${peerDomain} refused with ${status}: ${reason.what ?? "no reason given"}`, {
      path: reason.path ?? "/",
      ...(reason.rule === undefined ? {} : { rule: reason.rule }),
      code: String(status),
    });
    this.peerDomain = peerDomain;
    this.status = status;
    this.reason = reason;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A peer could not be reached, timed out, or answered with a server error (5xx). */
export class PeerUnavailable extends ProtocolError {
  override name: string = "PeerUnavailable";
  /** The peer domain. */
  readonly peerDomain: string;
  /** The HTTP status when the peer answered (5xx or an unexpected status), otherwise undefined. */
  readonly status: number | undefined;
  /** The peer's `Retry-After` in milliseconds, if it answered with one (e.g. a 503). */
  readonly retryAfterMs: number | undefined;

  constructor(peerDomain: string, what: string, status?: number, retryAfterMs?: number) {
    super(`${peerDomain}: ${what}`, { path: "/", ...(status === undefined ? {} : { code: String(status) }) });
    this.peerDomain = peerDomain;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

function parseReason(body: Uint8Array): PeerReason {
  try {
    const v: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    if (v === null || typeof v !== "object" || Array.isArray(v)) return {};
    const o = v as Record<string, unknown>;
    const s = (k: string) => (typeof o[k] === "string" ? { [k]: (o[k] as string).slice(0, 1000) } : {});
    return { ...s("error"), ...s("what"), ...s("path"), ...s("rule") };
  } catch {
    return {};
  }
}

function retryAfterMs(v: string | string[] | undefined): number | undefined {
  if (typeof v !== "string") return undefined;
  if (/^[0-9]+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * Parse a `"host:port"` peer address (IPv6 hosts in brackets).
 *
 * @throws ValidationError naming `path` when it is not `host:port`.
 */
export function parsePeerAddress(text: string, path = "/"): PeerEndpoint {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(text.trim());
  const port = m === null ? Number.NaN : Number(m[2]);
  if (m === null || port < 1 || port > 65535) throw new ValidationError("expected host:port", { path });
  const host = m[1]!;
  return { host: host.startsWith("[") ? host.slice(1, -1) : host, port };
}

/** One request to a peer; the method and path follow from `@mimi/protocol`'s endpoint table. */
export interface PeerRequest {
  /** The endpoint's directory name. */
  readonly endpoint: DirectoryName;
  /** The path parameter (percent-encoded by the client). */
  readonly param: string;
  /** The request body (POST). */
  readonly body?: Uint8Array;
}

/** A request to a peer at any path (our routes outside the §5.1 directory, asset URLs). */
export interface PeerRawRequest {
  readonly method: "GET" | "POST";
  /** The request target, e.g. `/blobs/<id>` or `/.well-known/ohttp-gateway`. */
  readonly path: string;
  readonly body?: Uint8Array;
  /** The request body's media type (POST; default `application/octet-stream`). */
  readonly contentType?: string;
  /** Where to connect instead of where the peer domain resolves to. */
  readonly address?: PeerEndpoint;
  /** Largest response accepted (default: the client's limit). */
  readonly maxResponseBytes?: number;
}

/** Our provider's client of its peers. */
export interface FederationClient {
  /** Our domain. */
  readonly domain: string;
  /** Where `peerDomain` is reached. */
  resolve(peerDomain: string): PeerEndpoint;
  /**
   * Call a peer's endpoint and return its 2xx answer.
   *
   * @throws PeerRejected for a 4xx (with the peer's reason), PeerUnavailable when the peer cannot
   * be reached, times out, answers 5xx or sends more than the response limit; ValidationError for
   * a malformed peer domain.
   */
  send(peerDomain: string, req: PeerRequest): Promise<PeerResponse>;
  /**
   * Call `req.path` on the server of `peerDomain` (named in `Host` and as the TLS server name),
   * with the same mutual TLS, headers, timeout and errors as {@link FederationClient.send}.
   */
  request(peerDomain: string, req: PeerRawRequest): Promise<PeerResponse>;
  /**
   * Present another key and certificate, trust other peer CAs and CRLs: connections made from now
   * on use them; idle pooled connections are closed, requests in flight finish on theirs.
   *
   * @throws the TLS stack's error for unusable material (the old material stays in use).
   */
  reloadTls(tls: TlsMaterial & { readonly ca: PeerCa | readonly PeerCa[] }): void;
  /** Close every pooled connection. */
  close(): void;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Make our provider's client of its peers. */
export function createFederationClient(options: FederationClientOptions): FederationClient {
  const domain = options.domain.toLowerCase();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 16 << 20;
  const agents = new Map<string, Agent>();
  const peers = options.peers;
  const table = new Map<string, PeerEndpoint>();
  if (peers !== undefined && typeof peers !== "function")
    for (const [d, a] of Object.entries(peers))
      table.set(d.toLowerCase(), parsePeerAddress(a, `/peers/${d}`));

  const resolve = (peerDomain: string): PeerEndpoint => {
    const d = peerDomain.toLowerCase();
    const found = typeof peers === "function" ? peers(d) : table.get(d);
    return found ?? { host: d, port: 443 };
  };

  /** Our side of the mutual TLS: replaced by reloadTls. */
  const tlsOf = (tls: TlsMaterial & { readonly ca: PeerCa | readonly PeerCa[] }) => {
    return {
      key: tls.key,
      cert: tls.cert,
      ...peerConnectionTrust(peerTrust(tls.ca)),
      ...(tls.crl === undefined ? {} : { crl: pemList(tls.crl) }),
    };
  };
  let material = tlsOf(options);
  /** Agents made with earlier material, until their connections are done. */
  const retired = new Set<Agent>();
  const agentFor = (peerDomain: string): Agent => {
    let a = agents.get(peerDomain);
    if (a === undefined) {
      // [PROTO-FED-01] draft-ietf-mimi-protocol-06 §4.1: provider-to-provider requests use TLS with
      // mutual authentication: we present our provider certificate and verify the peer's against
      // the configured CAs, with the peer domain as the server name (TLS 1.3, keep-alive).
      a = new Agent({
        keepAlive: true,
        maxSockets: options.maxSocketsPerPeer ?? 32,
        ...material,
        minVersion: "TLSv1.3",
        servername: peerDomain,
      });
      agents.set(peerDomain, a);
    }
    return a;
  };

  const send = (peerDomain: string, req: PeerRequest): Promise<PeerResponse> =>
    raw(peerDomain, {
      method: endpoints[req.endpoint].method,
      path: endpointPath(API_PREFIX, req.endpoint, req.param),
      ...(req.body === undefined ? {} : { body: req.body }),
    });

  const raw = async (peerDomain: string, req: PeerRawRequest): Promise<PeerResponse> => {
    const peer = peerDomain.toLowerCase();
    if (!DOMAIN.test(peer))
      throw new ValidationError(`not a provider domain: ${peerDomain}`, { path: "/domain" });
    const { host, port } = req.address ?? resolve(peer);
    const body = req.body ?? new Uint8Array(0);
    const limit = req.maxResponseBytes ?? maxBytes;
    return await new Promise<PeerResponse>((done, fail) => {
      const r = request(
        {
          host,
          port,
          agent: agentFor(peer),
          servername: peer,
          method: req.method,
          path: req.path,
          timeout: timeoutMs,
          // [PROTO-FED-02] draft-ietf-mimi-protocol-06 §4.1: the target provider is named in
          // `Host` and the source in `From` as `mimi@<domain>`.
          headers: {
            host: peer,
            from: `mimi@${domain}`,
            ...(req.method === "POST"
              ? {
                  "content-type": req.contentType ?? "application/octet-stream",
                  "content-length": String(body.length),
                }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let n = 0;
          res.on("data", (c: Buffer) => {
            n += c.length;
            if (n > limit) {
              res.destroy();
              fail(new PeerUnavailable(peer, `response exceeds ${limit} bytes`, res.statusCode));
              return;
            }
            chunks.push(c);
          });
          res.on("error", (e) => fail(new PeerUnavailable(peer, `response failed: ${e.message}`)));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const all = Buffer.concat(chunks, n);
            const bytes = new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
            if (status >= 200 && status < 300)
              done({ status, body: bytes, contentType: res.headers["content-type"] });
            else if (status >= 400 && status < 500)
              fail(new PeerRejected(peer, status, bytes, retryAfterMs(res.headers["retry-after"])));
            else {
              // A gateway's 502/504 names the upstream failure (decision 0670): keep its reason.
              const what = parseReason(bytes).what;
              fail(
                new PeerUnavailable(
                  peer,
                  `answered ${status}${what === undefined ? "" : `: ${what}`}`,
                  status,
                  retryAfterMs(res.headers["retry-after"]),
                ),
              );
            }
          });
        },
      );
      r.on("timeout", () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      r.on("error", (e) => fail(new PeerUnavailable(peer, `unreachable: ${e.message}`)));
      r.end(req.method === "POST" ? body : undefined);
    });
  };

  return {
    domain,
    resolve,
    send,
    request: raw,
    reloadTls(tls) {
      const next = tlsOf(tls);
      // unusable material throws here, before anything is replaced
      createSecureContext({ ...next, minVersion: "TLSv1.3" });
      material = next;
      for (const a of agents.values()) {
        // idle connections go now; busy ones are closed by close() at the latest
        for (const sockets of Object.values(a.freeSockets))
          for (const socket of sockets ?? []) socket.destroy();
        retired.add(a);
      }
      agents.clear();
    },
    close() {
      for (const a of agents.values()) a.destroy();
      for (const a of retired) a.destroy();
      agents.clear();
      retired.clear();
    },
  };
}
