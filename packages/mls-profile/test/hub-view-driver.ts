/**
 * Drives real ts-mls members through random epochs with every handshake sent as a PublicMessage,
 * feeds every message to a hub view, and checks after each epoch that the view agrees with every
 * member (GroupContext bytes, tree, confirmation tag, members). Used by the tests and the bench.
 */

import {
  acceptAll,
  type CiphersuiteImpl,
  type ClientConfig,
  type ClientState,
  type Credential,
  createCommit,
  createGroup,
  createGroupInfoWithExternalPubAndRatchetTree,
  createProposal,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  type Extension,
  encodeExternalSenders,
  encodeMlsMessage,
  type GroupInfo,
  generateKeyPackage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  joinGroupExternal,
  type MLSMessage,
  makePskIndex,
  type Proposal,
  type PskIndex,
  processMessage,
  proposeAddExternal,
  proposeExternal,
} from "@mimi/ts-mls";
import { defaultClientConfig } from "@mimi/ts-mls/clientConfig.js";
import { encodeGroupContext } from "@mimi/ts-mls/groupContext.js";
import { encodeRatchetTree } from "@mimi/ts-mls/ratchetTree.js";
import { bytesToBase64 } from "@mimi/ts-mls/util/byteArray.js";
import { toHex } from "@mimi/wire";
import { type AppDataUpdate, encodeAppDataUpdate } from "../src/extensions/app-data-update.js";
import type { ComponentHandlers } from "../src/extensions/apply-app-data-updates.js";
import { defaultCodePoints } from "../src/extensions/code-points.js";
import {
  appDataHubViewOptions,
  appDataProposalHandler,
  bootstrapHubView,
  type HubGroupView,
  type HubViewOptions,
  hubAppDataDictionary,
  hubCipherSuite,
  hubGroupMembers,
  processHubMessage,
  verifyHubGroupInfo,
} from "../src/index.js";

/** A custom GroupContext extension type every client supports, changed by GroupContextExtensions. */
export const CUSTOM_EXTENSION = 0xff0a;

/** Deterministic PRNG (mulberry32) choosing the operations; key material comes from ts-mls. */
export { prng } from "@mimi/testkit/seeded";

/** One ts-mls client in the group. */
export interface Member {
  readonly name: string;
  state: ClientState;
}

/** The group, the hub's view of it, and everything needed to drive it. */
export interface Scenario {
  readonly cs: CiphersuiteImpl;
  readonly hubCs: CiphersuiteImpl;
  readonly hubSigner: { readonly publicKey: Uint8Array; readonly signKey: Uint8Array };
  members: Member[];
  hub: HubGroupView;
  /** Every handshake message of the run, in order (encoded MLSMessage). */
  readonly log: Uint8Array[];
  readonly pskIndexFor: (state: ClientState) => PskIndex;
  readonly psks: Record<string, Uint8Array>;
  counter: number;
  /** Time the hub view spent processing messages, in ms. */
  hubMs: number;
  /** Counts of the operations performed, by kind. */
  readonly ops: Record<string, number>;
  /** Called with the hub view before each message; its result replaces it (snapshot tests). */
  beforeHubMessage?: ((view: HubGroupView) => HubGroupView) | undefined;
}

const SUITE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

function capabilities(): ReturnType<typeof defaultCapabilities> {
  const caps = defaultCapabilities();
  return {
    ...caps,
    extensions: [...caps.extensions, CUSTOM_EXTENSION, defaultCodePoints.extensionTypes.app_data_dictionary],
    proposals: [
      ...caps.proposals,
      defaultCodePoints.proposalTypes.app_data_update,
      defaultCodePoints.proposalTypes.app_ephemeral,
      defaultCodePoints.proposalTypes.self_remove,
    ],
  };
}

/** A test component: its data is the concatenation of every update it was given. */
export const LOG_COMPONENT = 0xff30;

/** The component logic members and hub share in the random run. */
export const testComponents: ComponentHandlers = new Map([
  [
    LOG_COMPONENT,
    (current: Uint8Array | undefined, updates: readonly Uint8Array[]) =>
      Uint8Array.from([...(current ?? []), ...updates.flatMap((u) => [...u])]),
  ],
]);

/** Members apply AppDataUpdate through the same handler as the hub (the project's ts-mls patch). */
const clientConfig: ClientConfig = {
  ...defaultClientConfig,
  customProposalHandler: appDataProposalHandler(testComponents),
  selfRemoveProposalType: defaultCodePoints.proposalTypes.self_remove,
};

