/**
 * Regression tests of the project's patch of ts-mls 1.6.4 (patches/ts-mls@1.6.4.patch):
 * external_senders in its RFC 9420 §12.1.8.1 form, sender_index over that list, the hook for
 * non-default proposals, and the path rule for GroupContextExtensions commits.
 */

import {
  type MlsPrivateMessage,
  type MlsPublicMessage,
  processMessage as tsProcessMessage,
} from "@mimi/ts-mls";
import { encodeTls, toHex, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  createContentCommitSignature,
  deriveTreeSecret,
  expandWithLabel,
  verifyFramedContentSignature,
} from "../src/adapter/internals.js";
import {
  type CustomProposalContext,
  commit,
  decodeExternalSenders,
  encodeExternalSenders,
  encodeGroupContext,
  encryptApplicationMessage,
  exportGroupInfo,
  externalSendersExtension,
  externalSendersOf,
  generateSignatureKeyPair,
  groupMembers,
  joinExternal,
  type MLSMessage,
  type MlsGroupState,
  makeClientConfig,
  makePskIndex,
  processMessage,
  propose,
  proposeAsExternalSender,
  unsafeAcceptAllCredentials,
} from "../src/index.js";
import { capabilities, config, groupOf, keyPackage, suite, utf8 } from "./adapter-fixtures.js";

/** RFC 9420 §12.1.8.1 by hand: `ExternalSender external_senders<V>`, Credential = basic (1). */
function rfcExternalSenders(senders: { key: Uint8Array; identity: Uint8Array }[]): Uint8Array {
  return encodeTls((w) =>
    w.vector(senders, (x, s) => {
      x.opaque(s.key);
      x.uint16(1);
      x.opaque(s.identity);
    }),
  );
}

describe("ts-mls patch: external_senders (RFC 9420 §12.1.8.1)", () => {
  const senders = [
    { key: new Uint8Array(32).fill(1), identity: utf8("hub.example") },
    { key: new Uint8Array(32).fill(2), identity: utf8("follower.example") },
  ];
  const asTsMls = senders.map((s) => ({
    signaturePublicKey: s.key,
    credential: { credentialType: "basic" as const, identity: s.identity },
  }));

  it("[MLS-EXTSEND-01] encodes the list form byte for byte", () => {
    expect(toHex(encodeExternalSenders(asTsMls))).toBe(toHex(rfcExternalSenders(senders)));
    expect(toHex(externalSendersExtension(asTsMls).extensionData)).toBe(toHex(rfcExternalSenders(senders)));
  });

  it("[MLS-EXTSEND-01] decodes the RFC list form, an empty list, and rejects a bare ExternalSender", () => {
    expect(decodeExternalSenders(rfcExternalSenders(senders))).toEqual(asTsMls);
    expect(decodeExternalSenders(rfcExternalSenders([]))).toEqual([]);
    const bare = rfcExternalSenders([senders[0]!]).subarray(1); // ts-mls 1.6.4's unpatched form
    expect(() => decodeExternalSenders(bare)).toThrow(/external_senders/);
  });

  it("[MLS-EXTSEND-02] sender_index indexes the external_senders list, whatever precedes the extension", async () => {
    const cs = await suite;
    const hub = await generateSignatureKeyPair(cs);
    const follower = await generateSignatureKeyPair(cs);
    const list = [
      {
        signaturePublicKey: hub.publicKey,
        credential: { credentialType: "basic" as const, identity: utf8("hub") },
      },
      {
        signaturePublicKey: follower.publicKey,
        credential: { credentialType: "basic" as const, identity: utf8("follower") },
      },
    ];
    // A custom GroupContext extension first: unpatched ts-mls computed sender_index 1 for the hub here.
    const custom = { extensionType: 0xff01, extensionData: utf8("x") };
    const [alice, bob, carol] = await groupOf(cs, 3, {
      extensions: [custom, externalSendersExtension(list)],
      caps: capabilities([0xff01]),
    });
    expect(externalSendersOf(alice!.groupContext.extensions)).toHaveLength(2);
    const gi = await exportGroupInfo(alice!, cs);
    if (gi.wireformat !== "mls_group_info") throw new Error("not a GroupInfo");
    const proposal = await proposeAsExternalSender(
      cs,
      gi.groupInfo,
      { proposalType: "remove", remove: { removed: 2 } },
      follower,
    );
    if (proposal.wireformat !== "mls_public_message") throw new Error("not a PublicMessage");
    expect(proposal.publicMessage.content.sender).toEqual({ senderType: "external", senderIndex: 1 });
    const a1 = await processMessage(alice!, cs, proposal);
    const b1 = await processMessage(bob!, cs, proposal);
    const c1 = await processMessage(carol!, cs, proposal);
    expect(a1.kind).toBe("proposal");
    const c = await commit(a1.state, cs, { publicMessage: true });
    const b2 = await processMessage(b1.state, cs, c.commit);
    const gone = await processMessage(c1.state, cs, c.commit);
    expect(gone.kind === "commit" && gone.removed).toBe(true);
    expect(groupMembers(c.state).map((m) => m.leafIndex)).toEqual([0, 1]);
    expect(toHex(encodeGroupContext(b2.state.groupContext))).toBe(
      toHex(encodeGroupContext(c.state.groupContext)),
    );
  });
});

