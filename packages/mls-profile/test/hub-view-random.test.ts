import { testEnv } from "@mimi/testkit/env";
import { defaultAuthenticationService, defaultLifetimeConfig } from "@mimi/ts-mls";
import { validateRatchetTree } from "@mimi/ts-mls/clientState.js";
import { ratchetTreeFromExtension } from "@mimi/ts-mls/groupInfo.js";
import { describe, expect, it } from "vitest";
import { bootstrapHubView } from "../src/index.js";
import {
  checkGroupInfo,
  commit,
  createScenario,
  groupInfoOf,
  hubAgreement,
  keyPackage,
  memberAgreement,
  prng,
  randomEpoch,
} from "./hub-view-driver.js";
import { expectAgreement } from "./hub-view-expect.js";

// A bounded run in the suite; a longer one: MIMI_HUB_EPOCHS=1000 pnpm exec vitest run <this file>.
const EPOCHS = Number(testEnv("MIMI_HUB_EPOCHS") ?? 60);

describe("hub view follows real ts-mls members through random epochs", () => {
  it("MLS-HUB-07 MLS-HUB-10 MLS-HUB-12 MLS-HUB-16 MLS-SELFRM-01 agrees with every member's GroupContext, tree and member list after each random epoch (seed 6)", async () => {
    const rand = prng(Number(testEnv("MIMI_HUB_SEED") ?? 6));
    const sc = await createScenario(3);
    const epochs = EPOCHS;
    for (let e = 0; e < epochs; e++) {
      const kind = await randomEpoch(sc, rand, 5);
      expectAgreement(sc, e, kind);
      if (e % 10 === 0) await checkGroupInfo(sc, rand);
    }
    // one commit per epoch
    expect(sc.hub.groupContext.epoch).toBe(BigInt(epochs + 1));
    // every operation kind was exercised
    expect(Object.keys(sc.ops).sort()).toEqual(
      [
        "add",
        "add-ref",
        "app-data",
        "app-data-ref",
        "external-join",
        "gce",
        "hub-app-data",
        "hub-remove",
        "new-member-proposal",
        "psk-ref",
        "remove",
        "remove-ref",
        "resync",
        "self-remove",
        "update",
        "update-psk",
      ].sort(),
    );
  }, 300_000);

  it("MLS-HUB-15 bootstraps from a valid tree that unpatched ts-mls 1.6.4's tree validation rejected (unmerged leaves)", async () => {
    // 8 leaves: 0-2 and 4-5 members, 3, 6, 7 blank, path nodes 1, 3, 7 set; adding leaf 3 makes node 3
    // and the root list it; adding leaf 6 makes the root list [3, 6] while node 3 still lists [3]:
    // valid (RFC 9420 §7.9.2), but unpatched ts-mls 1.6.4 wanted both lists equal (fixed by the
    // project's patch, decision 0501, MLS-TREE-01).
    const sc = await createScenario(7, {}, "unmerged");
    const m0 = sc.members[0];
    if (m0 === undefined) throw new Error("no member");
    await commit(sc, m0, [
      { proposalType: "remove", remove: { removed: 3 } },
      { proposalType: "remove", remove: { removed: 6 } },
    ]);
    for (const name of ["late-3", "late-6"]) {
      const kp = await keyPackage(sc.cs, name);
      await commit(sc, m0, [{ proposalType: "add", add: { keyPackage: kp.publicPackage } }]);
    }
    const gi = await groupInfoOf(sc.cs, m0.state);
    const tree = ratchetTreeFromExtension(gi);
    if (tree === undefined) throw new Error("no tree");
    const tsMls = await validateRatchetTree(
      tree,
      gi.groupContext,
      defaultLifetimeConfig,
      defaultAuthenticationService,
      gi.groupContext.treeHash,
      sc.cs,
    );
    expect(tsMls).toBeUndefined();
    const view = await bootstrapHubView({ groupInfo: gi, cipherSuite: sc.hubCs });
    expect(hubAgreement(view)).toEqual(memberAgreement(m0.state));
    expect(hubAgreement(sc.hub)).toEqual(memberAgreement(m0.state));
  }, 300_000);
});
