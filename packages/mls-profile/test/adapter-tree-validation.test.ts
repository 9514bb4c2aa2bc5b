/**
 * Regression test of the project's patch of ts-mls 1.6.4 (decision 0501): a joiner's check of the
 * ratchet tree's unmerged leaves follows RFC 9420 §7.9.2 (each non-blank node between an unmerged
 * leaf and the parent listing it lists that leaf too; their lists may differ otherwise). ts-mls
 * 1.6.4 wanted the lists equal and rejected valid trees (decision 0570).
 */

import { createCommit, encodeMlsMessage, RatchetTree } from "@mimi/ts-mls";
import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { bootstrapHubView, joinFromWelcome } from "../src/index.js";
import { config, suite } from "./adapter-fixtures.js";
import {
  commit,
  createScenario,
  deliver,
  groupInfoOf,
  hubAgreement,
  keyPackage,
  memberAgreement,
} from "./hub-view-driver.js";

/** The unmerged_leaves of parent node `i` of `tree`, or undefined if blank. */
function unmergedOf(tree: RatchetTree, i: number): number[] | undefined {
  const n = tree.get(i);
  if (n === undefined) return undefined;
  if (n.nodeType !== "parent") throw new Error(`node ${i} is not a parent`);
  return [...n.parent.unmergedLeaves];
}

/**
 * 8 leaves: 0-2 and 4-5 members, 3, 6, 7 blank, path nodes 1, 3, 7 set; adding leaf 3 makes node 3
 * and the root list it; adding leaf 6 makes the root list [3, 6] while node 3 still lists [3].
 * Returns the Welcome of the last Add (made without a ratchet_tree extension) and its joiner.
 */
async function unmergedShape() {
  const sc = await createScenario(7, {}, "tree-validation");
  const m0 = sc.members[0];
  if (m0 === undefined) throw new Error("no member");
  await commit(sc, m0, [
    { proposalType: "remove", remove: { removed: 3 } },
    { proposalType: "remove", remove: { removed: 6 } },
  ]);
  await commit(sc, m0, [
    { proposalType: "add", add: { keyPackage: (await keyPackage(sc.cs, "late-3")).publicPackage } },
  ]);
  const joiner = await keyPackage(sc.cs, "late-6");
  const r = await createCommit(
    { state: m0.state, cipherSuite: sc.cs },
    {
      extraProposals: [{ proposalType: "add", add: { keyPackage: joiner.publicPackage } }],
      wireAsPublicMessage: true,
      ratchetTreeExtension: false,
    },
  );
  m0.state = r.newState;
  await deliver(sc, encodeMlsMessage(r.commit), m0);
  if (r.welcome === undefined) throw new Error("no welcome");
  return { sc, m0, joiner, welcome: r.welcome };
}

describe("ts-mls patch: unmerged leaves of a joiner's ratchet tree (RFC 9420 §7.9.2)", () => {
  it("[MLS-TREE-01] MLS-HUB-15 a ts-mls member (and the hub view) joins by Welcome a group whose ancestors list different unmerged leaves, and agrees with it; a tree where an ancestor misses the leaf is rejected", async () => {
    const cs = await suite;
    const { sc, m0, joiner, welcome } = await unmergedShape();
    const tree = m0.state.ratchetTree;
    // the shape unpatched ts-mls 1.6.4 rejected: node 3 lists [3], the root lists [3, 6]
    expect(unmergedOf(tree, 3)).toEqual([3]);
    expect(unmergedOf(tree, 7)).toEqual([3, 6]);

    const joined = await joinFromWelcome(cs, welcome, joiner, { config: config(), ratchetTree: tree });
    expect(joined.state.groupContext.epoch).toBe(m0.state.groupContext.epoch);
    expect(joined.state.groupContext.treeHash).toEqual(m0.state.groupContext.treeHash);
    expect(memberAgreement(joined.state)).toEqual(memberAgreement(m0.state));
    expect(hubAgreement(sc.hub)).toEqual(memberAgreement(m0.state));

    // node 3 lies between leaf 3 (node 6) and the root, which lists leaf 3: node 3 must list it
    const missing = RatchetTree.from(
      tree
        .toArray()
        .map((n, i) =>
          i === 3 && n?.nodeType === "parent" ? { ...n, parent: { ...n.parent, unmergedLeaves: [] } } : n,
        ),
    );
    await expect(
      joinFromWelcome(cs, welcome, joiner, { config: config(), ratchetTree: missing }),
    ).rejects.toThrow(ValidationError);
    await expect(
      joinFromWelcome(cs, welcome, joiner, { config: config(), ratchetTree: missing }),
    ).rejects.toThrow(/unmerged_leaves/);

    // the hub's view makes the same check when it bootstraps (MLS-HUB-15)
    const gi = await groupInfoOf(sc.cs, m0.state);
    const view = await bootstrapHubView({ groupInfo: gi, ratchetTree: tree, cipherSuite: sc.hubCs });
    expect(hubAgreement(view)).toEqual(memberAgreement(m0.state));
    await expect(
      bootstrapHubView({ groupInfo: gi, ratchetTree: missing, cipherSuite: sc.hubCs }),
    ).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-HUB-15", what: expect.stringMatching(/unmerged_leaves/) }),
    );

    // an unmerged leaf that does not descend from the node listing it (leaf 6 under node 3)
    const stray = RatchetTree.from(
      tree
        .toArray()
        .map((n, i) =>
          i === 3 && n?.nodeType === "parent" ? { ...n, parent: { ...n.parent, unmergedLeaves: [3, 6] } } : n,
        ),
    );
    await expect(
      joinFromWelcome(cs, welcome, joiner, { config: config(), ratchetTree: stray }),
    ).rejects.toThrow(/non-blank descendant/);
    await expect(
      bootstrapHubView({ groupInfo: gi, ratchetTree: stray, cipherSuite: sc.hubCs }),
    ).rejects.toThrow(
      expect.objectContaining({ rule: "MLS-HUB-15", what: expect.stringMatching(/non-blank descendant/) }),
    );
  }, 120_000);
});
