import { readUpstreamText } from "@mimi/spec-vectors";
import { describe, expect, it } from "vitest";
import {
  authorize,
  capabilityAliases,
  cooperativeRoles,
  isCapabilityName,
  moderatedRoles,
  multiOrgRoles,
  type ProposedChange,
  type RoleData,
  type RoomState,
  roleCapabilities,
  roleExamples,
  strictRoles,
} from "../src/index.js";
import { by, meta, pl, room, U, utf8Claim } from "./helpers.js";

interface PrintedRole {
  readonly name: string;
  readonly index: number;
  readonly caps: readonly string[];
  readonly constraints: Readonly<Record<string, number | undefined>>;
  readonly changes: readonly (readonly [number, readonly number[]])[];
}

/** Parse an Appendix A role list as printed. */
function parsePrinted(text: string): PrintedRole[] {
  const blocks = text.split(/^- (?=\w+$)/m).slice(1);
  return blocks.map((block) => {
    const name = block.split("\n")[0]!.trim();
    const num = (key: string): number | undefined => {
      const m = new RegExp(`${key} = (\\w+)`).exec(block);
      return m === null || m[1] === "null" ? undefined : Number(m[1]);
    };
    const changesText = /authorized_role_changes = `(.*)`/.exec(block)![1]!;
    const changes = [...changesText.matchAll(/\((\d+),\s*\[([\d,\s]*)\]\)/g)].map(
      (m) =>
        [
          Number(m[1]),
          m[2]!
            .split(",")
            .filter((x) => x.trim() !== "")
            .map(Number),
        ] as const,
    );
    const caps = [...block.matchAll(/^ {6}- (can\w+)/gm)].map((m) => m[1]!);
    return {
      name,
      index: num("role_index")!,
      caps,
      constraints: {
        minimum_participants_constraint: num("minimum_participants_constraint"),
        maximum_participants_constraint: num("maximum_participants_constraint"),
        minimum_active_participants_constraint: num("minimum_active_participants_constraint"),
        maximum_active_participants_constraint: num("maximum_active_participants_constraint"),
      },
      changes,
    };
  });
}

const files: Record<keyof typeof roleExamples, string> = {
  cooperative: "room-policy/roles-example-cooperative.txt",
  strict: "room-policy/roles-example-strict.txt",
  moderated: "room-policy/roles-example-moderated.txt",
  "multi-org": "room-policy/roles-example-multi-org.txt",
};

describe("Appendix A examples against the printed text (decision 0307)", () => {
  for (const [example, file] of Object.entries(files) as [keyof typeof roleExamples, string][]) {
    it(`${example}: indexes, names, constraints and authorized_role_changes as printed; every registry capability present`, () => {
      const printed = parsePrinted(readUpstreamText(file));
      const roles: RoleData = roleExamples[example];
      expect(roles.roles.map((r) => [r.role_index, r.role_name])).toEqual(
        printed.map((p) => [p.index, p.name]),
      );
      for (const [i, p] of printed.entries()) {
        const r = roles.roles[i]!;
        expect({
          minimum_participants_constraint: r.minimum_participants_constraint,
          maximum_participants_constraint: r.maximum_participants_constraint,
          minimum_active_participants_constraint: r.minimum_active_participants_constraint,
          maximum_active_participants_constraint: r.maximum_active_participants_constraint,
        }).toEqual(p.constraints);
        expect(r.authorized_role_changes.map((e) => [e.from_role_index, e.target_role_indexes])).toEqual(
          p.changes,
        );
        for (const cap of p.caps) {
          const value = isCapabilityName(cap) ? roleCapabilities[cap] : capabilityAliases[cap];
          if (value === undefined) {
            // not in the registry: left out (DI-POLICY-23)
            expect(["canRevokeVoice", "canGrantVoice"]).toContain(cap);
            continue;
          }
          expect(r.role_capabilities, `${p.name} ${cap}`).toContain(value);
        }
      }
    });
  }
});

type Case = readonly [string, RoomState, ProposedChange, boolean];