function basic(name: string): Credential {
  return { credentialType: "basic", identity: new TextEncoder().encode(name) };
}

/** A fresh KeyPackage for `name`. */
export async function keyPackage(
  cs: CiphersuiteImpl,
  name: string,
): Promise<Awaited<ReturnType<typeof generateKeyPackage>>> {
  return generateKeyPackage(basic(name), capabilities(), defaultLifetime, [], cs);
}

function encode(message: MLSMessage): Uint8Array {
  return encodeMlsMessage(message);
}

function decode(bytes: Uint8Array): MLSMessage {
  const d = decodeMlsMessage(bytes, 0);
  if (d === undefined) throw new Error("test driver: own message does not decode");
  return d[0];
}

/** The GroupInfo (with external_pub and ratchet_tree) a member would give the hub, encoded. */
export async function groupInfoOf(cs: CiphersuiteImpl, state: ClientState): Promise<GroupInfo> {
  return createGroupInfoWithExternalPubAndRatchetTree(state, [], cs);
}

/** Encode a GroupInfo as an MLSMessage. */
export function encodeGroupInfoMessage(gi: GroupInfo): Uint8Array {
  return encode({ version: "mls10", wireformat: "mls_group_info", groupInfo: gi });
}

/** Create a group of `size` members (one Add commit), with the hub as its external sender. */
export async function createScenario(
  size: number,
  hubOptions: HubViewOptions = {},
  room = "random-epochs",
): Promise<Scenario> {
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(SUITE));
  const hubSigner = await cs.signature.keygen();
  const externalSenders: Extension = {
    extensionType: "external_senders",
    extensionData: encodeExternalSenders([
      { signaturePublicKey: hubSigner.publicKey, credential: basic("hub.example") },
    ]),
  };
  const creator = await keyPackage(cs, "member-0");
  let state = await createGroup(
    new TextEncoder().encode(`mimi://hub.example/r/${room}`),
    creator.publicPackage,
    creator.privatePackage,
    [externalSenders, { extensionType: CUSTOM_EXTENSION, extensionData: new Uint8Array([0]) }],
    cs,
    clientConfig,
  );
  const members: Member[] = [{ name: "member-0", state }];
  if (size > 1) {
    const kps = await Promise.all(
      Array.from({ length: size - 1 }, (_, i) => keyPackage(cs, `member-${i + 1}`)),
    );
    const r = await createCommit(
      { state, cipherSuite: cs },
      {
        extraProposals: kps.map((kp) => ({ proposalType: "add", add: { keyPackage: kp.publicPackage } })),
        wireAsPublicMessage: true,
        ratchetTreeExtension: true,
      },
    );
    state = r.newState;
    members[0] = { name: "member-0", state };
    if (r.welcome === undefined) throw new Error("test driver: no welcome");
    for (const [i, kp] of kps.entries()) {
      members.push({
        name: `member-${i + 1}`,
        state: await joinGroup(
          r.welcome,
          kp.publicPackage,
          kp.privatePackage,
          makePskIndex(undefined, {}),
          cs,
          undefined,
          undefined,
          clientConfig,
        ),
      });
    }
  }
  const hubCs = hubCipherSuite(cs);
  const hub = await bootstrapHubView({
    groupInfo: encodeGroupInfoMessage(await groupInfoOf(cs, state)),
    cipherSuite: hubCs,
    options: { ...appDataHubViewOptions(testComponents), ...hubOptions },
  });
  const psks: Record<string, Uint8Array> = {};
  return {
    cs,
    hubCs,
    hubSigner,
    members,
    hub,
    log: [],
    psks,
    pskIndexFor: (s) => makePskIndex(s, psks),
    counter: size,
    hubMs: 0,
    ops: {},
  };
}

