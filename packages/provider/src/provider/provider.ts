/**
 * A running MIMI provider (decision 0644): the federation server (protocol-06 §4.1, §5) routing
 * every implemented endpoint, the client API for the provider's own clients, the federation
 * client for its requests to other providers, a Prometheus listener, and graceful shutdown.
 */

import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSecureContext } from "node:tls";
import type { PathLayout } from "@mimi/protocol";
import { createInboxSignal, type InboxSignal, wakingInboxes } from "../client-api/inbox.js";
import {
  type ClientApiEnrollmentOptions,
  type ClientApiServer,
  type ClientApiWebOptions,
  startClientApi,
} from "../client-api/server.js";
import { type AssetHost, createAssetSource } from "../federation/assets.js";
import { createFederationClient, type FederationClient, type PeerEndpoint } from "../federation/client.js";
import { hubEndpoints } from "../hub/endpoints.js";
import { type HubFanout, startHubFanout } from "../hub/fanout.js";
import { createHub, type Hub, type HubOptions } from "../hub/hub.js";
import { createJoinCode, deleteJoinCode } from "../hub/join-codes.js";
import type { OhttpKeyRotation } from "../hub/keys.js";
import { type BoundAnchor, type PeerCa, peerTrust } from "../server/anchor-binding.js";
import type { Endpoint } from "../server/endpoint.js";
import { implementedEndpoints } from "../server/index.js";
import { errorFields, jsonLinesToStdout, type LogSink, makeLogger } from "../server/log.js";
import { answerMetrics } from "../server/metrics.js";
import type { DEFAULT_CLIENT_RATE_LIMIT, DEFAULT_PEER_RATE_LIMIT, RateLimit } from "../server/rate-limit.js";
import { type Exchange, type ProviderServer, startProviderServer } from "../server/server.js";
import { serverContextOptions } from "../server/tls-server.js";
import { type Database, openDatabase } from "../storage/database.js";
import { migrate, migrations, schemaVersion } from "../storage/migrations.js";
import { providerMetrics } from "./metrics.js";

/** Where a listener binds. */
export interface ListenAddress {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = any free port. */
  readonly port: number;
}

/** How to run a provider. */
export interface ProviderOptions {
  /** Our provider domain. */
  readonly domain: string;
  /** The federation server's address (default 127.0.0.1, any free port). */
  readonly listen?: ListenAddress;
  /**
   * PEM material: our provider key and certificate (DNS SAN = domain; server and client side of
   * mutual TLS) and the CAs trusted for peer providers.
   */
  readonly tls: {
    readonly key: string | Buffer;
    readonly cert: string | Buffer;
    /** CAs trusted for peer providers; a {@link BoundAnchor} certifies only its domain (decision 0401). */
    readonly ca: PeerCa | readonly PeerCa[];
    /** CRLs (PEM) of those CAs, one per CA when any (OpenSSL's revocation check; decision 0405). */
    readonly crl?: string | Buffer | readonly (string | Buffer)[];
  };
  /** A storage URL (`memory://`, `pglite:PATH`, `postgres://…`; default `memory://`) or an open database (not closed by `stop`). */
  readonly storage?: string | Database;
  /** The client API listener and the CA(s) issuing our clients' certificates; none when absent. */
  readonly clientApi?: ListenAddress & {
    readonly ca: string | Buffer | readonly (string | Buffer)[];
    /** CRLs (PEM) of the client CAs. */
    readonly crl?: string | Buffer | readonly (string | Buffer)[];
    /** The browser listener (signature authentication, CORS, a static app; decision 0811). */
    readonly web?: ClientApiWebOptions;
    /**
     * Enrollment with one-time codes (decision 0811): the CA issuing enrolled clients'
     * certificates and the codes to store; the trust anchors answered are `ca` and `tls.ca`.
     */
    readonly enrollment?: Omit<ClientApiEnrollmentOptions, "peerAnchors">;
  };
  /** How to reach peer providers: `domain → "host:port"` or a function; others are `<domain>:443`. */
  readonly peers?: Readonly<Record<string, string>> | ((domain: string) => PeerEndpoint | undefined);
  /**
   * Peers' asset hosts (`host → { peer, address? }`) that the hub's `/proxyDownload` and OHTTP
   * gateway fetch from (decision 0670); none when absent (the hub serves only our own blobs).
   */
  readonly assetHosts?: Readonly<Record<string, AssetHost>>;
  /** How the hub's OHTTP gateway rotates its key (default: weekly, the old one kept a day). */
  readonly ohttpKeyRotation?: OhttpKeyRotation;
  /** Largest asset fetched from a peer's asset host (default 16 MiB). */
  readonly maxAssetBytes?: number;
  /** Endpoints routed besides the built-in ones (e.g. discovery's identifierQuery); they win on a name clash. */
  readonly extraEndpoints?: readonly Endpoint[];
  /**
   * More endpoints made once the storage is open (e.g. `@mimi/discovery`'s persisted directory);
   * they come after `extraEndpoints`.
   */
  readonly endpointsFor?: (db: Database, domain: string) => Promise<readonly Endpoint[]>;
  /** A Prometheus listener (plain HTTP, keep it on loopback); none when absent. */
  readonly metrics?: ListenAddress;
  /**
   * Where the federation server serves the §5.1 endpoints, which its directory advertises
   * (decision 0677): a `prefix` (default `/v1`) and per-endpoint path templates.
   */
  readonly paths?: PathLayout;
  /** Largest federation request body (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Largest client API request body (default 16 MiB). */
  readonly clientApiMaxBodyBytes?: number;
  /**
   * Request rate limits (decision 0675): per peer provider on the federation server and per client
   * on the client API; `false` turns one off. Defaults: {@link DEFAULT_PEER_RATE_LIMIT},
   * {@link DEFAULT_CLIENT_RATE_LIMIT}.
   */
  readonly rateLimits?: { readonly peer?: RateLimit | false; readonly client?: RateLimit | false };
  /** Time allowed for one request to a peer (default 10 s). */
  readonly peerTimeoutMs?: number;
  /** How often idle inbox streams look for messages queued by other processes (default 1 s). */
  readonly inboxPollMs?: number;
  /** Where log records go (default JSON lines on stdout). */
  readonly log?: LogSink;
  /** Clock, ms since the UNIX epoch. */
  readonly now?: () => number;
  /** Sees every answered federation request (see `ProviderServerOptions.observe`). */
  readonly observe?: (exchange: Exchange) => void;
  /**
   * The hub of the rooms of our domain (protocol-06 §5): its options (default `{}`), or `false`
   * for a provider that hosts no rooms (then the client API cannot create rooms).
   */
  readonly hub?: false | Omit<HubOptions, "db" | "domain" | "now" | "log">;
  /** Fanout tuning: consecutive failures before a round gives up, first back-off and retry delay (ms). */
  readonly fanout?: {
    readonly maxAttempts?: number;
    readonly baseDelayMs?: number;
    readonly retryDelayMs?: number;
    readonly maxBatch?: number;
  };
}

