/**
 * The client API of a provider (outside protocol-06's scope; `docs/client-api.md`, decisions
 * 0640–0643): its own HTTPS listener for the provider's own clients, authenticated by client
 * certificates issued by the provider's client CA. Requests for rooms and users of our domain go
 * to the very `Endpoint` handlers the federation server routes, with `peerDomain` = our domain;
 * the others are forwarded with the federation client to the provider that owns the room or user,
 * and its answer is relayed.
 *
 * This file is the listener: it finds the route, authenticates the client, applies the rate limit
 * and maps errors to answers. Each route's handler is its own file under `routes/`, listed in
 * `routes/index.ts`.
 *
 * Every refusal is a 4xx with the federation server's JSON body `{ error, what, path, rule }`; a
 * peer that cannot be reached is a 502 (504 on timeout); 500 only ever means a fault of ours.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import { domainOf, isClientUri } from "@mimi/identifiers";
import { type CertifiedKeyPem, trustAnchor } from "@mimi/identity";
import type { ExternalSender } from "@mimi/mls-profile";
import {
  CLIENT_API_PREFIX,
  clientApiRoute,
  type DirectoryName,
  hasClientSignature,
  SIGNED_REQUEST_HEADERS,
} from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";
import { type FederationClient, PeerRejected, PeerUnavailable } from "../federation/client.js";
import type { Endpoint } from "../server/endpoint.js";
import { errorAnswer, errorBodyOf, HttpRejection } from "../server/http-error.js";
import { decodeParam, readBody } from "../server/http-request.js";
import { errorFields, jsonLinesToStdout, type LogRecord, type LogSink, makeLogger } from "../server/log.js";
import { ServerMetrics, type ServerMetricsOptions } from "../server/metrics.js";
import { DEFAULT_CLIENT_RATE_LIMIT, type RateLimit, RateLimiter } from "../server/rate-limit.js";
import {
  closeGracefully,
  createMutualTlsServer,
  listenOn,
  serverContextOptions,
  type TlsMaterial,
} from "../server/tls-server.js";
import type { Database } from "../storage/database.js";
import { addEnrollmentCodes, type EnrollmentCode, newEnrollmentCode } from "./enrollment.js";
import { createInboxSignal, type InboxSignal } from "./inbox.js";
import { createInboxFeed } from "./inbox-feed.js";
import type {
  ClientApiContext,
  EnrollmentIssuer,
  JoinCodeIssuer,
  RoomCreator,
  RouteAnswer,
} from "./route.js";
import { routeHandler } from "./routes/index.js";
import { createSignatureAuthenticator } from "./signature-auth.js";
import { serveStatic } from "./static-app.js";

/**
 * The browser listener (decision 0811): plain HTTP on a loopback host (a secure context for
 * browsers), or HTTPS anywhere with `key` and `cert`; signature authentication only; CORS for the
 * provider's web origins; optionally a static web app at `/`.
 */
export interface ClientApiWebOptions {
  /** Default 127.0.0.1; without `key`/`cert` one of 127.0.0.1, ::1, localhost. */
  readonly host?: string;
  /** 0 = any free port. */
  readonly port: number;
  /**
   * The provider's web origin(s) whose pages may call the API (`https://chat.example`); the
   * listener's own origin (every loopback spelling of its port) is always allowed.
   */
  readonly origin?: string | readonly string[];
  /** A directory of static files served at `/` (GET, HEAD). */
  readonly app?: string;
  /** PEM key and certificate: serve HTTPS (on any host) instead of loopback HTTP. */
  readonly key?: string | Buffer;
  /** PEM certificate (chain) of the HTTPS browser listener. */
  readonly cert?: string | Buffer;
}

