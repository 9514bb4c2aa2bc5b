/**
 * What the project's ts-mls patch changed for big rooms (docs/ts-mls-patch.md items 9 to 11): the
 * secret tree derived lazily (RFC 9420 §9), tree hashes kept per tree and recomputed along changed
 * paths only (§7.8, §7.9), and the key uniqueness of a new LeafNode checked through a key index
 * (§7.3). The speed is measured by `pnpm mimi bench mls`; these tests pin the results.
 */
import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import * as ts from "../src/adapter/internals.js";
import {
  commit,
  decodeGroupState,
  encodeGroupState,
  encodeMlsMessage,
  encryptApplicationMessage,
  type KeyPackageBundle,
  type MlsCiphersuite,
  type MlsGroupState,
  processMessage,
} from "../src/index.js";
import { capabilities, config, groupOf, keyPackage, suite, utf8 } from "./adapter-fixtures.js";

const present = (tree: { toArray(): readonly unknown[] }): number[] =>
  tree.toArray().flatMap((e, i) => (e === undefined ? [] : [i]));

/** The state a member reaches by processing `message`. */
async function receive(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  message: Uint8Array,
): Promise<MlsGroupState> {
  const r = await processMessage(state, cs, message);
  return r.state;
}

describe("lazy secret tree (RFC 9420 §9)", () => {
  it("an epoch starts with its encryption secret at the root only; a sender's first message derives its direct path and deletes each tree secret it expanded (§9.2)", async () => {
    const cs = await suite;
    // 5 members: 8 leaves, 15 nodes, root 7
    const [alice, bob] = (await groupOf(cs, 5)) as [MlsGroupState, MlsGroupState];
    expect(present(bob.secretTree)).toEqual([7]);
    const sent = await encryptApplicationMessage(alice, cs, utf8("hello"));
    // alice (leaf 0, node 0) expanded 7 -> 3, 11; 3 -> 1, 5; 1 -> 0, 2: the siblings keep tree secrets
    expect(present(sent.state.secretTree)).toEqual([0, 2, 5, 11]);
    const bobAfter = await receive(bob, cs, encodeMlsMessage(sent.message));
    expect(present(bobAfter.secretTree)).toEqual([0, 2, 5, 11]);
    // bob's own first message starts from node 2's tree secret
    const reply = await encryptApplicationMessage(bobAfter, cs, utf8("hi"));
    expect(present(reply.state.secretTree)).toEqual([0, 2, 5, 11]);
    expect((reply.state.secretTree.get(2) as { treeSecret?: Uint8Array }).treeSecret).toBeUndefined();
    const aliceAfter = await receive(sent.state, cs, encodeMlsMessage(reply.message));
    expect(present(aliceAfter.secretTree)).toEqual([0, 2, 5, 11]);
  });

  it("a partly derived secret tree survives the state encoding, and messages keep flowing both ways after decoding", async () => {
    const cs = await suite;
    const [alice, bob, carol] = (await groupOf(cs, 3)) as [MlsGroupState, MlsGroupState, MlsGroupState];
    const first = await encryptApplicationMessage(alice, cs, utf8("one"));
    const bobState = await receive(bob, cs, encodeMlsMessage(first.message));
    const restored = decodeGroupState(encodeGroupState(bobState), config());
    expect(present(restored.secretTree)).toEqual(present(bobState.secretTree));
    const second = await encryptApplicationMessage(first.state, cs, utf8("two"));
    await receive(restored, cs, encodeMlsMessage(second.message));
    const fromBob = await encryptApplicationMessage(restored, cs, utf8("three"));
    await receive(carol, cs, encodeMlsMessage(fromBob.message));
  });

  it("refuses a sender leaf outside the secret tree with a typed error", async () => {
    const cs = await suite;
    const [alice] = (await groupOf(cs, 2)) as [MlsGroupState];
    const tree = await ts.createSecretTree(2, new Uint8Array(32).fill(1), cs.impl.kdf);
    await expect(ts.secretTreeLeaf(tree, 7, cs.impl.kdf)).rejects.toThrow(/Bad node index/);
    expect(alice.secretTree.length).toBe(alice.ratchetTree.length);
  });
});

