/**
 * The outgoing side of provider-to-provider requests (protocol-06 §4.1, §5): one HTTPS client per
 * provider that calls its peers' endpoints over mutual TLS with its provider certificate, names
 * the target in `Host` and itself in `From: mimi@<domain>`, keeps one keep-alive connection pool
 * per peer, resolves peers from configuration, and bounds every request with a timeout.
 *
 * Every request to a §5.1 endpoint is built from the peer's own directory (decision 0676): the
 * client fetches `/.well-known/mimi-protocol-directory` over the same mutual TLS, validates it,
 * caches it, and fetches it again (with full-jitter back-off) when a request meets a 404 or cannot
 * connect, retrying the request once when the endpoint's URL changed.
 *
 * A peer's refusal (4xx) is surfaced as {@link PeerRejected} carrying the peer's JSON reason, so a
 * caller (the client API) can relay it; a peer that cannot be reached, times out or fails (5xx) is
 * {@link PeerUnavailable}; a peer whose directory is unusable is {@link PeerDirectoryError} (a
 * kind of PeerUnavailable) naming the peer and the entry.
 */
import { Agent, request } from "node:https";
import { createSecureContext } from "node:tls";
import { DIRECTORY_PATH, type DirectoryName, endpoints } from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";
import { type PeerCa, peerConnectionTrust, peerTrust } from "../server/anchor-binding.js";
import { type BackoffOptions, backoffDelayMs } from "../server/backoff.js";
import { pemList, type TlsMaterial } from "../server/tls-server.js";
import {
  type DirectoryTarget,
  directoryUrl,
  type PeerDirectory,
  PeerDirectoryError,
  parsePeerDirectory,
} from "./directory.js";
import { PeerRejected, PeerUnavailable, parseReason } from "./errors.js";

export { type PeerDirectory, PeerDirectoryError } from "./directory.js";
export { type PeerReason, PeerRejected, PeerUnavailable } from "./errors.js";

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
  /** How long a peer's directory is used before it is fetched again (default 1 h). */
  readonly directoryMaxAgeMs?: number;
  /**
   * The back-off between fetches of one peer's directory after a request met a 404 or could not
   * connect, or after a failed fetch (full jitter; default base 250 ms, cap 30 s).
   */
  readonly directoryBackoff?: BackoffOptions;
  /** Clock for the directory cache (ms; default `Date.now`). */
  readonly now?: () => number;
}

/** A peer's answer with a 2xx status. */
export interface PeerResponse {
  readonly status: number;
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
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

/**
 * One request to a peer; the method follows from `@mimi/protocol`'s endpoint table, the URL from
 * the peer's §5.1 directory.
 */
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
   * The peer's §5.1 directory as {@link FederationClient.send} uses it: cached, fetched when
   * absent or older than the maximum age, or now with `refresh` (unless the back-off forbids it:
   * then the cached one).
   *
   * @throws PeerDirectoryError for a malformed directory or none (404); PeerUnavailable when the
   * peer cannot be reached.
   */
  directory(peerDomain: string, options?: { readonly refresh?: boolean }): Promise<PeerDirectory>;
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

/** How many times a request is sent again after meeting a stale kept-alive connection. */
const STALE_RETRIES = 4;

/** A request that failed, unanswered, on a kept-alive connection the peer had closed. */
class StaleConnection extends Error {
  constructor(readonly failure: PeerUnavailable) {
    super(failure.message);
  }
}

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

  /** Per peer: the cached directory, a fetch in flight, and the refresh back-off. */
  interface DirectoryState {
    current: PeerDirectory | undefined;
    fetchedAt: number;
    loading: Promise<PeerDirectory> | undefined;
    /** Consecutive fetches that failed or changed nothing. */
    failures: number;
    /** No fetch before this time (ms). */
    notBefore: number;
    lastError: unknown;
  }
  const directories = new Map<string, DirectoryState>();
  const clock = options.now ?? Date.now;
  const maxAge = options.directoryMaxAgeMs ?? 3_600_000;
  const backoff = options.directoryBackoff ?? { baseMs: 250, capMs: 30_000 };
  /** Where a directory URL on the peer's host is reached: the configured address, else its port. */
  const addressOf = (peer: string, port: number): PeerEndpoint => {
    const found = typeof peers === "function" ? peers(peer) : table.get(peer);
    return found ?? { host: peer, port };
  };
  const fetchDirectory = async (peer: string): Promise<PeerDirectory> => {
    const at = resolve(peer);
    const origin = `https://${peer}${at.port === 443 ? "" : `:${at.port}`}`;
    let res: PeerResponse;
    try {
      // [PROTO-DIR-05] draft-ietf-mimi-protocol-06 §5.1: a peer's endpoint URLs come from its
      // directory at /.well-known/mimi-protocol-directory, fetched over the same mutual TLS.
      res = await raw(peer, { method: "GET", path: DIRECTORY_PATH, maxResponseBytes: 64 << 10 });
    } catch (e) {
      if (e instanceof PeerRejected)
        throw new PeerDirectoryError(peer, `${DIRECTORY_PATH} answered ${e.status}`, "/", e.status);
      throw e;
    }
    return parsePeerDirectory(peer, origin, res.body);
  };
  const same = (a: PeerDirectory | undefined, b: PeerDirectory): boolean =>
    a !== undefined &&
    a.templates.size === b.templates.size &&
    a.invalid.size === b.invalid.size &&
    [...a.templates].every(([k, v]) => b.templates.get(k) === v) &&
    [...a.invalid.keys()].every((k) => b.invalid.has(k));
  const directoryOf = (peerDomain: string, refresh = false): Promise<PeerDirectory> => {
    const peer = peerDomain.toLowerCase();
    if (!DOMAIN.test(peer))
      return Promise.reject(new ValidationError(`not a provider domain: ${peerDomain}`, { path: "/domain" }));
    let st = directories.get(peer);
    if (st === undefined) {
      st = {
        current: undefined,
        fetchedAt: 0,
        loading: undefined,
        failures: 0,
        notBefore: 0,
        lastError: undefined,
      };
      directories.set(peer, st);
    }
    const state = st;
    if (state.loading !== undefined) return state.loading;
    const t = clock();
    const fresh = state.current !== undefined && t - state.fetchedAt < maxAge;
    if (fresh && !refresh) return Promise.resolve(state.current!);
    if (t < state.notBefore) {
      // backing off: the cached directory, or the last fetch's error
      if (state.current !== undefined) return Promise.resolve(state.current);
      return Promise.reject(state.lastError);
    }
    const loading = fetchDirectory(peer).then(
      (dir) => {
        const changed = !same(state.current, dir);
        const first = state.current === undefined;
        state.current = dir;
        state.fetchedAt = clock();
        state.lastError = undefined;
        // a refresh that changed nothing backs off further; the first fetch or a change does not
        state.failures = first || changed ? 0 : state.failures + 1;
        state.notBefore = state.failures === 0 ? 0 : clock() + backoffDelayMs(state.failures, backoff);
        return dir;
      },
      (e: unknown) => {
        state.failures += 1;
        state.notBefore = clock() + backoffDelayMs(state.failures, backoff);
        state.lastError = e;
        // a peer whose directory cannot be fetched now keeps being called at the cached URLs
        if (state.current !== undefined && !(e instanceof PeerDirectoryError)) return state.current;
        throw e;
      },
    );
    state.loading = loading;
    const clear = (): void => {
      state.loading = undefined;
    };
    loading.then(clear, clear);
    return loading;
  };