/** Enrollment (decision 0811): the issuing CA, the trust anchors answered, the codes to load. */
export interface ClientApiEnrollmentOptions {
  /** The CA key and certificate (PEM) issuing enrolled clients' certificates; one of `clientCa`. */
  readonly issuer: CertifiedKeyPem;
  /**
   * The CAs answered as trust anchors besides `clientCa` (our peers' CAs), each a PEM or a PEM
   * bound to a domain.
   */
  readonly peerAnchors?: readonly (string | { readonly pem: string; readonly domain: string })[];
  /** Codes stored at start (codes stored before keep their state). */
  readonly codes?: readonly EnrollmentCode[];
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** How to run a client API listener. */
export interface ClientApiOptions {
  /** Our provider domain: authenticated clients must be of it. */
  readonly domain: string;
  /** PEM key and certificate the listener presents (usually the provider certificate). */
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** PEM CA certificate(s) that issue our clients' certificates. */
  readonly clientCa: string | Buffer | readonly (string | Buffer)[];
  /** CRLs (PEM) of the client CAs: a revoked client certificate is refused (401, PROTO-CAPI-01). */
  readonly crl?: string | Buffer | readonly (string | Buffer)[];
  /** Storage (shared with the federation server). */
  readonly db: Database;
  /** The local handlers of our federation endpoints (keyMaterial, update, submitMessage, …). */
  readonly endpoints: readonly Endpoint[];
  /** Our client of other providers, for requests about other domains. */
  readonly federation: FederationClient;
  /** The hub's room creation; without it `POST /client/v1/rooms/{roomId}` answers 404. */
  readonly createRoom?: RoomCreator;
  /**
   * The hub's ExternalSender, which a room's creator must list in `external_senders`
   * (protocol-06 §7.4); without it `GET /client/v1/hubSender` answers 404 (decision 0807).
   */
  readonly hubSender?: () => Promise<ExternalSender>;
  /**
   * The hub's joining codes (decision 0661) for rooms this provider hosts; without it
   * `POST /client/v1/joinCodes/{roomId}` answers 404 (decision 0662).
   */
  readonly joinCodes?: JoinCodeIssuer;
  /** Wakes inbox streams (share it with whatever queues messages in this process). */
  readonly inboxSignal?: InboxSignal;
  /** How often an idle inbox stream looks for messages queued by other processes (default 1 s). */
  readonly inboxPollMs?: number;
  /** Largest accepted request body (default 16 MiB: attachments are uploaded here). */
  readonly maxBodyBytes?: number;
  /** Where log records go (default: JSON lines on stdout). */
  readonly log?: LogSink;
  /**
   * Requests each client may make (token bucket per authenticated client URI; more get 429 with
   * `Retry-After`; decision 0675). Default {@link DEFAULT_CLIENT_RATE_LIMIT}; `false`: none.
   */
  readonly rateLimit?: RateLimit | false;
  /** Clock (ms since the UNIX epoch). */
  readonly now?: () => number;
  /** Where the request metrics go (default: a registry of their own, prefix `mimi_http_`). */
  readonly metrics?: ServerMetricsOptions;
  /** A second listener for browsers (signature authentication, CORS, a static app; decision 0811). */
  readonly web?: ClientApiWebOptions;
  /** Enrollment with one-time codes at `POST /client/v1/enroll`; 404 there when absent. */
  readonly enrollment?: ClientApiEnrollmentOptions;
}

/** A running client API listener. */
export interface ClientApiServer {
  readonly port: number;
  /** The browser listener's port, when configured. */
  readonly webPort?: number;
  /**
   * Store an enrollment code for `user` (a user URI of our domain): `code` or a fresh random one,
   * valid until `expiresAt` (ms since the UNIX epoch; default one day from now).
   *
   * @throws ValidationError for a malformed code or user; HttpRejection-free: enrollment must be configured.
   */
  addEnrollmentCode(
    user: string,
    options?: { readonly code?: string; readonly expiresAt?: number },
  ): Promise<EnrollmentCode>;
  readonly metrics: ServerMetrics;
  /** The signal that wakes inbox streams. */
  readonly inboxSignal: InboxSignal;
  /**
   * Present another key and certificate, trust other client CAs and CRLs: new connections use
   * them at once, connections already open keep what they were made with.
   *
   * @throws the TLS stack's error for unusable material (the old material stays in use).
   */
  reloadTls(tls: TlsMaterial & { readonly clientCa: string | Buffer | readonly (string | Buffer)[] }): void;
  /** Stop accepting, end inbox streams, let requests in flight finish (at most `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/**
 * The client URI a client certificate authenticates (its one `mimi://<domain>/d/…` SAN URI).
 *
 * @throws HttpRejection 401 without a trusted certificate, 403 for a certificate naming no client
 * (or several) or a client of another domain.
 */
export function authenticateClient(socket: TLSSocket, ourDomain: string): string {
  // [PROTO-CAPI-01] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0640): a client authenticates with a TLS client
  // certificate issued by the provider's client CA.
  if (socket.authorized !== true)
    throw new HttpRejection(401, "a client certificate issued by this provider's client CA is required", {
      rule: "PROTO-CAPI-01",
    });
  const san = socket.getPeerCertificate()?.subjectaltname ?? "";
  const clients = san
    .split(/,\s*/)
    .filter((e) => e.startsWith("URI:"))
    .map((e) => e.slice(4))
    .filter((u) => isClientUri(u));
  // [PROTO-CAPI-02] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0640): the certificate names exactly one client URI,
  // and it is a client of this provider's domain.
  if (clients.length !== 1)
    throw new HttpRejection(403, `the client certificate names ${clients.length} client URIs, not one`, {
      rule: "PROTO-CAPI-02",
    });
  const client = clients[0]!;
  if (domainOf(client) !== ourDomain)
    throw new HttpRejection(403, `${client} is not a client of ${ourDomain}`, { rule: "PROTO-CAPI-02" });
  return client;
}

/** The origins allowed to call the browser listener: `origin` and the listener's own (every loopback spelling). */
function allowedOrigins(web: ClientApiWebOptions, port: number, scheme: "http" | "https"): Set<string> {
  const out = new Set<string>();
  const configured =
    web.origin === undefined ? [] : typeof web.origin === "string" ? [web.origin] : web.origin;
  configured.forEach((o, i) => {
    let u: URL;
    try {
      u = new URL(o);
    } catch (e) {
      throw new ValidationError(`${JSON.stringify(o)} is not an origin`, {
        path: `/web/origin/${i}`,
        cause: e,
      });
    }
    if ((u.protocol !== "http:" && u.protocol !== "https:") || u.origin !== o.replace(/\/$/, ""))
      throw new ValidationError(`${JSON.stringify(o)} is not an http(s) origin (scheme://host[:port])`, {
        path: `/web/origin/${i}`,
      });
    out.add(u.origin);
  });
  const host = web.host ?? "127.0.0.1";
  const own = LOOPBACK.has(host)
    ? ["127.0.0.1", "[::1]", "localhost"]
    : [host.includes(":") ? `[${host}]` : host];
  for (const h of own) out.add(new URL(`${scheme}://${h}:${port}`).origin);
  return out;
}

/**
 * Start a client API listener on `port` (0 = any free port) at `host` (default 127.0.0.1), and
 * the browser listener when `options.web` is given.
 *
 * @throws ValidationError for a browser listener on plain HTTP off loopback or a malformed origin;
 * the listen error.
 */
export async function startClientApi(
  options: ClientApiOptions,
  port = 0,
  host = "127.0.0.1",
): Promise<ClientApiServer> {
  const domain = options.domain.toLowerCase();
  const db = options.db;
  const max = options.maxBodyBytes ?? 16 << 20;
  const now = options.now ?? Date.now;
  const log = makeLogger(options.log ?? jsonLinesToStdout);
  const metrics = new ServerMetrics(options.metrics);
  const signal = options.inboxSignal ?? createInboxSignal();
  const limiter =
    options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? DEFAULT_CLIENT_RATE_LIMIT);
  const local = new Map<string, Endpoint>();
  for (const e of options.endpoints) local.set(e.name, e);
  const streams = new Set<ServerResponse>();
  const inbox = createInboxFeed({ db, signal, pollMs: options.inboxPollMs ?? 1000, now });
  let closing = false;
  const web = options.web;
  const webTls = web?.key !== undefined && web.cert !== undefined;
  // [PROTO-CAPI-18] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0811): the browser listener speaks plain HTTP only on
  // a loopback host (a secure context for browsers); elsewhere it needs a key and certificate.
  if (web !== undefined && !webTls && !LOOPBACK.has(web.host ?? "127.0.0.1"))
    throw new ValidationError(
      `the browser listener serves plain HTTP only on a loopback host (127.0.0.1, ::1, localhost), not ${web.host}; give it a key and cert for HTTPS`,
      { path: "/web/host", rule: "PROTO-CAPI-18" },
    );
  if (web !== undefined && (web.key === undefined) !== (web.cert === undefined))
    throw new ValidationError("the browser listener needs both key and cert, or neither", { path: "/web" });
  const signatures = createSignatureAuthenticator({
    domain,
    clientCa: options.clientCa,
    crl: options.crl,
    now,
  });
  const enrollment = options.enrollment;
  if (enrollment?.codes !== undefined) await addEnrollmentCodes(db, domain, enrollment.codes, now());