describe("ts-mls patch: non-default proposals (draft-ietf-mls-extensions-10 §4.7)", () => {
  const APP_DATA_UPDATE = 0x0008;
  const APP_DATA_DICTIONARY = 0x0006;
  const caps = capabilities([APP_DATA_DICTIONARY], [APP_DATA_UPDATE]);
  /** A test handler: appends every proposal's data to a dictionary-typed extension, in commit order. */
  const seen: CustomProposalContext[] = [];
  const handler = (ctx: CustomProposalContext): { extensions: typeof ctx.extensions } => {
    seen.push(ctx);
    const old =
      ctx.extensions.find((e) => e.extensionType === APP_DATA_DICTIONARY)?.extensionData ?? new Uint8Array();
    const parts = [old, ...ctx.proposals.map((p) => p.proposal.proposalData)];
    if (parts.some((p) => p.length > 0 && p[0] === 0xff))
      throw new ValidationError("rejected by the component");
    const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      data.set(p, off);
      off += p.length;
    }
    return {
      extensions: [
        ...ctx.extensions.filter((e) => e.extensionType !== APP_DATA_DICTIONARY),
        { extensionType: APP_DATA_DICTIONARY, extensionData: data },
      ],
    };
  };

  it("[MLS-APPDATA-01] the handler runs after the default proposals, in commit order, on creation and on receipt", async () => {
    const cs = await suite;
    const [alice, bob] = await groupOf(cs, 2, { caps, config: config(handler) });
    seen.length = 0;
    const c = await commit(alice!, cs, {
      publicMessage: true,
      proposals: [
        { proposalType: APP_DATA_UPDATE, proposalData: Uint8Array.of(1, 2) },
        { proposalType: "group_context_extensions", groupContextExtensions: { extensions: [] } },
        { proposalType: APP_DATA_UPDATE, proposalData: Uint8Array.of(3) },
      ],
    });
    const b = await processMessage(bob!, cs, c.commit);
    // Creator and receiver both called it with the same view: GCE applied first.
    expect(seen.map((s) => s.sentByClient)).toEqual([true, false]);
    expect(seen.every((s) => s.groupContextExtensionsProposed)).toBe(true);
    expect(seen[1]!.proposals.map((p) => [...p.proposal.proposalData])).toEqual([[1, 2], [3]]);
    const dict = c.state.groupContext.extensions.find((e) => e.extensionType === APP_DATA_DICTIONARY);
    expect([...(dict?.extensionData ?? [])]).toEqual([1, 2, 3]);
    expect(toHex(encodeGroupContext(b.state.groupContext))).toBe(
      toHex(encodeGroupContext(c.state.groupContext)),
    );
  });

  it("[MLS-APPDATA-01] a handler's rejection rejects the commit, on creation and on receipt", async () => {
    const cs = await suite;
    const [alice, bob] = await groupOf(cs, 2, { caps, config: config(handler) });
    await expect(
      commit(alice!, cs, {
        proposals: [{ proposalType: APP_DATA_UPDATE, proposalData: Uint8Array.of(0xff) }],
      }),
    ).rejects.toThrow(/rejected by the component/);
    // A sender without the handler commits the proposal; the receiver with the handler refuses it.
    const lax = { ...alice!, clientConfig: config() };
    const c = await commit(lax, cs, {
      publicMessage: true,
      proposals: [{ proposalType: APP_DATA_UPDATE, proposalData: Uint8Array.of(0xff) }],
    });
    await expect(processMessage(bob!, cs, c.commit)).rejects.toBeInstanceOf(ValidationError);
  });

  it("[MLS-APPDATA-01] [MLS-XJOIN-01] an external commit carries non-default proposals; the handler sees the joiner's LeafNode on both sides", async () => {
    const cs = await suite;
    const [alice] = await groupOf(cs, 2, { caps, config: config(handler) });
    const gi = await exportGroupInfo(alice!, cs, { ratchetTree: true });
    if (gi.wireformat !== "mls_group_info") throw new Error("not a GroupInfo");
    const joiner = await keyPackage(cs, "joiner", caps);
    seen.length = 0;
    const j = await joinExternal(cs, gi.groupInfo, joiner, {
      config: config(handler),
      proposals: [{ proposalType: APP_DATA_UPDATE, proposalData: Uint8Array.of(9) }],
    });
    const a = await processMessage(alice!, cs, j.commit);
    expect(seen.map((c) => [c.sentByClient, c.committerLeafIndex])).toEqual([
      [true, undefined],
      [false, undefined],
    ]);
    for (const c of seen)
      expect(c.newMemberLeafNode?.signaturePublicKey).toEqual(
        joiner.publicPackage.leafNode.signaturePublicKey,
      );
    const dict = a.state.groupContext.extensions.find((e) => e.extensionType === APP_DATA_DICTIONARY);
    expect([...(dict?.extensionData ?? [])]).toEqual([9]);
    expect(toHex(encodeGroupContext(a.state.groupContext))).toBe(
      toHex(encodeGroupContext(j.state.groupContext)),
    );
  });

  it("[MLS-APPDATA-01] the handler can require an UpdatePath", async () => {
    const cs = await suite;
    const [alice] = await groupOf(cs, 2, { caps, config: config(() => ({ needsUpdatePath: true })) });
    const c = await commit(alice!, cs, {
      publicMessage: true,
      proposals: [{ proposalType: APP_DATA_UPDATE, proposalData: Uint8Array.of(1) }],
    });
    if (c.commit.wireformat !== "mls_public_message") throw new Error("not public");
    const content = c.commit.publicMessage.content;
    expect(content.contentType === "commit" && content.commit.path !== undefined).toBe(true);
  });
});

