import { describe, expect, it } from "vitest";
import {
  authorize,
  cooperativeRoles,
  evaluateRules,
  moderatedRoles,
  multiOrgRoles,
  type OperationalParameters,
  type PreAuthData,
  type Role,
  type RoleData,
  roleCapabilities,
  strictRoles,
  type Verdict,
} from "../src/index.js";
import { base, by, meta, pl, room, U, utf8Claim } from "./helpers.js";

function denied(v: Verdict, rule: string): void {
  expect(v).toMatchObject({ allowed: false, rule });
}

function allowed(v: Verdict): void {
  expect(v).toMatchObject({ allowed: true });
}

// 0 alice super_admin, 1 bob group_admin, 2 carol ordinary, 3 dave banned, 4 hub policy_enforcer, 5 frank ordinary
const people = [
  ["alice", 4],
  ["bob", 3],
  ["carol", 2],
  ["dave", 1],
  ["hub", 5],
  ["frank", 2],
] as const;
const devices = [
  ["a1", "alice"],
  ["a2", "alice"],
  ["b1", "bob"],
  ["c1", "carol"],
  ["c2", "carol"],
  ["f1", "frank"],
] as const;
const coop = room(cooperativeRoles, people, devices, { metadata: meta() });

const withRoles = (roles: RoleData, extra = {}) => room(roles, people, devices, extra);

function replaceRole(roles: RoleData, index: number, f: (r: Role) => Role): RoleData {
  return { roles: roles.roles.map((r) => (r.role_index === index ? f(r) : r)) };
}

const preauth = (entries: readonly [string, string, number][]): PreAuthData => ({
  preauthorized_entries: entries.map(([id, value, index]) => ({
    claimset: [utf8Claim(id, value)],
    target_role: strictRoles.roles.find((r) => r.role_index === index) ?? strictRoles.roles[0]!,
  })),
});

describe("participant list structure", () => {
  it("POLICY-PL-01 denies a role change or removal naming an index past the list", () => {
    denied(authorize(coop, by("bob", "b1", { participantList: pl({ changed: [[9, 2]] }) })), "POLICY-PL-01");
    denied(authorize(coop, by("bob", "b1", { participantList: pl({ removed: [6] }) })), "POLICY-PL-01");
  });

  it("POLICY-PL-02 denies touching a user twice and appending a listed user", () => {
    denied(
      authorize(coop, by("bob", "b1", { participantList: pl({ changed: [[5, 3]], removed: [5] }) })),
      "POLICY-PL-02",
    );
    denied(
      authorize(coop, by("carol", "c1", { participantList: pl({ added: [["frank", 2]] }) })),
      "POLICY-PL-02",
    );
    denied(
      authorize(
        coop,
        by("carol", "c1", {
          participantList: pl({
            added: [
              ["erin", 2],
              ["erin", 2],
            ],
          }),
        }),
      ),
      "POLICY-PL-02",
    );
  });

  it("POLICY-PL-03 denies assigning role 0 or an undefined role", () => {
    denied(
      authorize(coop, by("carol", "c1", { participantList: pl({ added: [["erin", 0]] }) })),
      "POLICY-PL-03",
    );
    denied(
      authorize(coop, by("alice", "a1", { participantList: pl({ changed: [[5, 42]] }) })),
      "POLICY-PL-03",
    );
  });
});

