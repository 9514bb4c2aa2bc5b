import {
  createCommit,
  createProposal,
  encodeMlsMessage,
  type GroupInfo,
  type Proposal,
  proposeExternal,
} from "@mimi/ts-mls";
import { describe, expect, it } from "vitest";
import { defaultCodePoints } from "../src/extensions/code-points.js";
import {
  appDataHubViewOptions,
  bootstrapHubView,
  type HubGroupView,
  processHubMessage,
} from "../src/index.js";
import {
  createScenario,
  deliver,
  encodeGroupInfoMessage,
  groupInfoOf,
  hubAgreement,
  type Member,
  memberAgreement,
  type Scenario,
  testComponents,
} from "./hub-view-driver.js";
import { rejection } from "./hub-view-expect.js";

const SELF_REMOVE = defaultCodePoints.proposalTypes.self_remove;
const selfRemove: Proposal = { proposalType: SELF_REMOVE, proposalData: new Uint8Array() };

function member(sc: Scenario, i: number): Member {
  const m = sc.members[i];
  if (m === undefined) throw new Error(`no member ${i}`);
  return m;
}

/** Member `i` proposes `proposal` as a PublicMessage; the encoded message (not delivered). */
async function proposal(sc: Scenario, i: number, p: Proposal): Promise<Uint8Array> {
  const m = member(sc, i);
  const r = await createProposal(m.state, true, p, sc.cs);
  m.state = r.newState;
  return encodeMlsMessage(r.message);
}

/** A commit by member `i` as a client that processes no non-default proposal would make it. */
async function laxCommit(sc: Scenario, i: number, extraProposals: Proposal[] = []): Promise<Uint8Array> {
  const m = member(sc, i);
  const {
    selfRemoveProposalType: _ignored,
    customProposalHandler: _none,
    ...clientConfig
  } = m.state.clientConfig;
  const lax = { ...m.state, clientConfig };
  const r = await createCommit(
    { state: lax, cipherSuite: sc.cs },
    { extraProposals, wireAsPublicMessage: true, ratchetTreeExtension: true },
  );
  return encodeMlsMessage(r.commit);
}

describe("hub view: SelfRemove (draft-ietf-mls-extensions-10 §6.3)", () => {
  it("MLS-SELFRM-01 a SelfRemove committed by reference removes its sender, and the view agrees with every member", async () => {
    const sc = await createScenario(3);
    const leaver = member(sc, 1);
    const leaf = leaver.state.privatePath.leafIndex;
    await deliver(sc, await proposal(sc, 1, selfRemove), leaver);
    const committer = member(sc, 2);
    const r = await createCommit(
      { state: committer.state, cipherSuite: sc.cs },
      { wireAsPublicMessage: true, ratchetTreeExtension: true },
    );
    const bytes = encodeMlsMessage(r.commit);
    const { event } = await processHubMessage(sc.hub, bytes);
    expect(event.kind === "commit" && event.removed).toEqual([leaf]);
    expect(event.kind === "commit" && event.hasPath).toBe(true);
    committer.state = r.newState;
    await deliver(sc, bytes, committer);
    expect(sc.members.map((m) => m.name)).not.toContain(leaver.name);
    for (const m of sc.members) expect(memberAgreement(m.state)).toEqual(hubAgreement(sc.hub));
  });

  it("MLS-SELFRM-02 rejects a SelfRemove from an external sender (the hub) or with a non-empty body", async () => {
    const sc = await createScenario(3);
    const external = await proposeExternal(
      { groupContext: sc.hub.groupContext } as GroupInfo,
      selfRemove,
      sc.hubSigner.publicKey,
      sc.hubSigner.signKey,
      sc.cs,
    );
    await rejection(processHubMessage(sc.hub, encodeMlsMessage(external)), "MLS-SELFRM-02");
    const body = await proposal(sc, 1, { proposalType: SELF_REMOVE, proposalData: Uint8Array.of(0) });
    await rejection(processHubMessage(sc.hub, body), "MLS-SELFRM-02");
  });

  it("MLS-SELFRM-01 rejects a SelfRemove committed by value, and a commit of a SelfRemove with a Remove of the same leaf", async () => {
    const sc = await createScenario(3);
    await rejection(processHubMessage(sc.hub, await laxCommit(sc, 0, [selfRemove])), "MLS-SELFRM-01");
    await deliver(sc, await proposal(sc, 1, selfRemove), member(sc, 1));
    const leaf = member(sc, 1).state.privatePath.leafIndex;
    const both = await laxCommit(sc, 0, [{ proposalType: "remove", remove: { removed: leaf } }]);
    await rejection(processHubMessage(sc.hub, both), "MLS-HUB-11");
  });

  it("MLS-HUB-10 MLS-SELFRM-01 a commit of a SelfRemove without an UpdatePath is rejected", async () => {
    const sc = await createScenario(3);
    await deliver(sc, await proposal(sc, 1, selfRemove), member(sc, 1));
    // A client that does not process SelfRemove sees only a non-default proposal it may commit
    // without a path (ts-mls: no path needed for non-default proposals).
    await rejection(processHubMessage(sc.hub, await laxCommit(sc, 0)), "MLS-HUB-10");
  });

  it("MLS-HUB-18 a hub configured without SelfRemove rejects the proposal", async () => {
    const sc = await createScenario(3);
    const { selfRemoveProposalType: _ignored, ...options } = appDataHubViewOptions(testComponents);
    const view: HubGroupView = await bootstrapHubView({
      groupInfo: encodeGroupInfoMessage(await groupInfoOf(sc.cs, member(sc, 0).state)),
      cipherSuite: sc.hubCs,
      options,
    });
    await rejection(processHubMessage(view, await proposal(sc, 1, selfRemove)), "MLS-HUB-18");
  });
});
