/**
 * An in-memory stand-in for the federation, to test the demo scenario's own logic (steps,
 * expectations, delivery counting, transcripts) without provider processes: one hub for the
 * room that accepts every request in order and fans out asynchronously to every client's inbox,
 * as the providers' client API would. The real federation is tested by `demo.test.ts`.
 */
import {
  ClientCore,
  type ClientEvent,
  decodeKeyPackageUpload,
  type InboxItem,
  type OutgoingMessage,
  provisionClient,
} from "@mimi/client";
import { type AttachmentInfo, decryptAttachment, type ExternalPart, type MimiContent } from "@mimi/content";
import { createProviderPki, createTrustStore, type ProviderPki, trustAnchor } from "@mimi/identity";
import {
  type ExternalSender,
  generateSignatureKeyPair,
  type KeyPackage,
  type MlsCiphersuite,
  type SignatureKeyPair,
} from "@mimi/mls-profile";
import {
  decodeGroupInfoRequest,
  decodeKeyMaterialRequest,
  decodeSubmitMessageRequest,
  decodeUpdateRequest,
  encodeFanoutMessage,
  encodeGroupInfoResponse,
  encodeKeyMaterialResponse,
  encodeSubmitMessageResponse,
  encodeUpdateRoomResponse,
  encodeWith,
  type FanoutMessage,
  type GroupInfoOption,
  groupInfoRatchetTreeTBECodec,
  isCommitBundle,
  mlsOf,
  type RatchetTreeOption,
  signGroupInfoResponse,
} from "@mimi/transport";
import { encodeTls, utf8 } from "@mimi/wire";
import type { ScenarioClient, ScenarioFederation } from "../src/scenario.js";

class MemoryHub {
  private n = 0n;
  private time = Date.now();
  private readonly keyPackages = new Map<string, { clientUri: string; kp: KeyPackage }[]>();
  private readonly blobs = new Map<string, Uint8Array>();
  private groupInfo: GroupInfoOption | undefined;
  private tree: RatchetTreeOption | undefined;
  readonly clients: MemoryClient[] = [];
  constructor(
    readonly cs: MlsCiphersuite,
    readonly key: SignatureKeyPair,
    readonly sender: ExternalSender,
  ) {}

  private tick(): bigint {
    this.time += 1;
    return BigInt(this.time);
  }

  upload(c: ClientCore, body: Uint8Array): void {
    const list = this.keyPackages.get(c.userUri) ?? [];
    for (const kp of decodeKeyPackageUpload(body)) list.push({ clientUri: c.clientUri, kp });
    this.keyPackages.set(c.userUri, list);
  }

  keyMaterial(body: Uint8Array): Uint8Array {
    const req = decodeKeyMaterialRequest(body);
    const list = this.keyPackages.get(req.targetUser.uri) ?? [];
    const byClient = new Map<string, KeyPackage>();
    for (const e of list) if (!byClient.has(e.clientUri)) byClient.set(e.clientUri, e.kp);
    this.keyPackages.set(
      req.targetUser.uri,
      list.filter((e) => byClient.get(e.clientUri) !== e.kp),
    );
    return encodeKeyMaterialResponse({
      protocol: "mls10",
      userStatus: "success",
      userUri: req.targetUser,
      clients: [...byClient].map(([uri, kp]) => ({
        clientStatus: "success" as const,
        clientUri: { uri },
        keyPackage: mlsOf("KeyPackage", kp),
      })),
    });
  }

  private fanout(roomId: string, m: FanoutMessage): void {
    this.n += 1n;
    const item: InboxItem = {
      n: this.n,
      roomId,
      timestamp: Number(m.timestamp),
      message: encodeFanoutMessage(m),
    };
    for (const c of this.clients) setImmediate(() => c.deliver(item));
  }

  update(roomId: string, body: Uint8Array): Uint8Array {
    const { bundle } = decodeUpdateRequest(body);
    const timestamp = this.tick();
    if (isCommitBundle(bundle)) {
      this.groupInfo = bundle.groupInfoOption;
      this.tree = bundle.ratchetTreeOption;
      this.fanout(roomId, { timestamp, message: bundle.proposalOrCommit, externalProposals: [] });
      if (bundle.welcome !== undefined) {
        const welcome = bundle.welcome.value;
        this.fanout(roomId, {
          timestamp,
          message: mlsOf("MLSMessage", { version: "mls10", wireformat: "mls_welcome", welcome }),
          ratchetTreeOption: bundle.ratchetTreeOption,
        });
      }
    } else {
      this.fanout(roomId, {
        timestamp,
        message: bundle.proposalOrCommit,
        moreProposals: bundle.moreProposals,
      });
    }
    return encodeUpdateRoomResponse({
      responseCode: "success",
      errorDescription: "",
      accepted_timestamp: timestamp,
    });
  }

