/**
 * A hub stand-in for tests of the SDK and of the demo scenario without provider processes: one
 * room, every request accepted in order; it answers with the protocol-06 response bodies and
 * returns the inbox items a real hub would fan out (the caller delivers them). Not a hub: no
 * validation, no policy, no storage. The real hub is in `@mimi/provider`.
 */
import type { ExternalSender, KeyPackage, MlsCiphersuite, SignatureKeyPair } from "@mimi/mls-profile";
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
  type FanoutMessage,
  type GroupInfoOption,
  groupInfoRatchetTreeTBECodec,
  isCommitBundle,
  mlsOf,
  type RatchetTreeOption,
  signGroupInfoResponse,
} from "@mimi/protocol";
import { encodeTls, encodeWith, utf8 } from "@mimi/wire";
import { type ClientCore, decodeKeyPackageUpload, type InboxItem } from "../src/index.js";

/** A response body and the inbox items to deliver after it. */
export interface Accepted {
  readonly response: Uint8Array;
  readonly items: readonly InboxItem[];
}

/** See the module comment. */
export class HubStandIn {
  private n: bigint = 0n;
  private time: number = Date.now();
  private latestGroupInfo: GroupInfoOption | undefined;
  private tree: RatchetTreeOption | undefined;
  private readonly keyPackages = new Map<string, { clientUri: string; kp: KeyPackage }[]>();
  private readonly blobs = new Map<string, Uint8Array>();

  constructor(
    readonly cs: MlsCiphersuite,
    readonly roomUri: string,
    readonly key: SignatureKeyPair,
    readonly sender: ExternalSender,
  ) {}

  private tick(): bigint {
    this.time += 1;
    return BigInt(this.time);
  }

  private item(m: FanoutMessage): InboxItem {
    this.n += 1n;
    return {
      n: this.n,
      roomId: this.roomUri,
      timestamp: Number(m.timestamp),
      message: encodeFanoutMessage(m),
    };
  }

  /** Keep a client's uploaded KeyPackages (the client API upload body). */
  upload(client: ClientCore, body: Uint8Array): void {
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
      clients: [...byClient].map(([uri, kp]) => ({
        clientStatus: "success" as const,
        clientUri: { uri },
        keyPackage: mlsOf("KeyPackage", kp),
      })),
    });
  }

  /** Accept an UpdateRequest: the commit (and its Welcome) or the proposals. */
  update(body: Uint8Array): Accepted {
    const { bundle } = decodeUpdateRequest(body);
    const timestamp = this.tick();
    const items: InboxItem[] = [];
    if (isCommitBundle(bundle)) {
      this.latestGroupInfo = bundle.groupInfoOption;
      this.tree = bundle.ratchetTreeOption;
      items.push(this.item({ timestamp, message: bundle.proposalOrCommit, externalProposals: [] }));
      if (bundle.welcome !== undefined) {
        const welcome = bundle.welcome.value;
        items.push(
          this.item({
            timestamp,
            message: mlsOf("MLSMessage", { version: "mls10", wireformat: "mls_welcome", welcome }),
            ratchetTreeOption: bundle.ratchetTreeOption,
          }),
        );
      }
    } else {
      items.push(
        this.item({ timestamp, message: bundle.proposalOrCommit, moreProposals: bundle.moreProposals }),
      );
    }
    const response = encodeUpdateRoomResponse({
      responseCode: "success",
      errorDescription: "",
      accepted_timestamp: timestamp,
    });
    return { response, items };
  }

  /** Accept a SubmitMessageRequest. */
  submit(body: Uint8Array): Accepted {
    const req = decodeSubmitMessageRequest(body);
    const timestamp = this.tick();
    return {
      response: encodeSubmitMessageResponse({
        protocol: "mls10",
        statusCode: "accepted",
        accepted_timestamp: timestamp,
      }),
      items: [this.item({ timestamp, message: req.appMessage })],
    };
  }

  /** Answer a GroupInfoRequest as protocol-06 §5.6 says: encrypted to the requester, signed. */
  async groupInfo(body: Uint8Array): Promise<Uint8Array> {
    const req = decodeGroupInfoRequest(body);
    if (this.latestGroupInfo?.representation !== "full" || this.tree === undefined)
      throw new Error("no GroupInfo yet");
    const plain = encodeWith(groupInfoRatchetTreeTBECodec, {
      groupInfo: this.latestGroupInfo.groupInfo,
      ratchetTreeOption: this.tree,
      pending_proposals: [],
    });
    const room = utf8(this.roomUri);
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
    const response = await signGroupInfoResponse(
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
    );
    return encodeGroupInfoResponse(response);
  }

  /** Keep an uploaded blob; its download URL. */
  storeBlob(bytes: Uint8Array): string {
    const url = `https://${new URL(this.roomUri.replace(/^mimi:/, "https:")).host}/blobs/${this.blobs.size + 1}`;
    this.blobs.set(url, bytes);
    return url;
  }

  /** A stored blob. */
  loadBlob(url: string): Uint8Array {
    const b = this.blobs.get(url);
    if (b === undefined) throw new Error(`no blob ${url}`);
    return b;
  }
}