/** A running provider. */
export interface RunningProvider {
  readonly domain: string;
  /** The federation server. */
  readonly server: ProviderServer;
  /** The federation server's port. */
  readonly port: number;
  /** The client API listener, when configured. */
  readonly clientApi?: ClientApiServer;
  readonly clientApiPort?: number;
  /** The client API's browser listener port, when configured. */
  readonly clientApiWebPort?: number;
  /** The Prometheus listener's port, when configured. */
  readonly metricsPort?: number;
  /** The storage. */
  readonly db: Database;
  /** Our client of other providers. */
  readonly federation: FederationClient;
  /** Wakes the inbox streams of this process. */
  readonly inboxSignal: InboxSignal;
  /** The hub and its fanout loop, unless disabled. */
  readonly hub?: Hub;
  readonly fanout?: HubFanout;
  /**
   * Replace the TLS material without a restart (e.g. a renewed certificate, a new CRL): the
   * federation server, the federation client and the client API (its CAs and CRLs from
   * `clientApi`, kept when absent) use it for every new connection.
   *
   * @throws the TLS stack's error for unusable material; nothing is replaced then.
   */
  reloadTls(
    tls: ProviderOptions["tls"],
    clientApi?: Pick<NonNullable<ProviderOptions["clientApi"]>, "ca" | "crl">,
  ): void;
  /** Stop listening (requests in flight finish, at most `graceMs`), close connections and the storage we opened. */
  stop(graceMs?: number): Promise<void>;
}

/** Merge endpoint lists; a later one replaces an earlier one of the same name. */
export function mergeEndpoints(...lists: readonly (readonly Endpoint[])[]): Endpoint[] {
  const byName = new Map<string, Endpoint>();
  for (const list of lists) for (const e of list) byName.set(e.name, e);
  return [...byName.values()];
}

/** How long `/readyz` waits for the storage to answer. */
const READY_TIMEOUT_MS = 2_000;

/**
 * Whether the provider can serve: its storage answers within {@link READY_TIMEOUT_MS} and holds
 * every migration of this version of the code (another process may have rolled it back, or a
 * newer one may be needed).
 */
