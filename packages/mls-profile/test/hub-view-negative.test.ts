import { fc, test } from "@fast-check/vitest";
import {
  createApplicationMessage,
  createCommit,
  createProposal,
  decodeMlsMessage,
  defaultLifetime,
  encodeMlsMessage,
  type GroupInfo,
  generateKeyPackage,
  generateKeyPackageWithKey,
  joinGroupExternal,
  type LeafNodeCommit,
  type MLSMessage,
  type Proposal,
  type PublicMessage,
  proposeExternal,
} from "@mimi/ts-mls";
import { signFramedContentTBS, toTbs } from "@mimi/ts-mls/framedContent.js";
import { signLeafNodeCommit } from "@mimi/ts-mls/leafNode.js";
import { protectExternalProposalPublic } from "@mimi/ts-mls/messageProtectionPublic.js";
import { CodecError, MimiError, ValidationError } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import {
  bootstrapHubView,
  type HubGroupView,
  type HubViewOptions,
  processHubMessage,
  verifyHubGroupInfo,
} from "../src/index.js";
import {
  CUSTOM_EXTENSION,
  commit,
  createScenario,
  deliver,
  encodeGroupInfoMessage,
  groupInfoOf,
  keyPackage,
  type Member,
  type Scenario,
} from "./hub-view-driver.js";
import { rejection } from "./hub-view-expect.js";

function decode(bytes: Uint8Array): MLSMessage {
  const d = decodeMlsMessage(bytes, 0);
  if (d === undefined) throw new Error("does not decode");
  return d[0];
}

function publicMessageOf(bytes: Uint8Array): PublicMessage {
  const m = decode(bytes);
  if (m.wireformat !== "mls_public_message") throw new Error("not a PublicMessage");
  return m.publicMessage;
}

function encodePublic(pm: PublicMessage): Uint8Array {
  return encodeMlsMessage({ version: "mls10", wireformat: "mls_public_message", publicMessage: pm });
}

/** A commit by `m` without sending it: the encoded MLSMessage and the committer's next state. */
async function draftCommit(sc: Scenario, m: Member, extraProposals: Proposal[] = []): Promise<Uint8Array> {
  const r = await createCommit(
    { state: m.state, cipherSuite: sc.cs },
    { extraProposals, wireAsPublicMessage: true, ratchetTreeExtension: true },
  );
  return encodeMlsMessage(r.commit);
}

/** Re-sign a tampered PublicMessage as its (member) sender `m`, so only the targeted check can fail. */
async function resign(sc: Scenario, m: Member, pm: PublicMessage): Promise<Uint8Array> {
  const tbs = toTbs(pm.content, "mls_public_message", sc.hub.groupContext);
  const signature = await signFramedContentTBS(m.state.signaturePrivateKey, tbs, sc.cs.signature);
  return encodePublic({ ...pm, auth: { ...pm.auth, signature } } as PublicMessage);
}

function member(sc: Scenario, i: number): Member {
  const m = sc.members[i];
  if (m === undefined) throw new Error(`no member ${i}`);
  return m;
}

let base: Scenario;
beforeAll(async () => {
  base = await createScenario(3);
});

/** A fresh scenario (the negative tests change group state). */
async function scenario(options: HubViewOptions = {}): Promise<Scenario> {
  return createScenario(3, options);
}

