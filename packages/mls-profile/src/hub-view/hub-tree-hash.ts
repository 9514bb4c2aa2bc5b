/**
 * Tree hashes (RFC 9420 §7.8) and UpdatePath parent hashes (§7.9) with a per-node cache, so that a
 * commit costs the hub O(changed nodes · log N) hashes instead of rehashing the whole tree.
 *
 * ts-mls trees are copy-on-write: a changed node is always a new object, an unchanged one keeps its
 * identity across tree versions. A cached subtree hash stays valid while every node of the subtree
 * is the same object. The random-epoch test compares the resulting tree hash with every member's.
 */
import type { Hash, RatchetTree } from "@mimi/ts-mls";
import {
  copyTree,
  draftVector,
  encodeLeafNodeHashInput,
  encodeParentHashInput,
  encodeParentNodeHashInput,
  filteredDirectPath,
  leafToNodeIndex,
  NodeVector,
  setTreeNode,
  toLeafIndex,
  treeKeyLookup,
  type UpdatePath,
} from "../adapter/internals.js";
import { equalBytes } from "./hub-bytes.js";
import { check, rejectAs } from "./hub-errors.js";

/**
 * Subtree hash of each node index, for one tree (undefined: not computed yet): a persistent vector
 * (the patched ts-mls's `NodeVector`), so that the next version of the tree shares every chunk of
 * hashes that did not change instead of copying them all.
 */
export interface TreeHashCache {
  /** The node width of the tree the hashes are for. */
  readonly length: number;
  /** The subtree hash at node index `x`, if computed. */
  get(x: number): Uint8Array | undefined;
}

function level(x: number): number {
  let k = 0;
  while (((x >> k) & 1) === 1) k++;
  return k;
}

/** The parent of `x` in the unbounded left-balanced tree (RFC 9420 Appendix C). */
function parentOf(x: number): number {
  const k = level(x);
  const b = (x >> (k + 1)) & 1;
  return (x | (1 << k)) ^ (b << (k + 1));
}

function leftOf(x: number): number {
  const k = level(x);
  return x ^ (1 << (k - 1));
}

function rightOf(x: number): number {
  const k = level(x);
  return x ^ (3 << (k - 1));
}

/** Root node index of a tree of `nodeWidth` nodes. */
export function rootIndex(nodeWidth: number): number {
  let w = 1;
  while (w * 2 <= nodeWidth) w *= 2;
  return w - 1;
}

/** Hashes the subtrees of one tree, reusing the hashes of an earlier version where nothing changed. */
export interface TreeHasher {
  readonly tree: RatchetTree;
  /** The tree hash of the subtree rooted at node `x`. */
  hash(x: number): Promise<Uint8Array>;
  /** The root tree hash. */
  root(): Promise<Uint8Array>;
  /** Every hash known so far, for {@link makeTreeHasher}'s `previous`. */
  cache(): TreeHashCache;
}

/**
 * The RFC 9420 §7.8 `TreeHashInput` of node `x`: a LeafNodeHashInput for an even index, a
 * ParentNodeHashInput over the children's hashes for an odd one.
 *
 * @throws ValidationError (MLS-HUB-12) when a leaf sits in a parent position or the reverse.
 */
function nodeHashInput(
  tree: RatchetTree,
  x: number,
  leftHash?: Uint8Array,
  rightHash?: Uint8Array,
): Uint8Array {
  const node = tree.get(x);
  if (x % 2 === 0) {
    // [MLS-HUB-12]
    check(node?.nodeType !== "parent", "parent node in a leaf position", "MLS-HUB-12", "/ratchet_tree");
    return encodeLeafNodeHashInput({ nodeType: "leaf", leafIndex: x / 2, leafNode: node?.leaf });
  }
  check(node?.nodeType !== "leaf", "leaf node in a parent position", "MLS-HUB-12", "/ratchet_tree");
  return encodeParentNodeHashInput({
    nodeType: "parent",
    parentNode: node?.parent,
    leftHash: leftHash ?? new Uint8Array(),
    rightHash: rightHash ?? new Uint8Array(),
  });
}