describe("adding", () => {
  it("POLICY-ADD-01 canAddParticipant allows an ordinary user to add to role 2 with the new user's client", () => {
    allowed(
      authorize(
        coop,
        by("carol", "c1", {
          participantList: pl({ added: [["erin", 2]] }),
          adds: [{ client: "e1", user: U("erin") }],
        }),
      ),
    );
  });

  it("POLICY-ADD-01 denies a target role outside the entry from 0, and a role without the capability", () => {
    denied(
      authorize(coop, by("carol", "c1", { participantList: pl({ added: [["erin", 3]] }) })),
      "POLICY-ADD-01",
    );
    denied(
      authorize(coop, by("hub", undefined, { participantList: pl({ added: [["erin", 2]] }) })),
      "POLICY-ADD-01",
    );
  });

  it("POLICY-ADD-02 denies adding a client of a user who is not added by the same change", () => {
    denied(authorize(coop, by("carol", "c1", { adds: [{ client: "b2", user: U("bob") }] })), "POLICY-ADD-02");
    denied(
      authorize(coop, by("carol", "c1", { adds: [{ client: "e1", user: U("erin") }] })),
      "POLICY-ADD-02",
    );
  });

  it("POLICY-ADD-03 canAddOwnClient: Add from a member client of the same user", () => {
    allowed(authorize(coop, by("alice", "a1", { adds: [{ client: "a3", user: U("alice") }] })));
    denied(
      authorize(coop, by("alice", "a9", { adds: [{ client: "a3", user: U("alice") }] })),
      "POLICY-ADD-03",
    );
  });

  it("POLICY-ADD-03 an external commit adds the joiner's own client only for a listed holder", () => {
    allowed(authorize(coop, by("frank", "f2", { external: "commit" })));
    // dave is banned (no capabilities): preauthorization is not consulted for listed users
    denied(authorize(coop, by("dave", "d1", { external: "commit" })), "POLICY-ADD-03");
    // erin is not listed and does not join the list
    denied(authorize(coop, by("erin", "e1", { external: "commit" })), "POLICY-ADD-03");
    const guestRoom = room(
      moderatedRoles,
      [
        ["gina", 2],
        ["mo", 5],
      ],
      [["m1", "mo"]],
    );
    denied(authorize(guestRoom, by("gina", "g1", { external: "commit" })), "POLICY-ADD-03");
  });
});

describe("joining", () => {
  const strict = withRoles(strictRoles, {
    joinCodes: [
      { code: "k3y", role_index: 2 },
      { code: "adm", role_index: 3 },
    ],
    preauth: preauth([
      ["dept", "hr", 3],
      ["org", "example", 2],
    ]),
  });

  it("POLICY-JOIN-01 canUseJoinCode admits with a valid code for the role; a wrong code does not", () => {
    const join = (code: string, role = 2) =>
      by("erin", "e1", {
        external: "commit",
        joinCode: code,
        participantList: pl({ added: [["erin", role]] }),
      });
    allowed(authorize(strict, join("k3y")));
    denied(authorize(strict, join("nope")), "POLICY-JOIN-01");
    denied(authorize(strict, join("k3y", 3)), "POLICY-JOIN-01");
    // a code for a role that role 0's entry from 0 does not list is not a valid target role
    denied(authorize(strict, join("adm", 3)), "POLICY-JOIN-01");
  });

  it("POLICY-JOIN-01 canJoinIfPreauthorized admits to the first matching preauthorized role only", () => {
    const join = (role: number, claims = [utf8Claim("org", "example")]) =>
      by("erin", "e1", { external: "commit", participantList: pl({ added: [["erin", role]] }) }, claims);
    allowed(authorize(strict, join(2)));
    denied(authorize(strict, join(3)), "POLICY-JOIN-01");
    denied(authorize(strict, join(2, [utf8Claim("org", "elsewhere")])), "POLICY-JOIN-01");
    // hr staff match role 3 first (group_admin has canJoinIfPreauthorized via ordinary_user's capabilities)
    allowed(authorize(strict, join(3, [utf8Claim("dept", "hr"), utf8Claim("org", "example")])));
  });

  it("POLICY-JOIN-01 canOpenJoin on role 0 admits to a target of its entry from 0", () => {
    const open = replaceRole(cooperativeRoles, 0, (r) => ({
      ...r,
      role_capabilities: [roleCapabilities.canOpenJoin],
      maximum_active_participants_constraint: undefined as never,
      authorized_role_changes: [{ from_role_index: 0, target_role_indexes: [2] }],
    }));
    const { maximum_active_participants_constraint: _, ...noMax } = open.roles[0]!;
    const roles = { roles: [noMax, ...open.roles.slice(1)] };
    const join = (role: number) =>
      by("erin", "e1", { external: "commit", participantList: pl({ added: [["erin", role]] }) });
    allowed(authorize(withRoles(roles), join(2)));
    denied(authorize(withRoles(roles), join(3)), "POLICY-JOIN-01");
    denied(authorize(coop, join(2)), "POLICY-JOIN-01");
  });

  it("POLICY-JOIN-01 a user adds itself only externally", () => {
    denied(
      authorize(strict, by("erin", "e1", { joinCode: "k3y", participantList: pl({ added: [["erin", 2]] }) })),
      "POLICY-JOIN-01",
    );
  });

  it("POLICY-JOIN-02 external commits and proposals follow mls_operational_policy", () => {
    const caps = {
      versions: [],
      cipher_suites: [],
      extensions: [],
      proposals: [],
      credentials: [],
      wire_formats: [],
      component_ids: [],
      safe_aad_types: [],
      media_types: [],
      content_types: [],
    };
    const mdm = { minimum_time: 0n, default_time: 0n, maximum_time: 0n };
    const op = (commit: boolean, proposal: boolean): OperationalParameters => ({
      mandatory_capabilities: caps,
      default_capabilities: caps,
      forbidden_capabilities: caps,
      handshake_formats: [],
      external_proposal_allowed: proposal,
      external_commit_allowed: commit,
      pending_proposal_policy: { pending_proposal_strategy: 0 },
      LeafNode_update_time: mdm,
      app_message_policy: { epoch_tolerance: 0, pad_to_size: 0, max_generations_skipahead: 0 },
      max_kp_lifetime: 0n,
      max_credential_lifetime: 0n,
      resumption_psk_lifetime: 0n,
      sender_nonce_keypair_lifetime: mdm,
      max_keypairs: 0,
      buffer_incoming_message_time: mdm,
      max_buffered_messages: 0,
    });
    denied(
      authorize({ ...coop, operational: op(false, true) }, by("frank", "f2", { external: "commit" })),
      "POLICY-JOIN-02",
    );
    allowed(authorize({ ...coop, operational: op(true, false) }, by("frank", "f2", { external: "commit" })));
    denied(
      authorize(
        { ...coop, operational: op(true, false) },
        by("hub", undefined, { external: "proposal", removes: ["c1"] }),
      ),
      "POLICY-JOIN-02",
    );
  });
});

