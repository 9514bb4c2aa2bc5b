import {
  type Credential,
  createCommit,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  encodeRequiredCapabilities,
  generateKeyPackage,
  type Proposal,
} from "@mimi/ts-mls";
import { describe, expect, it } from "vitest";
import { encodeAppDataUpdate } from "../src/extensions/app-data-update.js";
import { defaultCodePoints } from "../src/extensions/code-points.js";
import { hubAppDataDictionary, processHubMessage } from "../src/index.js";
import {
  CUSTOM_EXTENSION,
  commit,
  createScenario,
  hubAgreement,
  LOG_COMPONENT,
  memberAgreement,
  type Scenario,
} from "./hub-view-driver.js";
import { rejection } from "./hub-view-expect.js";

const APP_DATA_UPDATE = defaultCodePoints.proposalTypes.app_data_update;

function update(bytes: number[]): Proposal {
  return {
    proposalType: APP_DATA_UPDATE,
    proposalData: encodeAppDataUpdate({
      component_id: LOG_COMPONENT,
      op: "update",
      update: Uint8Array.from(bytes),
    }),
  };
}

function credentialIdentity(c: Credential): Uint8Array {
  if (c.credentialType !== "basic") throw new Error("a basic credential expected");
  return c.identity;
}

function first(sc: Scenario): Scenario["members"][number] {
  const m = sc.members[0];
  if (m === undefined) throw new Error("no member");
  return m;
}

describe("hub view applies AppDataUpdate like the members", () => {
  it("applies updates in commit order after the default proposals, creating app_data_dictionary", async () => {
    const sc = await createScenario(3, {}, "app-data");
    expect(hubAppDataDictionary(sc.hub).component_data).toEqual([]);
    await commit(sc, first(sc), [update([1, 2]), update([3])]);
    expect(hubAppDataDictionary(sc.hub).component_data).toEqual([
      { component_id: LOG_COMPONENT, data: Uint8Array.of(1, 2, 3) },
    ]);
    for (const m of sc.members) expect(memberAgreement(m.state)).toEqual(hubAgreement(sc.hub));
  });

  it("MLS-HUB-11 rejects an invalid AppDataUpdate list with the mls-extensions rule (remove of absent data, MLS-EXT-04)", async () => {
    const sc = await createScenario(3, {}, "app-data-invalid");
    const m = first(sc);
    // members reject it too, so build the commit with a tolerant committer: a remove of absent data
    const remove: Proposal = {
      proposalType: APP_DATA_UPDATE,
      proposalData: encodeAppDataUpdate({ component_id: LOG_COMPONENT, op: "remove" }),
    };
    await expect(
      createCommit(
        { state: m.state, cipherSuite: sc.cs },
        { extraProposals: [remove], wireAsPublicMessage: true },
      ),
    ).rejects.toThrow();
    const { customProposalHandler: _, ...config } = m.state.clientConfig;
    const tolerant = { ...m.state, clientConfig: config };
    const r = await createCommit(
      { state: tolerant, cipherSuite: sc.cs },
      { extraProposals: [remove], wireAsPublicMessage: true },
    );
    const e = await rejection(processHubMessage(sc.hub, encodeMlsMessage(r.commit)));
    expect(e.rule).toBe("MLS-EXT-04");
  });

  it("MLS-HUB-21 rejects GroupContextExtensions changing app_data_dictionary when app_data_update is required", async () => {
    const sc = await createScenario(3, {}, "app-data-gce");
    const required = {
      extensionType: "required_capabilities" as const,
      extensionData: encodeRequiredCapabilities({
        extensionTypes: [],
        proposalTypes: [APP_DATA_UPDATE],
        credentialTypes: [],
      }),
    };
    await commit(sc, first(sc), [
      {
        proposalType: "group_context_extensions",
        groupContextExtensions: { extensions: [...sc.hub.groupContext.extensions, required] },
      },
    ]);
    await commit(sc, first(sc), [update([7])]);
    const changed = sc.hub.groupContext.extensions.map((e) =>
      e.extensionType === defaultCodePoints.extensionTypes.app_data_dictionary
        ? { ...e, extensionData: Uint8Array.of(0) }
        : e,
    );
    const m = first(sc);
    const { customProposalHandler: _, ...config } = m.state.clientConfig;
    const tolerant = { ...m.state, clientConfig: config };
    const r = await createCommit(
      { state: tolerant, cipherSuite: sc.cs },
      {
        extraProposals: [
          { proposalType: "group_context_extensions", groupContextExtensions: { extensions: changed } },
        ],
        wireAsPublicMessage: true,
      },
    );
    const e = await rejection(processHubMessage(sc.hub, encodeMlsMessage(r.commit)));
    expect(e.rule).toBe("MLS-HUB-21");
  });
});

describe("MLS-HUB-18 from the per-tree count of leaves lacking a proposal type", () => {
  it("MLS-HUB-18 a member lacking AppDataUpdate, added then removed: an AppDataUpdate commit is rejected while it is in the group, accepted after", async () => {
    const sc = await createScenario(3);
    // the count is made (and cached) while every member supports the type
    await commit(sc, first(sc), [update([1])]);
    const draft = async (proposals: Proposal[]): Promise<Uint8Array> => {
      const r = await createCommit(
        { state: first(sc).state, cipherSuite: sc.cs },
        { extraProposals: proposals, wireAsPublicMessage: true },
      );
      return encodeMlsMessage(r.commit);
    };
    expect((await processHubMessage(sc.hub, await draft([update([2])]))).event.kind).toBe("commit");
    // a member supporting the group's extensions (RFC 9420 §12.2 requires it) but not AppDataUpdate
    const caps = defaultCapabilities();
    const lacking = await generateKeyPackage(
      { credentialType: "basic", identity: new TextEncoder().encode("lacking") },
      {
        ...caps,
        extensions: [
          ...caps.extensions,
          CUSTOM_EXTENSION,
          defaultCodePoints.extensionTypes.app_data_dictionary,
        ],
      },
      defaultLifetime,
      [],
      sc.cs,
    );
    await commit(sc, first(sc), [{ proposalType: "add", add: { keyPackage: lacking.publicPackage } }]);
    const leaf = sc.hub.ratchetTree.findIndex(
      (n) =>
        n?.nodeType === "leaf" &&
        new TextDecoder().decode(credentialIdentity(n.leaf.credential)) === "lacking",
    );
    expect(leaf).toBeGreaterThan(0);
    const e = await rejection(processHubMessage(sc.hub, await draft([update([3])])));
    expect(e.rule).toBe("MLS-HUB-18");
    expect(e.message).toContain(`leaf ${leaf / 2} does not support`);
    // removed: the count drops back, and the commit is accepted again
    await commit(sc, first(sc), [{ proposalType: "remove", remove: { removed: leaf / 2 } }]);
    expect((await processHubMessage(sc.hub, await draft([update([4])]))).event.kind).toBe("commit");
  });
});