/** The tree hash of `tree` computed from nothing: a fresh array (no cache, no ancestor). */
async function hashFromScratch(tree: MlsGroupState["ratchetTree"], cs: MlsCiphersuite): Promise<Uint8Array> {
  const decoded = ts.decodeRatchetTree(ts.encodeRatchetTree(tree), 0);
  if (decoded === undefined) throw new Error("tree did not decode");
  return ts.treeHashRoot(decoded[0], cs.impl.hash);
}

describe("tree hashes kept per tree (RFC 9420 §7.8)", () => {
  it("equal a from-scratch computation and the GroupContext after adds, removes, updates and commits with a path", async () => {
    const cs = await suite;
    const states = await groupOf(cs, 6);
    let alice = states[0]!;
    let bob = states[1]!;
    const extra: KeyPackageBundle[] = [];
    for (let i = 0; i < 4; i++) extra.push(await keyPackage(cs, `extra-${i}`));
    const steps: Array<(s: MlsGroupState) => Promise<{ state: MlsGroupState; commit: Uint8Array }>> = [
      async (s) => {
        const r = await commit(s, cs, {
          proposals: extra
            .slice(0, 3)
            .map((k) => ({ proposalType: "add" as const, add: { keyPackage: k.publicPackage } })),
        });
        return { state: r.state, commit: encodeMlsMessage(r.commit) };
      },
      async (s) => {
        const r = await commit(s, cs, { proposals: [{ proposalType: "remove", remove: { removed: 3 } }] });
        return { state: r.state, commit: encodeMlsMessage(r.commit) };
      },
      async (s) => {
        const r = await commit(s, cs, {});
        return { state: r.state, commit: encodeMlsMessage(r.commit) };
      },
      async (s) => {
        const r = await commit(s, cs, {
          proposals: [
            { proposalType: "remove", remove: { removed: 5 } },
            { proposalType: "add", add: { keyPackage: extra[3]!.publicPackage } },
          ],
        });
        return { state: r.state, commit: encodeMlsMessage(r.commit) };
      },
    ];
    for (const step of steps) {
      const r = await step(alice);
      alice = r.state;
      bob = await receive(bob, cs, r.commit);
      const fresh = await hashFromScratch(alice.ratchetTree, cs);
      expect(await ts.treeHashRoot(alice.ratchetTree, cs.impl.hash)).toEqual(fresh);
      expect(await ts.treeHashRoot(bob.ratchetTree, cs.impl.hash)).toEqual(fresh);
      expect(alice.groupContext.treeHash).toEqual(fresh);
      expect(bob.groupContext.treeHash).toEqual(fresh);
    }
  });

  it("follow a tree changed in place after its hashes were cached (a tree without a write log)", async () => {
    const cs = await suite;
    const [alice] = (await groupOf(cs, 5)) as [MlsGroupState];
    const tree = ts.RatchetTree.from(alice.ratchetTree.toArray());
    const before = await ts.treeHashRoot(tree, cs.impl.hash);
    // swap two leaves in place: every hash on both paths changes
    const swap = (a: number, b: number): void => {
      const [na, nb] = [tree.get(a), tree.get(b)];
      ts.setTreeNode(tree, a, nb);
      ts.setTreeNode(tree, b, na);
    };
    swap(2, 6);
    const after = await ts.treeHashRoot(tree, cs.impl.hash);
    expect(after).not.toEqual(before);
    expect(after).toEqual(await hashFromScratch(tree, cs));
    // and back
    swap(2, 6);
    expect(await ts.treeHashRoot(tree, cs.impl.hash)).toEqual(before);
  });
});

