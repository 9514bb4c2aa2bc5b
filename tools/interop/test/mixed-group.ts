/**
 * A group with members of both implementations: ours (`@mimi/mls-profile` over ts-mls) and
 * core-crypto's (openmls in WebAssembly). Every commit goes to every other member, and after every
 * epoch `agreement` collects what each member believes: epoch, exporter secret, member list.
 */

import {
  bootstrapHubView,
  type ClientConfig,
  commit,
  createGroup,
  createKeyPackage,
  encodeGroupContext,
  encodeMlsMessage,
  encryptApplicationMessage,
  exportGroupInfo,
  exportSecret,
  groupMembers,
  type HubGroupView,
  hubCipherSuite,
  hubGroupMembers,
  joinFromWelcome,
  type KeyPackage,
  type KeyPackageBundle,
  loadCiphersuite,
  type MlsCiphersuite,
  type MlsGroupState,
  makeClientConfig,
  processHubMessage,
  processMessage,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import {
  basicCredential,
  CORE_CRYPTO_EXPORTER_CONTEXT,
  CORE_CRYPTO_EXPORTER_LABEL,
  CoreCryptoPeer,
  clientIdBytes,
  type PeerCommit,
} from "../src/core-crypto.js";

const text = new TextDecoder();

/** Our member: its KeyPackage and group state. */
interface OurMember {
  readonly kind: "ours";
  readonly id: Uint8Array;
  readonly bundle: KeyPackageBundle;
  state: MlsGroupState;
}

/** A core-crypto member. */
interface PeerMember {
  readonly kind: "core-crypto";
  readonly id: Uint8Array;
  readonly peer: CoreCryptoPeer;
}

export type Member = OurMember | PeerMember;
export type Implementation = Member["kind"];

/** The name of a member in messages: its implementation and client id. */
export function nameOf(m: Member): string {
  return `${m.kind} ${text.decode(m.id)}`;
}

/** What one member believes about the group at the current epoch. */
export interface MemberView {
  readonly member: string;
  readonly epoch: bigint;
  readonly exporter: string;
  readonly members: readonly string[];
}

/** A mixed group and what drives it. */
export class MixedGroup {
  members: Member[] = [];
  /** The hub view following the group, when asked for (every handshake is a PublicMessage). */
  hub: HubGroupView | undefined;
  /** The GroupContext of core-crypto's last GroupInfo, when its last commit came from it. */
  lastPeerGroupContext: Uint8Array | undefined;
  private next = 1;

  private constructor(
    readonly cs: MlsCiphersuite,
    readonly config: ClientConfig,
    readonly groupId: Uint8Array,
  ) {}

  static async start(
    suite: number,
    creator: Implementation,
    options: { readonly hub?: boolean; readonly label?: string } = {},
  ): Promise<MixedGroup> {
    const cs = await loadCiphersuite(suite);
    const config = makeClientConfig({ authService: unsafeAcceptAllCredentials });
    const g = new MixedGroup(cs, config, new TextEncoder().encode(`${options.label ?? "mixed"}-${suite}`));
    if (creator === "ours") {
      const id = await g.newId("ours");
      const bundle = await createKeyPackage(cs, { credential: basicCredential(id) });
      const state = await createGroup(cs, { groupId: g.groupId, keyPackage: bundle, config });
      g.members.push({ kind: "ours", id, bundle, state });
      if (options.hub === true) {
        g.hub = await bootstrapHubView({
          groupInfo: encodeMlsMessage(await exportGroupInfo(state, cs, { ratchetTree: true })),
          cipherSuite: hubCipherSuite(cs.impl),
        });
      }
    } else {
      const peer = await CoreCryptoPeer.create(g.next++, suite);
      await peer.createGroup(g.groupId);
      g.members.push({ kind: "core-crypto", id: peer.clientId, peer });
      if (options.hub === true) {
        // core-crypto gives a GroupInfo with each commit only: its first commit bootstraps the view
        const first = await peer.update(g.groupId);
        g.hub = await bootstrapHubView({
          groupInfo: first.groupInfoBytes,
          cipherSuite: hubCipherSuite(cs.impl),
        });
      }
    }
    return g;
  }

  private async newId(kind: Implementation): Promise<Uint8Array> {
    return clientIdBytes(this.next++, kind === "ours" ? "ours.example" : "cc.example");
  }

  /** A KeyPackage of a new client of `kind`, and how that client joins from a Welcome. */
  async newcomer(
    kind: Implementation,
  ): Promise<{ keyPackage: KeyPackage; join: (welcome: Uint8Array) => Promise<Member> }> {
    if (kind === "ours") {
      const id = await this.newId("ours");
      const bundle = await createKeyPackage(this.cs, { credential: basicCredential(id) });
      return {
        keyPackage: bundle.publicPackage,
        join: async (welcome) => {
          const { state } = await joinFromWelcome(this.cs, welcome, bundle, { config: this.config });
          return { kind: "ours", id, bundle, state };
        },
      };
    }
    const peer = await CoreCryptoPeer.create(this.next++, this.cs.id);
    return {
      keyPackage: await peer.keyPackage(),
      join: async (welcome) => {
        await peer.joinFromWelcome(welcome);
        return { kind: "core-crypto", id: peer.clientId, peer };
      },
    };
  }

  /** `by` commits an Add of a new client of `kind`; the newcomer joins from the Welcome. */
  async add(by: Member, kind: Implementation): Promise<Member> {
    const newcomer = await this.newcomer(kind);
    const welcome = await this.commitBy(by, { add: newcomer.keyPackage });
    if (welcome === undefined) throw new Error(`${nameOf(by)} added a member but sent no Welcome`);
    const joined = await newcomer.join(welcome);
    this.members.push(joined);
    return joined;
  }

  /** `by` commits the removal of `target`. */
  async remove(by: Member, target: Member): Promise<void> {
    await this.commitBy(by, { remove: target });
  }

  /** `by` commits an update of its own leaf (a commit with a full UpdatePath). */
  async update(by: Member): Promise<void> {
    await this.commitBy(by, {});
  }

  /**
   * `by` commits; the commit goes to every other member and to the hub view. Returns the Welcome
   * (an encoded MLSMessage) when members were added.
   */
  private async commitBy(
    by: Member,
    op: { readonly add?: KeyPackage; readonly remove?: Member },
  ): Promise<Uint8Array | undefined> {
    let commitBytes: Uint8Array;
    let welcome: Uint8Array | undefined;
    if (by.kind === "ours") {
      const proposals = [];
      if (op.add !== undefined) proposals.push({ proposalType: "add" as const, add: { keyPackage: op.add } });
      if (op.remove !== undefined) {
        const target = op.remove;
        const leaf = groupMembers(by.state).find(
          (m) =>
            m.leafNode.credential.credentialType === "basic" &&
            sameBytes(m.leafNode.credential.identity, target.id),
        );
        if (leaf === undefined) throw new Error(`${nameOf(by)} does not see ${nameOf(target)} in its tree`);
        proposals.push({ proposalType: "remove" as const, remove: { removed: leaf.leafIndex } });
      }
      // core-crypto refuses handshake messages sent as PrivateMessages (its wire format policy)
      const r = await commit(by.state, this.cs, {
        proposals,
        publicMessage: true,
        ratchetTreeInWelcome: true,
      });
      by.state = r.state;
      commitBytes = encodeMlsMessage(r.commit);
      welcome = r.welcome === undefined ? undefined : encodeMlsMessage(r.welcome);
      this.lastPeerGroupContext = undefined;
    } else {
      let c: PeerCommit;
      if (op.add !== undefined) c = await by.peer.add(this.groupId, [op.add]);
      else if (op.remove !== undefined) c = await by.peer.remove(this.groupId, [op.remove.id]);
      else c = await by.peer.update(this.groupId);
      commitBytes = c.commit;
      welcome = c.welcome;
      this.lastPeerGroupContext = encodeGroupContext(c.groupInfo.groupContext);
    }
    await this.deliver(commitBytes, by, op.remove);
    return welcome;
  }

  /** A commit made outside `commitBy` (an external join): to every member but `from`. */
  async deliver(commitBytes: Uint8Array, from: Member | undefined, removed?: Member): Promise<void> {
    if (this.hub !== undefined) this.hub = (await processHubMessage(this.hub, commitBytes)).view;
    for (const m of this.members) {
      if (m === from) continue;
      if (m.kind === "ours") {
        const r = await processMessage(m.state, this.cs, commitBytes);
        if (r.kind !== "commit") throw new Error(`${nameOf(m)} saw a ${r.kind}, expected a commit`);
        if (r.removed !== (m === removed)) throw new Error(`${nameOf(m)}: removed=${r.removed}`);
        m.state = r.state;
      } else {
        const r = await m.peer.process(this.groupId, commitBytes);
        if (r.kind !== "commit") throw new Error(`${nameOf(m)} saw a ${r.kind}, expected a commit`);
        if (r.active === (m === removed)) throw new Error(`${nameOf(m)}: active=${r.active}`);
      }
    }
    if (removed !== undefined) this.members = this.members.filter((m) => m !== removed);
  }

  /** `from` sends application data; every other member decrypts it. Returns the plaintexts seen. */
  async message(from: Member, data: Uint8Array): Promise<{ member: string; data: string }[]> {
    let bytes: Uint8Array;
    if (from.kind === "ours") {
      const r = await encryptApplicationMessage(from.state, this.cs, data);
      from.state = r.state;
      bytes = encodeMlsMessage(r.message);
    } else {
      bytes = await from.peer.encrypt(this.groupId, data);
    }
    const seen: { member: string; data: string }[] = [];
    for (const m of this.members) {
      if (m === from) continue;
      if (m.kind === "ours") {
        const r = await processMessage(m.state, this.cs, bytes);
        if (r.kind !== "application")
          throw new Error(`${nameOf(m)} saw a ${r.kind}, expected application data`);
        m.state = r.state;
        seen.push({ member: nameOf(m), data: toHex(r.data) });
      } else {
        const r = await m.peer.process(this.groupId, bytes);
        if (r.kind !== "application")
          throw new Error(`${nameOf(m)} saw a ${r.kind}, expected application data`);
        seen.push({ member: nameOf(m), data: toHex(r.data) });
      }
    }
    return seen;
  }

  /** What every member believes (the exporter is core-crypto's `exportSecretKey` and ours). */
  async views(): Promise<MemberView[]> {
    const out: MemberView[] = [];
    for (const m of this.members) {
      if (m.kind === "ours") {
        const secret = await exportSecret(
          m.state,
          this.cs,
          CORE_CRYPTO_EXPORTER_LABEL,
          CORE_CRYPTO_EXPORTER_CONTEXT,
          32,
        );
        const ids = groupMembers(m.state).map((l) =>
          l.leafNode.credential.credentialType === "basic"
            ? text.decode(l.leafNode.credential.identity)
            : "?",
        );
        out.push({
          member: nameOf(m),
          epoch: m.state.groupContext.epoch,
          exporter: toHex(secret),
          members: ids.sort(),
        });
      } else {
        const ids = (await m.peer.members(this.groupId)).map((id) => text.decode(id));
        out.push({
          member: nameOf(m),
          epoch: await m.peer.epoch(this.groupId),
          exporter: toHex(await m.peer.exportSecret(this.groupId, 32)),
          members: ids.sort(),
        });
      }
    }
    return out;
  }

  /**
   * Every member's view, with `member` replaced by "*", deduplicated: one entry when all agree.
   * The expected member list is the driver's own.
   */
  async agreement(): Promise<{
    views: MemberView[];
    distinct: Omit<MemberView, "member">[];
    expected: string[];
  }> {
    const views = await this.views();
    const seen = new Map<string, Omit<MemberView, "member">>();
    for (const { member: _, ...rest } of views)
      seen.set(
        JSON.stringify(rest, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
        rest,
      );
    return {
      views,
      distinct: [...seen.values()],
      expected: this.members.map((m) => text.decode(m.id)).sort(),
    };
  }

  /** The hub view's GroupContext and members against our members' (and core-crypto's GroupInfo). */
  hubDisagreements(): string[] {
    const hub = this.hub;
    if (hub === undefined) return ["no hub view"];
    const problems: string[] = [];
    const gc = toHex(encodeGroupContext(hub.groupContext));
    const hubMembers = hubGroupMembers(hub)
      .map((m) => (m.credential.credentialType === "basic" ? text.decode(m.credential.identity) : "?"))
      .sort();
    const expected = this.members.map((m) => text.decode(m.id)).sort();
    if (JSON.stringify(hubMembers) !== JSON.stringify(expected))
      problems.push(`hub members ${hubMembers.join(",")} != ${expected.join(",")}`);
    for (const m of this.members) {
      if (m.kind !== "ours") continue;
      if (toHex(encodeGroupContext(m.state.groupContext)) !== gc)
        problems.push(`GroupContext differs from ${nameOf(m)}'s`);
    }
    if (this.lastPeerGroupContext !== undefined && toHex(this.lastPeerGroupContext) !== gc)
      problems.push("GroupContext differs from core-crypto's GroupInfo");
    return problems;
  }
}

/** Lower-case hex of `b`. */
export function toHex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