describe("removing", () => {
  it("POLICY-REM-01 canRemoveParticipant needs an entry from the target's role to 0", () => {
    allowed(
      authorize(coop, by("bob", "b1", { participantList: pl({ removed: [2] }), removes: ["c1", "c2"] })),
    );
    allowed(authorize(coop, by("carol", "c1", { participantList: pl({ removed: [5] }), removes: ["f1"] })));
    denied(
      authorize(coop, by("carol", "c1", { participantList: pl({ removed: [1] }), removes: ["b1"] })),
      "POLICY-REM-01",
    );
    denied(
      authorize(
        withRoles(strictRoles),
        by("carol", "c1", { participantList: pl({ removed: [5] }), removes: ["f1"] }),
      ),
      "POLICY-REM-01",
    );
  });

  it("POLICY-REM-02 a removed or banned user keeps no client", () => {
    denied(
      authorize(coop, by("bob", "b1", { participantList: pl({ removed: [2] }), removes: ["c1"] })),
      "POLICY-REM-02",
    );
    denied(authorize(coop, by("bob", "b1", { participantList: pl({ changed: [[5, 1]] }) })), "POLICY-REM-02");
  });

  it("POLICY-REM-03 canRemoveOwnClient lets a participant drop one of its clients", () => {
    allowed(authorize(coop, by("carol", "c1", { removes: ["c2"] })));
    const mod = room(
      moderatedRoles,
      [
        ["gina", 2],
        ["mo", 5],
      ],
      [
        ["g1", "gina"],
        ["g2", "gina"],
        ["m1", "mo"],
      ],
    );
    denied(authorize(mod, by("gina", "g1", { removes: ["g2"] })), "POLICY-REM-03");
  });

  it("POLICY-REM-04 canRemoveSelf: leaving with all own clients, by proposals", () => {
    allowed(
      authorize(
        coop,
        by("carol", "c1", {
          sentAs: "proposals",
          participantList: pl({ removed: [2] }),
          removes: ["c2"],
          selfRemove: true,
        }),
      ),
    );
    denied(authorize(coop, by("hub", undefined, { participantList: pl({ removed: [4] }) })), "POLICY-REM-04");
  });

  it("POLICY-REM-05 a client cannot commit its own removal", () => {
    denied(
      authorize(coop, by("carol", "c1", { participantList: pl({ removed: [2] }), removes: ["c1", "c2"] })),
      "POLICY-REM-05",
    );
    denied(authorize(coop, by("carol", "c1", { selfRemove: true })), "POLICY-REM-05");
    allowed(authorize(coop, by("carol", "c1", { sentAs: "proposals", selfRemove: true })));
  });

  it("POLICY-REM-06 canKick removes another participant's clients without a list change", () => {
    allowed(authorize(coop, by("bob", "b1", { removes: ["c1"] })));
    denied(authorize(coop, by("carol", "c1", { removes: ["b1"] })), "POLICY-REM-06");
  });
});