describe("trees changed through the write log (ts-mls patch revision 6)", () => {
  it("the caches follow logged writes to a copy, before and after its hashes and keys were cached", async () => {
    const cs = await suite;
    const states = await groupOf(cs, 6);
    const tree = states[0]!.ratchetTree;
    await ts.treeHashRoot(tree, cs.impl.hash);
    const copy = ts.copyTree(tree);
    // written before the copy's caches exist: told by the log against the original's cache
    ts.setTreeNode(copy, 2, tree.get(6));
    ts.setTreeNode(copy, 6, tree.get(2));
    expect(await ts.treeHashRoot(copy, cs.impl.hash)).toEqual(await hashFromScratch(copy, cs));
    // written after: told by the log against the copy's own cache
    ts.setTreeNode(copy, 10, undefined);
    const swapped = tree.get(2);
    if (swapped?.nodeType !== "leaf") throw new Error("no leaf");
    expect(ts.treeKeyLookup(copy)("s", swapped.leaf.signaturePublicKey)).toEqual([6]);
    expect(await ts.treeHashRoot(copy, cs.impl.hash)).toEqual(await hashFromScratch(copy, cs));
    const removed = tree.get(10);
    if (removed?.nodeType !== "leaf") throw new Error("no leaf");
    expect(ts.treeKeyLookup(copy)("s", removed.leaf.signaturePublicKey)).toEqual([]);
    // the original is untouched
    expect(await ts.treeHashRoot(tree, cs.impl.hash)).toEqual(await hashFromScratch(tree, cs));
  });

  it("the count of leaves lacking a credential type drops when such a leaf at the end is removed and the tree shrinks", async () => {
    const cs = await suite;
    const states = await groupOf(cs, 4);
    const basicOnly = await keyPackage(cs, "basic-only", { ...capabilities(), credentials: ["basic"] });
    const r = await commit(states[0]!, cs, {
      proposals: [{ proposalType: "add", add: { keyPackage: basicOnly.publicPackage } }],
    });
    const tree = r.state.ratchetTree;
    expect(tree.length).toBe(15);
    expect(ts.leavesLackingCredential(tree, "x509")).toBe(1);
    const shrunk = ts.removeLeafNode(tree, ts.toLeafIndex(4));
    expect(shrunk.length).toBe(7);
    expect(ts.leavesLackingCredential(shrunk, "x509")).toBe(0);
  });
});

describe("one copy of the tree per commit (ts-mls patch revision 6)", () => {
  it("a commit's Removes, Adds and path go into one copy: the state it was processed from keeps its tree, and a second processing agrees", async () => {
    const cs = await suite;
    const states = await groupOf(cs, 8);
    const alice = states[0]!;
    const bob = states[1]!;
    const newcomer = await keyPackage(cs, "newcomer");
    const aliceTree = ts.encodeRatchetTree(alice.ratchetTree);
    const r = await commit(alice, cs, {
      proposals: [
        { proposalType: "remove", remove: { removed: 3 } },
        { proposalType: "remove", remove: { removed: 7 } },
        { proposalType: "add", add: { keyPackage: newcomer.publicPackage } },
      ],
    });
    const message = encodeMlsMessage(r.commit);
    const bobTree = ts.encodeRatchetTree(bob.ratchetTree);
    const bobHash = await ts.treeHashRoot(bob.ratchetTree, cs.impl.hash);
    const first = await receive(bob, cs, message);
    // the state processed from is untouched (its tree array, and the hashes cached for it)
    expect(ts.encodeRatchetTree(bob.ratchetTree)).toEqual(bobTree);
    expect(await ts.treeHashRoot(bob.ratchetTree, cs.impl.hash)).toEqual(bobHash);
    expect(first.ratchetTree).not.toBe(bob.ratchetTree);
    const second = await receive(bob, cs, message);
    const fresh = await hashFromScratch(r.state.ratchetTree, cs);
    for (const s of [first, second]) {
      expect(s.groupContext.treeHash).toEqual(fresh);
      expect(ts.encodeRatchetTree(s.ratchetTree)).toEqual(ts.encodeRatchetTree(r.state.ratchetTree));
    }
    // the committer's own state too (its path went into the proposals' copy, revision 7)
    expect(ts.encodeRatchetTree(alice.ratchetTree)).toEqual(aliceTree);
  });

  it("a committer's path goes into its proposals' copy; with no proposal changing the tree, into a copy of its own (revision 7)", async () => {
    const cs = await suite;
    const states = await groupOf(cs, 6);
    const alice = states[0]!;
    const bob = states[1]!;
    for (const proposals of [[{ proposalType: "remove" as const, remove: { removed: 4 } }], []]) {
      const aliceTree = ts.encodeRatchetTree(alice.ratchetTree);
      const aliceHash = await ts.treeHashRoot(alice.ratchetTree, cs.impl.hash);
      const r = await commit(alice, cs, { proposals });
      expect(r.commit.wireformat).toBe("mls_private_message");
      // the committer's state is untouched, the new state's tree hashes as computed from scratch
      expect(ts.encodeRatchetTree(alice.ratchetTree)).toEqual(aliceTree);
      expect(await ts.treeHashRoot(alice.ratchetTree, cs.impl.hash)).toEqual(aliceHash);
      expect(r.state.ratchetTree).not.toBe(alice.ratchetTree);
      expect(r.state.groupContext.treeHash).toEqual(await hashFromScratch(r.state.ratchetTree, cs));
      // and a receiver reaches the same tree and epoch
      const seen = await receive(bob, cs, encodeMlsMessage(r.commit));
      expect(ts.encodeRatchetTree(seen.ratchetTree)).toEqual(ts.encodeRatchetTree(r.state.ratchetTree));
      expect(seen.keySchedule.epochAuthenticator).toEqual(r.state.keySchedule.epochAuthenticator);
    }
  });

  it("a commit with a path and no proposals copies the tree (the state's own tree is never written)", async () => {
    const cs = await suite;
    const states = await groupOf(cs, 5);
    const r = await commit(states[0]!, cs, {});
    const bob = states[1]!;
    const before = ts.encodeRatchetTree(bob.ratchetTree);
    const after = await receive(bob, cs, encodeMlsMessage(r.commit));
    expect(ts.encodeRatchetTree(bob.ratchetTree)).toEqual(before);
    expect(after.groupContext.treeHash).toEqual(await hashFromScratch(r.state.ratchetTree, cs));
  });
});