  /** A request met the peer's 404 or no connection: the directory may have changed. */
  const staleSign = (e: unknown): boolean =>
    (e instanceof PeerRejected && e.status === 404) ||
    (e instanceof PeerUnavailable && !(e instanceof PeerDirectoryError) && e.status === undefined);

  const send = async (peerDomain: string, req: PeerRequest): Promise<PeerResponse> => {
    const peer = peerDomain.toLowerCase();
    const call = (target: DirectoryTarget): Promise<PeerResponse> =>
      raw(peer, {
        method: endpoints[req.endpoint].method,
        path: target.path,
        address: addressOf(peer, target.port),
        ...(req.body === undefined ? {} : { body: req.body }),
      });
    let dir = await directoryOf(peer);
    let target: DirectoryTarget;
    try {
      target = directoryUrl(dir, req.endpoint, req.param);
    } catch (e) {
      // an endpoint the cached directory lacks may have been added since
      dir = await directoryOf(peer, true);
      if (dir.templates.has(req.endpoint) && !dir.invalid.has(req.endpoint))
        target = directoryUrl(dir, req.endpoint, req.param);
      else throw dir.invalid.get(req.endpoint) ?? e;
    }
    try {
      return await call(target);
    } catch (e) {
      if (!staleSign(e)) throw e;
      // [PROTO-DIR-06] draft-ietf-mimi-protocol-06 §5.1 (decision 0676): a 404 or a failed
      // connection makes the client fetch the peer's directory again (with back-off), and the
      // request is sent once more only when the directory now names another URL for it (so a
      // request is never repeated at the URL that refused it).
      const again = await directoryOf(peer, true).catch(() => undefined);
      const next = again?.templates.has(req.endpoint)
        ? directoryUrl(again, req.endpoint, req.param)
        : undefined;
      if (next === undefined || next.href === target.href) throw e;
      return await call(next);
    }
  };

  const raw = async (peerDomain: string, req: PeerRawRequest): Promise<PeerResponse> => {
    const peer = peerDomain.toLowerCase();
    if (!DOMAIN.test(peer))
      throw new ValidationError(`not a provider domain: ${peerDomain}`, { path: "/domain" });
    const { host, port } = req.address ?? resolve(peer);
    const body = req.body ?? new Uint8Array(0);
    const limit = req.maxResponseBytes ?? maxBytes;
    // A kept-alive connection the peer closed while it was idle fails the next request written on
    // it, unanswered (ECONNRESET on a reused socket): sent again, on another connection (Node's
    // documented remedy; a busy provider meets it, decision 0684).
    for (let left = STALE_RETRIES; ; left--) {
      try {
        return await once(peer, host, port, body, limit, req);
      } catch (e) {
        if (!(e instanceof StaleConnection)) throw e;
        if (left === 0) throw e.failure;
      }
    }
  };

  const once = (
    peer: string,
    host: string,
    port: number,
    body: Uint8Array,
    limit: number,
    req: PeerRawRequest,
  ): Promise<PeerResponse> =>
    new Promise<PeerResponse>((done, fail) => {
      let answered = false;
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
          answered = true;
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
      r.on("error", (e: NodeJS.ErrnoException) => {
        const failure = new PeerUnavailable(peer, `unreachable: ${e.message}`);
        // ECONNRESET, or EPIPE when the close meets a large body still being written
        const stale = e.code === "ECONNRESET" || e.code === "EPIPE";
        fail(!answered && r.reusedSocket && stale ? new StaleConnection(failure) : failure);
      });
      r.end(req.method === "POST" ? body : undefined);
    });

  return {
    domain,
    resolve,
    send,
    request: raw,
    directory: (peerDomain, o) => directoryOf(peerDomain, o?.refresh ?? false),
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
      directories.clear();
    },
  };
}
