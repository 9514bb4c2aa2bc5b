/**
 * A ratchet tree as a long-lived room has it: every member has committed once, so every parent
 * node with members below it holds a key, and a commit's UpdatePath encrypts to about one node per
 * level (a room built by one big Add commit has blank parents instead, and a commit with a path
 * there encrypts to every member: O(n) by the protocol, whatever the implementation).
 *
 * Building it with real commits would take every member's state. Instead the tree is written as
 * those commits would have left it: for each member but the committer, in leaf order, an UpdatePath
 * over its filtered direct path (RFC 9420 §7.5, §7.9: parent hashes top down, the leaf re-signed as
 * a `commit` LeafNode), with tree hashes kept up to date along each path. The result is a valid
 * tree (the bench's receiver joins with it, which verifies every leaf signature and the parent-hash
 * chains); the members are simulated, the committer and the receiver are real. Keys that later
 * commits overwrite are random bytes; the keys that remain are real HPKE keys.
 */
import * as ts from "../src/adapter/internals.js";
import type { MlsCiphersuite, MlsGroupState } from "../src/index.js";

type Tree = MlsGroupState["ratchetTree"];
type TreeNode = NonNullable<ReturnType<Tree["get"]>>;
type ParentTreeNode = Extract<TreeNode, { nodeType: "parent" }>;
type LeafTreeNode = Extract<TreeNode, { nodeType: "leaf" }>;

const level = (x: number): number => {
  let k = 0;
  while ((x >> k) & 1) k++;
  return k;
};
/** The leaf indices a node's subtree spans. */
const span = (x: number): [number, number] => {
  const k = level(x);
  return [(x - (2 ** k - 1)) / 2, (x + (2 ** k - 1)) / 2];
};

/**
 * `state` with its tree as if every member (leaves 1 to n−1, in order) had then committed an
 * UpdatePath. `signatureKeys[i]` is leaf i's signature private key.
 */
export async function populateTree(
  state: MlsGroupState,
  cs: MlsCiphersuite,
  signatureKeys: readonly Uint8Array[],
): Promise<MlsGroupState> {
  const tree: Tree = ts.copyTree(state.ratchetTree);
  const width = (tree.length + 1) / 2;
  const rootIndex = ts.root(width);
  const nodes = tree.toArray();
  const members = nodes.filter((n, i) => i % 2 === 0 && n !== undefined).length;
  if (nodes.some((n, i) => i % 2 === 0 && (n === undefined) !== i / 2 >= members))
    throw new Error("populateTree: the members must be leaves 0 to n-1");
  const h = cs.impl.hash;
  const hashes = (await ts.treeHashes(tree, h)).toArray();
  const hashNode = async (x: number): Promise<Uint8Array> => {
    const node = tree.get(x);
    if (x % 2 === 0)
      return h.digest(
        ts.encodeLeafNodeHashInput({
          nodeType: "leaf",
          leafIndex: x / 2,
          leafNode: (node as LeafTreeNode | undefined)?.leaf,
        }),
      );
    return h.digest(
      ts.encodeParentNodeHashInput({
        nodeType: "parent",
        parentNode: (node as ParentTreeNode | undefined)?.parent,
        leftHash: hashes[ts.left(ts.toNodeIndex(x))]!,
        rightHash: hashes[ts.right(ts.toNodeIndex(x))]!,
      }),
    );
  };
  const parentHashOf = async (q: number, x: number): Promise<Uint8Array> => {
    const above = tree.get(q) as ParentTreeNode;
    const sibling = x < q ? ts.right(ts.toNodeIndex(q)) : ts.left(ts.toNodeIndex(q));
    return h.digest(
      ts.encodeParentHashInput({
        encryptionKey: above.parent.hpkePublicKey,
        parentHash: above.parent.parentHash,
        originalSiblingTreeHash: hashes[sibling]!,
      }),
    );
  };
  const realKey = async (): Promise<Uint8Array> =>
    cs.impl.hpke.exportPublicKey((await cs.impl.hpke.generateKeyPair()).publicKey);
  const random = (): Uint8Array => cs.impl.rng.randomBytes(32);

  for (let leaf = 1; leaf < members; leaf++) {
    const x = 2 * leaf;
    const path: number[] = [];
    for (let p = x; p !== rootIndex; ) {
      p = ts.parent(ts.toNodeIndex(p), width);
      path.push(p);
    }
    // the filtered direct path: the nodes whose other child has a member below it
    const filtered = path.filter((p) => {
      const other = x < p ? ts.right(ts.toNodeIndex(p)) : ts.left(ts.toNodeIndex(p));
      return span(other)[0] < members;
    });
    for (const p of path) ts.setTreeNode(tree, p, undefined);
    for (const p of filtered) {
      // this member's key stays when no later member sits below the node
      const owner = Math.min(span(p)[1], members - 1) === leaf;
      ts.setTreeNode(tree, p, {
        nodeType: "parent",
        parent: {
          hpkePublicKey: owner ? await realKey() : random(),
          parentHash: new Uint8Array(),
          unmergedLeaves: [],
        },
      });
    }
    // parent hashes from the top down, then the leaf's
    for (let i = filtered.length - 1; i >= 0; i--) {
      const p = filtered[i]!;
      const node = tree.get(p) as ParentTreeNode;
      const q = filtered[i + 1];
      ts.setTreeNode(tree, p, {
        nodeType: "parent",
        parent: { ...node.parent, parentHash: q === undefined ? new Uint8Array() : await parentHashOf(q, p) },
      });
    }
    const old = (tree.get(x) as LeafTreeNode).leaf;
    const leafNode = await ts.signLeafNodeCommit(
      {
        leafNodeSource: "commit",
        hpkePublicKey: await realKey(),
        signaturePublicKey: old.signaturePublicKey,
        credential: old.credential,
        capabilities: old.capabilities,
        extensions: old.extensions,
        parentHash: filtered[0] === undefined ? new Uint8Array() : await parentHashOf(filtered[0], x),
        groupId: state.groupContext.groupId,
        leafIndex: leaf,
      },
      signatureKeys[leaf]!,
      cs.impl.signature,
    );
    ts.setTreeNode(tree, x, { nodeType: "leaf", leaf: leafNode });
    // tree hashes along the path, bottom up
    hashes[x] = await hashNode(x);
    for (const p of path) hashes[p] = await hashNode(p);
  }
  return {
    ...state,
    ratchetTree: tree,
    groupContext: { ...state.groupContext, treeHash: hashes[rootIndex]! },
  };
}
