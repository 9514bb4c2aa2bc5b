/**
 * Room policy read from an MLS group (its app_data_dictionary and ratchet tree), the way the hub
 * and the clients share it.
 */
import {
  type AppDataDictionary,
  type Credential,
  defaultCodePoints,
  emptyAppDataDictionary,
  encodeAppDataUpdate,
  encodeParticipantListData,
  encodeParticipantListUpdate,
  type ParticipantListUpdate,
  type Proposal,
  RatchetTree,
  setComponentData,
} from "@mimi/mls-profile";
import { utf8, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  authorizeMemberCommit,
  encodeRoleData,
  groupChange,
  groupClientAtLeaf,
  groupParticipants,
  groupRoomState,
  type MemberOf,
  moderatedRoles,
  type PolicyGroup,
  policyGroupOf,
  suggestedComponentIds,
} from "../src/index.js";

const U = (name: string): string => `mimi://example.com/u/${name}`;
const D = (name: string): string => `mimi://example.com/d/${name}/1`;
const ids = defaultCodePoints.componentIds;

/** A basic credential naming the client by its user's name; "nobody" names no client. */
const memberOf: MemberOf = (credential: Credential) => {
  if (credential.credentialType !== "basic") return undefined;
  const name = new TextDecoder().decode(credential.identity);
  return name === "nobody" ? undefined : { client: D(name), user: U(name) };
};

/** A ratchet tree whose leaves hold basic credentials (only what room policy reads of a leaf). */
function tree(...leaves: (string | undefined)[]): RatchetTree {
  const nodes: unknown[] = [];
  for (const [i, name] of leaves.entries()) {
    if (i > 0) nodes.push(undefined);
    nodes.push(
      name === undefined
        ? undefined
        : { nodeType: "leaf", leaf: { credential: { credentialType: "basic", identity: utf8(name) } } },
    );
  }
  return RatchetTree.from(nodes as Parameters<typeof RatchetTree.from>[0]);
}

function dictionary(participants: [string, number][], roles?: Uint8Array): AppDataDictionary {
  let d = setComponentData(
    emptyAppDataDictionary,
    ids.participant_list,
    encodeParticipantListData({
      participants: participants.map(([n, r]) => ({ user: utf8(U(n)), role_index: r })),
    }),
  );
  if (roles !== undefined) d = setComponentData(d, suggestedComponentIds.roles_list, roles);
  return d;
}

function listUpdate(u: ParticipantListUpdate): Proposal {
  return {
    proposalType: defaultCodePoints.proposalTypes.app_data_update,
    proposalData: encodeAppDataUpdate({
      component_id: ids.participant_list,
      op: "update",
      update: encodeParticipantListUpdate(u),
    }),
  } as Proposal;
}

const remove = (leaf: number): Proposal => ({ proposalType: "remove", remove: { removed: leaf } });

const group: PolicyGroup = {
  dictionary: dictionary([
    ["alice", 4],
    ["bob", 2],
    ["cathy", 2],
  ]),
  ratchetTree: tree("alice", "bob", undefined, "cathy", "nobody"),
};

describe("room policy over an MLS group", () => {
  it("reads participants, member clients (those whose credential names one) and the default roles", () => {
    expect(groupParticipants(group)).toEqual([
      { user: U("alice"), role_index: 4 },
      { user: U("bob"), role_index: 2 },
      { user: U("cathy"), role_index: 2 },
    ]);
    const state = groupRoomState(group, { memberOf });
    expect(state.clients).toEqual([
      { client: D("alice"), user: U("alice") },
      { client: D("bob"), user: U("bob") },
      { client: D("cathy"), user: U("cathy") },
    ]);
    expect(state.roles.roles.map((r) => r.role_name)).toContain("super_admin");
    expect(groupClientAtLeaf(group, 3, memberOf)).toEqual({ client: D("cathy"), user: U("cathy") });
    expect(groupClientAtLeaf(group, 2, memberOf)).toBeUndefined();
    expect(groupClientAtLeaf(group, 4, memberOf)).toBeUndefined();
  });

  it("takes the room's roles_list over the default roles", () => {
    const g = { ...group, dictionary: dictionary([["alice", 4]], encodeRoleData(moderatedRoles)) };
    expect(groupRoomState(g, { memberOf }).roles).toEqual(moderatedRoles);
  });

  it("policyGroupOf reads the dictionary of GroupContext extensions, empty when it has none", () => {
    const g = policyGroupOf([], tree("alice"));
    expect(g.dictionary).toEqual({ component_data: [] });
    expect(groupParticipants(g)).toEqual([]);
  });

  it("maps a commit's proposals to a change: removes by the removed leaves' clients, the participant-list update", () => {
    const change = groupChange(
      group,
      { memberOf },
      { user: U("bob") },
      [remove(0), listUpdate({ changedRoleParticipants: [], removedIndices: [0], addedParticipants: [] })],
      { sentAs: "commit" },
    );
    expect(change).toEqual({
      actor: { user: U("bob") },
      sentAs: "commit",
      removes: [D("alice")],
      participantList: { changedRoleParticipants: [], removedIndices: [0], addedParticipants: [] },
    });
  });

  it("PROTO-HUB-04: two participant-list updates in one change are refused", () => {
    const u = listUpdate({ changedRoleParticipants: [], removedIndices: [2], addedParticipants: [] });
    expect(() => groupChange(group, { memberOf }, { user: U("alice") }, [u, u], {})).toThrow(
      expect.objectContaining({ name: "ValidationError", rule: "PROTO-HUB-04" }),
    );
  });

  it("[POLICY-REM-01] a member's commit is authorized with the committer as actor", () => {
    const removeAlice = [
      remove(0),
      listUpdate({ changedRoleParticipants: [], removedIndices: [0], addedParticipants: [] }),
    ];
    expect(authorizeMemberCommit(group, { memberOf }, 1, removeAlice)).toMatchObject({
      allowed: false,
      rule: "POLICY-REM-01",
    });
    const removeCathy = [
      remove(3),
      listUpdate({ changedRoleParticipants: [], removedIndices: [2], addedParticipants: [] }),
    ];
    expect(authorizeMemberCommit(group, { memberOf }, 1, removeCathy)).toMatchObject({ allowed: true });
    // a committer whose leaf names no client cannot be authorized
    expect(() => authorizeMemberCommit(group, { memberOf }, 4, removeCathy)).toThrow(ValidationError);
  });
});