function scenarios(cases: readonly Case[]): void {
  it.each(cases)("%s", (_title, state, change, ok) => {
    const v = authorize(state, change);
    expect(v.allowed, JSON.stringify(v)).toBe(ok);
  });
}

describe("cooperatively administered room", () => {
  // 0 ann super_admin, 1 ben group_admin, 2 cal ordinary, 3 dee banned, 4 hub policy_enforcer, 5 fox ordinary
  const s = room(
    cooperativeRoles,
    [
      ["ann", 4],
      ["ben", 3],
      ["cal", 2],
      ["dee", 1],
      ["hub", 5],
      ["fox", 2],
    ],
    [
      ["a1", "ann"],
      ["b1", "ben"],
      ["c1", "cal"],
      ["f1", "fox"],
    ],
    { metadata: meta() },
  );
  scenarios([
    [
      "an ordinary user adds a friend as ordinary user",
      s,
      by("cal", "c1", {
        participantList: pl({ added: [["gus", 2]] }),
        adds: [{ client: "g1", user: U("gus") }],
      }),
      true,
    ],
    [
      "an ordinary user cannot add a group admin",
      s,
      by("cal", "c1", { participantList: pl({ added: [["gus", 3]] }) }),
      false,
    ],
    [
      "an ordinary user removes another ordinary user",
      s,
      by("cal", "c1", { participantList: pl({ removed: [5] }), removes: ["f1"] }),
      true,
    ],
    [
      "an ordinary user cannot ban",
      s,
      by("cal", "c1", { participantList: pl({ changed: [[5, 1]] }), removes: ["f1"] }),
      false,
    ],
    [
      "an ordinary user renames the room",
      s,
      by("cal", "c1", { metadata: meta({ room_name: { string: "x" } }) }),
      true,
    ],
    [
      "an ordinary user cannot change the description",
      s,
      by("cal", "c1", {
        metadata: meta({
          room_descriptions: [{ media_type: "", language_tag: "", description_content: new Uint8Array([1]) }],
        }),
      }),
      false,
    ],
    [
      "a group admin bans an ordinary user",
      s,
      by("ben", "b1", { participantList: pl({ changed: [[5, 1]] }), removes: ["f1"] }),
      true,
    ],
    [
      "a group admin unbans to ordinary user",
      s,
      by("ben", "b1", { participantList: pl({ changed: [[3, 2]] }) }),
      true,
    ],
    ["a group admin kicks", s, by("ben", "b1", { removes: ["c1"] }), true],
    [
      "the policy enforcer removes a banned user from the list (cleanup)",
      s,
      by("hub", undefined, { participantList: pl({ removed: [3] }) }),
      true,
    ],
    [
      "the policy enforcer cannot restore a banned user",
      s,
      by("hub", undefined, { participantList: pl({ changed: [[3, 2]] }) }),
      false,
    ],
    [
      "the super admin changes the membership style but not the role definitions",
      s,
      by("ann", "a1", { roles: cooperativeRoles }),
      false,
    ],
    ["the banned user cannot send", s, by("dee", undefined, { action: "canSendMessage" }), false],
    ["the banned user cannot rejoin externally", s, by("dee", "d1", { external: "commit" }), false],
  ]);
});

