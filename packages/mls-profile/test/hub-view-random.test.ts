import { describe, expect, it } from "vitest";
import {
  checkGroupInfo,
  createScenario,
  hubAgreement,
  memberAgreement,
  prng,
  randomEpoch,
} from "./hub-view-driver.js";

// A bounded run in the suite; a longer one: MIMI_HUB_EPOCHS=1000 pnpm exec vitest run <this file>.
const EPOCHS = Number(process.env["MIMI_HUB_EPOCHS"] ?? 60);

describe("hub view follows real ts-mls members through random epochs", () => {
  it("MLS-HUB-07 MLS-HUB-10 MLS-HUB-12 MLS-HUB-16 agrees with every member's GroupContext, tree and member list after each random epoch (seed 6)", async () => {
    const rand = prng(Number(process.env["MIMI_HUB_SEED"] ?? 6));
    const sc = await createScenario(3);
    const epochs = EPOCHS;
    for (let e = 0; e < epochs; e++) {
      const kind = await randomEpoch(sc, rand, 5);
      const hub = hubAgreement(sc.hub);
      for (const m of sc.members) {
        expect({ epoch: e, kind, member: m.name, ...memberAgreement(m.state) }).toEqual({
          epoch: e,
          kind,
          member: m.name,
          ...hub,
        });
      }
      if (e % 10 === 0) await checkGroupInfo(sc, rand);
    }
    expect(sc.hub.groupContext.epoch).toBe(BigInt(epochs + 1));
    // every operation kind was exercised
    expect(
      Object.keys(sc.ops)
        .filter((k) => k !== "joiner-rejected-tree")
        .sort(),
    ).toEqual(
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
        "update",
        "update-psk",
      ].sort(),
    );
  }, 300_000);
});