/**
 * Every subtree hash of `tree` (a full {@link TreeHashCache}) with a synchronous digest, bottom-up.
 * `tree` must have a full width (2^k − 1 nodes), as ts-mls's decoder leaves it.
 *
 * @throws ValidationError (MLS-HUB-12) when a node sits in the wrong position.
 */
export function fullTreeHashCache(
  tree: RatchetTree,
  digest: (data: Uint8Array) => Uint8Array,
): TreeHashCache {
  const cache = draftVector<Uint8Array>(undefined, tree.length);
  for (let x = 0; x < tree.length; x += 2) cache.set(x, digest(nodeHashInput(tree, x)));
  for (let k = 1; (1 << k) - 1 < tree.length; k++) {
    for (let x = (1 << k) - 1; x < tree.length; x += 1 << (k + 1)) {
      cache.set(x, digest(nodeHashInput(tree, x, cache.get(leftOf(x)), cache.get(rightOf(x)))));
    }
  }
  return cache.freeze();
}

function toArray(cache: TreeHashCache): (Uint8Array | undefined)[] {
  const out: (Uint8Array | undefined)[] = [];
  for (let x = 0; x < cache.length; x++) out.push(cache.get(x));
  return out;
}

/**
 * A {@link TreeHasher} for `tree`; `previous` is an earlier version of the tree with its cache.
 * `changed`, when the caller knows them, are the node indices where `tree` differs from
 * `previous.tree` (required when `tree` is `previous.tree` changed in place); otherwise the two
 * arrays are compared node by node.
 */
export function makeTreeHasher(
  tree: RatchetTree,
  h: Hash,
  previous?: { readonly tree: RatchetTree; readonly cache: TreeHashCache },
  changed?: readonly number[],
): TreeHasher {
  // the previous cache shared (a new version of its vector), then the nodes that changed and their
  // ancestors forgotten
  const cache = draftVector<Uint8Array>(
    previous?.cache instanceof NodeVector
      ? previous.cache
      : previous && NodeVector.from(toArray(previous.cache)),
    tree.length,
  );
  if (previous !== undefined) {
    const span = Math.max(tree.length, previous.tree.length);
    const dirty = new Set<number>();
    const forget = (i: number): void => {
      for (let x = i; x < 2 * span + 1 && !dirty.has(x); x = parentOf(x)) dirty.add(x);
    };
    if (changed !== undefined) for (const i of changed) forget(i);
    else for (let i = 0; i < span; i++) if (tree.get(i) !== previous.tree.get(i)) forget(i);
    for (const x of dirty) if (x < tree.length) cache.set(x, undefined);
  }
  const hash = async (x: number): Promise<Uint8Array> => {
    const known = cache.get(x);
    if (known !== undefined) return known;
    const input =
      x % 2 === 0
        ? nodeHashInput(tree, x)
        : nodeHashInput(tree, x, await hash(leftOf(x)), await hash(rightOf(x)));
    const result = await h.digest(input);
    cache.set(x, result);
    return result;
  };
  return { tree, hash, root: () => hash(rootIndex(tree.length)), cache: () => cache.freeze() };
}

/** The direct path of node `x` in a tree of `nodeWidth` nodes, leaf to root. */
function directPathOf(x: number, nodeWidth: number): number[] {
  const r = rootIndex(nodeWidth);
  const path: number[] = [];
  for (let n = x; n !== r; ) {
    n = parentOf(n);
    path.push(n);
  }
  return path;
}

/**
 * Merge an UpdatePath into `hasher.tree` (RFC 9420 §7.5 and §7.9.2), as ts-mls's `applyUpdatePath`
 * does, with the original sibling tree hashes taken from the cache: the committer's leaf key is new
 * (not for an external commit), no path key is already in the tree, the path length equals the
 * filtered direct path, and the parent hashes computed over the new nodes must end in the leaf's
 * `parent_hash`. Returns a hasher for the merged tree.
 *
 * `inPlace`: `hasher.tree` is the commit's own copy (its proposals made it), which nothing else
 * holds: the path is merged into it rather than into another copy of the whole tree (a large
 * object at 10,000 members). The copath's subtrees, whose hashes the parent hashes read, are
 * disjoint from the direct path the merge writes.
 *
 * @throws ValidationError (MLS-HUB-12) when a check fails.
 */