  // the handler refuses a client without a valid certificate with a reason (not the handshake)
  const server = createMutualTlsServer({
    key: options.key,
    cert: options.cert,
    ca: options.clientCa,
    ...(options.crl === undefined ? {} : { crl: options.crl }),
    rejectUnauthorized: false,
    requestTimeoutMs: 60_000,
  });

  const ctx: ClientApiContext = {
    domain,
    db,
    now,
    log,
    federation: options.federation,
    local,
    inbox,
    streams,
    closing: () => closing,
    createRoom: options.createRoom,
    hubSender: options.hubSender,
    joinCodes: options.joinCodes,
    enrollment:
      enrollment === undefined
        ? undefined
        : {
            issuer: enrollment.issuer,
            trustAnchors: answeredAnchors(domain, options.clientCa, enrollment.peerAnchors ?? []),
          },
    async dispatch(
      name: DirectoryName,
      owner: string,
      param: string,
      body: Uint8Array,
    ): Promise<RouteAnswer> {
      if (owner === domain) {
        const endpoint = local.get(name);
        if (endpoint === undefined) throw new HttpRejection(404, `${name} is not served by ${domain}`);
        // [PROTO-CAPI-03] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0640): a request about our own rooms or users is
        // handled by the same handler as a peer's, with the requesting provider being ourselves.
        const out = await endpoint.handle({ domain, peerDomain: domain, param, body, db, now: now(), log });
        signal.notify();
        return { status: out.status, ...(out.body === undefined ? {} : { body: out.body }) };
      }
      // [PROTO-CAPI-04] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0640): any other request goes to the provider owning the
      // room or user (protocol-06 §5: the room's hub, the target user's provider), answer relayed.
      const res = await options.federation.send(owner, { endpoint: name, param, body });
      return { status: res.status, body: res.body };
    },
  };

