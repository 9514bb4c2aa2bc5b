/**
 * The client API of a provider (outside protocol-06's scope; `docs/client-api.md`, decisions
 * 0640–0643): its own HTTPS listener for the provider's own clients, authenticated by client
 * certificates issued by the provider's client CA. Requests for rooms and users of our domain go
 * to the very `Endpoint` handlers the federation server routes, with `peerDomain` = our domain;
 * the others are forwarded with the federation client to the provider that owns the room or user,
 * and its answer is relayed.
 *
 * Every refusal is a 4xx with the federation server's JSON body `{ error, what, path, rule }`; a
 * peer that cannot be reached is a 502 (504 on timeout); 500 only ever means a fault of ours.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { domainOf, isClientUri, mimiUriEquals, parseRoomUri, userOfClient } from "@mimi/identifiers";
import { type ExternalSender, encodeExternalSenders } from "@mimi/mls-profile";
import { OHTTP_KEYS_MEDIA_TYPE, OHTTP_REQUEST_MEDIA_TYPE, OHTTP_RESPONSE_MEDIA_TYPE } from "@mimi/ohttp";
import {
  abuseReportCodec,
  CLIENT_API_PREFIX,
  clientApiRoute,
  createRoomRequestCodec,
  type DirectoryName,
  type EndpointName,
  endpoints,
  extensionRoutes,
  keyMaterialRequestCodec,
  keyPackageUploadCodec,
  submitMessageRequestCodec,
} from "@mimi/protocol";
import { decodeWith, ValidationError } from "@mimi/wire";
import { type FederationClient, PeerRejected, PeerUnavailable } from "../federation/client.js";
import type { Endpoint } from "../server/endpoint.js";
import { errorAnswer, errorBodyOf, HttpRejection } from "../server/http-error.js";
import { decodeParam, readBody } from "../server/http-request.js";
import { errorFields, jsonLinesToStdout, type LogRecord, type LogSink, makeLogger } from "../server/log.js";
import { ServerMetrics } from "../server/metrics.js";
import { DEFAULT_CLIENT_RATE_LIMIT, type RateLimit, RateLimiter } from "../server/rate-limit.js";
import { closeGracefully, createMutualTlsServer, listenOn } from "../server/tls-server.js";
import { loadBlob, parseBlobUrl, storeBlob } from "../storage/blobs.js";
import type { Database } from "../storage/database.js";
import { storeKeyPackages } from "../storage/key-packages.js";
import { roomState } from "../storage/room-log.js";
import {
  createInboxSignal,
  type InboxSignal,
  inboxLine,
  readInbox,
  subscribe,
  subscriptionsOf,
} from "./inbox.js";

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const OHTTP_GATEWAY_PATH = extensionRoutes.ohttpGateway.path;

/** Creates a room this provider hosts (the hub's `createRoom`). */
export type RoomCreator = (
  roomId: string,
  groupInfo: Uint8Array,
  ratchetTree: Uint8Array,
  creatorClient: string,
) => Promise<void>;

/** Issues and revokes joining codes of hosted rooms (the hub's `createJoinCode`/`deleteJoinCode`). */
export interface JoinCodeIssuer {
  create(input: {
    readonly roomId: string;
    readonly creatorClient: string;
    readonly role_index: number;
    readonly expiresAt: number;
    readonly maxUses?: number;
  }): Promise<Uint8Array>;
  revoke(roomId: string, code: Uint8Array, client: string): Promise<boolean>;
}