/** Deliver a handshake message to the hub and to every member except `from`. */
export async function deliver(sc: Scenario, bytes: Uint8Array, from?: Member): Promise<void> {
  sc.log.push(bytes);
  if (sc.beforeHubMessage !== undefined) sc.hub = sc.beforeHubMessage(sc.hub);
  const t0 = performance.now();
  sc.hub = (await processHubMessage(sc.hub, bytes)).view;
  sc.hubMs += performance.now() - t0;
  const message = decode(bytes);
  if (message.wireformat !== "mls_public_message")
    throw new Error("test driver: handshakes are PublicMessages");
  const next: Member[] = [];
  for (const m of sc.members) {
    if (m === from) {
      next.push(m);
      continue;
    }
    const r = await processMessage(message, m.state, sc.pskIndexFor(m.state), acceptAll, sc.cs);
    if (r.kind !== "newState") throw new Error("test driver: unexpected application message");
    if (r.newState.groupActiveState.kind === "removedFromGroup") continue;
    m.state = r.newState;
    next.push(m);
  }
  sc.members = next;
}

/** Commit as `committer` with `extraProposals` (plus its pending references), deliver it, welcome joiners. */
export async function commit(
  sc: Scenario,
  committer: Member,
  extraProposals: Proposal[],
  joiners: readonly { name: string; kp: Awaited<ReturnType<typeof keyPackage>> }[] = [],
): Promise<Uint8Array> {
  const r = await createCommit(
    { state: committer.state, cipherSuite: sc.cs, pskIndex: sc.pskIndexFor(committer.state) },
    { extraProposals, wireAsPublicMessage: true, ratchetTreeExtension: true },
  );
  const bytes = encode(r.commit);
  committer.state = r.newState;
  await deliver(sc, bytes, committer);
  if (joiners.length > 0) {
    if (r.welcome === undefined) throw new Error("test driver: no welcome");
    for (const j of joiners) {
      const state = await joinGroup(
        r.welcome,
        j.kp.publicPackage,
        j.kp.privatePackage,
        sc.pskIndexFor(committer.state),
        sc.cs,
        undefined,
        undefined,
        clientConfig,
      );
      sc.members.push({ name: j.name, state });
    }
  }
  return bytes;
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  const x = xs[Math.floor(rand() * xs.length)];
  if (x === undefined) throw new Error("test driver: pick from an empty list");
  return x;
}

function leafOf(m: Member): number {
  return m.state.privatePath.leafIndex;
}

function others(sc: Scenario, m: Member): Member[] {
  return sc.members.filter((x) => x !== m);
}

function count(sc: Scenario, op: string): void {
  sc.ops[op] = (sc.ops[op] ?? 0) + 1;
}

/** An external PSK known to every member, as a proposal. */
function pskProposal(sc: Scenario, rand: () => number): Proposal {
  const pskId = new Uint8Array(8).map(() => Math.floor(rand() * 256));
  sc.psks[bytesToBase64(pskId)] = sc.cs.rng.randomBytes(32);
  return {
    proposalType: "psk",
    psk: { preSharedKeyId: { psktype: "external", pskId, pskNonce: sc.cs.rng.randomBytes(32) } },
  };
}

/** An AppDataUpdate for the log component: mostly an update, sometimes a remove of existing data. */
function appDataProposal(sc: Scenario, rand: () => number, allowRemove = true): Proposal {
  const has = hubAppDataDictionary(sc.hub).component_data.some((c) => c.component_id === LOG_COMPONENT);
  const update: AppDataUpdate =
    allowRemove && has && rand() < 0.3
      ? { component_id: LOG_COMPONENT, op: "remove" }
      : { component_id: LOG_COMPONENT, op: "update", update: Uint8Array.of(Math.floor(rand() * 256)) };
  return {
    proposalType: defaultCodePoints.proposalTypes.app_data_update,
    proposalData: encodeAppDataUpdate(update),
  };
}

function newName(sc: Scenario): string {
  sc.counter += 1;
  return `member-${sc.counter}`;
}

/** An external join (or resync) with the driver's client configuration. */
function externalJoin(
  sc: Scenario,
  gi: GroupInfo,
  kp: Awaited<ReturnType<typeof keyPackage>>,
  resync: boolean,
): ReturnType<typeof joinGroupExternal> {
  return joinGroupExternal(gi, kp.publicPackage, kp.privatePackage, resync, sc.cs, undefined, clientConfig);
}

