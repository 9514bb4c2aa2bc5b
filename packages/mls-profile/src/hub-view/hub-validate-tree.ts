/**
 * Validation of a ratchet tree received with a GroupInfo (RFC 9420 §12.4.3.1, §7.9.2, §7.8, §7.3):
 * the same check a ts-mls member joining the group makes, ts-mls's `validateRatchetTree`, which the
 * project's patch corrected for unmerged leaves (decision 0501 item 4, `MLS-TREE-01`; unpatched
 * 1.6.4 rejected valid trees, decision 0570). The hub keeps the tree-hash cache it computes.
 */
import type {
  AuthenticationService,
  CiphersuiteImpl,
  GroupContext,
  LifetimeConfig,
  RatchetTree,
} from "@mimi/ts-mls";
import { validateRatchetTree } from "../adapter/internals.js";
import { check, rejectAs } from "./hub-errors.js";
import { makeTreeHasher, type TreeHashCache } from "./hub-tree-hash.js";

const RULE = "MLS-HUB-15";

/**
 * Validate `tree` against `gc` and return its tree-hash cache: node positions, unique encryption
 * and signature keys, every leaf (signature, lifetime, credential, required capabilities, its
 * extensions in its capabilities), unmerged leaves (each a non-blank descendant, listed by every
 * non-blank node between it and the listing node), credential types supported by every member,
 * parent hashes, and the tree hash.
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
  // [MLS-TREE-01] RFC 9420 §7.9.2 (through the patched ts-mls check)
  const error = await rejectAs(RULE, "/ratchet_tree", "ratchet tree check failed", () =>
    validateRatchetTree(tree, gc, lifetime, authService, gc.treeHash, cs),
  );
  check(error === undefined, `invalid ratchet tree: ${error?.message}`, RULE, "/ratchet_tree");
  const hasher = makeTreeHasher(tree, cs.hash);
  await hasher.root();
  return hasher.cache();
}