describe("role changes", () => {
  it("POLICY-ROLE-01 canChangeUserRole follows the entry from the target's role", () => {
    allowed(authorize(coop, by("bob", "b1", { participantList: pl({ changed: [[2, 3]] }) })));
    denied(
      authorize(coop, by("carol", "c1", { participantList: pl({ changed: [[5, 3]] }) })),
      "POLICY-ROLE-01",
    );
    denied(
      authorize(coop, by("bob", "b1", { participantList: pl({ changed: [[0, 2]] }) })),
      "POLICY-ROLE-01",
    );
  });

  it("POLICY-ROLE-02 canChangeOwnRole moves only to the first non-zero preauthorized role", () => {
    const strict = withRoles(strictRoles, { preauth: preauth([["dept", "hr", 3]]) });
    const self = (role: number, claims = [utf8Claim("dept", "hr")]) =>
      by("carol", "c1", { participantList: pl({ changed: [[2, role]] }) }, claims);
    allowed(authorize(strict, self(3)));
    denied(authorize(strict, self(4)), "POLICY-ROLE-02");
    denied(authorize(strict, self(3, [])), "POLICY-ROLE-02");
    denied(
      authorize(withRoles(cooperativeRoles, { preauth: preauth([["dept", "hr", 3]]) }), self(3)),
      "POLICY-ROLE-02",
    );
  });

  it("POLICY-BAN-01 canBan moves to role 1 named banned and removes the clients", () => {
    allowed(
      authorize(coop, by("bob", "b1", { participantList: pl({ changed: [[2, 1]] }), removes: ["c1", "c2"] })),
    );
    denied(
      authorize(coop, by("carol", "c1", { participantList: pl({ changed: [[5, 1]] }), removes: ["f1"] })),
      "POLICY-BAN-01",
    );
    const renamed = withRoles(replaceRole(cooperativeRoles, 1, (r) => ({ ...r, role_name: "blocked" })));
    denied(
      authorize(renamed, by("bob", "b1", { participantList: pl({ changed: [[5, 1]] }), removes: ["f1"] })),
      "POLICY-BAN-01",
    );
  });

  it("POLICY-BAN-02 canUnBan moves from role 1 to a permitted non-zero role", () => {
    allowed(authorize(coop, by("bob", "b1", { participantList: pl({ changed: [[3, 2]] }) })));
    const org = room(
      multiOrgRoles,
      [
        ["ann", 8],
        ["bea", 6],
        ["ben", 1],
      ],
      [
        ["a1", "ann"],
        ["b1", "bea"],
      ],
    );
    denied(authorize(org, by("bea", "b1", { participantList: pl({ changed: [[2, 3]] }) })), "POLICY-BAN-02");
    allowed(authorize(org, by("ann", "a1", { participantList: pl({ changed: [[2, 3]] }) })));
  });

  it("a policy enforcer that is not listed acts with its preauthorized role through external proposals", () => {
    const roles = cooperativeRoles;
    const enforcer = roles.roles.find((r) => r.role_index === 5)!;
    const state = room(
      roles,
      people.filter(([n]) => n !== "hub"),
      devices,
      {
        preauth: {
          preauthorized_entries: [{ claimset: [utf8Claim("hub", "example.com")], target_role: enforcer }],
        },
      },
    );
    const ban = {
      external: "proposal" as const,
      sentAs: "proposals" as const,
      participantList: pl({ changed: [[2, 1]] }),
      removes: ["c1", "c2"],
    };
    allowed(authorize(state, by("hub", undefined, ban, [utf8Claim("hub", "example.com")])));
    denied(authorize(state, by("hub", undefined, ban)), "POLICY-BAN-01");
  });
});