/** One random epoch: some proposals, then exactly one commit. */
export async function randomEpoch(sc: Scenario, rand: () => number, maxMembers: number): Promise<string> {
  const n = sc.members.length;
  const kinds = [
    ...(n < maxMembers ? ["add", "add-ref", "new-member-proposal", "external-join"] : []),
    ...(n > 2 ? ["remove", "remove-ref", "hub-remove", "self-remove"] : []),
    "update",
    "update-psk",
    "gce",
    "app-data",
    "app-data-ref",
    "hub-app-data",
    "resync",
    "psk-ref",
  ];
  const kind = pick(rand, kinds);
  count(sc, kind);
  const committer = pick(rand, sc.members);
  switch (kind) {
    case "add": {
      const k = 1 + Math.floor(rand() * Math.min(3, maxMembers - n));
      const joiners = await Promise.all(
        Array.from({ length: k }, async () => {
          const name = newName(sc);
          return { name, kp: await keyPackage(sc.cs, name) };
        }),
      );
      await commit(
        sc,
        committer,
        joiners.map((j) => ({ proposalType: "add", add: { keyPackage: j.kp.publicPackage } })),
        joiners,
      );
      break;
    }
    case "add-ref": {
      const proposer = pick(rand, sc.members);
      const name = newName(sc);
      const kp = await keyPackage(sc.cs, name);
      const p = await createProposal(
        proposer.state,
        true,
        { proposalType: "add", add: { keyPackage: kp.publicPackage } },
        sc.cs,
      );
      proposer.state = p.newState;
      await deliver(sc, encode(p.message), proposer);
      await commit(sc, committer, [], [{ name, kp }]);
      break;
    }
    case "new-member-proposal": {
      const name = newName(sc);
      const kp = await keyPackage(sc.cs, name);
      const gi = await groupInfoOf(sc.cs, committer.state);
      await deliver(sc, encode(await proposeAddExternal(gi, kp.publicPackage, kp.privatePackage, sc.cs)));
      await commit(sc, committer, [], [{ name, kp }]);
      break;
    }
    case "external-join": {
      const name = newName(sc);
      const kp = await keyPackage(sc.cs, name);
      const gi = await groupInfoOf(sc.cs, committer.state);
      const r = await externalJoin(sc, gi, kp, false);
      await deliver(
        sc,
        encode({ version: "mls10", wireformat: "mls_public_message", publicMessage: r.publicMessage }),
      );
      sc.members.push({ name, state: r.newState });
      break;
    }
    case "resync": {
      // An existing member rejoins by external commit, removing its former leaf (RFC 9420 §12.4.3.2).
      const m = committer;
      const leaf = m.state.ratchetTree.get(2 * leafOf(m));
      if (leaf?.nodeType !== "leaf") throw new Error("test driver: own leaf missing");
      const kp = await generateKeyPackageWithKey(
        basic(m.name),
        capabilities(),
        defaultLifetime,
        [],
        { signKey: m.state.signaturePrivateKey, publicKey: leaf.leaf.signaturePublicKey },
        sc.cs,
      );
      const gi = await groupInfoOf(sc.cs, pick(rand, sc.members).state);
      const r = await externalJoin(sc, gi, kp, true);
      sc.members = others(sc, m);
      await deliver(
        sc,
        encode({ version: "mls10", wireformat: "mls_public_message", publicMessage: r.publicMessage }),
      );
      sc.members.push({ name: m.name, state: r.newState });
      break;
    }
    case "remove": {
      const victims = others(sc, committer);
      const k = 1 + Math.floor(rand() * Math.min(2, victims.length - 1));
      const chosen = [...victims].sort(() => rand() - 0.5).slice(0, k);
      await commit(
        sc,
        committer,
        chosen.map((v) => ({ proposalType: "remove", remove: { removed: leafOf(v) } })),
      );
      break;
    }
    case "remove-ref": {
      const proposer = pick(rand, sc.members);
      const victim = pick(rand, others(sc, proposer));
      const p = await createProposal(
        proposer.state,
        true,
        { proposalType: "remove", remove: { removed: leafOf(victim) } },
        sc.cs,
      );
      proposer.state = p.newState;
      await deliver(sc, encode(p.message), proposer);
      await commit(sc, pick(rand, others(sc, victim)), []);
      break;
    }
    case "self-remove": {
      // A member leaves by SelfRemove (mls-extensions-10 §6.3); another member commits it by reference.
      const leaver = pick(rand, sc.members);
      const p = await createProposal(
        leaver.state,
        true,
        { proposalType: defaultCodePoints.proposalTypes.self_remove, proposalData: new Uint8Array() },
        sc.cs,
      );
      leaver.state = p.newState;
      await deliver(sc, encode(p.message), leaver);
      await commit(sc, pick(rand, others(sc, leaver)), []);
      break;
    }
    case "hub-remove": {
      // The hub, an external sender, proposes a Remove; a member commits it by reference.
      const victim = pick(rand, sc.members);
      const message = await proposeExternal(
        { groupContext: sc.hub.groupContext } as GroupInfo,
        { proposalType: "remove", remove: { removed: leafOf(victim) } },
        sc.hubSigner.publicKey,
        sc.hubSigner.signKey,
        sc.cs,
      );
      await deliver(sc, encode(message));
      await commit(sc, pick(rand, others(sc, victim)), []);
      break;
    }
    case "gce": {
      // Unpatched ts-mls 1.6.4 sends GroupContextExtensions without a path and cannot send it with
      // one (it encrypts the path under the old extensions); the project's patch fixes both.
      const extensions = sc.hub.groupContext.extensions.map((e) =>
        e.extensionType === CUSTOM_EXTENSION
          ? { extensionType: CUSTOM_EXTENSION, extensionData: new Uint8Array([Math.floor(rand() * 256)]) }
          : e,
      );
      await commit(sc, committer, [
        { proposalType: "group_context_extensions", groupContextExtensions: { extensions } },
      ]);
      break;
    }
    case "update":
      await commit(sc, committer, []);
      break;
    case "app-data":
      await commit(sc, committer, [appDataProposal(sc, rand, false), appDataProposal(sc, rand, false)]);
      break;
    case "app-data-ref": {
      const proposer = pick(rand, sc.members);
      const p = await createProposal(proposer.state, true, appDataProposal(sc, rand), sc.cs);
      proposer.state = p.newState;
      await deliver(sc, encode(p.message), proposer);
      await commit(sc, committer, []);
      break;
    }
    case "hub-app-data": {
      // The hub proposes an AppDataUpdate as an external sender (mls-extensions-10 §7: External Y).
      const message = await proposeExternal(
        { groupContext: sc.hub.groupContext } as GroupInfo,
        appDataProposal(sc, rand),
        sc.hubSigner.publicKey,
        sc.hubSigner.signKey,
        sc.cs,
      );
      await deliver(sc, encode(message));
      await commit(sc, committer, []);
      break;
    }
    case "update-psk": {
      // A PSK alone needs no path (RFC 9420 §17.4), and ts-mls sends none.
      await commit(sc, committer, [pskProposal(sc, rand)]);
      break;
    }
    case "psk-ref": {
      const proposer = pick(rand, sc.members);
      const p = await createProposal(proposer.state, true, pskProposal(sc, rand), sc.cs);
      proposer.state = p.newState;
      await deliver(sc, encode(p.message), proposer);
      await commit(sc, committer, []);
      break;
    }
  }
  return kind;
}

