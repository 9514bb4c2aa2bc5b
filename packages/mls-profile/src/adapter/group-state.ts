/**
 * A member's group state as a client stores it between runs (decision 0812): ts-mls's own
 * encoding ({@link encodeGroupState}, {@link decodeGroupState}) and the consistency check a state
 * read back from storage must pass before it is used ({@link checkGroupState}).
 */

import { ValidationError } from "@mimi/wire";
import type { MlsCiphersuite } from "./ciphersuite.js";
import type { MlsGroupState } from "./group.js";
import { treeHashRoot } from "./internals.js";

const RULE = "CLIENT-STATE-03";

function check(ok: boolean, what: string, path: string): asserts ok {
  if (!ok) throw new ValidationError(what, { path, rule: RULE });
}

function at(path: string, field: string): string {
  return path === "/" ? `/${field}` : `${path}/${field}`;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Whether a ratchet tree of `width` nodes has a full shape (2^k − 1 nodes, k ≥ 1). */
function fullWidth(width: number): boolean {
  return width > 0 && ((width + 1) & width) === 0;
}

/**
 * Check that a group state read back from storage is one this member could have reached: the
 * cipher suite is `cs`; the ratchet tree has a full shape and hashes to the GroupContext's
 * `tree_hash` (RFC 9420 §7.8); the secret tree has one node per tree node; the own leaf index is a
 * member leaf and its private keys sit on nodes of the tree; every key-schedule secret and the
 * confirmation tag have the suite's hash length; pending proposals come from member leaves; the
 * retained past epochs are earlier than the current one and their trees are consistent. The state
 * of a member removed from the group (ts-mls keeps its last epoch's GroupContext and secrets with
 * the next epoch's tree, without its leaf) is checked without its trees. A state is not authenticated: this catches corruption and mix-ups, not a forgery (decision 0812).
 *
 * @throws ValidationError (CLIENT-STATE-03) naming the first inconsistency under `path`.
 */
export async function checkGroupState(state: MlsGroupState, cs: MlsCiphersuite, path = "/"): Promise<void> {
  // [CLIENT-STATE-03] RFC 9420 §7.8, §8, §12.4.3.1: a group state restored from storage is as consistent as one the member reached by joining: the suite's, a full ratchet tree hashing to the GroupContext's tree_hash, a secret tree of the same width, its own leaf a member, secrets of the suite's length (decision 0812)
  const gc = state.groupContext;
  check(
    gc.cipherSuite === cs.name,
    `the group uses ${gc.cipherSuite}, the client ${cs.name}`,
    at(path, "group_context/cipher_suite"),
  );
  const hashLength = cs.impl.kdf.size;
  // a member that was removed keeps its last epoch's secrets with the next epoch's tree, without
  // its own leaf (ts-mls): only what does not depend on that tree is checked
  if (state.groupActiveState.kind !== "removedFromGroup") await checkMemberTrees(state, cs, path);
  for (const [name, secret] of Object.entries(state.keySchedule)) {
    check(
      secret.length === hashLength,
      `a ${name} of ${secret.length} bytes, the suite's hash has ${hashLength}`,
      at(path, `key_schedule/${name}`),
    );
  }
  check(
    state.confirmationTag.length === hashLength,
    `a confirmation tag of ${state.confirmationTag.length} bytes, the suite's MAC has ${hashLength}`,
    at(path, "confirmation_tag"),
  );
  for (const [epoch, past] of state.historicalReceiverData) {
    const where = at(path, `historical_receiver_data/${epoch}`);
    check(epoch < gc.epoch, `data of epoch ${epoch}, not before the current epoch ${gc.epoch}`, where);
    check(
      fullWidth(past.ratchetTree.length) && past.secretTree.length === past.ratchetTree.length,
      `a past epoch's trees of ${past.ratchetTree.length} and ${past.secretTree.length} nodes`,
      where,
    );
    check(
      past.groupContext.epoch === epoch && past.groupContext.cipherSuite === cs.name,
      `a past epoch's GroupContext of epoch ${past.groupContext.epoch}`,
      where,
    );
  }
}

/** The checks of a current member's trees (see {@link checkGroupState}). */
async function checkMemberTrees(state: MlsGroupState, cs: MlsCiphersuite, path: string): Promise<void> {
  const gc = state.groupContext;
  const tree = state.ratchetTree;
  check(fullWidth(tree.length), `a ratchet tree of ${tree.length} nodes`, at(path, "ratchet_tree"));
  for (let i = 0; i < tree.length; i++) {
    const node = tree.get(i);
    if (node === undefined) continue;
    check(
      (node.nodeType === "leaf") === (i % 2 === 0),
      `node ${i} is a ${node.nodeType} node at a ${i % 2 === 0 ? "leaf" : "parent"} position`,
      at(path, `ratchet_tree/${i}`),
    );
  }
  const hashLength = cs.impl.kdf.size;
  check(
    gc.treeHash.length === hashLength,
    `a tree_hash of ${gc.treeHash.length} bytes`,
    at(path, "group_context/tree_hash"),
  );
  let treeHash: Uint8Array;
  try {
    treeHash = await treeHashRoot(tree, cs.impl.hash);
  } catch (e) {
    throw new ValidationError("the ratchet tree cannot be hashed", {
      path: at(path, "ratchet_tree"),
      rule: RULE,
      cause: e,
    });
  }
  check(
    equal(treeHash, gc.treeHash),
    "the ratchet tree does not hash to the GroupContext's tree_hash",
    at(path, "ratchet_tree"),
  );
  check(
    state.secretTree.length === tree.length,
    `a secret tree of ${state.secretTree.length} nodes for a ratchet tree of ${tree.length}`,
    at(path, "secret_tree"),
  );
  const own = state.privatePath.leafIndex;
  check(
    Number.isInteger(own) && own >= 0 && own * 2 < tree.length && tree.get(own * 2)?.nodeType === "leaf",
    `own leaf ${own} is not a member leaf`,
    at(path, "private_path/leaf_index"),
  );
  for (const key of Object.keys(state.privatePath.privateKeys)) {
    const node = Number(key);
    check(
      Number.isInteger(node) && node >= 0 && node < tree.length && tree.get(node) !== undefined,
      `a private key for node ${key}, which the tree does not hold`,
      at(path, `private_path/${key}`),
    );
  }
  for (const [ref, p] of Object.entries(state.unappliedProposals)) {
    const leaf = p.senderLeafIndex;
    check(
      leaf === undefined || (leaf * 2 < tree.length && tree.get(leaf * 2)?.nodeType === "leaf"),
      `a pending proposal from leaf ${leaf}, which is not a member`,
      at(path, `unapplied_proposals/${ref}`),
    );
  }
}