describe("ts-mls patch: UpdatePath rule (RFC 9420 §12.4, §17.4)", () => {
  it("[MLS-PATH-01] a GroupContextExtensions commit carries an UpdatePath", async () => {
    const cs = await suite;
    const [alice, bob] = await groupOf(cs, 2);
    const c = await commit(alice!, cs, {
      publicMessage: true,
      proposals: [{ proposalType: "group_context_extensions", groupContextExtensions: { extensions: [] } }],
    });
    if (c.commit.wireformat !== "mls_public_message") throw new Error("not public");
    const content = c.commit.publicMessage.content;
    expect(content.contentType === "commit" && content.commit.path !== undefined).toBe(true);
    const b = await processMessage(bob!, cs, c.commit);
    expect(b.state.groupContext.epoch).toBe(c.state.groupContext.epoch);
  });
});

describe("ts-mls patch: external_pub (RFC 9420 §12.4.3.2)", () => {
  it("[MLS-XPUB-01] a GroupInfo's external_pub is the length-prefixed HPKEPublicKey, and an external join reads it", async () => {
    const cs = await suite;
    const [alice] = await groupOf(cs, 1);
    const gi = await exportGroupInfo(alice!, cs, { ratchetTree: true });
    if (gi.wireformat !== "mls_group_info") throw new Error("expected a GroupInfo");
    const ext = gi.groupInfo.extensions.find((e) => e.extensionType === "external_pub");
    // suite 0x0001: X25519, a 32-byte key after its one-byte varint length
    expect([ext?.extensionData.length, ext?.extensionData[0]]).toEqual([33, 32]);
    const joined = await joinExternal(cs, gi.groupInfo, await keyPackage(cs, "carol"), { config: config() });
    expect(joined.state.groupContext.epoch).toBe(alice!.groupContext.epoch + 1n);
    const a = await processMessage(alice!, cs, joined.commit);
    expect(a.state.groupContext.epoch).toBe(joined.state.groupContext.epoch);
  });
});

