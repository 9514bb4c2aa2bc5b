/**
 * `MimiClient`: the {@link ClientCore} bound to its provider's client API (`docs/client-api.md`)
 * over HTTPS (in Node with the client's TLS certificate; in browsers through `fetch`): uploads, rooms, the protocol-06 requests
 * (routed by the provider to the room's hub) and the ndjson inbox stream, resumed with `after`.
 */

import { type AttachmentInfo, decryptAttachment, type ExternalPart, type MimiContent } from "@mimi/content";
import { decodeExternalSenders, type ExternalSender } from "@mimi/mls-profile";
import {
  AEAD_AES_128_GCM,
  decapsulateResponse,
  decodeBinaryHttpResponse,
  decodeKeyConfigs,
  encapsulateRequest,
  encodeBinaryHttpRequest,
  KDF_HKDF_SHA256,
  type KeyConfig,
} from "@mimi/ohttp";
import { clientApiPath } from "@mimi/protocol";
import { InternalError, MimiError, ProtocolError, ValidationError } from "@mimi/wire";
import { createHttpClient, later } from "#platform";
import type { ClientCore } from "./client-core.js";
import type { OutgoingMessage } from "./core/messages.js";
import type { ClientEvent } from "./events.js";
import type { HttpAnswer, HttpClient, HttpHeaders } from "./http.js";
import { lineSplitter, parseInboxLine } from "./inbox-item.js";
import { signRequest } from "./request-signature.js";

/** Options of {@link MimiClient}. */
export interface MimiClientOptions {
  readonly core: ClientCore;
  /** The provider's client API base URL, e.g. `https://127.0.0.1:8444`. */
  readonly url: string;
  /** The provider's domain (TLS server name of the client API; default the URL's host). */
  readonly domain?: string;
  /**
   * CA certificate(s) (PEM) that issued the client API's server certificate (Node over HTTPS;
   * default the runtime's CAs).
   */
  readonly ca?: string;
  /**
   * How the client authenticates (decision 0810): `tls`, its TLS client certificate (the
   * identity's `tls`), or `signature`, RFC 9421 signatures with its MLS credential's key on every
   * request (what a browser can do; no TLS material needed). Default: `tls` when the identity has
   * TLS material, else `signature` (an enrolled client).
   */
  readonly auth?: "tls" | "signature";
  /**
   * The ExternalSender of the provider's hub, for rooms this client creates (protocol-06 §7.4).
   * Default: asked from the provider (`GET /client/v1/hubSender`, decision 0807).
   */
  readonly hub?: ExternalSender;
  /** Milliseconds between inbox reconnection attempts (default 200). */
  readonly reconnectMs?: number;
  /**
   * Resume the inbox after this position (default: the core's {@link ClientCore.inboxPosition},
   * so a client restored from a snapshot resumes where the snapshot was taken).
   */
  readonly after?: bigint;
  /**
   * Called, and awaited, whenever the core's state changed: after the core made a request body
   * and before that request is sent (write-ahead: a reloaded client never lacks the state of a
   * request the hub may have accepted), after the hub's answer was applied, and after each inbox
   * item was processed, before the next one. The app persists here (e.g.
   * `store.save(await core.snapshot())`, decision 0812). A failure stops a request before it is
   * sent (the caller gets the error); during the inbox it is reported as a `rejected` event.
   */
  readonly onStateChange?: () => void | Promise<void>;
}

/** A round trip's timing, for the caller's statistics. */
export interface Timing {
  readonly what: string;
  readonly ms: number;
  /** The request body's size in bytes (0 without a body). */
  readonly bytes: number;
}

const utf8Decoder = new TextDecoder();