export async function applyUpdatePathCached(
  hasher: TreeHasher,
  sender: number,
  path: UpdatePath,
  h: Hash,
  external: boolean,
  inPlace: boolean,
): Promise<TreeHasher> {
  const tree = hasher.tree;
  const where = "/public_message/content/commit/path";
  const leafIndex = leafToNodeIndex(toLeafIndex(sender)) as number;
  const current = tree.get(leafIndex);
  if (!external) {
    check(current?.nodeType === "leaf", `committer leaf ${sender} is blank`, "MLS-HUB-12", where);
    check(
      !equalBytes(current.leaf.hpkePublicKey, path.leafNode.hpkePublicKey),
      "the UpdatePath leaf reuses the committer's encryption key",
      "MLS-HUB-12",
      `${where}/leaf_node/encryption_key`,
    );
  }
  // looked up in the tree's key index (the patched ts-mls), not compared with every parent node
  const keysOf = treeKeyLookup(tree);
  for (const [i, p] of path.nodes.entries()) {
    check(
      !keysOf("e", p.hpkePublicKey).some((x) => tree.get(x)?.nodeType === "parent"),
      "an UpdatePath key is already in the tree",
      "MLS-HUB-12",
      `${where}/nodes/${i}/encryption_key`,
    );
  }
  const fdp = (await rejectAs("MLS-HUB-12", where, "UpdatePath rejected", () =>
    filteredDirectPath(toLeafIndex(sender), tree),
  )) as number[];
  check(
    fdp.length === path.nodes.length,
    `the UpdatePath has ${path.nodes.length} nodes, the filtered direct path ${fdp.length}`,
    "MLS-HUB-12",
    `${where}/nodes`,
  );
  // written through the patched ts-mls's logged writes, so that its caches of the result (the key
  // index the next commit's checks read) follow the writes instead of comparing every node
  const copy = inPlace ? tree : copyTree(tree);
  const directPath = directPathOf(leafIndex, tree.length);
  for (const x of directPath) setTreeNode(copy, x, undefined);
  // Parent hashes top-down: the topmost new node has an empty parent_hash; each lower node's is
  // computed over the node above it and the original tree hash of its sibling subtree, which the
  // path does not touch (§7.9).
  let above: { index: number; key: Uint8Array; parentHash: Uint8Array } | undefined;
  const parentHashBelow = async (child: number): Promise<Uint8Array> => {
    if (above === undefined) return new Uint8Array();
    const sibling = child < above.index ? rightOf(above.index) : leftOf(above.index);
    const originalSiblingTreeHash = await hasher.hash(sibling);
    return h.digest(
      encodeParentHashInput({
        encryptionKey: above.key,
        parentHash: above.parentHash,
        originalSiblingTreeHash,
      }),
    );
  };
  for (let level = fdp.length - 1; level >= 0; level--) {
    const index = fdp[level] as number;
    const key = (path.nodes[level] as UpdatePath["nodes"][number]).hpkePublicKey;
    const parentHash = await parentHashBelow(index);
    setTreeNode(copy, index, {
      nodeType: "parent",
      parent: { hpkePublicKey: key, unmergedLeaves: [], parentHash },
    });
    above = { index, key, parentHash };
  }
  const leafParentHash = await parentHashBelow(leafIndex);
  check(
    equalBytes(leafParentHash, path.leafNode.parentHash),
    "Parent hash did not match the UpdatePath",
    "MLS-HUB-12",
    `${where}/leaf_node/parent_hash`,
  );
  setTreeNode(copy, leafIndex, { nodeType: "leaf", leaf: path.leafNode });
  return makeTreeHasher(copy, h, { tree, cache: hasher.cache() }, [leafIndex, ...directPath]);
}