describe("role constraints", () => {
  it("POLICY-CONS-01 denies leaving a role below its minimum participants", () => {
    denied(
      authorize(coop, by("alice", "a1", { participantList: pl({ changed: [[1, 2]] }) })),
      "POLICY-CONS-01",
    );
  });

  it("POLICY-CONS-02 denies a role change past a role's maximum participants", () => {
    const org = room(
      multiOrgRoles,
      [
        ["ann", 8],
        ["b1", 6],
        ["b2", 6],
        ["b3", 6],
        ["b4", 3],
      ],
      [
        ["a1", "ann"],
        ["x1", "b1"],
      ],
    );
    denied(authorize(org, by("ann", "a1", { participantList: pl({ changed: [[4, 6]] }) })), "POLICY-CONS-02");
  });

  it("POLICY-CONS-03 denies a kick that leaves a role below its minimum active participants", () => {
    const org = room(
      multiOrgRoles,
      [
        ["ann", 8],
        ["bea", 6],
        ["bob", 3],
      ],
      [
        ["a1", "ann"],
        ["x1", "bea"],
        ["y1", "bob"],
      ],
    );
    denied(authorize(org, by("ann", "a1", { removes: ["x1"] })), "POLICY-CONS-03");
  });

  it("POLICY-CONS-04 a role with maximum active participants 0 cannot get clients", () => {
    const denials = evaluateRules(coop, by("hub", "h1", { external: "commit" }));
    expect(denials.map((d) => d.rule)).toContain("POLICY-CONS-04");
    expect(authorize(coop, by("hub", "h1", { external: "commit" })).allowed).toBe(false);
  });
});

describe("base room policy", () => {
  it("POLICY-BASE-01 fixed membership: nobody is added or removed, clients still are", () => {
    const dm = withRoles(cooperativeRoles, { base: base({ fixed_membership: true }) });
    denied(
      authorize(dm, by("carol", "c1", { participantList: pl({ added: [["erin", 2]] }) })),
      "POLICY-BASE-01",
    );
    denied(
      authorize(dm, by("bob", "b1", { participantList: pl({ removed: [5] }), removes: ["f1"] })),
      "POLICY-BASE-01",
    );
    allowed(authorize(dm, by("carol", "c1", { removes: ["c2"] })));
  });

  it("POLICY-BASE-02 single-device rooms allow one client per user", () => {
    const single = withRoles(cooperativeRoles, { base: base({ multi_device: false }) });
    denied(
      authorize(single, by("frank", "f1", { adds: [{ client: "f2", user: U("frank") }] })),
      "POLICY-BASE-02",
    );
  });

  it("POLICY-BASE-03 max_clients bounds the group", () => {
    const small = withRoles(cooperativeRoles, { base: base({ max_clients: 6 }) });
    denied(
      authorize(small, by("frank", "f1", { adds: [{ client: "f2", user: U("frank") }] })),
      "POLICY-BASE-03",
    );
    allowed(authorize(small, by("frank", "f1", { removes: [] })));
  });

  it("POLICY-BASE-04 max_users counts non-banned entries", () => {
    const small = withRoles(cooperativeRoles, { base: base({ max_users: 5 }) });
    denied(
      authorize(small, by("carol", "c1", { participantList: pl({ added: [["erin", 2]] }) })),
      "POLICY-BASE-04",
    );
    const roomy = withRoles(cooperativeRoles, { base: base({ max_users: 6 }) });
    allowed(authorize(roomy, by("carol", "c1", { participantList: pl({ added: [["erin", 2]] }) })));
  });

  it("POLICY-BASE-05 a parent-dependent room draws its participants from the parent", () => {
    const child = withRoles(cooperativeRoles, {
      base: base({ parent_dependant: true, parent_room: [{ uri: "mimi://example.com/r/parent" }] }),
      parentParticipants: [U("erin")],
    });
    allowed(authorize(child, by("carol", "c1", { participantList: pl({ added: [["erin", 2]] }) })));
    denied(
      authorize(child, by("carol", "c1", { participantList: pl({ added: [["gus", 2]] }) })),
      "POLICY-BASE-05",
    );
  });
});