describe("ts-mls patch: SelfRemove (draft-ietf-mls-extensions-10 §6.3)", () => {
  const SELF_REMOVE = 0x000a;
  const caps = capabilities([], [SELF_REMOVE]);
  const selfRemoveConfig = makeClientConfig({
    authService: unsafeAcceptAllCredentials,
    selfRemoveProposalType: SELF_REMOVE,
  });
  const selfRemove = { proposalType: SELF_REMOVE, proposalData: new Uint8Array() };

  /** A group of `n` where member 1 has sent a SelfRemove every other member received. */
  async function withSelfRemove(n: number): Promise<{ states: MlsGroupState[]; proposal: MLSMessage }> {
    const cs = await suite;
    const states = await groupOf(cs, n, { caps, config: selfRemoveConfig });
    const p = await propose(states[1]!, cs, selfRemove);
    states[1] = p.state;
    for (const i of states.keys()) {
      if (i !== 1) states[i] = (await processMessage(states[i]!, cs, p.message)).state;
    }
    return { states, proposal: p.message };
  }

  it("[MLS-SELFRM-01] a SelfRemove committed by reference by another member removes its sender, on creation and on receipt", async () => {
    const cs = await suite;
    const { states } = await withSelfRemove(3);
    const [alice, bob, carol] = states;
    const c = await commit(alice!, cs, { publicMessage: true });
    const b = await processMessage(bob!, cs, c.commit);
    const d = await processMessage(carol!, cs, c.commit);
    expect(b.kind === "commit" && b.removed).toBe(true);
    expect(d.kind === "commit" && !d.removed).toBe(true);
    expect(groupMembers(c.state).map((m) => m.leafIndex)).toEqual([0, 2]);
    expect(toHex(encodeGroupContext(d.state.groupContext))).toBe(
      toHex(encodeGroupContext(c.state.groupContext)),
    );
    // the commit carried an UpdatePath (SelfRemove: "Path Required" Y) and the proposal by reference
    if (c.commit.wireformat !== "mls_public_message") throw new Error("not public");
    const content = c.commit.publicMessage.content;
    if (content.contentType !== "commit") throw new Error("not a commit");
    expect(content.commit.path).toBeDefined();
    expect(content.commit.proposals.map((p) => p.proposalOrRefType)).toEqual(["reference"]);
  });

  it("[MLS-SELFRM-01] a SelfRemove is processed with the Removes: an Add in the same commit takes the freed leaf", async () => {
    const cs = await suite;
    const { states } = await withSelfRemove(3);
    const dave = await keyPackage(cs, "dave", caps);
    const c = await commit(states[0]!, cs, {
      publicMessage: true,
      proposals: [{ proposalType: "add", add: { keyPackage: dave.publicPackage } }],
    });
    const d = await processMessage(states[2]!, cs, c.commit);
    const members = groupMembers(d.state).map((m) => [m.leafIndex, new TextDecoder().decode(identity(m))]);
    expect(members).toEqual([
      [0, "member-0"],
      [1, "dave"],
      [2, "member-2"],
    ]);
  });

  it("[MLS-SELFRM-01] rejects a SelfRemove by value, with a Remove of the same leaf, or committed by its own sender", async () => {
    const cs = await suite;
    const { states } = await withSelfRemove(3);
    await expect(commit(states[0]!, cs, { proposals: [selfRemove] })).rejects.toThrow(/by reference/);
    await expect(
      commit(states[0]!, cs, { proposals: [{ proposalType: "remove", remove: { removed: 1 } }] }),
    ).rejects.toThrow(/same leaf/);
    await expect(commit(states[1]!, cs, {})).rejects.toThrow(/removing committer/);
  });

  it("[MLS-SELFRM-02] rejects a SelfRemove with a non-empty body, on receipt of the commit", async () => {
    const cs = await suite;
    const states = await groupOf(cs, 3, { caps, config: selfRemoveConfig });
    // the sender and the committer do not process SelfRemove (no selfRemoveProposalType)
    const lax = (s: MlsGroupState): MlsGroupState => ({ ...s, clientConfig: config() });
    const p = await propose(lax(states[1]!), cs, {
      proposalType: SELF_REMOVE,
      proposalData: Uint8Array.of(0),
    });
    const a = await processMessage(lax(states[0]!), cs, p.message);
    const c2 = await processMessage(states[2]!, cs, p.message);
    const c = await commit(a.state, cs, { publicMessage: true });
    await expect(processMessage(c2.state, cs, c.commit)).rejects.toThrow(/non-empty body/);
  });

  it("[MLS-SELFRM-01] without selfRemoveProposalType a SelfRemove stays an ordinary non-default proposal (ts-mls behaviour)", async () => {
    const cs = await suite;
    const states = await groupOf(cs, 2, { caps });
    const p = await propose(states[1]!, cs, selfRemove);
    const a = await processMessage(states[0]!, cs, p.message);
    const c = await commit(a.state, cs, { publicMessage: true });
    expect(groupMembers(c.state)).toHaveLength(2);
  });
});

