/**
 * The hub view merges a commit's UpdatePath into the tree its proposals made (ts-mls's fresh copy)
 * in place, and copies the tree only when the proposals left it as it was: the view it processed
 * from never changes, so a second commit of the same epoch (or a retry) sees the same tree.
 */
import { createCommit, encodeMlsMessage, type Proposal } from "@mimi/ts-mls";
import { encodeRatchetTree } from "@mimi/ts-mls/ratchetTree.js";
import { describe, expect, it } from "vitest";
import { processHubMessage } from "../src/index.js";
import { createScenario, type Scenario } from "./hub-view-driver.js";

async function draft(sc: Scenario, proposals: Proposal[]): Promise<Uint8Array> {
  const committer = sc.members[0];
  if (committer === undefined) throw new Error("no committer");
  const r = await createCommit(
    { state: committer.state, cipherSuite: sc.cs },
    { extraProposals: proposals, wireAsPublicMessage: true, ratchetTreeExtension: true },
  );
  return encodeMlsMessage(r.commit);
}

describe("hub view: one copy of the tree per commit", () => {
  for (const [name, proposals] of [
    [
      "two Removes and a path",
      [
        { proposalType: "remove", remove: { removed: 3 } },
        { proposalType: "remove", remove: { removed: 4 } },
      ],
    ],
    ["a path and no proposals", []],
  ] as [string, Proposal[]][]) {
    it(`MLS-HUB-12 ${name}: the view processed from keeps its tree, and processing again agrees`, async () => {
      const sc = await createScenario(5);
      const view = sc.hub;
      const before = encodeRatchetTree(view.ratchetTree);
      const bytes = await draft(sc, proposals);
      const first = (await processHubMessage(view, bytes)).view;
      expect(encodeRatchetTree(view.ratchetTree)).toEqual(before);
      expect(first.ratchetTree).not.toBe(view.ratchetTree);
      const second = (await processHubMessage(view, bytes)).view;
      expect(second.groupContext.treeHash).toEqual(first.groupContext.treeHash);
      expect(encodeRatchetTree(second.ratchetTree)).toEqual(encodeRatchetTree(first.ratchetTree));
      expect(encodeRatchetTree(view.ratchetTree)).toEqual(before);
    });
  }
});
