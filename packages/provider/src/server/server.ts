/**
 * The HTTPS server of a MIMI provider (protocol-06 §4.1, §5): mutual TLS, the §4.1 `Host`/`From`
 * checks, body size limits, the §5.1 directory, routing with method checks, JSON error bodies,
 * structured logs, Prometheus metrics on a separate loopback listener, and graceful shutdown.
 *
 * Every refusal is a 4xx with a JSON body `{ "error", "what", "path", "rule" }` naming the reason;
 * a 500 only ever means a fault of this server (logged), never bad input; a handler that depends on
 * another server (the hub's asset proxy, decision 0670) answers 502/504 with a reason when that one
 * fails.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import {
  DIRECTORY_PATH,
  type DirectoryName,
  type ExtensionName,
  extensionRoutes,
  isDirectoryName,
  layoutTemplate,
  methodOf,
  type PathLayout,
} from "@mimi/protocol";
import type { Database } from "../storage/database.js";
import { type PeerCa, peerTrust } from "./anchor-binding.js";
import type { Endpoint } from "./endpoint.js";
import { errorAnswer, HttpRejection } from "./http-error.js";
import { decodeParam, readBody } from "./http-request.js";
import { layoutRoutes } from "./layout.js";
import { errorFields, jsonLinesToStdout, type LogRecord, type LogSink, makeLogger } from "./log.js";
import { answerMetrics, ServerMetrics, type ServerMetricsOptions } from "./metrics.js";
import { authenticatePeer } from "./peer.js";
import { DEFAULT_PEER_RATE_LIMIT, type RateLimit, RateLimiter } from "./rate-limit.js";
import {
  closeGracefully,
  createMutualTlsServer,
  listenOn,
  serverContextOptions,
  type TlsMaterial,
} from "./tls-server.js";

/** How to run a provider's server. */
export interface ProviderServerOptions {
  /** Our provider domain (what `Host` must name and our certificate authenticates). */
  readonly domain: string;
  /** PEM private key and certificate chain of our provider certificate. */
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** CAs trusted for peer providers; a {@link BoundAnchor} certifies only its domain (decision 0401). */
  readonly ca: PeerCa | readonly PeerCa[];
  /** CRLs (PEM) of the peer CAs (see {@link TlsMaterial.crl}). */
  readonly crl?: string | Buffer | readonly (string | Buffer)[];
  /** Storage. */
  readonly db: Database;
  /** The endpoints to route (only implemented endpoints; the directory lists exactly these). */
  readonly endpoints: readonly Endpoint[];
  /** Largest accepted request body in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * Where the §5.1 endpoints are served, which the directory advertises (decision 0677; default
   * `/v1/<name>/{param}`).
   *
   * @throws ValidationError (from the start) for a layout `checkPathLayout` refuses.
   */
  readonly paths?: PathLayout;
  /** The port peers should use, when it differs from the listening one (e.g. behind NAT). */
  readonly publicPort?: number;
  /** Where log records go (default: JSON lines on stdout). */
  readonly log?: LogSink;
  /**
   * Requests each peer provider may make (token bucket per authenticated domain; more get 429
   * with `Retry-After`; decision 0675). Default {@link DEFAULT_PEER_RATE_LIMIT}; `false`: none.
   */
  readonly rateLimit?: RateLimit | false;
  /** Clock (ms since the UNIX epoch), for tests. */
  readonly now?: () => number;
  /**
   * Called after each answered request with what went over the wire (for recorded transcripts,
   * e.g. the federation transcript of `mimi vectors generate`). Never called for a request whose
   * response could not be written.
   */
  readonly observe?: (exchange: Exchange) => void;
  /** Where the request metrics go (default: a registry of their own, prefix `mimi_http_`). */
  readonly metrics?: ServerMetricsOptions;
}

/** One request of a peer and our answer, as {@link ProviderServerOptions.observe} sees it. */
export interface Exchange {
  /** The authenticated peer domain (undefined when authentication failed). */
  readonly peer: string | undefined;
  readonly method: string;
  /** The request target (path and query) as received. */
  readonly path: string;
  /** The request body (undefined when it was not read: refused before or while reading). */
  readonly requestBody: Uint8Array | undefined;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly responseBody: Uint8Array | undefined;
}