/** The JSON body of `POST /client/v1/joinCodes/{roomId}` (decision 0662). */
function readJoinCodeRequest(
  body: Uint8Array,
):
  | { readonly role_index: number; readonly expiresAt: number; readonly maxUses?: number }
  | { readonly revoke: Uint8Array } {
  let j: unknown;
  try {
    j = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new ValidationError("the body is not UTF-8 JSON", { path: "/body" });
  }
  if (typeof j !== "object" || j === null || Array.isArray(j))
    throw new ValidationError("the body is not a JSON object", { path: "/body" });
  const o = j as Record<string, unknown>;
  if ("revoke" in o) {
    if (
      typeof o["revoke"] !== "string" ||
      !/^(?:[0-9a-f]{2})+$/.test(o["revoke"]) ||
      Object.keys(o).length !== 1
    )
      throw new ValidationError("revoke must be the code in lower-case hex, alone", { path: "/revoke" });
    return { revoke: new Uint8Array(Buffer.from(o["revoke"], "hex")) };
  }
  for (const k of Object.keys(o))
    if (k !== "role_index" && k !== "expiresAt" && k !== "maxUses")
      throw new ValidationError(`unknown field ${JSON.stringify(k.slice(0, 40))}`, {
        path: `/${k.slice(0, 40)}`,
      });
  const int = (k: string, required: boolean): number | undefined => {
    const v = o[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
      throw new ValidationError(`${k} must be a non-negative integer`, { path: `/${k}` });
    return v;
  };
  const role_index = int("role_index", true)!;
  const expiresAt = int("expiresAt", true)!;
  const maxUses = int("maxUses", false);
  return { role_index, expiresAt, ...(maxUses === undefined ? {} : { maxUses }) };
}

/** How to run a client API listener. */
export interface ClientApiOptions {
  /** Our provider domain: authenticated clients must be of it. */
  readonly domain: string;
  /** PEM key and certificate the listener presents (usually the provider certificate). */
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** PEM CA certificate(s) that issue our clients' certificates. */
  readonly clientCa: string | Buffer | readonly (string | Buffer)[];
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
}

/** A running client API listener. */
export interface ClientApiServer {
  readonly port: number;
  readonly metrics: ServerMetrics;
  /** The signal that wakes inbox streams. */
  readonly inboxSignal: InboxSignal;
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

interface Answer {
  readonly status: number;
  readonly body?: Uint8Array;
  readonly contentType?: string;
}

const json = (status: number, v: unknown): Answer => ({
  status,
  body: new TextEncoder().encode(JSON.stringify(v)),
  contentType: "application/json",
});

function sameUser(a: string, b: string): boolean {
  try {
    return mimiUriEquals(a, b);
  } catch {
    return false;
  }
}

/**
 * Start a client API listener on `port` (0 = any free port) at `host` (default 127.0.0.1).
 *
 * @throws the listen error.
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
  const metrics = new ServerMetrics();
  const signal = options.inboxSignal ?? createInboxSignal();
  const limiter =
    options.rateLimit === false ? undefined : new RateLimiter(options.rateLimit ?? DEFAULT_CLIENT_RATE_LIMIT);
  const pollMs = options.inboxPollMs ?? 1000;
  const local = new Map<EndpointName, Endpoint>();
  for (const e of options.endpoints) local.set(e.name, e);
  const streams = new Set<ServerResponse>();
  let closing = false;

  // the handler refuses a client without a valid certificate with a reason (not the handshake)
  const server = createMutualTlsServer({
    key: options.key,
    cert: options.cert,
    ca: options.clientCa,
    rejectUnauthorized: false,
    requestTimeoutMs: 60_000,
  });

  /** Call our own handler, or forward to the owner's provider and relay its answer. */
  const dispatch = async (
    name: DirectoryName,
    owner: string,
    param: string,
    body: Uint8Array,
  ): Promise<Answer> => {
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
    const res = await options.federation.send(owner, {
      endpoint: name,
      param,
      body,
    });
    return { status: res.status, body: res.body };
  };

  /** Refuse requests in which the client speaks for someone else. */
  const checkIdentity = (name: DirectoryName, client: string, body: Uint8Array): void => {
    const user = userOfClient(client);
    // [PROTO-CAPI-05] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0643): the user named as requester, sender or reporter
    // is the authenticated client's user (a pseudonym sender must be of our domain).
    if (name === "keyMaterial") {
      const r = decodeWith(keyMaterialRequestCodec, body);
      if (user === undefined || !sameUser(r.requestingUser.uri, user))
        throw new HttpRejection(
          403,
          `requestingUser ${r.requestingUser.uri} is not ${user ?? "this client's user"}`,
          {
            path: "/requestingUser",
            rule: "PROTO-CAPI-05",
          },
        );
    } else if (name === "submitMessage") {
      const r = decodeWith(submitMessageRequestCodec, body);
      const sender = r.sendingUri.uri;
      let ok = false;
      try {
        ok = /^mimi:\/\/[^/]+\/p\//.test(sender)
          ? domainOf(sender) === domain
          : user !== undefined && sameUser(sender, user);
      } catch {
        ok = false;
      }
      if (!ok)
        throw new HttpRejection(403, `sendingUri ${sender} is not ${user ?? "this client's user"}`, {
          path: "/sendingUri",
          rule: "PROTO-CAPI-05",
        });
    } else if (name === "reportAbuse") {
      const r = decodeWith(abuseReportCodec, body);
      if (user === undefined || !sameUser(r.reportingUser.uri, user))
        throw new HttpRejection(
          403,
          `reportingUser ${r.reportingUser.uri} is not ${user ?? "this client's user"}`,
          {
            path: "/reportingUser",
            rule: "PROTO-CAPI-05",
          },
        );
    }
  };

  const streamInbox = async (
    req: IncomingMessage,
    res: ServerResponse,
    client: string,
    afterRaw: string | null,
  ) => {
    if (afterRaw !== null && !/^[0-9]{1,19}$/.test(afterRaw))
      throw new HttpRejection(400, "after must be a queue position (a decimal integer)", {
        path: "/query/after",
      });
    let after = afterRaw === null ? 0n : BigInt(afterRaw);
    // [PROTO-CAPI-07] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0642): the inbox is a kept-open ndjson stream, one line
    // per item in queue order, resumable with the last `n` seen.
    res.statusCode = 200;
    res.setHeader("Content-Type", "application/x-ndjson");
    res.setHeader("Cache-Control", "no-store");
    res.flushHeaders();
    streams.add(res);
    let open = true;
    const stop = () => {
      open = false;
      signal.notify();
    };
    req.on("close", stop);
    res.on("close", stop);
    try {
      while (open && !closing) {
        const subs = await subscriptionsOf(db, client);
        const { items, last } = await readInbox(db, client, after, subs, now());
        if (items.length > 0) {
          const text = `${items.map(inboxLine).join("\n")}\n`;
          if (!res.write(text))
            await new Promise<void>((r) => res.once("drain", () => r()).once("close", () => r()));
        }
        if (last === after) await signal.wait(pollMs);
        after = last;
      }
    } finally {
      streams.delete(res);
      if (!res.writableEnded) res.end();
    }
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    started: bigint,
  ): Promise<[string, number]> => {
    const url = new URL(req.url ?? "/", "https://client.invalid");
    const path = url.pathname;
    const method = req.method ?? "";
    if (!path.startsWith(`${CLIENT_API_PREFIX}/`))
      throw new HttpRejection(404, `no client API route at ${path.slice(0, 200)}`);
    const rest = path.slice(CLIENT_API_PREFIX.length + 1);
    const slash = rest.indexOf("/");
    const name = slash === -1 ? rest : rest.slice(0, slash);
    const rawParam = slash === -1 ? undefined : rest.slice(slash + 1);
    const r = clientApiRoute(name);
    if (r === undefined || rawParam?.includes("/"))
      throw new HttpRejection(404, `no client API route at ${path.slice(0, 200)}`);
    if (r.param !== (rawParam !== undefined && rawParam !== ""))
      throw new HttpRejection(404, `no client API route at ${path.slice(0, 200)}`);
    if (method !== r.method) throw new HttpRejection(405, `${method} not allowed on ${name} (${r.method})`);
    const client = authenticateClient(req.socket as TLSSocket, domain);
    const wait = limiter?.take(client) ?? 0;
    if (wait > 0)
      throw new HttpRejection(429, `too many requests from ${client}`, { retryAfterSeconds: wait });
    const param = rawParam === undefined ? "" : decodeParam(rawParam);
    const body = await readBody(req, max);
    const respond = (a: Answer) => {
      res.statusCode = a.status;
      if (a.body !== undefined) {
        res.setHeader("Content-Type", a.contentType ?? "application/octet-stream");
        res.setHeader("Content-Length", a.body.length);
        res.end(a.body);
      } else res.end();
      metrics.finished(name, method, a.status, Number(process.hrtime.bigint() - started) / 1e9);
      return [name, a.status] as [string, number];
    };

    if (name === "inbox") {
      metrics.finished(name, method, 200, 0);
      await streamInbox(req, res, client, url.searchParams.get("after"));
      return [name, 200];
    }
    if (name === "keyPackages") {
      const upload = decodeWith(keyPackageUploadCodec, body);
      // [PROTO-CAPI-06] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0640): uploaded KeyPackages name the authenticated client
      // (storeKeyPackages enforces PROTO-KP-01/PROTO-KP-02).
      await storeKeyPackages(
        db,
        client,
        upload.key_packages.map((m) => m.bytes),
        now(),
      );
      return respond({ status: 201 });
    }
    if (name === "rooms") {
      if (options.createRoom === undefined) throw new HttpRejection(404, `${domain} does not host rooms`);
      const roomId = parseRoomUri(param);
      // [PROTO-CAPI-08] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0641): a client creates rooms only in its provider's
      // domain (that provider is the room's hub, decision 0611), and never one that exists.
      if (domainOf(roomId) !== domain)
        throw new HttpRejection(403, `${roomId} is not a room ID of ${domain}`, {
          path: "/path",
          rule: "PROTO-CAPI-08",
        });
      const r = decodeWith(createRoomRequestCodec, body);
      if ((await roomState(db, roomId)) !== undefined)
        throw new HttpRejection(409, `${roomId} exists`, { path: "/path", rule: "PROTO-CAPI-08" });
      await subscribe(db, client, roomId, now());
      await options.createRoom(roomId, r.group_info.bytes, r.ratchet_tree, client);
      return respond({ status: 201 });
    }
    if (name === "hubSender") {
      // [PROTO-CAPI-09] draft-ietf-mimi-protocol-06 §7.4 (our client API, decision 0807): the hub's
      // ExternalSender, as the content of an external_senders extension with exactly that entry.
      if (options.hubSender === undefined) throw new HttpRejection(404, `${domain} does not host rooms`);
      return respond({ status: 200, body: encodeExternalSenders([await options.hubSender()]) });
    }
    if (name === "joinCodes") {
      const roomId = parseRoomUri(param);
      // [PROTO-CAPI-11] draft-ietf-mimi-room-policy-03 §10.2 (our client API, decision 0662): a
      // client issues or revokes joining codes of rooms its own provider hosts, as itself; the
      // hub's own checks (PROTO-JC-01/02) decide whether it may.
      if (options.joinCodes === undefined || domainOf(roomId) !== domain)
        throw new HttpRejection(404, `${domain} does not issue joining codes for ${roomId}`, {
          path: "/path",
          rule: "PROTO-CAPI-11",
        });
      const r = readJoinCodeRequest(body);
      if ("revoke" in r) {
        const gone = await options.joinCodes.revoke(roomId, r.revoke, client);
        if (!gone)
          throw new HttpRejection(404, "no such code that this client may revoke", { path: "/revoke" });
        return respond({ status: 204 });
      }
      const code = await options.joinCodes.create({ roomId, creatorClient: client, ...r });
      return respond(json(201, { code: Buffer.from(code).toString("hex") }));
    }
    if (name === "blobs") {
      if (body.length === 0) throw new HttpRejection(400, "empty blob", { path: "/body" });
      const blobUrl = await storeBlob(db, body, domain, now());
      return respond(json(201, { url: blobUrl }));
    }
    if (name === "download") {
      const target = url.searchParams.get("url") ?? "";
      const p = parseBlobUrl(target);
      if (p === undefined)
        throw new HttpRejection(400, "url must be a download URL https://<domain>/blobs/<id>", {
          path: "/query/url",
        });
      const hubParam = url.searchParams.get("hub");
      if (hubParam !== null) {
        // [PROTO-CAPI-13] draft-ietf-mimi-protocol-06 §5.10.2 (our client API, decision 0674):
        // with `hub` (the room's hub), the download goes through that hub's /proxyDownload, which
        // serves its own assets and fetches its peers', so the asset's host sees only the hub.
        const hub = hubParam.toLowerCase();
        if (!HOST.test(hub))
          throw new HttpRejection(400, "hub must be a provider domain", { path: "/query/hub" });
        // ours or a peer's, as every other request about a room or user is dispatched
        return respond(await dispatch("proxyDownload", hub, target, new Uint8Array(0)));
      }
      if (p.domain === domain) {
        const bytes = await loadBlob(db, target);
        if (bytes === undefined) throw new HttpRejection(404, `no blob at ${target}`, { path: "/query/url" });
        return respond({ status: 200, body: bytes });
      }
      const got = await options.federation.send(p.domain, {
        endpoint: "proxyDownload",
        param: target,
      });
      return respond({ status: 200, body: got.body });
    }
    if (name === "ohttpKeys" || name === "ohttpRelay") {
      const hub = param.toLowerCase();
      if (!HOST.test(hub)) throw new HttpRejection(400, "not a provider domain", { path: "/path" });
      const relay = name === "ohttpRelay";
      const endpointName = relay ? "ohttpGateway" : "ohttpKeys";
      // [PROTO-CAPI-12] draft-ietf-mimi-protocol-06 §5.10.3 (our client API, decision 0672): the
      // provider is its clients' OHTTP relay: it forwards the opaque Encapsulated Request to the
      // hub's gateway as itself (nothing of the client is sent) and relays the answer unchanged.
      if (hub === domain) {
        const endpoint = local.get(endpointName);
        if (endpoint === undefined)
          throw new HttpRejection(404, `${domain} runs no OHTTP gateway`, { path: "/path" });
        const out = await endpoint.handle({
          domain,
          peerDomain: domain,
          param: "",
          body,
          db,
          now: now(),
          log,
        });
        return respond({
          status: out.status,
          ...(out.body === undefined ? {} : { body: out.body }),
          ...(out.contentType === undefined ? {} : { contentType: out.contentType }),
        });
      }
      const res = await options.federation.request(hub, {
        method: relay ? "POST" : "GET",
        path: OHTTP_GATEWAY_PATH,
        ...(relay ? { body, contentType: OHTTP_REQUEST_MEDIA_TYPE } : {}),
      });
      return respond({
        status: res.status,
        body: res.body,
        contentType: relay ? OHTTP_RESPONSE_MEDIA_TYPE : OHTTP_KEYS_MEDIA_TYPE,
      });
    }
    const dn = name as DirectoryName;
    // The table says what the parameter names: the room whose hub, or the user whose provider,
    // serves the endpoint.
    const owner = domainOf(endpoints[dn].servedBy === "room" ? parseRoomUri(param) : param);
    checkIdentity(dn, client, body);
    // A client that submits an update for a room (an external join) is subscribed to it; before
    // the request, so the room's fanout of the commit cannot slip past its inbox.
    if (dn === "update") await subscribe(db, client, parseRoomUri(param), now());
    return respond(await dispatch(dn, owner, param, body));
  };

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    metrics.started();
    handle(req, res, started).catch((e: unknown) => {
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
        if (answer.rejected !== undefined) {
          metrics.rejected(answer.metricLabel ?? answer.rejected.name);
          if (answer.retryAfterSeconds !== undefined && !res.headersSent)
            res.setHeader("Retry-After", String(answer.retryAfterSeconds));
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
    });
  });
  server.on("tlsClientError", (err: Error) => {
    metrics.rejected("tls");
    log({ level: "info", msg: "client API TLS handshake refused", reason: err.message });
  });

  const boundPort = await listenOn(server, port, host);
  log({ level: "info", msg: "client API listening", domain, port: boundPort });

  return {
    port: boundPort,
    metrics,
    inboxSignal: signal,
    async close(graceMs = 5_000) {
      closing = true;
      await closeGracefully(server, graceMs, () => {
        signal.notify();
        for (const s of streams) s.end();
      });
    },
  };
}