  /** One client API request on either listener (`web`: the browser listener, signatures only). */
  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    started: bigint,
    url: URL,
    listener: "tls" | "web",
  ): Promise<void> => {
    const path = url.pathname;
    const method = req.method ?? "";
    if (!path.startsWith(`${CLIENT_API_PREFIX}/`))
      throw new HttpRejection(404, `no client API route at ${path.slice(0, 200)}`);
    const rest = path.slice(CLIENT_API_PREFIX.length + 1);
    const slash = rest.indexOf("/");
    const name = slash === -1 ? rest : rest.slice(0, slash);
    const rawParam = slash === -1 ? undefined : rest.slice(slash + 1);
    const r = clientApiRoute(name);
    const handler = routeHandler(name);
    if (r === undefined || handler === undefined || rawParam?.includes("/"))
      throw new HttpRejection(404, `no client API route at ${path.slice(0, 200)}`);
    if (r.param !== (rawParam !== undefined && rawParam !== ""))
      throw new HttpRejection(404, `no client API route at ${path.slice(0, 200)}`);
    if (method !== r.method) throw new HttpRejection(405, `${method} not allowed on ${name} (${r.method})`);
    const header = (h: string): string | undefined => {
      const v = req.headers[h];
      return Array.isArray(v) ? v.join(", ") : v;
    };
    let client: string;
    // read before authentication only for signatures (the digest covers it)
    let body: Uint8Array | undefined;
    if (r.authenticated === false) {
      // enrollment: no client yet; its rate limit is per remote address
      client = "";
      const wait = limiter?.take(`enroll ${req.socket.remoteAddress ?? ""}`) ?? 0;
      if (wait > 0) throw new HttpRejection(429, "too many enrollment requests", { retryAfterSeconds: wait });
      body = await readBody(req, max);
    } else if (listener === "web" || hasClientSignature(header)) {
      // [PROTO-CAPI-14] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0810): a request signed with the client
      // credential's key authenticates its client as a client certificate does, on either listener.
      body = await readBody(req, max);
      client = await signatures.authenticate(req, url.href, body);
    } else {
      client = authenticateClient(req.socket as TLSSocket, domain);
    }
    if (client !== "") {
      const wait = limiter?.take(client) ?? 0;
      if (wait > 0)
        throw new HttpRejection(429, `too many requests from ${client}`, { retryAfterSeconds: wait });
    }
    const param = rawParam === undefined ? "" : decodeParam(rawParam);
    body ??= await readBody(req, max);
    // a stream counts as answered when it starts
    if (name === "inbox") metrics.finished(name, method, 200, 0);
    const a = await handler({ name, client, param, body, query: url.searchParams, req, res, ctx });
    if (a === "streamed") return;
    res.statusCode = a.status;
    if (a.body !== undefined) {
      res.setHeader("Content-Type", a.contentType ?? "application/octet-stream");
      res.setHeader("Content-Length", a.body.length);
      res.end(a.body);
    } else res.end();
    metrics.finished(name, method, a.status, Number(process.hrtime.bigint() - started) / 1e9);
  };