describe("room metadata", () => {
  const fields = [
    ["room_name", { room_name: { string: "New" } }, "carol", true],
    [
      "room_descriptions",
      {
        room_descriptions: [
          { media_type: "", language_tag: "en", description_content: new Uint8Array([0x68]) },
        ],
      },
      "carol",
      false,
    ],
    ["room_avatar", { room_avatar: { uri: "https://example.com/b.png" } }, "carol", true],
    ["room_subject", { room_subject: { string: "s" } }, "carol", true],
    ["room_mood", { room_mood: { string: "m" } }, "dave", false],
  ] as const;
  it.each(fields)("POLICY-META-01 changing %s needs its capability", (_field, patch, who, ok) => {
    const v = authorize(coop, by(who, undefined, { metadata: meta(patch) }));
    if (ok) allowed(v);
    else denied(v, "POLICY-META-01");
  });

  it("POLICY-META-01 an unchanged metadata update needs no capability", () => {
    allowed(authorize(coop, by("dave", undefined, { metadata: meta() })));
  });

  it("POLICY-META-02 nobody changes room_uri", () => {
    denied(
      authorize(
        coop,
        by("alice", "a1", { metadata: meta({ room_uri: { uri: "mimi://example.com/r/other" } }) }),
      ),
      "POLICY-META-02",
    );
  });
});

describe("policy changes", () => {
  const strict = withRoles(strictRoles);
  it("POLICY-POL-01 RoleUpdate needs canChangeRoleDefinitions", () => {
    denied(authorize(coop, by("alice", "a1", { roles: cooperativeRoles })), "POLICY-POL-01");
    allowed(authorize(strict, by("alice", "a1", { roles: strictRoles })));
  });

  it("POLICY-POL-02 RoleUpdate cannot come with a participant-list change", () => {
    denied(
      authorize(
        strict,
        by("alice", "a1", { roles: strictRoles, participantList: pl({ changed: [[5, 3]] }) }),
      ),
      "POLICY-POL-02",
    );
  });

  it("POLICY-POL-03 PreAuthUpdate needs canChangePreauthorizedUserList", () => {
    allowed(authorize(coop, by("alice", "a1", { preauth: { preauthorized_entries: [] } })));
    denied(authorize(coop, by("carol", "c1", { preauth: { preauthorized_entries: [] } })), "POLICY-POL-03");
  });

  it("POLICY-POL-04 PreAuthUpdate comes with removals only", () => {
    const p = { preauthorized_entries: [] };
    denied(
      authorize(coop, by("alice", "a1", { preauth: p, participantList: pl({ added: [["erin", 2]] }) })),
      "POLICY-POL-04",
    );
    allowed(
      authorize(
        coop,
        by("alice", "a1", { preauth: p, participantList: pl({ removed: [5] }), removes: ["f1"] }),
      ),
    );
  });

  it("POLICY-POL-05 BaseRoomUpdate needs canChangeRoomMembershipStyle", () => {
    allowed(authorize(coop, by("alice", "a1", { base: base() })));
    denied(authorize(coop, by("bob", "b1", { base: base() })), "POLICY-POL-05");
  });

  it("POLICY-POL-06 OperationalParametersUpdate needs canChangeMlsOperationalPolicies", () => {
    const caps = {
      versions: [],
      cipher_suites: [],
      extensions: [],
      proposals: [],
      credentials: [],
      wire_formats: [],
      component_ids: [],
      safe_aad_types: [],
      media_types: [],
      content_types: [],
    };
    const mdm = { minimum_time: 0n, default_time: 0n, maximum_time: 0n };
    const op: OperationalParameters = {
      mandatory_capabilities: caps,
      default_capabilities: caps,
      forbidden_capabilities: caps,
      handshake_formats: [],
      external_proposal_allowed: true,
      external_commit_allowed: true,
      pending_proposal_policy: { pending_proposal_strategy: 1 },
      LeafNode_update_time: mdm,
      app_message_policy: { epoch_tolerance: 1, pad_to_size: 0, max_generations_skipahead: 100 },
      max_kp_lifetime: 1n,
      max_credential_lifetime: 1n,
      resumption_psk_lifetime: 1n,
      sender_nonce_keypair_lifetime: mdm,
      max_keypairs: 1,
      buffer_incoming_message_time: mdm,
      max_buffered_messages: 1,
    };
    allowed(authorize(coop, by("hub", undefined, { operational: op })));
    denied(authorize(coop, by("alice", "a1", { operational: op })), "POLICY-POL-06");
  });

  it("POLICY-POL-07 the other policy components need canChangeOtherPolicyAttribute", () => {
    denied(authorize(coop, by("alice", "a1", { otherPolicy: ["asset_policy"] })), "POLICY-POL-07");
    const custom = withRoles(
      replaceRole(cooperativeRoles, 4, (r) => ({
        ...r,
        role_capabilities: [...r.role_capabilities, roleCapabilities.canChangeOtherPolicyAttribute],
      })),
    );
    allowed(authorize(custom, by("alice", "a1", { otherPolicy: ["asset_policy", "logging_policy"] })));
  });

  it("POLICY-POL-08 an update must keep every participant's role and be valid", () => {
    const dropped = { roles: strictRoles.roles.filter((r) => r.role_index !== 3) };
    denied(authorize(strict, by("alice", "a1", { roles: dropped })), "POLICY-POL-08");
    const bad = replaceRole(strictRoles, 2, (r) => ({
      ...r,
      role_capabilities: [roleCapabilities.canOpenJoin],
    }));
    denied(authorize(strict, by("alice", "a1", { roles: bad })), "POLICY-ROLES-02");
    const fixedButAdding = by("alice", "a1", { base: base({ fixed_membership: true }) });
    denied(authorize(coop, fixedButAdding), "POLICY-BASE-07");
  });
});

