/**
 * An in-memory stand-in for the federation, to test the demo scenario's own logic (steps,
 * expectations, delivery counting, transcripts) without provider processes: the SDK tests' hub
 * stand-in, fanning out asynchronously to every client's inbox as the client API stream would.
 */
import {
  ClientCore,
  type ClientEvent,
  type InboxItem,
  type OutgoingMessage,
  provisionClient,
} from "@mimi/client";
import { type AttachmentInfo, decryptAttachment, type ExternalPart, type MimiContent } from "@mimi/content";
import { answerIdentifierQuery, Directory, discover, publishSeed, RateLimiter } from "@mimi/discovery";
import { createProviderPki, createTrustStore, type ProviderPki, trustAnchor } from "@mimi/identity";
import { type ExternalSender, generateSignatureKeyPair, type MlsCiphersuite } from "@mimi/mls-profile";
import { utf8 } from "@mimi/wire";
import { HubStandIn } from "../../../packages/client/test/hub-stand-in.js";
import { demoDirectorySeed } from "../src/directory.js";
import type { ScenarioClient, ScenarioFederation } from "../src/scenario.js";

/** The stand-in hub and the clients it fans out to (asynchronously, as a stream would). */
class MemoryHub {
  readonly clients: MemoryClient[] = [];
  constructor(readonly standIn: HubStandIn) {}

  get sender(): ExternalSender {
    return this.standIn.sender;
  }

  fanout(items: readonly InboxItem[]): void {
    for (const item of items) for (const c of this.clients) setImmediate(() => c.deliver(item));
  }
}

class MemoryClient implements ScenarioClient {
  private readonly seen: ClientEvent[] = [];
  private readonly waiters: { pred: (e: ClientEvent) => boolean; resolve: (e: ClientEvent) => void }[] = [];
  private readonly listeners: ((e: ClientEvent) => void)[] = [];
  private chain: Promise<void> = Promise.resolve();
  private started = false;
  private readonly backlog: InboxItem[] = [];

  constructor(
    readonly core: ClientCore,
    private readonly hub: MemoryHub,
  ) {}

  deliver(item: InboxItem): void {
    if (!this.started) {
      this.backlog.push(item);
      return;
    }
    this.chain = this.chain.then(async () => {
      for (const e of await this.core.receive(item)) this.emit(e);
    });
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

  onEvent(listener: (e: ClientEvent) => void): void {
    this.listeners.push(listener);
  }

  startInbox(): void {
    this.started = true;
    for (const item of this.backlog.splice(0)) this.deliver(item);
  }

  stop(): void {}

  async uploadKeyPackages(count: number): Promise<void> {
    this.hub.standIn.upload(this.core, await this.core.generateKeyPackages(count));
  }

  async createRoom(roomUri: string): Promise<void> {
    await this.core.createRoom(roomUri, this.hub.sender);
  }

  private async update(roomUri: string, body: Uint8Array): Promise<void> {
    const a = this.hub.standIn.update(body);
    const e = await this.core.handleUpdateResponse(roomUri, a.response);
    if (e !== undefined) this.emit(e);
    this.hub.fanout(a.items);
  }

  async addUser(roomUri: string, user: string): Promise<void> {
    const km = this.hub.standIn.keyMaterial(await this.core.keyMaterialRequest(user, roomUri));
    await this.update(roomUri, (await this.core.addUser(roomUri, km)).body);
  }

  async send(roomUri: string, content: MimiContent): Promise<OutgoingMessage> {
    const out = await this.core.sendMessage(roomUri, content);
    const a = this.hub.standIn.submit(out.body);
    await this.core.handleSubmitResponse(roomUri, out.handle, a.response);
    this.hub.fanout(a.items);
    return out;
  }

  async leave(roomUri: string): Promise<void> {
    await this.update(roomUri, (await this.core.leave(roomUri)).body);
  }

  async commitPending(roomUri: string): Promise<void> {
    await this.update(roomUri, (await this.core.commitPending(roomUri)).body);
  }

  async joinExternal(roomUri: string): Promise<void> {
    const answer = await this.hub.standIn.groupInfo(await this.core.groupInfoRequest(roomUri));
    await this.update(roomUri, (await this.core.joinExternal(roomUri, answer)).body);
  }

  async uploadAttachment(plaintext: Uint8Array, info: Omit<AttachmentInfo, "url">): Promise<ExternalPart> {
    const p = await this.core.prepareAttachment(plaintext, info);
    return p.part(this.hub.standIn.storeBlob(p.ciphertext));
  }

  // the stand-in has no OHTTP relay: an oblivious download reads the same blob
  downloadAttachment(part: ExternalPart): Promise<Uint8Array> {
    return decryptAttachment(part, this.hub.standIn.loadBlob(part.url));
  }

  waitFor(pred: (e: ClientEvent) => boolean, timeoutMs = 10_000, what = "event"): Promise<ClientEvent> {
    const found = this.seen.find(pred);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.core.clientUri}: no ${what}`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }
}

/** A federation of three in-memory providers whose hub hosts the demo room. */
export async function memoryFederation(cs: MlsCiphersuite): Promise<ScenarioFederation> {
  const pkis = new Map<string, ProviderPki>();
  for (const d of ["a.example", "b.example", "c.example"])
    pkis.set(d, await createProviderPki(d, { algorithm: "Ed25519" }));
  const trust = createTrustStore([...pkis.values()].map((p) => trustAnchor(p.ca.certificatePem)));
  const key = await generateSignatureKeyPair(cs);
  const hub = new MemoryHub(
    new HubStandIn(cs, "mimi://a.example/r/clubhouse", key, {
      signaturePublicKey: key.publicKey,
      credential: { credentialType: "basic", identity: utf8("mimi://a.example") },
    }),
  );
  // each provider's directory in memory, asked as protocol-06 §5.8 queries are answered
  const directories = new Map<string, Directory>();
  for (const d of ["a.example", "b.example", "c.example"]) {
    const directory = new Directory(d);
    await publishSeed(directory, demoDirectorySeed(d));
    directories.set(d, directory);
  }
  const limiter = new RateLimiter();
  return {
    // the stand-in hands out key material without a consent check: nothing to record
    grantConsent: () => Promise.resolve(),
    async lookUp(fromDomain, handle) {
      const providers = [...directories.keys()]
        .filter((d) => d !== fromDomain)
        .map((domain) => ({ domain, url: `https://${domain}` }));
      const result = await discover(
        handle,
        providers,
        (p, request, requester) =>
          answerIdentifierQuery(directories.get(p.domain)!, limiter, request, requester, Date.now()),
        { from: fromDomain },
      );
      return result.mappings.flatMap((m) => m.uris);
    },
    async client(domain, user, device) {
      const identity = await provisionClient(pkis.get(domain)!.ca, {
        userUri: `mimi://${domain}/u/${user}`,
        clientUri: `mimi://${domain}/d/${user}/${device}`,
        cs,
      });
      const c = new MemoryClient(new ClientCore({ identity, trust, cs }), hub);
      hub.clients.push(c);
      return c;
    },
  };
}