describe("strictly administered room", () => {
  // 0 ann super_admin, 1 ben group_admin, 2 cal ordinary, 3 hub policy_enforcer
  const s = room(
    strictRoles,
    [
      ["ann", 4],
      ["ben", 3],
      ["cal", 2],
      ["hub", 5],
    ],
    [
      ["a1", "ann"],
      ["b1", "ben"],
      ["c1", "cal"],
    ],
    {
      joinCodes: [{ code: "welcome", role_index: 2 }],
      preauth: {
        preauthorized_entries: [
          { claimset: [utf8Claim("title", "manager")], target_role: strictRoles.roles[3]! },
        ],
      },
    },
  );
  const join = (code?: string) =>
    by("gus", "g1", {
      external: "commit",
      participantList: pl({ added: [["gus", 2]] }),
      ...(code === undefined ? {} : { joinCode: code }),
    });
  scenarios([
    [
      "an ordinary user cannot add anyone",
      s,
      by("cal", "c1", { participantList: pl({ added: [["gus", 2]] }) }),
      false,
    ],
    [
      "a group admin adds an ordinary user",
      s,
      by("ben", "b1", { participantList: pl({ added: [["gus", 2]] }) }),
      true,
    ],
    ["a newcomer joins with a join code", s, join("welcome"), true],
    ["a newcomer without a code cannot join", s, join(), false],
    [
      "a manager promotes itself by preauthorization",
      s,
      by("cal", "c1", { participantList: pl({ changed: [[2, 3]] }) }, [utf8Claim("title", "manager")]),
      true,
    ],
    [
      "an ordinary user cannot promote itself without the claim",
      s,
      by("cal", "c1", { participantList: pl({ changed: [[2, 3]] }) }),
      false,
    ],
    ["the super admin changes the role definitions", s, by("ann", "a1", { roles: strictRoles }), true],
    ["the super admin sends a ReInit", s, by("ann", "a1", { action: "canSendMLSReinitProposal" }), true],
    [
      "an ordinary user cannot change the room name",
      s,
      by("cal", "c1", { metadata: meta({ room_name: { string: "x" } }) }),
      false,
    ],
  ]);
});

describe("moderated room", () => {
  // 0 ann super_admin, 1 mod moderator, 2 gil guest, 3 ada attendee, 4 sam speaker, 5 hub policy_enforcer
  const s = room(
    moderatedRoles,
    [
      ["ann", 6],
      ["mod", 5],
      ["gil", 2],
      ["ada", 3],
      ["sam", 4],
      ["hub", 7],
    ],
    [
      ["a1", "ann"],
      ["m1", "mod"],
      ["g1", "gil"],
      ["d1", "ada"],
      ["s1", "sam"],
    ],
    {
      joinCodes: [
        { code: "g", role_index: 2 },
        { code: "a", role_index: 3 },
        { code: "s", role_index: 4 },
      ],
    },
  );
  const join = (code: string, role: number) =>
    by("new", "n1", { external: "commit", joinCode: code, participantList: pl({ added: [["new", role]] }) });
  scenarios([
    ["a guest cannot send messages", s, by("gil", "g1", { action: "canSendMessage" }), false],
    ["a guest receives messages", s, by("gil", "g1", { action: "canReceiveMessage" }), true],
    ["an attendee cannot send messages", s, by("ada", "d1", { action: "canSendMessage" }), false],
    ["an attendee replies in a topic", s, by("ada", "d1", { action: "canReplyInTopic" }), true],
    ["a speaker sends messages", s, by("sam", "s1", { action: "canSendMessage" }), true],
    ["a speaker keeps the attendee's capabilities", s, by("sam", "s1", { action: "canReportAbuse" }), true],
    [
      "a moderator gives an attendee the voice",
      s,
      by("mod", "m1", { participantList: pl({ changed: [[3, 4]] }) }),
      true,
    ],
    [
      "a moderator takes the voice back",
      s,
      by("mod", "m1", { participantList: pl({ changed: [[4, 3]] }) }),
      true,
    ],
    ["a moderator can send messages too", s, by("mod", "m1", { action: "canSendMessage" }), true],
    ["join codes admit guests", s, join("g", 2), true],
    ["join codes admit attendees", s, join("a", 3), true],
    ["no join code admits a speaker", s, join("s", 4), false],
    [
      "an attendee adds another of its clients",
      s,
      by("ada", "d1", { adds: [{ client: "d2", user: U("ada") }] }),
      true,
    ],
    [
      "a guest cannot add another of its clients",
      s,
      by("gil", "g1", { adds: [{ client: "g2", user: U("gil") }] }),
      false,
    ],
    [
      "a guest leaves",
      s,
      by("gil", "g1", { sentAs: "proposals", participantList: pl({ removed: [2] }), selfRemove: true }),
      true,
    ],
  ]);
});