/** UTF-8 text of bytes (malformed sequences replaced). */
function utf8(b: Uint8Array): string {
  return utf8Decoder.decode(b);
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/**
 * One client of one user talking to its provider. Inbox events are delivered to listeners in
 * order; {@link MimiClient.waitFor} resolves when an event matching a predicate has been seen.
 */
export class MimiClient {
  readonly core: ClientCore;
  private readonly options: MimiClientOptions;
  private readonly http: HttpClient;
  /** How this client authenticates (the option, or `signature` for an identity without TLS material). */
  private readonly auth: "tls" | "signature";
  private readonly listeners: ((e: ClientEvent) => void)[] = [];
  private readonly seen: ClientEvent[] = [];
  private readonly waiters: { pred: (e: ClientEvent) => boolean; resolve: (e: ClientEvent) => void }[] = [];
  private after: bigint;
  private stopped = false;
  private inbox: { close: () => void } | undefined;
  /** Every request's latency (ms), in order. */
  readonly timings: Timing[] = [];

  constructor(options: MimiClientOptions) {
    this.core = options.core;
    this.options = options;
    this.after = options.after ?? options.core.inboxPosition;
    const tls = options.core.identity.tls;
    this.auth = options.auth ?? (tls === undefined ? "signature" : "tls");
    if (this.auth === "tls" && tls === undefined)
      throw new ValidationError("auth tls needs the identity's TLS certificate; use auth signature", {
        path: "/auth",
      });
    this.http = createHttpClient({
      ...(this.auth === "signature" || tls === undefined
        ? {}
        : { certificatePem: tls.certificatePem, privateKeyPem: tls.privateKeyPem }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.domain === undefined ? {} : { servername: options.domain }),
    });
  }

  /** The signature headers of a request, in signature mode (none otherwise). */
  private headers(method: "GET" | "POST", url: URL, body?: Uint8Array): Promise<HttpHeaders> {
    if (this.auth !== "signature") return Promise.resolve({});
    return signRequest(this.core.identity, this.core.cs, method, url, body);
  }

  private async call(method: "GET" | "POST", path: string, body?: Uint8Array): Promise<HttpAnswer> {
    const url = new URL(path, this.options.url);
    const started = performance.now();
    const answer = await this.http.request(method, url, body, await this.headers(method, url, body));
    this.timings.push({
      what: `${method} ${url.pathname}`,
      ms: performance.now() - started,
      bytes: body?.length ?? 0,
    });
    return answer;
  }

  /** POST and require a 2xx; a 4xx/5xx becomes a ProtocolError with the server's reason. */
  private async post(path: string, body: Uint8Array): Promise<Uint8Array> {
    return this.ok(await this.call("POST", path, body), path);
  }

  private ok(a: HttpAnswer, path: string): Uint8Array {
    if (a.status >= 200 && a.status < 300) return a.body;
    let reason = "";
    try {
      const j = JSON.parse(utf8(a.body)) as {
        error?: string;
        what?: string;
        path?: string;
      };
      reason = `${j.error ?? ""}: ${j.what ?? ""}${j.path === undefined ? "" : ` at ${j.path}`}`;
    } catch {
      reason = utf8(a.body.subarray(0, 200));
    }
    throw new ProtocolError(`client API ${path} answered ${a.status} ${reason}`, { path });
  }

  /** Let the app persist the core's changed state ({@link MimiClientOptions.onStateChange}). */
  private async changed(): Promise<void> {
    await this.options.onStateChange?.();
  }

  /** The position of the last inbox item handled; the inbox resumes after it. */
  get inboxPosition(): bigint {
    return this.after;
  }

  /** Upload `count` fresh KeyPackages. */
  async uploadKeyPackages(count: number): Promise<void> {
    const body = await this.core.generateKeyPackages(count);
    await this.changed();
    await this.post(clientApiPath("keyPackages"), body);
  }

  /**
   * Create a room hosted by this client's provider (see {@link ClientCore.createRoom}), with the
   * provider's hub as external sender (`hub`; default the options' `hub`, else asked from the provider).
   *
   * @throws ProtocolError when the provider cannot say its hub's ExternalSender.
   */
  async createRoom(roomUri: string, hub?: ExternalSender): Promise<void> {
    const sender = hub ?? this.options.hub ?? (await this.hubSender());
    const body = await this.core.createRoom(roomUri, sender);
    await this.changed();
    await this.post(clientApiPath("rooms", roomUri), body);
  }

  /**
   * The ExternalSender of this client's provider's hub, as the provider answers it (decision
   * 0807). {@link MimiClient.createRoom} still checks that it names the room's provider (CLIENT-HUB-01).
   *
   * @throws ProtocolError when the provider refuses (e.g. it hosts no rooms).
   * @throws CodecError / ValidationError when the answer is not exactly one ExternalSender.
   */
  async hubSender(): Promise<ExternalSender> {
    const path = clientApiPath("hubSender");
    const senders = decodeExternalSenders(this.ok(await this.call("GET", path), path));
    if (senders.length !== 1)
      throw new ValidationError(`the provider named ${senders.length} hub senders, not one`, { path });
    return senders[0]!;
  }

  private async update(roomUri: string, body: Uint8Array): Promise<ClientEvent | undefined> {
    await this.changed();
    const answer = await this.post(clientApiPath("update", roomUri), body);
    try {
      return this.deliverOwn(await this.core.handleUpdateResponse(roomUri, answer));
    } finally {
      await this.changed();
    }
  }

  private deliverOwn(e: ClientEvent | undefined): ClientEvent | undefined {
    if (e !== undefined) this.emit(e);
    return e;
  }

  /** Fetch `user`'s key material for `roomUri` and add the user (protocol-06 §3.2, §3.3). */
  async addUser(roomUri: string, user: string, role = 2): Promise<ClientEvent | undefined> {
    const km = await this.post(
      clientApiPath("keyMaterial", user),
      await this.core.keyMaterialRequest(user, roomUri),
    );
    return this.update(roomUri, (await this.core.addUser(roomUri, km, role)).body);
  }

  /**
   * Fetch every user's key material for `roomUri` (protocol-06 §5.2, at most `concurrency`
   * requests at a time, default 8) and add them all in one commit (§3.2, §3.3; decision 0684).
   *
   * @throws ProtocolError when the provider refuses a request or a user has no key material.
   */
  async addUsers(
    roomUri: string,
    users: readonly string[],
    options: { readonly role?: number; readonly concurrency?: number } = {},
  ): Promise<ClientEvent | undefined> {
    const responses: Uint8Array[] = new Array(users.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < users.length) {
        const i = next++;
        const user = users[i]!;
        responses[i] = await this.post(
          clientApiPath("keyMaterial", user),
          await this.core.keyMaterialRequest(user, roomUri),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
    return this.update(roomUri, (await this.core.addUsers(roomUri, responses, options.role ?? 2)).body);
  }

  /** Remove a user from the room. */
  async removeUser(roomUri: string, user: string): Promise<ClientEvent | undefined> {
    return this.update(roomUri, (await this.core.removeUser(roomUri, user)).body);
  }

  /** Leave the room (protocol-06 §3.5): proposals for another member to commit. */
  async leave(roomUri: string): Promise<void> {
    await this.update(roomUri, (await this.core.leave(roomUri)).body);
  }

  /** Commit the proposals waiting in the room. */
  async commitPending(roomUri: string): Promise<ClientEvent | undefined> {
    return this.update(roomUri, (await this.core.commitPending(roomUri)).body);
  }

  /** Send MIMI content; resolves with its message ID once the hub accepted it. */
  async send(roomUri: string, content: MimiContent): Promise<OutgoingMessage> {
    const out = await this.core.sendMessage(roomUri, content);
    await this.changed();
    const answer = await this.post(clientApiPath("submitMessage", roomUri), out.body);
    try {
      await this.core.handleSubmitResponse(roomUri, out.handle, answer);
    } finally {
      await this.changed();
    }
    return out;
  }

  /** Encrypt and upload an attachment (draft-ietf-mimi-content-08 §4.5); returns its part. */
  async uploadAttachment(plaintext: Uint8Array, info: Omit<AttachmentInfo, "url">): Promise<ExternalPart> {
    const prepared = await this.core.prepareAttachment(plaintext, info);
    const answer = await this.post(clientApiPath("blobs"), prepared.ciphertext);
    let url: unknown;
    try {
      url = (JSON.parse(utf8(answer)) as { url?: unknown }).url;
    } catch {
      url = undefined;
    }
    if (typeof url !== "string") throw new ValidationError("blob upload answer has no url", { path: "/url" });
    return prepared.part(url);
  }

  /**
   * Download an attachment and decrypt it: through the provider, which asks the `/proxyDownload`
   * of the hub `hub` (normally the room's hub; protocol-06 §5.10.2, decision 0674) or, without it,
   * of the asset's own provider; or with `oblivious` through the OHTTP gateway of the hub `oblivious.hub` (normally the room's
   * hub) with our provider as the relay (§5.10.3, decision 0672): the hub performs the download
   * without learning which client asks, and the provider relays without seeing the URL.
   *
   * @throws ProtocolError when the provider, the gateway or the asset host refuses (with the
   * reason); CodecError when an answer does not decode or decrypt.
   */
  async downloadAttachment(
    part: ExternalPart,
    options: { readonly oblivious?: { readonly hub: string }; readonly hub?: string } = {},
  ): Promise<Uint8Array> {
    if (options.oblivious !== undefined)
      return decryptAttachment(part, await this.obliviousGet(options.oblivious.hub, part.url));
    // through the room's hub's /proxyDownload when it is named (protocol-06 §5.10.2, decision 0674)
    const path = `${clientApiPath("download")}?url=${enc(part.url)}${options.hub === undefined ? "" : `&hub=${enc(options.hub)}`}`;
    return decryptAttachment(part, this.ok(await this.call("GET", path), path));
  }

  private readonly gatewayConfigs = new Map<string, KeyConfig>();

  /** The key configuration of `hub`'s OHTTP gateway, asked through our provider once. */
  private async gatewayConfig(hub: string): Promise<KeyConfig> {
    const known = this.gatewayConfigs.get(hub);
    if (known !== undefined) return known;
    const path = clientApiPath("ohttpKeys", hub);
    const usable = decodeKeyConfigs(this.ok(await this.call("GET", path), path)).find((c) =>
      c.symmetric.some((a) => a.kdfId === KDF_HKDF_SHA256 && a.aeadId === AEAD_AES_128_GCM),
    );
    if (usable === undefined)
      throw new ValidationError(`${hub}'s gateway offers no HKDF-SHA256/AES-128-GCM key`, { path });
    this.gatewayConfigs.set(hub, usable);
    return usable;
  }

  /** GET `url` through `hub`'s OHTTP gateway, relayed by our provider; the content of a 200. */
  private async obliviousGet(hub: string, url: string): Promise<Uint8Array> {
    const u = new URL(url);
    const request = encodeBinaryHttpRequest({
      method: "GET",
      scheme: u.protocol.replace(/:$/, ""),
      authority: u.host,
      path: `${u.pathname}${u.search}`,
      // the gateway performs a request only within its replay window (RFC 9458 §6.5)
      headers: [{ name: "date", value: new Date().toUTCString() }],
      content: new Uint8Array(0),
      trailers: [],
    });
    const path = clientApiPath("ohttpRelay", hub);
    let { encapsulated, context } = await encapsulateRequest(await this.gatewayConfig(hub), request);
    let relayed = await this.call("POST", path, encapsulated);
    if (relayed.status === 400 && /unknown key identifier/.test(utf8(relayed.body.subarray(0, 400)))) {
      // the gateway rotated its key since we fetched its configuration: fetch it again, once
      this.gatewayConfigs.delete(hub);
      ({ encapsulated, context } = await encapsulateRequest(await this.gatewayConfig(hub), request));
      relayed = await this.call("POST", path, encapsulated);
    }
    const answer = this.ok(relayed, path);
    const res = decodeBinaryHttpResponse(decapsulateResponse(context, answer));
    if (res.status !== 200) {
      let what = "";
      try {
        what = (JSON.parse(utf8(res.content)) as { what?: string }).what ?? "";
      } catch {
        what = "";
      }
      throw new ProtocolError(`the gateway of ${hub} answered ${res.status} ${what}`, { path: "/oblivious" });
    }
    return res.content;
  }

  /** Join a room by external commit (protocol-06 §3.6). */
  async joinExternal(roomUri: string): Promise<ClientEvent | undefined> {
    const request = await this.core.groupInfoRequest(roomUri);
    await this.changed();
    const answer = await this.post(clientApiPath("groupInfo", roomUri), request);
    return this.update(roomUri, (await this.core.joinExternal(roomUri, answer)).body);
  }

  /** Call `listener` for every event, in order. */
  onEvent(listener: (e: ClientEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Events seen so far. */
  get events(): readonly ClientEvent[] {
    return this.seen;
  }

  private emit(e: ClientEvent): void {
    this.seen.push(e);
    for (const l of this.listeners) l(e);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.pred(e)) {
        this.waiters.splice(i, 1);
        w.resolve(e);
      }
    }
  }

  /**
   * Resolve with the first event (already seen or future) matching `pred`.
   *
   * @throws ProtocolError after `timeoutMs` without one.
   */
  waitFor(pred: (e: ClientEvent) => boolean, timeoutMs = 20_000, what = "event"): Promise<ClientEvent> {
    const found = this.seen.find(pred);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new ProtocolError(`${this.core.clientUri}: no ${what} within ${timeoutMs} ms`, { path: "/inbox" }),
        );
      }, timeoutMs);
      const entry = {
        pred,
        resolve: (e: ClientEvent) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      this.waiters.push(entry);
    });
  }

  /** Open the inbox stream and keep it open (reconnecting with `after`) until {@link MimiClient.stop}. */
  startInbox(): void {
    if (this.inbox !== undefined || this.stopped) return;
    const connect = (): void => {
      if (this.stopped) return;
      const url = new URL(`${clientApiPath("inbox")}?after=${this.after}`, this.options.url);
      let chain: Promise<void> = Promise.resolve();
      const onText = lineSplitter((line) => {
        chain = chain.then(() => this.handleLine(line));
      });
      const retry = (): void => {
        this.inbox = undefined;
        if (!this.stopped) later(connect, this.options.reconnectMs ?? 200);
      };
      let closed = false;
      let stream: { close: () => void } | undefined;
      this.inbox = {
        close: () => {
          closed = true;
          stream?.close();
        },
      };
      this.headers("GET", url).then(
        (headers) => {
          if (closed || this.stopped) return;
          stream = this.http.stream(
            url,
            {
              onText,
              onEnd: () => void chain.then(retry),
            },
            headers,
          );
        },
        (e: unknown) => {
          this.emit({ kind: "rejected", roomUri: "", error: e as ProtocolError });
          retry();
        },
      );
    };
    connect();
  }

  private async handleLine(line: string): Promise<void> {
    let item: ReturnType<typeof parseInboxLine>;
    try {
      item = parseInboxLine(line);
    } catch (e) {
      this.emit({ kind: "rejected", roomUri: "", error: e as ProtocolError });
      return;
    }
    if (item.n <= this.after) return; // already processed before a reconnection (or a reload)
    this.after = item.n;
    for (const e of await this.core.receive(item)) this.emit(e);
    // without a persistence hook there is nothing to wait for (no extra turn per inbox line)
    if (this.options.onStateChange === undefined) return;
    try {
      await this.changed();
    } catch (e) {
      this.emit({
        kind: "rejected",
        roomUri: item.roomId,
        error:
          e instanceof MimiError
            ? e
            : new InternalError(`persisting the client state failed: ${String(e)}`, {
                path: "/inbox",
                cause: e,
              }),
      });
    }
  }

  /** Close the inbox stream and the connection pool. */
  stop(): void {
    this.stopped = true;
    this.inbox?.close();
    this.http.destroy();
  }
}