function identity(m: { leafNode: { credential: { credentialType: string } } }): Uint8Array {
  const c = m.leafNode.credential as { credentialType: "basic"; identity: Uint8Array };
  return c.identity;
}

describe("ts-mls patch: PreSharedKey proposals in PrivateMessage commits (RFC 9420 §8.4, §12.1.4)", () => {
  const externalId = utf8("mimi test external psk");
  const externalPsk = new Uint8Array(32).fill(7);

  /** A PSK proposal for an external PSK or a resumption PSK of the group's current epoch. */
  function pskProposal(kind: "external" | "resumption", state: MlsGroupState) {
    const pskNonce = new Uint8Array(32).fill(kind === "external" ? 1 : 2);
    const preSharedKeyId =
      kind === "external"
        ? { psktype: "external" as const, pskId: externalId, pskNonce }
        : {
            psktype: "resumption" as const,
            usage: "application" as const,
            pskGroupId: state.groupContext.groupId,
            pskEpoch: state.groupContext.epoch,
            pskNonce,
          };
    return { proposalType: "psk" as const, psk: { preSharedKeyId } };
  }

  const index = (state: MlsGroupState) =>
    makePskIndex(state, { [btoa(String.fromCharCode(...externalId))]: externalPsk });

  it.each([
    ["external", "by value"],
    ["resumption", "by value"],
    ["external", "by reference"],
    ["resumption", "by reference"],
  ] as const)(
    "[MLS-PSK-01] a PrivateMessage commit covering a %s PSK %s is accepted, and both sides agree",
    async (kind, how) => {
      const cs = await suite;
      let [alice, bob, carol] = await groupOf(cs, 3);
      const proposal = pskProposal(kind, alice!);
      let proposals: (typeof proposal)[] = [proposal];
      if (how === "by reference") {
        const p = await propose(bob!, cs, proposal, { publicMessage: false });
        bob = p.state;
        alice = (await processMessage(alice!, cs, p.message, { pskIndex: index(alice!) })).state;
        carol = (await processMessage(carol!, cs, p.message, { pskIndex: index(carol!) })).state;
        proposals = [];
      }
      const c = await commit(alice!, cs, { proposals, pskIndex: index(alice!) });
      expect(c.commit.wireformat).toBe("mls_private_message");
      for (const member of [bob!, carol!]) {
        const r = await processMessage(member, cs, c.commit, { pskIndex: index(member) });
        expect(r.kind).toBe("commit");
        expect(r.state.groupContext.epoch).toBe(c.state.groupContext.epoch);
        expect(toHex(r.state.keySchedule.epochAuthenticator)).toBe(
          toHex(c.state.keySchedule.epochAuthenticator),
        );
      }
      // The PSK enters the key schedule: a member without it cannot follow the commit.
      if (kind === "external") {
        await expect(processMessage(bob!, cs, c.commit)).rejects.toThrow(/pskId/);
      }
    },
  );
});

