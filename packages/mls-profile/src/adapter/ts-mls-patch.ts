/**
 * The one place that checks which ts-mls was loaded.
 *
 * The profile needs ts-mls 1.6.4 as patched by the project (`patches/ts-mls@1.6.4.patch`, written
 * up in `docs/ts-mls-patch.md`): the RFC 9420 `external_senders` list, the UpdatePath on
 * GroupContextExtensions commits, the custom proposal handler, SelfRemove, the PSK index for
 * PrivateMessage commits and the unmerged-leaves tree check. That build is the package
 * `@mimi/ts-mls` (packages/ts-mls), which this package depends on and imports (decision 0006).
 *
 * An unpatched ts-mls (say, an `overrides` entry that swapped in the registry's `ts-mls`) would
 * silently disagree with other members on the wire. So the functions only the patch adds are read
 * here from the module namespace (a named import of a missing export would fail at link time with
 * an obscure message), after checking the patch's marker, and importing the package fails at once
 * with an error that says what is wrong.
 */
import * as tsMls from "@mimi/ts-mls";
import { InternalError } from "@mimi/wire";

/** The patch revision this package was built and tested with. */
const REQUIRED_REVISION = 9;

function checkPatched(): void {
  const marker = (tsMls as Record<string, unknown>)["mimiPatch"] as
    | { readonly upstream?: unknown; readonly revision?: unknown }
    | undefined;
  if (marker?.upstream === "ts-mls@1.6.4" && marker.revision === REQUIRED_REVISION) return;
  const found =
    marker === undefined
      ? "a ts-mls without the MIMI patch (no `mimiPatch` export)"
      : `ts-mls patch ${JSON.stringify(marker)}`;
  throw new InternalError(
    `@mimi/mls-profile needs ts-mls 1.6.4 with the MIMI patch revision ${REQUIRED_REVISION} ` +
      `(the package @mimi/ts-mls), but it loaded ${found}; ` +
      `remove any override or resolution that replaces its "@mimi/ts-mls" dependency`,
    { path: "@mimi/ts-mls" },
  );
}

// refuse to load over a ts-mls without the project's patch
checkPatched();

/** ts-mls's `decodeExternalSenders` (added by the patch). */
export const decodeExternalSendersList: typeof tsMls.decodeExternalSenders = tsMls.decodeExternalSenders;
/** ts-mls's `encodeExternalSenders` (added by the patch). */
export const encodeExternalSendersList: typeof tsMls.encodeExternalSenders = tsMls.encodeExternalSenders;
/** ts-mls's `secretTreeLeaf` (added by the patch, revision 4): a leaf's ratchets of the lazy secret tree. */
export const secretTreeLeaf: typeof tsMls.secretTreeLeaf = tsMls.secretTreeLeaf;
/** ts-mls's `treeHashes` (added by the patch, revision 4): every subtree hash of a tree, cached per tree. */
export const treeHashes: typeof tsMls.treeHashes = tsMls.treeHashes;
/** ts-mls's `treeKeyLookup` (added by the patch, revision 4): the node indices carrying a public key. */
export const treeKeyLookup: typeof tsMls.treeKeyLookup = tsMls.treeKeyLookup;
/**
 * ts-mls's `leavesLackingCredential` (added by the patch, revision 6): how many leaves of a tree do
 * not list a credential type in their capabilities, counted once per lineage of trees.
 */
export const leavesLackingCredential: typeof tsMls.leavesLackingCredential = tsMls.leavesLackingCredential;
/**
 * ts-mls's `leavesLackingCapability` (added by the patch, revision 7): how many leaves of a tree do
 * not list a credential type, proposal type or extension type in their capabilities, counted once
 * per lineage of trees and adjusted by the nodes that change.
 */
export const leavesLackingCapability: typeof tsMls.leavesLackingCapability = tsMls.leavesLackingCapability;
/**
 * ts-mls's `copyTree` (added by the patch, revision 6): a copy of a ratchet tree to change with
 * {@link setTreeNode}, whose write log tells the tree caches what changed.
 */
export const copyTree: typeof tsMls.copyTree = tsMls.copyTree;
/** ts-mls's `setTreeNode` (added by the patch, revision 6): a logged in-place write of one tree node. */
export const setTreeNode: typeof tsMls.setTreeNode = tsMls.setTreeNode;
/**
 * ts-mls's `treeWrites` (added by the patch, revision 6): the node indices written to a tree since
 * it was copied from another, when the write logs tell them.
 */
export const treeWrites: typeof tsMls.treeWrites = tsMls.treeWrites;
/**
 * ts-mls's `RatchetTree` (a class since the patch's revision 8): a ratchet tree's nodes by node
 * index, as a persistent vector in chunks, so that a changed copy shares every chunk it does not
 * write. Read a node with `get(i)`; make one from an array of nodes with `RatchetTree.from`.
 */
export const RatchetTree: typeof tsMls.RatchetTree = tsMls.RatchetTree;
/** A ratchet tree (RFC 9420 §7.8), its nodes by node index (undefined for a blank node). */
export type RatchetTree = tsMls.RatchetTree;
/** ts-mls's `NodeVector` (added by the patch, revision 5): a persistent vector of per-node values. */
export const NodeVector: typeof tsMls.NodeVector = tsMls.NodeVector;
/** ts-mls's `draftVector` (added by the patch, revision 5): a new version of a NodeVector, chunk by chunk. */
export const draftVector: typeof tsMls.draftVector = tsMls.draftVector;
