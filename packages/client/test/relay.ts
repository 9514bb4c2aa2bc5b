/**
 * Test set-up of the SDK core without a server: three providers' development PKIs, hub external
 * senders, and a relay that carries the bodies the clients produce the way a hub would (accept,
 * fan out to every client), so that the core's bodies and inbox handling are exercised for real.
 */
import type { ConversationView } from "@mimi/content";
import {
  createProviderPki,
  createTrustStore,
  decodePem,
  issueProviderCertificate,
  type ProviderPki,
  spkiFromMlsSignatureKey,
  type TrustStore,
  trustAnchor,
} from "@mimi/identity";
import {
  type ExternalSender,
  generateSignatureKeyPair,
  type KeyPackage,
  type MlsCiphersuite,
  type SignatureKeyPair,
} from "@mimi/mls-profile";
import {
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
import { encodeTls, toHex, utf8 } from "@mimi/wire";
import { type ClientCore, type ClientEvent, decodeKeyPackageUpload, type InboxItem } from "../src/index.js";

/** A provider of the test: its PKI and its hub's MLS signing key and ExternalSender. */
export interface TestProvider {
  readonly domain: string;
  readonly pki: ProviderPki;
  readonly hubKey: SignatureKeyPair;
  readonly hub: ExternalSender;
}

/** Create providers with PKIs and hub senders, and a trust store over all of them. */
export async function testProviders(
  cs: MlsCiphersuite,
  domains: readonly string[],
): Promise<{ providers: Map<string, TestProvider>; trust: TrustStore }> {
  const providers = new Map<string, TestProvider>();
  for (const domain of domains) {
    const pki = await createProviderPki(domain, { algorithm: "Ed25519" });
    const hubKey = await generateSignatureKeyPair(cs);
    const cert = await issueProviderCertificate(pki.ca, {
      publicKey: spkiFromMlsSignatureKey(hubKey.publicKey),
    });
    const hub: ExternalSender = {
      signaturePublicKey: hubKey.publicKey,
      credential: { credentialType: "x509", certificates: [decodePem(cert.certificatePem, "CERTIFICATE")] },
    };
    providers.set(domain, { domain, pki, hubKey, hub });
  }
  const trust = createTrustStore([...providers.values()].map((p) => trustAnchor(p.pki.ca.certificatePem)));
  return { providers, trust };
}

/**
 * A hub stand-in for one room: accepts every update and message in order, keeps the latest
 * GroupInfo and tree, and fans every accepted message out to every client (each client decides
 * whether it concerns it, as the inbox of a real provider would let it).
 */
export class Relay {
  readonly events: Map<ClientCore, ClientEvent[]> = new Map();
  private n: bigint = 0n;
  private time: number = Date.now();
  groupInfo: GroupInfoOption | undefined;
  tree: RatchetTreeOption | undefined;
  /** KeyPackages uploaded per user URI. */
  private readonly keyPackages = new Map<string, { clientUri: string; kp: KeyPackage }[]>();

  constructor(
    readonly cs: MlsCiphersuite,
    readonly roomUri: string,
    readonly hub: TestProvider,
    readonly clients: ClientCore[],
  ) {
    for (const c of clients) this.events.set(c, []);
  }

  add(client: ClientCore): void {
    this.clients.push(client);
    this.events.set(client, []);
  }

  async upload(client: ClientCore, count: number): Promise<void> {
    const body = await client.generateKeyPackages(count);
    const list = this.keyPackages.get(client.userUri) ?? [];
    for (const kp of decodeKeyPackageUpload(body)) list.push({ clientUri: client.clientUri, kp });
    this.keyPackages.set(client.userUri, list);
  }

  /** Answer a KeyMaterialRequest with one unused KeyPackage per client of the target. */
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
      userStatus: byClient.size > 0 ? "success" : "userUnknown",
      userUri: req.targetUser,
      clients: [...byClient].map(([clientUri, kp]) => ({
        clientStatus: "success" as const,
        clientUri: { uri: clientUri },
        keyPackage: mlsOf("KeyPackage", kp),
      })),
    });
  }

  private tick(): bigint {
    this.time += 1000;
    return BigInt(this.time);
  }

  private async fanout(message: FanoutMessage): Promise<void> {
    this.n += 1n;
    const item: InboxItem = {
      n: this.n,
      roomId: this.roomUri,
      timestamp: Number(message.timestamp),
      message: encodeFanoutMessage(message),
    };
    for (const c of this.clients) this.events.get(c)!.push(...(await c.receive(item)));
  }

  /** Accept an UpdateRequest: the client applies the answer, then everyone gets the fanout. */
  async update(client: ClientCore, body: Uint8Array): Promise<void> {
    const { bundle } = decodeUpdateRequest(body);
    const timestamp = this.tick();
    await client.handleUpdateResponse(
      this.roomUri,
      encodeUpdateRoomResponse({
        responseCode: "success",
        errorDescription: "",
        accepted_timestamp: timestamp,
      }),
    );
    if (isCommitBundle(bundle)) {
      this.groupInfo = bundle.groupInfoOption;
      this.tree = bundle.ratchetTreeOption;
      await this.fanout({ timestamp, message: bundle.proposalOrCommit, externalProposals: [] });
      if (bundle.welcome !== undefined) {
        await this.fanout({
          timestamp,
          message: mlsOf("MLSMessage", {
            version: "mls10",
            wireformat: "mls_welcome",
            welcome: bundle.welcome.value,
          }),
          ratchetTreeOption: bundle.ratchetTreeOption,
        });
      }
    } else {
      await this.fanout({ timestamp, message: bundle.proposalOrCommit, moreProposals: bundle.moreProposals });
    }
  }

  /** Send a message: accept it, answer the sender, fan it out. */
  async send(client: ClientCore, out: { body: Uint8Array; handle: string }): Promise<number> {
    const req = decodeSubmitMessageRequest(out.body);
    const timestamp = this.tick();
    await client.handleSubmitResponse(
      this.roomUri,
      out.handle,
      encodeSubmitMessageResponse({
        protocol: "mls10",
        statusCode: "accepted",
        accepted_timestamp: timestamp,
      }),
    );
    await this.fanout({ timestamp, message: req.appMessage });
    return Number(timestamp);
  }

  /** Answer a GroupInfoRequest as the hub does (protocol-06 §5.6). */
  async groupInfoResponse(groupInfoPublicKey: Uint8Array): Promise<Uint8Array> {
    if (this.groupInfo?.representation !== "full" || this.tree === undefined)
      throw new Error("no GroupInfo yet");
    const plain = encodeWith(groupInfoRatchetTreeTBECodec, {
      groupInfo: this.groupInfo.groupInfo,
      ratchetTreeOption: this.tree,
      pending_proposals: [],
    });
    const roomId = utf8(this.roomUri);
    const context = encodeTls((w) =>
      w.opaque(utf8("MLS 1.0 GroupInfo and ratchet_tree encryption")).opaque(roomId),
    );
    const hpke = this.cs.impl.hpke;
    const sealed = await hpke.seal(
      await hpke.importPublicKey(groupInfoPublicKey),
      plain,
      context,
      new Uint8Array(),
    );
    const response = await signGroupInfoResponse(
      {
        version: "mls10",
        room_id: roomId,
        status: "success",
        cipher_suite: this.cs.id,
        hub_sender: mlsOf("ExternalSender", this.hub.hub),
        encrypted_groupinfo_and_tree: mlsOf("HPKECiphertext", {
          kemOutput: sealed.enc,
          ciphertext: sealed.ct,
        }),
      },
      this.hub.hubKey.signKey,
      this.cs.impl.signature,
    );
    return encodeGroupInfoResponse(response);
  }
}

/** A conversation as comparable text: sender, body or state, reactions. */
export function render(view: ConversationView): string[] {
  return view.messages.map((m) => {
    const p = m.content.nestedPart;
    const body =
      m.deleted || p.cardinality === 0
        ? "(deleted)"
        : p.cardinality === 1
          ? new TextDecoder().decode(p.content)
          : p.cardinality === 2
            ? `[attachment ${p.filename}]`
            : "[multipart]";
    const reactions = m.reactions.map((r) => `${r.reaction}×${r.senders.length}`).join(" ");
    return `${m.senderUri.replace(/^mimi:\/\//, "")}: ${body}${m.edited ? " (edited)" : ""}${
      m.inReplyTo === null ? "" : " ↩"
    }${reactions === "" ? "" : ` [${reactions}]`}`;
  });
}

export { toHex };