describe("ts-mls patch: the sender of a PrivateMessage from its SenderData, decrypted once (revision 7)", () => {
  /** ts-mls's own processMessage of `message` by the member of `state`, accepting everything. */
  const raw = (message: MLSMessage, state: MlsGroupState, cs: Awaited<typeof suite>) =>
    tsProcessMessage(
      message as MlsPrivateMessage | MlsPublicMessage,
      state,
      makePskIndex(state, {}),
      () => "accept",
      cs.impl,
    );

  it("ts-mls returns the sender of a PrivateMessage application message, proposal and commit; none for a PublicMessage", async () => {
    const cs = await suite;
    const [alice, bob, carol] = await groupOf(cs, 3);
    const sent = await encryptApplicationMessage(carol!, cs, utf8("hello"));
    const app = await raw(sent.message, alice!, cs);
    expect(app.kind).toBe("applicationMessage");
    expect(app.sender).toEqual({ senderType: "member", leafIndex: 2 });

    const proposed = await propose(
      bob!,
      cs,
      { proposalType: "remove", remove: { removed: 2 } },
      { publicMessage: false },
    );
    const prop = await raw(proposed.message, alice!, cs);
    expect(prop.sender).toEqual({ senderType: "member", leafIndex: 1 });

    const committed = await commit(carol!, cs, { proposals: [] });
    expect(committed.commit.wireformat).toBe("mls_private_message");
    const com = await raw(committed.commit, alice!, cs);
    expect(com.kind).toBe("newState");
    expect(com.sender).toEqual({ senderType: "member", leafIndex: 2 });

    const publicCommit = await commit(carol!, cs, { proposals: [], publicMessage: true });
    const pub = await raw(publicCommit.commit, alice!, cs);
    expect(pub.sender).toBeUndefined();
  });

  it("the adapter names each sender, in the current epoch and in a retained past one", async () => {
    const cs = await suite;
    let [alice, bob, carol] = await groupOf(cs, 3);
    const fromCarol = await encryptApplicationMessage(carol!, cs, utf8("before the commit"));
    const fromBob = await encryptApplicationMessage(bob!, cs, utf8("also before"));
    const c = await commit(bob!, cs, { proposals: [] });
    alice = (await processMessage(alice!, cs, c.commit)).state;
    carol = (await processMessage(carol!, cs, c.commit)).state;
    for (const [message, leaf] of [
      [fromCarol.message, 2],
      [fromBob.message, 1],
    ] as const) {
      const r = await processMessage(alice!, cs, message);
      expect(r.kind === "application" && r.senderLeafIndex).toBe(leaf);
    }
    const now = await encryptApplicationMessage(carol!, cs, utf8("after"));
    const r = await processMessage(alice!, cs, now.message);
    expect(r.kind === "application" && r.senderLeafIndex).toBe(2);
    const next = await commit(carol!, cs, { proposals: [] });
    const seen = await processMessage(alice!, cs, next.commit);
    expect(seen.kind === "commit" && seen.sender).toEqual({ senderType: "member", leafIndex: 2 });
  });
});

