/**
 * Validation of a ratchet tree received with a GroupInfo (RFC 9420 §12.4.3.1, §7.9.2, §7.8, §7.3).
 * Unpatched ts-mls 1.6.4's `validateRatchetTree` wanted every non-blank ancestor of an unmerged leaf
 * to carry the same `unmerged_leaves` list, rejecting valid trees (decision 0570; fixed in the
 * project's patch, decision 0501); this is the hub's own,
 * with the RFC's rule, reusing ts-mls's leaf signature and parent-hash checks.
 */
import {
  type AuthenticationService,
  type CiphersuiteImpl,
  decodeRequiredCapabilities,
  type GroupContext,
  type LeafNode,
  type LifetimeConfig,
  type RatchetTree,
} from "ts-mls";
import { equalBytes } from "./hub-bytes.js";
import { check, rejectAs } from "./hub-errors.js";
import { makeTreeHasher, rootIndex, type TreeHashCache } from "./hub-tree-hash.js";
import {
  extensionTypeToNumber,
  validateLeafNodeUpdateOrCommit,
  verifyLeafNodeSignatureKeyPackage,
  verifyParentHashes,
} from "./ts-mls-internals.js";

const RULE = "MLS-HUB-15";

function hexKey(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

/** Is node `x` in the subtree rooted at `p`? */
function inSubtree(x: number, p: number): boolean {
  let k = 0;
  while (((p >> k) & 1) === 1) k++;
  const span = (1 << k) - 1;
  return x >= p - span && x <= p + span;
}

async function checkLeaf(
  leaf: LeafNode,
  leafIndex: number,
  gc: GroupContext,
  lifetime: LifetimeConfig,
  authService: AuthenticationService,
  cs: CiphersuiteImpl,
): Promise<void> {
  const path = `/ratchet_tree/${2 * leafIndex}`;
  if (leaf.leafNodeSource !== "key_package") {
    const error = await rejectAs(RULE, path, "leaf check failed", () =>
      validateLeafNodeUpdateOrCommit(leaf, leafIndex, gc, authService, cs.signature),
    );
    check(error === undefined, `leaf ${leafIndex}: ${error?.message}`, RULE, path);
    return;
  }
  const signed = await rejectAs(RULE, path, "leaf signature check failed", () =>
    verifyLeafNodeSignatureKeyPackage(leaf, cs.signature),
  );
  check(signed, `leaf ${leafIndex}: signature does not verify`, RULE, path);
  if (lifetime.validateLifetimeOnReceive) {
    const now = BigInt(Math.floor(Date.now() / 1000));
    check(
      leaf.lifetime.notBefore <= now && now <= leaf.lifetime.notAfter,
      `leaf ${leafIndex}: outside its lifetime`,
      RULE,
      path,
    );
  }
  const credentialOk = await rejectAs(RULE, path, "credential check failed", () =>
    authService.validateCredential(leaf.credential, leaf.signaturePublicKey),
  );
  check(credentialOk, `leaf ${leafIndex}: credential rejected`, RULE, path);
  const required = gc.extensions.find((e) => e.extensionType === "required_capabilities");
  if (required !== undefined) {
    const caps = decodeRequiredCapabilities(required.extensionData, 0)?.[0];
    check(caps !== undefined, "required_capabilities does not decode", RULE, "/group_context/extensions");
    const c = leaf.capabilities;
    check(
      caps.extensionTypes.every((t) => c.extensions.includes(t)) &&
        caps.proposalTypes.every((t) => c.proposals.includes(t)) &&
        caps.credentialTypes.every((t) => c.credentials.includes(t)),
      `leaf ${leafIndex}: does not support the required capabilities`,
      RULE,
      path,
    );
  }
  for (const e of leaf.extensions) {
    if (typeof e.extensionType !== "number") continue;
    check(
      leaf.capabilities.extensions.includes(extensionTypeToNumber(e.extensionType)),
      `leaf ${leafIndex}: extension ${e.extensionType} not in its capabilities`,
      RULE,
      path,
    );
  }
}

/**
 * Validate `tree` against `gc` and return its tree-hash cache: leaves (signature, credential,
 * lifetime, capabilities), unique encryption and signature keys, unmerged leaves (each a non-blank
 * descendant, listed by every non-blank node between it and the listing node), credential types
 * supported by every member, parent hashes, and the tree hash.
 *
 * @throws ValidationError (MLS-HUB-15) naming the first problem.
 */
export async function validateHubRatchetTree(
  tree: RatchetTree,
  gc: GroupContext,
  lifetime: LifetimeConfig,
  authService: AuthenticationService,
  cs: CiphersuiteImpl,
): Promise<TreeHashCache> {
  const encryptionKeys = new Set<string>();
  const signatureKeys = new Set<string>();
  const credentialTypes = new Set<string>();
  const leaves: LeafNode[] = [];
  const root = rootIndex(tree.length);
  for (const [i, node] of tree.entries()) {
    if (node === undefined) continue;
    const path = `/ratchet_tree/${i}`;
    check((i % 2 === 0) === (node.nodeType === "leaf"), "a node in the wrong position", RULE, path);
    const key = hexKey(node.nodeType === "leaf" ? node.leaf.hpkePublicKey : node.parent.hpkePublicKey);
    check(!encryptionKeys.has(key), "encryption key not unique", RULE, path);
    encryptionKeys.add(key);
    if (node.nodeType === "leaf") {
      const sig = hexKey(node.leaf.signaturePublicKey);
      check(!signatureKeys.has(sig), "signature key not unique", RULE, path);
      signatureKeys.add(sig);
      credentialTypes.add(node.leaf.credential.credentialType);
      leaves.push(node.leaf);
      await checkLeaf(node.leaf, i / 2, gc, lifetime, authService, cs);
      continue;
    }
    for (const unmerged of node.parent.unmergedLeaves) {
      const x = 2 * unmerged;
      // RFC 9420 §7.9.2: an unmerged leaf is a non-blank descendant, and every non-blank node
      // between it and this node lists it too (their lists may differ otherwise).
      check(
        inSubtree(x, i) && x !== i && tree[x]?.nodeType === "leaf",
        `unmerged leaf ${unmerged} is not a non-blank descendant`,
        RULE,
        path,
      );
      for (let y = x; ; ) {
        let k = 0;
        while (((y >> k) & 1) === 1) k++;
        const b = (y >> (k + 1)) & 1;
        y = (y | (1 << k)) ^ (b << (k + 1));
        if (y === i || y === root) break;
        const between = tree[y];
        check(
          between === undefined ||
            (between.nodeType === "parent" && between.parent.unmergedLeaves.includes(unmerged)),
          `node ${y} between unmerged leaf ${unmerged} and node ${i} does not list it`,
          RULE,
          path,
        );
      }
    }
  }
  for (const leaf of leaves) {
    for (const t of credentialTypes) {
      check(
        leaf.capabilities.credentials.includes(t as LeafNode["credential"]["credentialType"]),
        `a member does not support credential type ${t}`,
        RULE,
        "/ratchet_tree",
      );
    }
  }
  const parentHashes = await rejectAs(RULE, "/ratchet_tree", "parent hash check failed", () =>
    verifyParentHashes(tree, cs.hash),
  );
  check(parentHashes, "parent hashes do not verify", RULE, "/ratchet_tree");
  const hasher = makeTreeHasher(tree, cs.hash);
  check(
    equalBytes(await hasher.root(), gc.treeHash),
    "the tree hash is not the GroupContext's",
    RULE,
    "/ratchet_tree",
  );
  return hasher.cache();
}