  const answerError = (e: unknown, req: IncomingMessage, res: ServerResponse, started: bigint): void => {
    let status: number;
    let body: Uint8Array;
    if (e instanceof PeerRejected) {
      status = e.status;
      body = new TextEncoder().encode(
        JSON.stringify({
          error: e.reason.error ?? e.name,
          what: e.reason.what ?? e.what,
          path: e.reason.path ?? "/",
          ...(e.reason.rule === undefined ? {} : { rule: e.reason.rule }),
          peer: e.peerDomain,
        }),
      );
    } else if (e instanceof PeerUnavailable) {
      status = e.status === 504 || /no answer within/.test(e.what) ? 504 : 502;
      body = errorBodyOf(e, { peer: e.peerDomain });
    } else {
      const answer = errorAnswer(e);
      status = answer.status;
      body = answer.body;
      if (answer.retryAfterSeconds !== undefined && !res.headersSent)
        res.setHeader("Retry-After", String(answer.retryAfterSeconds));
      if (answer.rejected !== undefined) {
        metrics.rejected(answer.metricLabel ?? answer.rejected.name);
        log({ level: "info", msg: "client API rejected", status, reason: answer.rejected.describe() });
      } else {
        log({ level: "error", msg: "client API handler failed", ...errorFields(e) } satisfies LogRecord);
      }
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = status;
    res.setHeader("Content-Type", "application/json");
    res.setHeader("Content-Length", body.length);
    if (!req.complete || closing) res.setHeader("Connection", "close");
    res.end(body);
    metrics.finished("client", req.method ?? "", status, Number(process.hrtime.bigint() - started) / 1e9);
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    metrics.started();
    Promise.resolve()
      .then(() => handle(req, res, started, requestUrl(req, "https", `${domain}:${boundPort}`), "tls"))
      .catch((e: unknown) => answerError(e, req, res, started));
  });
  server.on("tlsClientError", (err: Error) => {
    metrics.rejected("tls");
    log({ level: "info", msg: "client API TLS handshake refused", reason: err.message });
  });

  const boundPort = await listenOn(server, port, host);
  log({ level: "info", msg: "client API listening", domain, port: boundPort });