describe("ts-mls patch: a GroupContext encoded once per object for the signatures of an epoch (revision 8)", () => {
  it("a FramedContent signature covers the GroupContext as it is: a field given a new value is encoded again", async () => {
    const cs = await suite;
    const [alice] = (await groupOf(cs, 2)) as [MlsGroupState];
    const gc = { ...alice.groupContext };
    const sender = { senderType: "member", leafIndex: 0 } as const;
    const commitBody = { proposals: [], path: undefined };
    const signed = await createContentCommitSignature(
      gc,
      "mls_public_message",
      commitBody,
      sender,
      new Uint8Array(),
      alice.signaturePrivateKey,
      cs.impl.signature,
    );
    const own = alice.ratchetTree.get(0);
    if (own?.nodeType !== "leaf") throw new Error("no own leaf");
    const publicKey = own.leaf.signaturePublicKey;
    const verify = (context: typeof gc) =>
      verifyFramedContentSignature(
        publicKey,
        "mls_public_message",
        signed.framedContent,
        { contentType: "commit", signature: signed.signature, confirmationTag: new Uint8Array() },
        context,
        cs.impl.signature,
      );
    expect(await verify(gc)).toBe(true);
    // the same object, each field given a new value in turn: the signature no longer covers it
    const fields = {
      epoch: gc.epoch + 1n,
      treeHash: new Uint8Array(gc.treeHash.length),
      confirmedTranscriptHash: new Uint8Array(gc.treeHash.length).fill(1),
      groupId: utf8("another group"),
      extensions: [{ extensionType: 0xff01, extensionData: new Uint8Array([1]) }],
    } as const;
    for (const [field, value] of Object.entries(fields) as [keyof typeof fields, never][]) {
      const kept = gc[field];
      (gc as Record<string, unknown>)[field] = value;
      expect(await verify(gc), field).toBe(false);
      (gc as Record<string, unknown>)[field] = kept;
      expect(await verify(gc), field).toBe(true);
    }
  });
});

describe("ts-mls patch: KDFLabel written directly (revision 7)", () => {
  it.each([0, 1, 4, 63, 64, 300, 16383, 16384])(
    "ExpandWithLabel with a context of %i bytes expands the RFC 9420 §8 KDFLabel (varint prefixes of 1, 2 and 4 bytes)",
    async (contextLength) => {
      const cs = await suite;
      const kdf = cs.impl.kdf;
      const secret = new Uint8Array(kdf.size).fill(5);
      const context = Uint8Array.from({ length: contextLength }, (_, i) => i & 0xff);
      for (const [label, length] of [
        ["tree", kdf.size],
        ["a label long enough to need no more than one byte of prefix", 12],
      ] as const) {
        // the label by the project's own TLS codec (@mimi/wire), not ts-mls's
        const kdfLabel = encodeTls((w) => {
          w.uint16(length);
          w.opaque(utf8(`MLS 1.0 ${label}`));
          w.opaque(context);
        });
        expect(toHex(await expandWithLabel(secret, label, context, length, kdf))).toBe(
          toHex(await kdf.expand(secret, kdfLabel, length)),
        );
      }
      if (contextLength === 4) {
        const generation = 0x01020304;
        expect(toHex(await deriveTreeSecret(secret, "key", generation, 16, kdf))).toBe(
          toHex(await expandWithLabel(secret, "key", Uint8Array.of(1, 2, 3, 4), 16, kdf)),
        );
      }
    },
  );
});

describe("ts-mls patch: the GroupContext encoded once per object in the key schedule, the UpdatePath and the GroupInfo (revision 9)", () => {
  /**
   * Alice's GroupContext given an extension that counts the reads of its data: each encoding of a
   * GroupContext reads it once, and an encoding kept per object does not read it again.
   */
  async function encodingsOfACommit(n: number): Promise<number> {
    const cs = await suite;
    const [alice] = (await groupOf(cs, n)) as [MlsGroupState];
    let reads = 0;
    const data = new Uint8Array([1, 2, 3]);
    const counting = {
      extensionType: 0xff01,
      get extensionData() {
        reads++;
        return data;
      },
    };
    const state = {
      ...alice,
      groupContext: { ...alice.groupContext, extensions: [...alice.groupContext.extensions, counting] },
    } as MlsGroupState;
    // a commit without proposals carries an UpdatePath: after groupOf's one commit, Alice's copath
    // resolves to every other leaf, one HPKE encryption of the path secret each (n − 1 of them)
    await commit(state, cs, { proposals: [] });
    return reads;
  }

  it("a commit's encodings of the GroupContext do not grow with the UpdatePath's encryptions (3 against 15)", async () => {
    const small = await encodingsOfACommit(4);
    const big = await encodingsOfACommit(16);
    expect(small).toBeGreaterThan(0);
    expect(big).toBe(small);
  });
});