/** A running server. */
export interface ProviderServer {
  /** The HTTPS port. */
  readonly port: number;
  /** The metrics registry. */
  readonly metrics: ServerMetrics;
  /** The §5.1 directory document served by this server. */
  directory(): Record<string, string>;
  /**
   * Present another key and certificate, trust other peer CAs and CRLs: new connections use them
   * at once, connections already open keep what they were made with.
   *
   * @throws the TLS stack's error for unusable material (the old material stays in use).
   */
  reloadTls(tls: TlsMaterial & { readonly ca: PeerCa | readonly PeerCa[] }): void;
  /** Start a plain-HTTP listener serving `GET /metrics` (default 127.0.0.1, port 0); returns its port. */
  listenMetrics(port?: number, host?: string): Promise<number>;
  /**
   * Stop accepting connections, let requests in flight finish (at most `graceMs`), close idle
   * keep-alive connections, then close everything.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * Start a provider's HTTPS server on `port` (0 = any free port) at `host` (default 127.0.0.1).
 *
 * @throws the listen error (e.g. the port is taken).
 */
export async function startProviderServer(
  options: ProviderServerOptions,
  port = 0,
  host = "127.0.0.1",
): Promise<ProviderServer> {
  const domain = options.domain.toLowerCase();
  const max = options.maxBodyBytes ?? 1 << 20;
  const now = options.now ?? Date.now;
  const log = makeLogger(options.log ?? jsonLinesToStdout);
  const metrics = new ServerMetrics(options.metrics);
  const byName = new Map<DirectoryName, Endpoint>();
  const extensions: Endpoint[] = [];
  for (const e of options.endpoints)
    if (isDirectoryName(e.name)) byName.set(e.name, e);
    else extensions.push(e);
  let metricsServer: Server | undefined;
  let closing = false;
  const routes = layoutRoutes(options.paths, [...byName.keys()]);

  let trust = peerTrust(options.ca);
  const limiter =
    options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? DEFAULT_PEER_RATE_LIMIT);
  const server = createMutualTlsServer({
    key: options.key,
    cert: options.cert,
    ca: trust.pems,
    ...(options.crl === undefined ? {} : { crl: options.crl }),
    rejectUnauthorized: true,
  });

  const directory = (): Record<string, string> => {
    const p = options.publicPort ?? (server.address() as AddressInfo | null)?.port ?? 443;
    const origin = `https://${domain}${p === 443 ? "" : `:${p}`}`;
    const out: Record<string, string> = {};
    // [PROTO-DIR-07] draft-ietf-mimi-protocol-06 §5.1: the directory lists, for each endpoint we
    // route, the absolute https URL template at which we serve it (decision 0677).
    for (const e of options.endpoints)
      if (isDirectoryName(e.name)) out[e.name] = `${origin}${layoutTemplate(options.paths, e.name)}`;
    return out;
  };