describe("the caches' persistent vectors (NodeVector)", () => {
  it("a frozen version keeps its values while its draft goes on, shares unchanged chunks, and keeps nothing past its end", () => {
    const base = ts.NodeVector.from(Array.from({ length: 1500 }, (_, i) => i));
    const draft = ts.draftVector(base, 1500);
    draft.set(3, -3);
    const first = draft.freeze();
    draft.set(1400, -1400);
    const second = draft.freeze();
    expect([base.get(3), first.get(3), second.get(3)]).toEqual([3, -3, -3]);
    expect([base.get(1400), first.get(1400), second.get(1400)]).toEqual([1400, 1400, -1400]);
    expect([first.get(1500), first.get(-1)]).toEqual([undefined, undefined]);
    expect(first.toArray().slice(0, 5)).toEqual([0, 1, 2, -3, 4]);
    // shrunk to 600 entries, then grown again: the old values from 600 on are gone
    const shrunk = ts.draftVector(second, 600).freeze();
    expect([shrunk.length, shrunk.get(599), shrunk.get(700)]).toEqual([600, 599, undefined]);
    const grown = ts.draftVector(shrunk, 1500);
    expect([grown.get(599), grown.get(700), grown.get(1400)]).toEqual([599, undefined, undefined]);
    expect(second.get(700)).toBe(700);
  });

  it("tree hashes of a tree wider than a chunk follow changes in several chunks, in place and by copy", async () => {
    const cs = await suite;
    const [alice] = (await groupOf(cs, 2)) as [MlsGroupState];
    // 300 leaves: a tree of 1,023 nodes, two chunks of 512
    const extra: KeyPackageBundle[] = [];
    for (let i = 0; i < 298; i++) extra.push(await keyPackage(cs, `wide-${i}`));
    const added = await commit(alice, cs, {
      proposals: extra.map((k) => ({ proposalType: "add" as const, add: { keyPackage: k.publicPackage } })),
    });
    const tree = added.state.ratchetTree;
    expect(tree.length).toBe(1023);
    expect(await ts.treeHashRoot(tree, cs.impl.hash)).toEqual(await hashFromScratch(tree, cs));
    // a copy with leaves swapped across the two chunks, then the copy changed in place again
    const copy = ts.RatchetTree.from(tree.toArray());
    const swap = (a: number, b: number): void => {
      const [na, nb] = [copy.get(a), copy.get(b)];
      ts.setTreeNode(copy, a, nb);
      ts.setTreeNode(copy, b, na);
    };
    swap(10, 900);
    expect(await ts.treeHashRoot(copy, cs.impl.hash)).toEqual(await hashFromScratch(copy, cs));
    swap(12, 598);
    expect(await ts.treeHashRoot(copy, cs.impl.hash)).toEqual(await hashFromScratch(copy, cs));
    // the original's hashes did not move
    expect(await ts.treeHashRoot(tree, cs.impl.hash)).toEqual(added.state.groupContext.treeHash);
  }, 120_000);
});