describe("hub view rejects malformed input with typed errors", () => {
  it("MLS-HUB-01 rejects trailing bytes after a valid commit", async () => {
    const bytes = await draftCommit(base, member(base, 0));
    const e = await rejection(processHubMessage(base.hub, new Uint8Array([...bytes, 0])), "MLS-HUB-01");
    expect(e).toBeInstanceOf(CodecError);
  });

  it("MLS-HUB-01 rejects a GroupInfo with trailing bytes at bootstrap", async () => {
    const gi = encodeGroupInfoMessage(await groupInfoOf(base.cs, member(base, 0).state));
    await rejection(
      bootstrapHubView({ groupInfo: new Uint8Array([...gi, 1]), cipherSuite: base.hubCs }),
      "MLS-HUB-01",
    );
  });

  test.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 200 })(
    "MLS-HUB-01 random bytes only ever give a typed error",
    async (bytes) => {
      await expect(processHubMessage(base.hub, bytes)).rejects.toBeInstanceOf(MimiError);
      await expect(bootstrapHubView({ groupInfo: bytes, cipherSuite: base.hubCs })).rejects.toBeInstanceOf(
        MimiError,
      );
    },
  );

  it("MLS-HUB-01 a mutated commit is accepted or rejected with a typed error, never anything else", async () => {
    const bytes = await draftCommit(base, member(base, 1));
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (at, xor) => {
          const mutated = bytes.slice();
          mutated[at] = (mutated[at] ?? 0) ^ xor;
          try {
            await processHubMessage(base.hub, mutated);
          } catch (e) {
            expect(e).toBeInstanceOf(MimiError);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("MLS-HUB-01 a mutated GroupInfo or ratchet tree is accepted or rejected with a typed error, never anything else", async () => {
    const state = member(base, 0).state;
    const gi = encodeGroupInfoMessage(await groupInfoOf(base.cs, state));
    const { encodeRatchetTree } = await import("@mimi/ts-mls/ratchetTree.js");
    const tree = encodeRatchetTree(state.ratchetTree);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (mutateTree, at, xor) => {
          const target = mutateTree ? tree : gi;
          const mutated = target.slice();
          const i = at % mutated.length;
          mutated[i] = (mutated[i] ?? 0) ^ xor;
          try {
            await bootstrapHubView(
              mutateTree
                ? { groupInfo: gi, ratchetTree: mutated, cipherSuite: base.hubCs }
                : { groupInfo: mutated, cipherSuite: base.hubCs },
            );
          } catch (e) {
            expect(e).toBeInstanceOf(MimiError);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("MLS-HUB-02 rejects a PrivateMessage", async () => {
    const r = await createApplicationMessage(member(base, 0).state, new Uint8Array([1, 2, 3]), base.cs);
    const bytes = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_private_message",
      privateMessage: r.privateMessage,
    });
    await rejection(processHubMessage(base.hub, bytes), "MLS-HUB-02");
  });
});

describe("hub view intake rules", () => {
  it("MLS-HUB-03 rejects a commit of another group", async () => {
    const other = await createScenario(2, {}, "other");
    await rejection(processHubMessage(base.hub, await draftCommit(other, member(other, 0))), "MLS-HUB-03");
  });

  it("MLS-HUB-04 rejects a replayed commit of an earlier epoch with code wrongEpoch", async () => {
    const sc = await scenario();
    const old = await commit(sc, member(sc, 0), []);
    const e = await rejection(processHubMessage(sc.hub, old), "MLS-HUB-04");
    expect(e.code).toBe("wrongEpoch");
  });

  it("MLS-HUB-04 rejects a proposal of an earlier epoch (replayed after the commit)", async () => {
    const sc = await scenario();
    const m = member(sc, 1);
    const p = await createProposal(m.state, true, { proposalType: "remove", remove: { removed: 2 } }, sc.cs);
    m.state = p.newState;
    const proposal = encodeMlsMessage(p.message);
    await deliver(sc, proposal, m);
    await commit(sc, member(sc, 0), []);
    await rejection(processHubMessage(sc.hub, proposal), "MLS-HUB-04");
  });

  it("MLS-HUB-05 rejects application data in a PublicMessage", async () => {
    const pm = publicMessageOf(await draftCommit(base, member(base, 0)));
    const forged = {
      senderType: "member",
      membershipTag: new Uint8Array(32),
      content: { ...pm.content, contentType: "application", applicationData: new Uint8Array([1]) },
      auth: { contentType: "application", signature: pm.auth.signature },
    } as PublicMessage;
    await rejection(processHubMessage(base.hub, encodePublic(forged)), "MLS-HUB-05");
  });

  it("MLS-HUB-06 rejects a commit from a leaf that is not a member", async () => {
    const pm = publicMessageOf(await draftCommit(base, member(base, 0)));
    const forged = {
      ...pm,
      content: { ...pm.content, sender: { senderType: "member", leafIndex: 9 } },
    } as PublicMessage;
    await rejection(processHubMessage(base.hub, encodePublic(forged)), "MLS-HUB-06");
  });

  it("MLS-HUB-06 rejects a new_member_proposal that is not an Add", async () => {
    const kp = await keyPackage(base.cs, "outsider");
    const { publicMessage } = await protectExternalProposalPublic(
      kp.privatePackage.signaturePrivateKey,
      base.hub.groupContext,
      new Uint8Array(),
      { proposalType: "remove", remove: { removed: 1 } },
      { senderType: "new_member_proposal" },
      base.cs,
    );
    await rejection(processHubMessage(base.hub, encodePublic(publicMessage)), "MLS-HUB-06");
  });

  it("MLS-HUB-06 rejects an external sender index with no external_senders entry", async () => {
    const { publicMessage } = await protectExternalProposalPublic(
      base.hubSigner.signKey,
      base.hub.groupContext,
      new Uint8Array(),
      { proposalType: "remove", remove: { removed: 1 } },
      { senderType: "external", senderIndex: 3 },
      base.cs,
    );
    await rejection(processHubMessage(base.hub, encodePublic(publicMessage)), "MLS-HUB-06");
  });

  it("MLS-HUB-07 rejects a forged signature", async () => {
    const pm = publicMessageOf(await draftCommit(base, member(base, 0)));
    const signature = pm.auth.signature.slice();
    signature[0] = (signature[0] ?? 0) ^ 1;
    const forged = { ...pm, auth: { ...pm.auth, signature } } as PublicMessage;
    await rejection(processHubMessage(base.hub, encodePublic(forged)), "MLS-HUB-07");
  });

  it("MLS-HUB-07 rejects a commit claiming another member as sender", async () => {
    const pm = publicMessageOf(await draftCommit(base, member(base, 0)));
    const forged = {
      ...pm,
      content: { ...pm.content, sender: { senderType: "member", leafIndex: 1 } },
    } as PublicMessage;
    await rejection(processHubMessage(base.hub, encodePublic(forged)), "MLS-HUB-07");
  });

  it("MLS-HUB-07 rejects an external proposal not signed by the external sender", async () => {
    const impostor = await base.cs.signature.keygen();
    const { publicMessage } = await protectExternalProposalPublic(
      impostor.signKey,
      base.hub.groupContext,
      new Uint8Array(),
      { proposalType: "remove", remove: { removed: 1 } },
      { senderType: "external", senderIndex: 0 },
      base.cs,
    );
    await rejection(processHubMessage(base.hub, encodePublic(publicMessage)), "MLS-HUB-07");
  });

  it("MLS-HUB-08 rejects a proposal type external senders may not send", async () => {
    const view: HubGroupView = {
      ...base.hub,
      options: { ...base.hub.options, opaqueProposalTypes: [0xf0f0] },
    };
    const message = await proposeExternal(
      { groupContext: view.groupContext } as GroupInfo,
      { proposalType: 0xf0f0, proposalData: new Uint8Array([1]) },
      base.hubSigner.publicKey,
      base.hubSigner.signKey,
      base.cs,
    );
    await rejection(processHubMessage(view, encodeMlsMessage(message)), "MLS-HUB-08");
  });

  it("MLS-HUB-08 accepts an external Remove from the hub (the External column says Y)", async () => {
    const message = await proposeExternal(
      { groupContext: base.hub.groupContext } as GroupInfo,
      { proposalType: "remove", remove: { removed: 1 } },
      base.hubSigner.publicKey,
      base.hubSigner.signKey,
      base.cs,
    );
    const r = await processHubMessage(base.hub, encodeMlsMessage(message));
    expect(r.event.kind).toBe("proposal");
    expect(r.view.pendingProposals.size).toBe(1);
    expect(base.hub.pendingProposals.size).toBe(0);
  });

  it("MLS-HUB-17 rejects a proposal received twice in an epoch (replay)", async () => {
    const m = member(base, 1);
    const p = await createProposal(
      m.state,
      true,
      { proposalType: "remove", remove: { removed: 2 } },
      base.cs,
    );
    const bytes = encodeMlsMessage(p.message);
    const once = await processHubMessage(base.hub, bytes);
    await rejection(processHubMessage(once.view, bytes), "MLS-HUB-17");
  });

  it("MLS-HUB-11 rejects a Remove proposal naming a blank leaf", async () => {
    const m = member(base, 1);
    const pm = publicMessageOf(
      encodeMlsMessage(
        (await createProposal(m.state, true, { proposalType: "remove", remove: { removed: 2 } }, base.cs))
          .message,
      ),
    );
    const forged = await resign(base, m, {
      ...pm,
      content: { ...pm.content, proposal: { proposalType: "remove", remove: { removed: 7 } } },
    } as PublicMessage);
    await rejection(processHubMessage(base.hub, forged), "MLS-HUB-11");
  });

  it("MLS-HUB-18 rejects a proposal type the hub does not follow", async () => {
    const m = member(base, 1);
    const p = await createProposal(
      m.state,
      true,
      { proposalType: 0xf0f0, proposalData: new Uint8Array([1]) },
      base.cs,
    );
    await rejection(processHubMessage(base.hub, encodeMlsMessage(p.message)), "MLS-HUB-18");
  });

  it("MLS-HUB-18 rejects committing a followed custom type that not every member supports", async () => {
    const view: HubGroupView = {
      ...base.hub,
      options: { ...base.hub.options, opaqueProposalTypes: [0xf0f0] },
    };
    // a committer whose ts-mls applies no non-default proposal (members' AppDataUpdate handler would refuse the type)
    const m = member(base, 0);
    const { customProposalHandler: _none, ...clientConfig } = m.state.clientConfig;
    const bytes = await draftCommit(base, { ...m, state: { ...m.state, clientConfig } }, [
      { proposalType: 0xf0f0, proposalData: new Uint8Array([1]) },
    ]);
    await rejection(processHubMessage(view, bytes), "MLS-HUB-18");
  });

  it("MLS-HUB-20 rejects an ExternalInit proposal sent on its own", async () => {
    const m = member(base, 1);
    const p = await createProposal(
      m.state,
      true,
      { proposalType: "external_init", externalInit: { kemOutput: new Uint8Array(32) } },
      base.cs,
    );
    await rejection(processHubMessage(base.hub, encodeMlsMessage(p.message)), "MLS-HUB-20");
  });
});

describe("hub view commit rules", () => {
  it("MLS-HUB-09 rejects a commit referencing a proposal the hub never saw", async () => {
    const sc = await scenario();
    const m = member(sc, 1);
    const p = await createProposal(m.state, true, { proposalType: "remove", remove: { removed: 2 } }, sc.cs);
    m.state = p.newState;
    await rejection(processHubMessage(sc.hub, await draftCommit(sc, m)), "MLS-HUB-09");
  });

  it("MLS-HUB-10 rejects a GroupContextExtensions commit without a path (as unpatched ts-mls 1.6.4 sends it)", async () => {
    const m = member(base, 0);
    const extensions = base.hub.groupContext.extensions.map((e) =>
      e.extensionType === CUSTOM_EXTENSION ? { ...e, extensionData: new Uint8Array([9]) } : e,
    );
    const pm = publicMessageOf(
      await draftCommit(base, m, [
        { proposalType: "group_context_extensions", groupContextExtensions: { extensions } },
      ]),
    );
    if (pm.content.contentType !== "commit") throw new Error("not a commit");
    const pathless = await resign(base, m, {
      ...pm,
      content: { ...pm.content, commit: { ...pm.content.commit, path: undefined } },
    } as PublicMessage);
    await rejection(processHubMessage(base.hub, pathless), "MLS-HUB-10");
    const lenient: HubGroupView = {
      ...base.hub,
      options: { ...base.hub.options, allowPathlessGroupContextExtensions: true },
    };
    const r = await processHubMessage(lenient, pathless);
    expect(r.view.groupContext.extensions).toEqual(extensions);
  });

  it("MLS-HUB-10 rejects a commit with an empty proposal list and its path stripped", async () => {
    const m = member(base, 0);
    const pm = publicMessageOf(await draftCommit(base, m));
    if (pm.content.contentType !== "commit") throw new Error("not a commit");
    const forged = await resign(base, m, {
      ...pm,
      content: { ...pm.content, commit: { ...pm.content.commit, path: undefined } },
    } as PublicMessage);
    await rejection(processHubMessage(base.hub, forged), "MLS-HUB-10");
  });

  it("MLS-HUB-12 rejects an UpdatePath whose parent hashes do not chain (path key changed, commit re-signed)", async () => {
    const m = member(base, 0);
    const pm = publicMessageOf(await draftCommit(base, m));
    if (pm.content.contentType !== "commit" || pm.content.commit.path === undefined)
      throw new Error("no path");
    const path = pm.content.commit.path;
    const changed = (await base.cs.hpke.exportPublicKey(
      (
        await base.cs.hpke.generateKeyPair()
      ).publicKey,
    )) as Uint8Array;
    const nodes = path.nodes.map((n, i) => (i === 0 ? { ...n, hpkePublicKey: changed } : n));
    const forged = await resign(base, m, {
      ...pm,
      content: { ...pm.content, commit: { ...pm.content.commit, path: { ...path, nodes } } },
    } as PublicMessage);
    const e = await rejection(processHubMessage(base.hub, forged), "MLS-HUB-12");
    expect(e.what).toMatch(/parent hash/i);
  });

  it("MLS-HUB-12 rejects an UpdatePath leaf whose signature does not verify (parent_hash changed)", async () => {
    const m = member(base, 0);
    const pm = publicMessageOf(await draftCommit(base, m));
    if (pm.content.contentType !== "commit" || pm.content.commit.path === undefined)
      throw new Error("no path");
    const path = pm.content.commit.path;
    const leafNode = { ...path.leafNode, parentHash: new Uint8Array(path.leafNode.parentHash.length) };
    const forged = await resign(base, m, {
      ...pm,
      content: { ...pm.content, commit: { ...pm.content.commit, path: { ...path, leafNode } } },
    } as PublicMessage);
    await rejection(processHubMessage(base.hub, forged), "MLS-HUB-12");
  });

  it("MLS-HUB-12 rejects a truncated UpdatePath", async () => {
    const m = member(base, 0);
    const pm = publicMessageOf(await draftCommit(base, m));
    if (pm.content.contentType !== "commit" || pm.content.commit.path === undefined)
      throw new Error("no path");
    const path = pm.content.commit.path;
    const forged = await resign(base, m, {
      ...pm,
      content: {
        ...pm.content,
        commit: { ...pm.content.commit, path: { ...path, nodes: path.nodes.slice(1) } },
      },
    } as PublicMessage);
    await rejection(processHubMessage(base.hub, forged), "MLS-HUB-12");
  });

  /**
   * `m`'s next commit with its UpdatePath leaf changed by `change` and signed again (by `signer`, the
   * key the changed leaf names), then the commit re-signed: only the leaf checks can fail.
   */
  async function withPathLeaf(
    sc: Scenario,
    m: Member,
    change: (leaf: LeafNodeCommit) => LeafNodeCommit,
    signer = m.state.signaturePrivateKey,
  ): Promise<Uint8Array> {
    const pm = publicMessageOf(await draftCommit(sc, m));
    if (pm.content.contentType !== "commit" || pm.content.commit.path === undefined)
      throw new Error("no path");
    const path = pm.content.commit.path;
    const changed = change(path.leafNode as LeafNodeCommit);
    const { signature } = await signLeafNodeCommit(
      { ...changed, groupId: sc.hub.groupContext.groupId, leafIndex: m.state.privatePath.leafIndex },
      signer,
      sc.cs.signature,
    );
    const leaf: LeafNodeCommit = { ...changed, signature };
    return resign(sc, m, {
      ...pm,
      content: { ...pm.content, commit: { ...pm.content.commit, path: { ...path, leafNode: leaf } } },
    } as PublicMessage);
  }

  function leafOfMember(sc: Scenario, i: number): LeafNodeCommit {
    const m = member(sc, i);
    const node = m.state.ratchetTree.get(2 * m.state.privatePath.leafIndex);
    if (node?.nodeType !== "leaf") throw new Error("no leaf");
    return node.leaf as LeafNodeCommit;
  }

  it("MLS-HUB-12 rejects an UpdatePath leaf whose encryption key is another member's", async () => {
    const other = leafOfMember(base, 1);
    const forged = await withPathLeaf(base, member(base, 0), (leaf) => ({
      ...leaf,
      hpkePublicKey: other.hpkePublicKey,
    }));
    const e = await rejection(processHubMessage(base.hub, forged), "MLS-HUB-12");
    expect(e.what).toMatch(/encryption key not unique/);
  });

  it("MLS-HUB-12 rejects an UpdatePath leaf whose signature key is another member's", async () => {
    const other = leafOfMember(base, 2);
    const forged = await withPathLeaf(
      base,
      member(base, 0),
      (leaf) => ({ ...leaf, signaturePublicKey: other.signaturePublicKey }),
      member(base, 2).state.signaturePrivateKey,
    );
    const e = await rejection(processHubMessage(base.hub, forged), "MLS-HUB-12");
    expect(e.what).toMatch(/signature key not unique/);
  });

  it("MLS-HUB-12 rejects an UpdatePath leaf whose credential type a member does not support", async () => {
    const sc = await scenario();
    const m = member(sc, 0);
    // a fourth member whose capabilities list the basic credential only
    const caps = leafOfMember(sc, 1).capabilities;
    const kp = await generateKeyPackage(
      { credentialType: "basic", identity: new TextEncoder().encode("basic-only") },
      { ...caps, credentials: ["basic"] },
      defaultLifetime,
      [],
      sc.cs,
    );
    await commit(sc, m, [{ proposalType: "add", add: { keyPackage: kp.publicPackage } }]);
    const x509 = { credentialType: "x509" as const, certificates: [new Uint8Array([0x30, 0x00])] };
    const forged = await withPathLeaf(sc, m, (leaf) => ({ ...leaf, credential: x509 }));
    const e = await rejection(processHubMessage(sc.hub, forged), "MLS-HUB-12");
    expect(e.what).toMatch(/leaf 3 does not support credential type x509/);
  });

  it("MLS-HUB-13 rejects an external commit removing someone else's leaf (which ts-mls members accept)", async () => {
    const sc = await scenario();
    const victim = member(sc, 2);
    const leaf = victim.state.ratchetTree.get(2 * victim.state.privatePath.leafIndex);
    if (leaf?.nodeType !== "leaf") throw new Error("no leaf");
    const kp = await generateKeyPackageWithKey(
      { credentialType: "basic", identity: new TextEncoder().encode("impostor") },
      { ...leaf.leaf.capabilities },
      defaultLifetime,
      [],
      { signKey: victim.state.signaturePrivateKey, publicKey: leaf.leaf.signaturePublicKey },
      sc.cs,
    );
    const gi = await groupInfoOf(sc.cs, member(sc, 0).state);
    const r = await joinGroupExternal(gi, kp.publicPackage, kp.privatePackage, true, sc.cs);
    const bytes = encodePublic(r.publicMessage);
    await rejection(processHubMessage(sc.hub, bytes), "MLS-HUB-13");
  });

  it("MLS-HUB-13 rejects an external commit carrying an Add", async () => {
    const sc = await scenario();
    const kp = await keyPackage(sc.cs, "joiner");
    const gi = await groupInfoOf(sc.cs, member(sc, 0).state);
    const r = await joinGroupExternal(gi, kp.publicPackage, kp.privatePackage, false, sc.cs);
    const pm = r.publicMessage;
    if (pm.content.contentType !== "commit") throw new Error("not a commit");
    const extra = await keyPackage(sc.cs, "extra");
    const content = {
      ...pm.content,
      commit: {
        ...pm.content.commit,
        proposals: [
          ...pm.content.commit.proposals,
          {
            proposalOrRefType: "proposal",
            proposal: { proposalType: "add", add: { keyPackage: extra.publicPackage } },
          },
        ],
      },
    };
    const tbs = toTbs(content as typeof pm.content, "mls_public_message", sc.hub.groupContext);
    const signature = await signFramedContentTBS(kp.privatePackage.signaturePrivateKey, tbs, sc.cs.signature);
    const forged = encodePublic({ ...pm, content, auth: { ...pm.auth, signature } } as PublicMessage);
    await rejection(processHubMessage(sc.hub, forged), "MLS-HUB-13");
  });

  it("MLS-HUB-14 rejects GroupContextExtensions with an empty list or an extension a member does not support", async () => {
    const lenient: HubGroupView = {
      ...base.hub,
      options: { ...base.hub.options, allowPathlessGroupContextExtensions: true },
    };
    const empty = await draftCommit(base, member(base, 0), [
      { proposalType: "group_context_extensions", groupContextExtensions: { extensions: [] } },
    ]);
    await rejection(processHubMessage(lenient, empty), "MLS-HUB-14");
    const unsupported = await draftCommit(base, member(base, 0), [
      {
        proposalType: "group_context_extensions",
        groupContextExtensions: {
          extensions: [
            ...base.hub.groupContext.extensions,
            { extensionType: 0xff0b, extensionData: new Uint8Array() },
          ],
        },
      },
    ]);
    await rejection(processHubMessage(lenient, unsupported), "MLS-HUB-14");
  });

  it("MLS-HUB-19 accepts a ReInit commit and then nothing more", async () => {
    const sc = await scenario();
    const m = member(sc, 0);
    const r = await createCommit(
      { state: m.state, cipherSuite: sc.cs },
      {
        extraProposals: [
          {
            proposalType: "reinit",
            reinit: {
              groupId: new Uint8Array([1]),
              version: "mls10",
              cipherSuite: sc.cs.name,
              extensions: [],
            },
          },
        ],
        wireAsPublicMessage: true,
      },
    );
    const done = await processHubMessage(sc.hub, encodeMlsMessage(r.commit));
    expect(done.view.status).toBe("reinit");
    expect(done.view.groupContext).toEqual(r.newState.groupContext);
    await rejection(processHubMessage(done.view, await draftCommit(sc, member(sc, 1))), "MLS-HUB-19");
  });
});

describe("hub view bootstrap and GroupInfo checks", () => {
  it("MLS-HUB-15 rejects a GroupInfo whose signature does not verify", async () => {
    const gi = await groupInfoOf(base.cs, member(base, 0).state);
    const signature = gi.signature.slice();
    signature[1] = (signature[1] ?? 0) ^ 4;
    await rejection(
      bootstrapHubView({ groupInfo: { ...gi, signature }, cipherSuite: base.hubCs }),
      "MLS-HUB-15",
    );
  });

  it("MLS-HUB-15 rejects a ratchet tree that does not match the GroupContext's tree hash", async () => {
    const other = await createScenario(2);
    const gi = await groupInfoOf(base.cs, member(base, 0).state);
    await rejection(
      bootstrapHubView({
        groupInfo: gi,
        ratchetTree: member(other, 0).state.ratchetTree,
        cipherSuite: base.hubCs,
      }),
      "MLS-HUB-15",
    );
  });

  it("MLS-HUB-15 bootstraps from a GroupInfo without the tree extension and an out-of-band tree", async () => {
    const state = member(base, 1).state;
    const gi = await groupInfoOf(base.cs, state);
    const bare = { ...gi, extensions: gi.extensions.filter((e) => e.extensionType !== "ratchet_tree") };
    await rejection(bootstrapHubView({ groupInfo: bare, cipherSuite: base.hubCs }), "MLS-HUB-15");
    const { encodeRatchetTree } = await import("@mimi/ts-mls/ratchetTree.js");
    const view = await bootstrapHubView({
      groupInfo: gi,
      ratchetTree: encodeRatchetTree(state.ratchetTree),
      cipherSuite: base.hubCs,
    });
    expect(view.groupContext).toEqual(state.groupContext);
  });

  it("MLS-HUB-16 accepts the committer's GroupInfo for the epoch and rejects one of an earlier epoch", async () => {
    const sc = await scenario();
    const before = await groupInfoOf(sc.cs, member(sc, 0).state);
    await commit(sc, member(sc, 1), []);
    await verifyHubGroupInfo(sc.hub, await groupInfoOf(sc.cs, member(sc, 1).state));
    await rejection(verifyHubGroupInfo(sc.hub, before), "MLS-HUB-16");
    const current = await groupInfoOf(sc.cs, member(sc, 2).state);
    await rejection(
      verifyHubGroupInfo(sc.hub, {
        ...current,
        signature: current.signature.map((b, i) => (i === 0 ? b ^ 1 : b)),
      }),
      "MLS-HUB-16",
    );
  });

  it("rejections leave the view unchanged and are ValidationErrors with a path", async () => {
    const pm = publicMessageOf(await draftCommit(base, member(base, 0)));
    const forged = { ...pm, content: { ...pm.content, epoch: pm.content.epoch + 5n } } as PublicMessage;
    const e = await rejection(processHubMessage(base.hub, encodePublic(forged)), "MLS-HUB-04");
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.path).toBe("/public_message/content/epoch");
    expect(base.hub.groupContext.epoch).toBe(member(base, 0).state.groupContext.epoch);
  });
});