  /** Route a request: the endpoint and its raw parameter, or a rejection. */
  const route = (method: string, url: string): { endpoint?: Endpoint; param: string; route: string } => {
    const path = url.split("?")[0] ?? "";
    if (path === DIRECTORY_PATH) {
      if (method !== "GET") throw new HttpRejection(405, `${method} not allowed on the directory (GET)`);
      return { param: "", route: "directory" };
    }
    // Our routes outside the directory (decisions 0670, 0672): a fixed path or a path prefix.
    const at = extensions.filter((e) => {
      const r = extensionRoutes[e.name as ExtensionName];
      return (
        r.path === path ||
        (r.prefix !== undefined && path.startsWith(r.prefix) && path.length > r.prefix.length)
      );
    });
    if (at.length > 0) {
      const endpoint = at.find((e) => methodOf(e.name) === method);
      if (endpoint === undefined)
        throw new HttpRejection(
          405,
          `${method} not allowed on ${path.slice(0, 200)} (${at.map((e) => methodOf(e.name)).join(", ")})`,
        );
      const r = extensionRoutes[endpoint.name as ExtensionName];
      return {
        endpoint,
        param: r.prefix === undefined ? "" : path.slice(r.prefix.length),
        route: endpoint.name,
      };
    }
    const m = routes.match(path);
    const endpoint = m === undefined ? undefined : byName.get(m.name);
    if (m === undefined || endpoint === undefined)
      throw new HttpRejection(404, `no endpoint at ${path.slice(0, 200)}`);
    if (method !== methodOf(endpoint.name))
      throw new HttpRejection(405, `${method} not allowed on ${endpoint.name} (${methodOf(endpoint.name)})`);
    return { endpoint, param: m.param, route: endpoint.name };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    const arrival = now();
    metrics.started();
    let status = 500;
    let routeName = "unrouted";
    let peerDomain: string | undefined;
    let body: Uint8Array | undefined;
    let contentType = "application/octet-stream";
    let requestBody: Uint8Array | undefined;
    try {
      const r = route(req.method ?? "", req.url ?? "");
      routeName = r.route;
      peerDomain = authenticatePeer(req, domain, trust);
      const wait = limiter?.take(peerDomain) ?? 0;
      if (wait > 0)
        throw new HttpRejection(429, `too many requests from ${peerDomain}`, { retryAfterSeconds: wait });
      requestBody = await readBody(req, max);
      if (r.endpoint === undefined) {
        status = 200;
        contentType = "application/json";
        body = new TextEncoder().encode(JSON.stringify(directory()));
      } else {
        const out = await r.endpoint.handle({
          domain,
          peerDomain,
          param: decodeParam(r.param),
          body: requestBody,
          db: options.db,
          now: arrival,
          log,
        });
        status = out.status;
        body = out.body;
        if (out.contentType !== undefined) contentType = out.contentType;
      }
    } catch (e) {
      const answer = errorAnswer(e);
      status = answer.status;
      contentType = "application/json";
      body = answer.body;
      if (answer.retryAfterSeconds !== undefined)
        res.setHeader("Retry-After", String(answer.retryAfterSeconds));
      if (answer.rejected !== undefined) {
        metrics.rejected(answer.metricLabel ?? answer.rejected.name);
        log({
          level: "info",
          msg: "rejected",
          route: routeName,
          peer: peerDomain,
          status,
          reason: answer.rejected.describe(),
        });
        // A refused body may not have been read: do not keep the connection for the rest of it.
        if (!req.complete) res.setHeader("Connection", "close");
      } else {
        log({ level: "error", msg: "handler failed", route: routeName, peer: peerDomain, ...errorFields(e) });
      }
    }
    if (closing) res.setHeader("Connection", "close");
    res.statusCode = status;
    if (body !== undefined) {
      res.setHeader("Content-Type", contentType);
      res.setHeader("Content-Length", body.length);
      res.end(body);
    } else {
      res.end();
    }
    options.observe?.({
      peer: peerDomain,
      method: req.method ?? "",
      path: req.url ?? "",
      requestBody,
      status,
      contentType: body === undefined ? undefined : contentType,
      responseBody: body,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.finished(routeName, req.method ?? "", status, seconds);
    const record: LogRecord = {
      level: "debug",
      msg: "request",
      route: routeName,
      method: req.method,
      status,
      peer: peerDomain,
      ms: seconds * 1000,
    };
    if (status < 400) log(record);
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      log({ level: "error", msg: "response failed", ...errorFields(e) });
      res.destroy();
    });
  });
  server.on("tlsClientError", (err: Error) => {
    metrics.rejected("tls");
    log({ level: "info", msg: "TLS handshake refused", reason: err.message });
  });
  server.on("clientError", (err: Error, socket) => {
    metrics.rejected("http_parse");
    if (socket.writable)
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy(err);
  });

  const boundPort = await listenOn(server, port, host);
  log({
    level: "info",
    msg: "listening",
    domain,
    port: boundPort,
    endpoints: [...byName.keys()],
  });

  return {
    port: boundPort,
    metrics,
    directory,
    reloadTls(tls) {
      const next = peerTrust(tls.ca);
      server.setSecureContext({ ...serverContextOptions(tls, next.pems), minVersion: "TLSv1.3" });
      trust = next;
      log({ level: "info", msg: "TLS material reloaded", domain });
    },
    async listenMetrics(mport = 0, mhost = "127.0.0.1"): Promise<number> {
      metricsServer = createHttpServer((req, res) => {
        if (req.method === "GET" && req.url === "/metrics") {
          answerMetrics(res, metrics, log);
        } else {
          res.statusCode = 404;
          res.end();
        }
      });
      const ms = metricsServer;
      await new Promise<void>((resolve, reject) => {
        ms.once("error", reject);
        ms.listen(mport, mhost, () => resolve());
      });
      return (ms.address() as AddressInfo).port;
    },
    async close(graceMs = 5_000): Promise<void> {
      closing = true;
      await closeGracefully(server, graceMs);
      if (metricsServer !== undefined) {
        const ms = metricsServer;
        await new Promise<void>((resolve) => ms.close(() => resolve()));
      }
      log({ level: "info", msg: "closed", domain });
    },
  };
}