describe("a persistent ratchet tree (ts-mls patch revision 8)", () => {
  type Tree = MlsGroupState["ratchetTree"];
  /** The tree's chunks (internal to ts-mls: read here to see what a change shares). */
  const chunks = (tree: Tree): readonly unknown[] => (tree as unknown as { chunks: unknown[] }).chunks;
  const node = (i: number): NonNullable<ReturnType<Tree["get"]>> => ({
    nodeType: "parent",
    parent: {
      hpkePublicKey: new Uint8Array([i >> 8, i & 255]),
      parentHash: new Uint8Array(),
      unmergedLeaves: [],
    },
  });

  it("reads like the array of its nodes", () => {
    const nodes = Array.from({ length: 1100 }, (_, i) => (i % 3 === 0 ? undefined : node(i)));
    const tree = ts.RatchetTree.from(nodes);
    expect(tree.length).toBe(1100);
    expect([tree.get(1), tree.get(1099), tree.get(3), tree.get(1100), tree.get(-1)]).toEqual([
      nodes[1],
      nodes[1099],
      undefined,
      undefined,
      undefined,
    ]);
    expect([...tree]).toEqual(nodes);
    expect(tree.toArray()).toEqual(nodes);
    expect([...tree.entries()]).toEqual(nodes.map((n, i) => [i, n]));
    expect([...tree.keys()]).toEqual(nodes.map((_, i) => i));
    expect(tree.findIndex((n, i) => n !== undefined && i > 600)).toBe(601);
    expect(JSON.parse(JSON.stringify(tree))).toHaveLength(1100);
  });

  it("a copy shares every chunk, a write copies only the chunk it changes, and neither tree sees the other's later writes", () => {
    const source = ts.RatchetTree.from(Array.from({ length: 1535 }, (_, i) => node(i)));
    ts.setTreeNode(source, 4, node(40_000)); // the source's own chunk 0 from here on
    const copy = ts.copyTree(source);
    expect(chunks(copy).every((c, i) => c === chunks(source)[i])).toBe(true);
    ts.setTreeNode(copy, 600, undefined);
    expect([copy.get(600), source.get(600)]).toEqual([undefined, node(600)]);
    expect([chunks(copy)[0] === chunks(source)[0], chunks(copy)[1] === chunks(source)[1]]).toEqual([
      true,
      false,
    ]);
    expect(chunks(copy)[2]).toBe(chunks(source)[2]);
    // a write to the source after the copy (into a chunk it had written before) stays out of the copy
    ts.setTreeNode(source, 5, undefined);
    expect([source.get(5), copy.get(5)]).toEqual([undefined, node(5)]);
    // and the copy's second write into its own chunk stays out of the source
    ts.setTreeNode(copy, 601, undefined);
    expect(source.get(601)).toEqual(node(601));
    expect(() => ts.setTreeNode(copy, 1535, undefined)).toThrow(RangeError);
  });

  it("a commit writes only the chunks of its paths: the sender's and the receiver's new trees share the others with the trees before", async () => {
    const cs = await suite;
    const [alice, bob] = (await groupOf(cs, 2)) as [MlsGroupState, MlsGroupState];
    // 300 leaves: a tree of 1,023 nodes, two chunks of 512; leaf 5 and the root's left subtree are in chunk 0
    const extra: KeyPackageBundle[] = [];
    for (let i = 0; i < 298; i++) extra.push(await keyPackage(cs, `shared-${i}`));
    const added = await commit(alice, cs, {
      proposals: extra.map((k) => ({ proposalType: "add" as const, add: { keyPackage: k.publicPackage } })),
    });
    const bobBefore = await receive(bob, cs, encodeMlsMessage(added.commit));
    const before = added.state.ratchetTree;
    expect([before.length, bobBefore.ratchetTree.length]).toEqual([1023, 1023]);
    const removed = await commit(added.state, cs, {
      proposals: [{ proposalType: "remove", remove: { removed: 5 } }],
    });
    const after = removed.state.ratchetTree;
    expect(after.get(10)).toBeUndefined();
    expect(chunks(after)[1]).toBe(chunks(before)[1]);
    expect(chunks(after)[0]).not.toBe(chunks(before)[0]);
    // the state committed from keeps its tree
    expect(before.get(10)?.nodeType).toBe("leaf");
    const bobAfter = await receive(bobBefore, cs, encodeMlsMessage(removed.commit));
    expect(bobAfter.groupContext.treeHash).toEqual(removed.state.groupContext.treeHash);
    expect(chunks(bobAfter.ratchetTree)[1]).toBe(chunks(bobBefore.ratchetTree)[1]);
    expect(bobBefore.ratchetTree.get(10)?.nodeType).toBe("leaf");
    expect(await ts.treeHashRoot(bobAfter.ratchetTree, cs.impl.hash)).toEqual(
      await hashFromScratch(bobAfter.ratchetTree, cs),
    );
  }, 120_000);
});