describe("multi-organization administered room", () => {
  // 0 ann super_admin, 1 bea org_b_admin, 2 bob org_b_user, 3 cid org_c_admin, 4 cyd org_c_user, 5 amy org_a_user
  const s = room(
    multiOrgRoles,
    [
      ["ann", 8],
      ["bea", 6],
      ["bob", 3],
      ["cid", 7],
      ["cyd", 4],
      ["amy", 2],
    ],
    [
      ["a1", "ann"],
      ["b1", "bea"],
      ["b2", "bob"],
      ["c1", "cid"],
      ["c2", "cyd"],
      ["y1", "amy"],
    ],
    {
      preauth: {
        preauthorized_entries: [
          { claimset: [utf8Claim("org", "a-admins")], target_role: multiOrgRoles.roles[5]! },
        ],
      },
    },
  );
  scenarios([
    [
      "an org B admin adds an org B user",
      s,
      by("bea", "b1", { participantList: pl({ added: [["bo2", 3]] }) }),
      true,
    ],
    [
      "an org B admin cannot add an org C user",
      s,
      by("bea", "b1", { participantList: pl({ added: [["cy2", 4]] }) }),
      false,
    ],
    [
      "an org B admin promotes an org B user to admin",
      s,
      by("bea", "b1", { participantList: pl({ changed: [[2, 6]] }) }),
      true,
    ],
    [
      "an org B admin bans an org B user",
      s,
      by("bea", "b1", { participantList: pl({ changed: [[2, 1]] }), removes: ["b2"] }),
      true,
    ],
    [
      "an org B admin cannot ban an org C user",
      s,
      by("bea", "b1", { participantList: pl({ changed: [[4, 1]] }), removes: ["c2"] }),
      false,
    ],
    [
      "an org B admin cannot kick itself out of its last admin seat",
      s,
      by("ann", "a1", { participantList: pl({ changed: [[1, 3]] }) }),
      false,
    ],
    [
      "an org user cannot upload images, an org admin can",
      s,
      by("bob", "b2", { action: "canUploadImage" }),
      false,
    ],
    ["an org admin uploads images", s, by("bea", "b1", { action: "canUploadImage" }), true],
    [
      "an org A user becomes org A admin by preauthorization",
      s,
      by("amy", "y1", { participantList: pl({ changed: [[5, 5]] }) }, [utf8Claim("org", "a-admins")]),
      true,
    ],
    [
      "an org B user cannot change its own role",
      s,
      by("bob", "b2", { participantList: pl({ changed: [[2, 6]] }) }, [utf8Claim("org", "a-admins")]),
      false,
    ],
    [
      "the super admin changes the room subject",
      s,
      by("ann", "a1", { metadata: meta({ room_subject: { string: "q3" } }) }),
      true,
    ],
  ]);

  it("org admin roles hold at most three participants", () => {
    const full = room(
      multiOrgRoles,
      [
        ["ann", 8],
        ["b1", 6],
        ["b2", 6],
        ["b3", 6],
        ["bob", 3],
      ],
      [
        ["a1", "ann"],
        ["x1", "b1"],
      ],
    );
    expect(authorize(full, by("b1", "x1", { participantList: pl({ changed: [[4, 6]] }) }))).toMatchObject({
      allowed: false,
      rule: "POLICY-CONS-02",
    });
  });

  it("an org B admin can ban but not unban", () => {
    const banned = room(
      multiOrgRoles,
      [
        ["ann", 8],
        ["bea", 6],
        ["bob", 1],
      ],
      [
        ["a1", "ann"],
        ["b1", "bea"],
      ],
    );
    expect(authorize(banned, by("bea", "b1", { participantList: pl({ changed: [[2, 3]] }) })).allowed).toBe(
      false,
    );
    expect(authorize(banned, by("ann", "a1", { participantList: pl({ changed: [[2, 3]] }) })).allowed).toBe(
      true,
    );
  });
});