describe("single actions", () => {
  it("POLICY-CAP-01 an action needs its capability in the actor's role", () => {
    allowed(authorize(coop, by("carol", "c1", { action: "canSendMessage" })));
    denied(authorize(coop, by("dave", undefined, { action: "canSendMessage" })), "POLICY-CAP-01");
    denied(authorize(coop, by("erin", undefined, { action: "canReceiveMessage" })), "POLICY-CAP-01");
    denied(authorize(coop, by("bob", "b1", { action: "canBan" })), "POLICY-CAP-01");
    denied(authorize(coop, by("bob", "b1", { action: "canFly" })), "POLICY-CAP-01");
    allowed(authorize(coop, by("hub", undefined, { action: "canSendMLSReinitProposal" })));
  });

  it("POLICY-CAP-02 reserved capabilities authorize nothing", () => {
    denied(authorize(coop, by("carol", "c1", { action: "canChangeOwnName" })), "POLICY-CAP-02");
  });

  it("uses configurable capability code points", () => {
    const shifted = Object.fromEntries(
      Object.entries(roleCapabilities).map(([k, v]) => [k, v + 0x1000]),
    ) as unknown as typeof roleCapabilities;
    // with shifted code points, the registry values in the roles no longer mean anything
    denied(
      authorize(coop, by("carol", "c1", { action: "canSendMessage" }), { capabilities: shifted }),
      "POLICY-CAP-01",
    );
  });
});

describe("verdicts", () => {
  it("an allowed verdict lists the rules that applied; a denial names the rule, the reason and the path", () => {
    const v = authorize(coop, by("carol", "c1", { participantList: pl({ added: [["erin", 3]] }) }));
    expect(v).toEqual({
      allowed: false,
      rule: "POLICY-ADD-01",
      reason: "role 2 may not add users with role 3",
      path: "/participantList/addedParticipants/0",
    });
    const ok = authorize(coop, by("carol", "c1", { action: "canSendMessage" }));
    expect(ok).toEqual({ allowed: true, rules: ["POLICY-CAP-02", "POLICY-CAP-01"] });
  });
});