  submit(roomId: string, body: Uint8Array): Uint8Array {
    const req = decodeSubmitMessageRequest(body);
    const timestamp = this.tick();
    this.fanout(roomId, { timestamp, message: req.appMessage });
    return encodeSubmitMessageResponse({
      protocol: "mls10",
      statusCode: "accepted",
      accepted_timestamp: timestamp,
    });
  }

  async groupInfoAnswer(roomId: string, body: Uint8Array): Promise<Uint8Array> {
    const req = decodeGroupInfoRequest(body);
    if (this.groupInfo?.representation !== "full" || this.tree === undefined) throw new Error("no GroupInfo");
    const plain = encodeWith(groupInfoRatchetTreeTBECodec, {
      groupInfo: this.groupInfo.groupInfo,
      ratchetTreeOption: this.tree,
      pending_proposals: [],
    });
    const room = utf8(roomId);
    const context = encodeTls((w) =>
      w.opaque(utf8("MLS 1.0 GroupInfo and ratchet_tree encryption")).opaque(room),
    );
    const hpke = this.cs.impl.hpke;
    const sealed = await hpke.seal(
      await hpke.importPublicKey(req.groupInfoPublicKey),
      plain,
      context,
      new Uint8Array(),
    );
    return encodeGroupInfoResponse(
      await signGroupInfoResponse(
        {
          version: "mls10",
          room_id: room,
          status: "success",
          cipher_suite: this.cs.id,
          hub_sender: mlsOf("ExternalSender", this.sender),
          encrypted_groupinfo_and_tree: mlsOf("HPKECiphertext", {
            kemOutput: sealed.enc,
            ciphertext: sealed.ct,
          }),
        },
        this.key.signKey,
        this.cs.impl.signature,
      ),
    );
  }

  storeBlob(bytes: Uint8Array): string {
    const url = `https://a.example/blobs/${this.blobs.size + 1}`;
    this.blobs.set(url, bytes);
    return url;
  }

  loadBlob(url: string): Uint8Array {
    const b = this.blobs.get(url);
    if (b === undefined) throw new Error(`no blob ${url}`);
    return b;
  }
}

class MemoryClient implements ScenarioClient {
  private readonly seen: ClientEvent[] = [];
  private readonly waiters: { pred: (e: ClientEvent) => boolean; resolve: (e: ClientEvent) => void }[] = [];
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
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.pred(e)) {
        this.waiters.splice(i, 1);
        w.resolve(e);
      }
    }
  }

  startInbox(): void {
    this.started = true;
    for (const item of this.backlog.splice(0)) this.deliver(item);
  }

  stop(): void {}

  async uploadKeyPackages(count: number): Promise<void> {
    this.hub.upload(this.core, await this.core.generateKeyPackages(count));
  }

  async createRoom(roomUri: string): Promise<void> {
    await this.core.createRoom(roomUri, this.hub.sender);
  }

  private async update(roomUri: string, body: Uint8Array): Promise<void> {
    const e = await this.core.handleUpdateResponse(roomUri, this.hub.update(roomUri, body));
    if (e !== undefined) this.emit(e);
  }

  async addUser(roomUri: string, user: string): Promise<void> {
    const km = this.hub.keyMaterial(await this.core.keyMaterialRequest(user, roomUri));
    await this.update(roomUri, (await this.core.addUser(roomUri, km)).body);
  }

  async send(roomUri: string, content: MimiContent): Promise<OutgoingMessage> {
    const out = await this.core.sendMessage(roomUri, content);
    await this.core.handleSubmitResponse(roomUri, out.handle, this.hub.submit(roomUri, out.body));
    return out;
  }

  async leave(roomUri: string): Promise<void> {
    await this.update(roomUri, (await this.core.leave(roomUri)).body);
  }

  async commitPending(roomUri: string): Promise<void> {
    await this.update(roomUri, (await this.core.commitPending(roomUri)).body);
  }

  async joinExternal(roomUri: string): Promise<void> {
    const answer = await this.hub.groupInfoAnswer(roomUri, await this.core.groupInfoRequest(roomUri));
    await this.update(roomUri, (await this.core.joinExternal(roomUri, answer)).body);
  }

  async uploadAttachment(plaintext: Uint8Array, info: Omit<AttachmentInfo, "url">): Promise<ExternalPart> {
    const p = await this.core.prepareAttachment(plaintext, info);
    return p.part(this.hub.storeBlob(p.ciphertext));
  }

  downloadAttachment(part: ExternalPart): Promise<Uint8Array> {
    return decryptAttachment(part, this.hub.loadBlob(part.url));
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
  const hub = new MemoryHub(cs, key, {
    signaturePublicKey: key.publicKey,
    credential: { credentialType: "basic", identity: utf8("mimi://a.example") },
  });
  return {
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