  let webServer: Server | undefined;
  let webPort: number | undefined;
  if (web !== undefined) {
    const scheme = webTls ? "https" : "http";
    let origins = new Set<string>();
    const ws: Server = webTls
      ? (createHttpsServer({ key: web.key!, cert: web.cert!, minVersion: "TLSv1.2" }) as unknown as Server)
      : createHttpServer();
    ws.headersTimeout = 10_000;
    ws.requestTimeout = 60_000;
    ws.keepAliveTimeout = 30_000;
    ws.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const started = process.hrtime.bigint();
      metrics.started();
      void (async () => {
        const h = web.host ?? "127.0.0.1";
        const url = requestUrl(req, scheme, `${h.includes(":") ? `[${h}]` : h}:${webPort}`);
        const origin = req.headers.origin;
        if (origin !== undefined) {
          // [PROTO-CAPI-19] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0811): only pages of the provider's own web
          // origins may call the browser listener: another Origin gets no CORS headers and 403.
          if (!origins.has(origin))
            throw new HttpRejection(403, `origin ${origin.slice(0, 200)} may not call this API`, {
              path: "/headers/origin",
              rule: "PROTO-CAPI-19",
            });
          res.setHeader("Access-Control-Allow-Origin", origin);
          res.setHeader("Access-Control-Expose-Headers", "Retry-After, Content-Length");
        }
        res.setHeader("Vary", "Origin");
        if (req.method === "OPTIONS") {
          if (origin === undefined || req.headers["access-control-request-method"] === undefined)
            throw new HttpRejection(
              400,
              "OPTIONS is a CORS preflight: Origin and Access-Control-Request-Method are required",
              {
                path: "/headers/origin",
              },
            );
          res.statusCode = 204;
          res.setHeader("Access-Control-Allow-Methods", "GET, POST, HEAD");
          res.setHeader("Access-Control-Allow-Headers", SIGNED_REQUEST_HEADERS.join(", "));
          res.setHeader("Access-Control-Max-Age", "600");
          // Private Network Access: a page of a public origin may call this loopback listener
          if (req.headers["access-control-request-private-network"] === "true")
            res.setHeader("Access-Control-Allow-Private-Network", "true");
          res.end();
          return;
        }
        if (url.pathname.startsWith(`${CLIENT_API_PREFIX}/`)) return handle(req, res, started, url, "web");
        if (web.app === undefined) throw new HttpRejection(404, `nothing at ${url.pathname.slice(0, 200)}`);
        await serveStatic(web.app, url.pathname, req, res);
      })().catch((e: unknown) => answerError(e, req, res, started));
    });
    webPort = await listenOn(ws as Parameters<typeof listenOn>[0], web.port, web.host ?? "127.0.0.1");
    origins = allowedOrigins(web, webPort, scheme);
    webServer = ws;
    log({
      level: "info",
      msg: "client API browser listener",
      domain,
      url: `${scheme}://${web.host ?? "127.0.0.1"}:${webPort}`,
    });
  }

  return {
    port: boundPort,
    ...(webPort === undefined ? {} : { webPort }),
    metrics,
    inboxSignal: signal,
    async addEnrollmentCode(user, o = {}) {
      const code = {
        code: o.code ?? newEnrollmentCode(),
        user,
        expiresAt: o.expiresAt ?? now() + 86_400_000,
      };
      await addEnrollmentCodes(db, domain, [code], now());
      return code;
    },
    reloadTls(tls) {
      server.setSecureContext({ ...serverContextOptions(tls, tls.clientCa), minVersion: "TLSv1.3" });
      signatures.reload(tls.clientCa, tls.crl);
      log({ level: "info", msg: "client API TLS material reloaded", domain });
    },
    async close(graceMs = 5_000) {
      closing = true;
      const end = () => {
        inbox.close();
        signal.notify();
        for (const s of streams) s.end();
      };
      await Promise.all([
        closeGracefully(server, graceMs, end),
        ...(webServer === undefined
          ? []
          : [closeGracefully(webServer as Parameters<typeof closeGracefully>[0], graceMs, end)]),
      ]);
    },
  };
}

/**
 * The trust anchors enrollment answers: our client CAs, then the peers' CAs, each PEM once. A CA
 * naming its provider domain itself (a `mimi://<domain>` subjectAltName) is answered unbound; a
 * client CA naming none is bound to our domain; a peer CA bound to a domain by configuration stays
 * bound to it.
 */
function answeredAnchors(
  domain: string,
  clientCa: ClientApiOptions["clientCa"],
  peers: NonNullable<ClientApiEnrollmentOptions["peerAnchors"]>,
): EnrollmentIssuer["trustAnchors"] {
  const out: { pem: string; domain: string | null }[] = [];
  const add = (pem: string, bound: string | null, keep = false) => {
    if (out.some((a) => a.pem.trim() === pem.trim())) return;
    if (keep) {
      out.push({ pem, domain: bound });
      return;
    }
    let named = false;
    try {
      trustAnchor(pem);
      named = true;
    } catch {
      named = false;
    }
    out.push({ pem, domain: named ? null : bound });
  };
  for (const c of pemListOf(clientCa)) add(typeof c === "string" ? c : c.toString("utf8"), domain);
  for (const p of peers) {
    if (typeof p === "string") add(p, null);
    else add(p.pem, p.domain.toLowerCase(), true);
  }
  return out;
}

/**
 * The absolute URL of a request: the listener's scheme, the `Host` header (when it is a plain
 * host[:port], else `fallback`) and the request target.
 *
 * @throws HttpRejection 400 for a request target that makes no URL.
 */
function requestUrl(req: IncomingMessage, scheme: "http" | "https", fallback: string): URL {
  const h = req.headers.host;
  const host = h !== undefined && /^[A-Za-z0-9.\-[\]:]{1,300}$/.test(h) ? h : fallback;
  try {
    return new URL(req.url ?? "/", `${scheme}://${host}`);
  } catch {
    try {
      return new URL(req.url ?? "/", `${scheme}://${fallback}`);
    } catch {
      throw new HttpRejection(400, "the request target is not a URL path", { path: "/target" });
    }
  }
}

const pemListOf = <T>(v: T | readonly T[]): T[] => (Array.isArray(v) ? [...(v as readonly T[])] : [v as T]);