async function readiness(db: Database): Promise<{ ready: boolean; body: Record<string, unknown> }> {
  const latest = Math.max(...migrations.map((m) => m.version));
  let timer: NodeJS.Timeout | undefined;
  try {
    const version = await Promise.race([
      schemaVersion(db),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)),
          READY_TIMEOUT_MS,
        );
      }),
    ]);
    const ready = version === latest;
    return {
      ready,
      body: {
        status: ready ? "ready" : "not ready",
        storage: "ok",
        schema: version,
        expected: latest,
      },
    };
  } catch (e) {
    return { ready: false, body: { status: "not ready", storage: (e as Error).message, expected: latest } };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Start a provider: open and migrate the storage, start the federation server, the client API
 * and the metrics listener.
 *
 * @throws ValidationError for a malformed storage URL or peer address; the storage or listen
 * error otherwise (everything started so far is stopped again).
 */
export async function startProvider(options: ProviderOptions): Promise<RunningProvider> {
  const domain = options.domain.toLowerCase();
  const ownsDb = typeof options.storage !== "object";
  const sink = options.log ?? jsonLinesToStdout;
  const log = makeLogger(sink);
  const db =
    typeof options.storage === "object"
      ? options.storage
      : await openDatabase(options.storage ?? "memory://", {
          // e.g. the server restarted under an idle connection; the next query reports it too
          onError: (e) => log({ level: "error", msg: "database connection failed", ...errorFields(e) }),
        });
  const cleanups: (() => Promise<void>)[] = [];
  let grace = 5_000;
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    cleanups.length = 0;
  };
  if (ownsDb) cleanups.push(() => db.close());
  try {
    await migrate(db);
    const pm = providerMetrics(db);
    const federation = createFederationClient({
      domain,
      key: options.tls.key,
      cert: options.tls.cert,
      ca: options.tls.ca,
      ...(options.tls.crl === undefined ? {} : { crl: options.tls.crl }),
      ...(options.peers === undefined ? {} : { peers: options.peers }),
      ...(options.peerTimeoutMs === undefined ? {} : { timeoutMs: options.peerTimeoutMs }),
    });
    cleanups.push(async () => federation.close());
    const inboxSignal = createInboxSignal();
    let hub: Hub | undefined;
    let fanout: HubFanout | undefined;
    if (options.hub !== false) {
      hub = createHub({
        ...(options.hub ?? {}),
        db,
        domain,
        log,
        ...(options.now === undefined ? {} : { now: options.now }),
      });
      // The fanout loop: every accepted event goes to the room's providers over /notify, and to
      // our own clients' inboxes locally (protocol-06 §5.5).
      fanout = startHubFanout(hub, {
        sender: {
          // the one outgoing HTTPS client: /notify shares its pools with every other peer request
          client: federation,
          // our own clients' inbox streams send what was queued for them at once
          onQueuedLocally: () => inboxSignal.notify(),
          ...(options.fanout?.maxBatch === undefined ? {} : { maxBatch: options.fanout.maxBatch }),
        },
        ...(options.fanout?.maxAttempts === undefined ? {} : { maxAttempts: options.fanout.maxAttempts }),
        ...(options.fanout?.baseDelayMs === undefined ? {} : { baseDelayMs: options.fanout.baseDelayMs }),
        ...(options.fanout?.retryDelayMs === undefined ? {} : { retryDelayMs: options.fanout.retryDelayMs }),
      });
      const f = fanout;
      cleanups.push(() => f.stop());
    }
    // Every handler that may queue messages for our clients wakes their inbox streams.
    const endpoints = wakingInboxes(
      mergeEndpoints(
        implementedEndpoints,
        hub === undefined
          ? []
          : hubEndpoints(hub, {
              ...(options.assetHosts === undefined
                ? {}
                : { assets: createAssetSource(federation, options.assetHosts, options.maxAssetBytes) }),
              ...(options.ohttpKeyRotation === undefined
                ? {}
                : { ohttpKeyRotation: options.ohttpKeyRotation }),
            }),
        options.extraEndpoints ?? [],
        options.endpointsFor === undefined ? [] : await options.endpointsFor(db, domain),
      ),
      inboxSignal,
    );
    const server = await startProviderServer(
      {
        domain,
        key: options.tls.key,
        cert: options.tls.cert,
        ca: options.tls.ca,
        ...(options.tls.crl === undefined ? {} : { crl: options.tls.crl }),
        db,
        endpoints,
        log: sink,
        ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
        ...(options.paths === undefined ? {} : { paths: options.paths }),
        ...(options.rateLimits?.peer === undefined ? {} : { rateLimit: options.rateLimits.peer }),
        ...(options.now === undefined ? {} : { now: options.now }),
        ...(options.observe === undefined ? {} : { observe: options.observe }),
        metrics: { registry: pm.registry, prefix: "mimi_http_" },
      },
      options.listen?.port ?? 0,
      options.listen?.host ?? "127.0.0.1",
    );
    cleanups.push(() => server.close(grace));
    let clientApi: ClientApiServer | undefined;
    if (options.clientApi !== undefined) {
      clientApi = await startClientApi(
        {
          domain,
          key: options.tls.key,
          cert: options.tls.cert,
          clientCa: options.clientApi.ca,
          ...(options.clientApi.crl === undefined ? {} : { crl: options.clientApi.crl }),
          db,
          endpoints,
          federation,
          inboxSignal,
          log: sink,
          metrics: { registry: pm.registry, prefix: "mimi_client_api_" },
          ...(hub === undefined
            ? {}
            : {
                createRoom: hub.createRoom.bind(hub),
                hubSender: () => hub.externalSender(),
                joinCodes: {
                  create: (input) => createJoinCode(hub, input),
                  revoke: (roomId, code, client) => deleteJoinCode(hub, roomId, code, client),
                },
              }),
          ...(options.inboxPollMs === undefined ? {} : { inboxPollMs: options.inboxPollMs }),
          ...(options.clientApiMaxBodyBytes === undefined
            ? {}
            : { maxBodyBytes: options.clientApiMaxBodyBytes }),
          ...(options.rateLimits?.client === undefined ? {} : { rateLimit: options.rateLimits.client }),
          ...(options.now === undefined ? {} : { now: options.now }),
          ...(options.clientApi.web === undefined ? {} : { web: options.clientApi.web }),
          ...(options.clientApi.enrollment === undefined
            ? {}
            : {
                enrollment: {
                  ...options.clientApi.enrollment,
                  peerAnchors: (Array.isArray(options.tls.ca) ? options.tls.ca : [options.tls.ca]).map(
                    (c: PeerCa) =>
                      typeof c === "string"
                        ? c
                        : Buffer.isBuffer(c)
                          ? c.toString("utf8")
                          : { pem: c.pem, domain: c.domain },
                  ),
                },
              }),
        },
        options.clientApi.port,
        options.clientApi.host ?? "127.0.0.1",
      );
      const api = clientApi;
      cleanups.push(() => api.close(grace));
    }
    let metricsPort: number | undefined;
    if (options.metrics !== undefined) {
      const ms: Server = createHttpServer((req, res) => {
        if (req.method === "GET" && req.url === "/metrics") {
          answerMetrics(res, pm, log);
        } else if (req.method === "GET" && req.url === "/healthz") {
          // the process is up and its event loop answers
          res.setHeader("Content-Type", "application/json");
          res.end('{"status":"ok"}\n');
        } else if (req.method === "GET" && req.url === "/readyz") {
          void readiness(db).then(({ ready, body }) => {
            res.statusCode = ready ? 200 : 503;
            res.setHeader("Content-Type", "application/json");
            res.end(`${JSON.stringify(body)}\n`);
          });
        } else {
          res.statusCode = 404;
          res.end();
        }
      });
      await new Promise<void>((resolve, reject) => {
        ms.once("error", reject);
        ms.listen(options.metrics?.port ?? 0, options.metrics?.host ?? "127.0.0.1", () => resolve());
      });
      metricsPort = (ms.address() as AddressInfo).port;
      cleanups.push(() => new Promise<void>((resolve) => ms.close(() => resolve())));
    }
    let stopped = false;
    let clientTrust: Pick<NonNullable<ProviderOptions["clientApi"]>, "ca" | "crl"> | undefined =
      options.clientApi;
    return {
      domain,
      server,
      port: server.port,
      ...(clientApi === undefined ? {} : { clientApi, clientApiPort: clientApi.port }),
      ...(clientApi?.webPort === undefined ? {} : { clientApiWebPort: clientApi.webPort }),
      ...(metricsPort === undefined ? {} : { metricsPort }),
      db,
      federation,
      inboxSignal,
      ...(hub === undefined ? {} : { hub }),
      ...(fanout === undefined ? {} : { fanout }),
      reloadTls(tls, clientCas) {
        const api = clientApi;
        const material = { key: tls.key, cert: tls.cert, ...(tls.crl === undefined ? {} : { crl: tls.crl }) };
        const trust = clientCas ?? clientTrust;
        const forClients =
          api === undefined || trust === undefined
            ? undefined
            : {
                key: tls.key,
                cert: tls.cert,
                clientCa: trust.ca,
                ...(trust.crl === undefined ? {} : { crl: trust.crl }),
              };
        // everything is checked before anything changes: the TLS stack throws on unusable material
        createSecureContext(serverContextOptions(material, peerTrust(tls.ca).pems));
        if (forClients !== undefined)
          createSecureContext(serverContextOptions(forClients, forClients.clientCa));
        server.reloadTls({ ...material, ca: tls.ca });
        federation.reloadTls({ ...material, ca: tls.ca });
        if (api !== undefined && forClients !== undefined) {
          api.reloadTls(forClients);
          clientTrust = trust;
        }
      },
      async stop(graceMs = 5_000) {
        if (stopped) return;
        stopped = true;
        grace = graceMs;
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