/** Everything the hub and a member must agree on, as comparable strings. */
export interface Agreement {
  readonly groupContext: string;
  readonly tree: string;
  readonly confirmationTag: string;
  readonly members: readonly string[];
}

/** The hub view's side of {@link Agreement}. */
export function hubAgreement(view: HubGroupView): Agreement {
  return {
    groupContext: toHex(encodeGroupContext(view.groupContext)),
    tree: toHex(encodeRatchetTree(view.ratchetTree)),
    confirmationTag: toHex(view.confirmationTag),
    members: hubGroupMembers(view).map((m) => `${m.leafIndex}:${credentialString(m.credential)}`),
  };
}

function credentialString(c: Credential): string {
  return c.credentialType === "basic"
    ? new TextDecoder().decode(c.identity)
    : c.certificates.map((b) => toHex(b)).join(",");
}

/** A member's side of {@link Agreement}, computed from its ts-mls state alone. */
export function memberAgreement(state: ClientState): Agreement {
  const members: string[] = [];
  for (const [i, node] of state.ratchetTree.entries())
    if (node?.nodeType === "leaf") members.push(`${i / 2}:${credentialString(node.leaf.credential)}`);
  return {
    groupContext: toHex(encodeGroupContext(state.groupContext)),
    tree: toHex(encodeRatchetTree(state.ratchetTree)),
    confirmationTag: toHex(state.confirmationTag),
    members,
  };
}

/** Check the committer-side GroupInfo of a random member against the hub view. */
export async function checkGroupInfo(sc: Scenario, rand: () => number): Promise<void> {
  const m = pick(rand, sc.members);
  await verifyHubGroupInfo(sc.hub, encodeGroupInfoMessage(await groupInfoOf(sc.cs, m.state)));
}