describe("key uniqueness of a new LeafNode (RFC 9420 §7.3)", () => {
  /** `kp` re-signed with its leaf's encryption key replaced by `hpkePublicKey`. */
  async function withEncryptionKey(
    cs: MlsCiphersuite,
    kp: KeyPackageBundle,
    hpkePublicKey: Uint8Array,
  ): Promise<KeyPackageBundle["publicPackage"]> {
    const sk = kp.privatePackage.signaturePrivateKey;
    const { signature: _ls, ...leafTbs } = kp.publicPackage.leafNode;
    const leafNode = await ts.signLeafNodeKeyPackage({ ...leafTbs, hpkePublicKey }, sk, cs.impl.signature);
    const { signature: _s, ...tbs } = kp.publicPackage;
    return ts.signKeyPackage({ ...tbs, leafNode }, sk, cs.impl.signature);
  }

  it("MLS-LEAF-01: an Add whose KeyPackage carries a member's encryption key is refused (the same KeyPackage with its own key is accepted)", async () => {
    const cs = await suite;
    const [alice, bob] = (await groupOf(cs, 3)) as [MlsGroupState, MlsGroupState];
    const bobLeaf = bob.ratchetTree.get(2);
    if (bobLeaf?.nodeType !== "leaf") throw new Error("bob's leaf");
    const dave = await keyPackage(cs, "dave");
    const forged = await withEncryptionKey(cs, dave, bobLeaf.leaf.hpkePublicKey);
    await expect(
      commit(alice, cs, { proposals: [{ proposalType: "add", add: { keyPackage: forged } }] }),
    ).rejects.toThrow(ValidationError);
    await expect(
      commit(alice, cs, { proposals: [{ proposalType: "add", add: { keyPackage: forged } }] }),
    ).rejects.toThrow(/hpke keys not unique/);
    const ok = await commit(alice, cs, {
      proposals: [{ proposalType: "add", add: { keyPackage: dave.publicPackage } }],
    });
    expect(ok.state.groupContext.epoch).toBe(alice.groupContext.epoch + 1n);
  });

  it("MLS-LEAF-01: two Adds of one commit may not share an encryption key", async () => {
    const cs = await suite;
    const [alice] = (await groupOf(cs, 2)) as [MlsGroupState];
    const dave = await keyPackage(cs, "dave");
    const erin = await keyPackage(cs, "erin");
    const erinWithDavesKey = await withEncryptionKey(cs, erin, dave.publicPackage.leafNode.hpkePublicKey);
    await expect(
      commit(alice, cs, {
        proposals: [
          { proposalType: "add", add: { keyPackage: dave.publicPackage } },
          { proposalType: "add", add: { keyPackage: erinWithDavesKey } },
        ],
      }),
    ).rejects.toThrow(/hpke keys not unique/);
  });
});

describe("lists of a big group's size", () => {
  it("a ratchet tree of 32,767 nodes encodes and decodes (the list encoder no longer recurses once per element)", async () => {
    const cs = await suite;
    const [alice] = (await groupOf(cs, 2)) as [MlsGroupState];
    const leaf = alice.ratchetTree.get(0);
    const nodes: (typeof leaf)[] = new Array(32767).fill(undefined);
    nodes[0] = leaf;
    nodes[32766] = leaf;
    const bytes = ts.encodeRatchetTree(ts.RatchetTree.from(nodes));
    const decoded = ts.decodeRatchetTree(bytes, 0);
    expect(decoded?.[0].length).toBe(32767);
    expect(decoded?.[0].get(32766)).toEqual(leaf);
  });
});
