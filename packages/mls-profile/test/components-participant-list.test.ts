import { fc, test } from "@fast-check/vitest";
import { encodeWith, isMimiError, utf8, ValidationError, vector } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  applyAppDataUpdates,
  applyParticipantListUpdates,
  decodeParticipantListData,
  decodeParticipantListUpdate,
  defaultCodePoints,
  encodeAppDataDictionary,
  encodeParticipantListData,
  encodeParticipantListUpdate,
  findParticipant,
  getComponentData,
  mimiComponentHandlers,
  type ParticipantListData,
  type ParticipantListUpdate,
  userRolePairCodec,
} from "../src/index.js";

const u = (s: string): Uint8Array => utf8(`mimi://example.com/u/${s}`);
const list = (...pairs: [string, number][]): ParticipantListData => ({
  participants: pairs.map(([s, role_index]) => ({ user: u(s), role_index })),
});
const names = (l: ParticipantListData): string[] =>
  l.participants.map((p) => `${new TextDecoder().decode(p.user).slice(21)}:${p.role_index}`);
const upd = (p: Partial<ParticipantListUpdate>): ParticipantListUpdate => ({
  changedRoleParticipants: [],
  removedIndices: [],
  addedParticipants: [],
  ...p,
});

const arbList: fc.Arbitrary<ParticipantListData> = fc
  .uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 8 }), {
    maxLength: 6,
    selector: (b) => Array.from(b).join(","),
  })
  .chain((users) =>
    fc.array(fc.nat({ max: 9 }), { minLength: users.length, maxLength: users.length }).map((roles) => ({
      participants: users.map((user, i) => ({ user, role_index: roles[i]! })),
    })),
  );
const arbUpdate: fc.Arbitrary<ParticipantListUpdate> = fc.record({
  changedRoleParticipants: fc.array(
    fc.record({ user_index: fc.nat({ max: 7 }), role_index: fc.nat({ max: 9 }) }),
    { maxLength: 3 },
  ),
  removedIndices: fc.array(fc.nat({ max: 7 }), { maxLength: 3 }),
  addedParticipants: fc.array(
    fc.record({ user: fc.uint8Array({ minLength: 1, maxLength: 8 }), role_index: fc.nat({ max: 9 }) }),
    {
      maxLength: 3,
    },
  ),
});

describe("participant_list codecs (draft-ietf-mimi-protocol-06 §7.5)", () => {
  test.prop([arbList])("ParticipantListData round-trips", (l) => {
    expect(decodeParticipantListData(encodeParticipantListData(l))).toEqual(l);
  });

  test.prop([arbUpdate])("ParticipantListUpdate round-trips", (x) => {
    expect(decodeParticipantListUpdate(encodeParticipantListUpdate(x))).toEqual(x);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])("random bytes only ever give a typed error", (b) => {
    for (const f of [decodeParticipantListData, decodeParticipantListUpdate]) {
      try {
        f(b);
      } catch (e) {
        expect(isMimiError(e), String(e)).toBe(true);
      }
    }
  });

  it("MLS-PLIST-01: a user is listed once (one role per user)", () => {
    const dup = list(["alice", 4], ["bob", 2], ["alice", 2]);
    expect(() => encodeParticipantListData(dup)).toThrow(
      expect.objectContaining({ rule: "MLS-PLIST-01", path: "/participants/2/user" }),
    );
    const raw = encodeWith(vector(userRolePairCodec), dup.participants);
    expect(() => decodeParticipantListData(raw)).toThrow(ValidationError);
    expect(findParticipant(list(["alice", 4], ["bob", 2]), u("bob"))).toBe(1);
  });

  it("MLS-PLIST-01: two users whose bytes share the check's 32-bit hash are two users; a repeat of either is refused", () => {
    // FNV-1a (32 bits) of these two URIs is 3169512706 for both
    const [x, y] = ["mimi://example.com/u/c2ya8", "mimi://example.com/u/czki6"].map(utf8);
    const pair = {
      participants: [
        { user: x!, role_index: 2 },
        { user: y!, role_index: 3 },
      ],
    };
    expect(decodeParticipantListData(encodeParticipantListData(pair))).toEqual(pair);
    for (const again of [x!, y!]) {
      const listed = { participants: [...pair.participants, { user: again, role_index: 2 }] };
      expect(() => encodeParticipantListData(listed)).toThrow(
        expect.objectContaining({
          rule: "MLS-PLIST-01",
          path: "/participants/2/user",
          message: expect.stringContaining(`at index ${again === x ? 0 : 1}`),
        }),
      );
    }
  });
});

describe("ParticipantListUpdate semantics", () => {
  const start = list(["alice", 4], ["bob", 2], ["cathy", 2], ["dave", 2]);

  it("MLS-PLIST-02: role changes, then removals, then appends; indices into the current list", () => {
    const r = applyParticipantListUpdates(start, [
      upd({
        changedRoleParticipants: [{ user_index: 3, role_index: 3 }],
        removedIndices: [2, 0],
        addedParticipants: [{ user: u("erin"), role_index: 2 }],
      }),
    ]);
    // dave (index 3 before the removals) got the new role; cathy and alice are gone; erin appended
    expect(names(r.list)).toEqual(["bob:2", "dave:3", "erin:2"]);
    expect(r.changes.map((c) => c.kind)).toEqual(["role", "remove", "remove", "add"]);
    expect(r.changes[0]).toEqual({ kind: "role", user: u("dave"), from: 2, to: 3 });
  });

  it("MLS-PLIST-02: later updates of a commit index the list the earlier ones produced", () => {
    const r = applyParticipantListUpdates(start, [
      upd({ removedIndices: [0] }),
      upd({ changedRoleParticipants: [{ user_index: 0, role_index: 9 }] }),
    ]);
    expect(names(r.list)).toEqual(["bob:9", "cathy:2", "dave:2"]);
  });

  it("MLS-PLIST-03: an index outside the current list is invalid", () => {
    expect(() => applyParticipantListUpdates(start, [upd({ removedIndices: [4] })])).toThrow(
      expect.objectContaining({ rule: "MLS-PLIST-03", path: "/0/removedIndices/0" }),
    );
    expect(() =>
      applyParticipantListUpdates(start, [
        upd({ changedRoleParticipants: [{ user_index: 7, role_index: 1 }] }),
      ]),
    ).toThrow(
      expect.objectContaining({ rule: "MLS-PLIST-03", path: "/0/changedRoleParticipants/0/user_index" }),
    );
  });

  it("MLS-PLIST-04: no user touched twice in a commit", () => {
    const cases: ParticipantListUpdate[][] = [
      [upd({ removedIndices: [1, 1] })],
      [upd({ changedRoleParticipants: [{ user_index: 1, role_index: 3 }], removedIndices: [1] })],
      [
        upd({
          changedRoleParticipants: [
            { user_index: 1, role_index: 3 },
            { user_index: 1, role_index: 4 },
          ],
        }),
      ],
      [upd({ removedIndices: [1], addedParticipants: [{ user: u("bob"), role_index: 2 }] })],
      [
        upd({
          addedParticipants: [
            { user: u("erin"), role_index: 2 },
            { user: u("erin"), role_index: 3 },
          ],
        }),
      ],
      [upd({ removedIndices: [1] }), upd({ addedParticipants: [{ user: u("bob"), role_index: 2 }] })],
      [upd({ addedParticipants: [{ user: u("erin"), role_index: 2 }] }), upd({ removedIndices: [4] })],
    ];
    for (const c of cases) {
      expect(() => applyParticipantListUpdates(start, c)).toThrow(
        expect.objectContaining({ rule: "MLS-PLIST-04" }),
      );
    }
  });

  it("MLS-PLIST-05: appending a user who is already a participant is invalid", () => {
    expect(() =>
      applyParticipantListUpdates(start, [upd({ addedParticipants: [{ user: u("cathy"), role_index: 1 }] })]),
    ).toThrow(expect.objectContaining({ rule: "MLS-PLIST-05", path: "/0/addedParticipants/0/user" }));
  });

  it("MLS-PLIST-06: each action is authorized by room policy", () => {
    const noBans = { authorize: (c: { kind: string; to?: number }) => !(c.kind === "role" && c.to === 1) };
    expect(() =>
      applyParticipantListUpdates(
        start,
        [upd({ changedRoleParticipants: [{ user_index: 2, role_index: 1 }] })],
        noBans,
      ),
    ).toThrow(expect.objectContaining({ rule: "MLS-PLIST-06" }));
    expect(
      names(
        applyParticipantListUpdates(
          start,
          [upd({ changedRoleParticipants: [{ user_index: 2, role_index: 3 }] })],
          noBans,
        ).list,
      ),
    ).toEqual(["alice:4", "bob:2", "cathy:3", "dave:2"]);
  });

  test.prop([arbList, fc.array(arbUpdate, { maxLength: 3 })])(
    "random updates give a valid list (one role per user) or a ValidationError",
    (l, ups) => {
      try {
        const r = applyParticipantListUpdates(l, ups);
        expect(decodeParticipantListData(encodeParticipantListData(r.list))).toEqual(r.list);
        const touched = r.changes.map((c) => Array.from(c.user).join(","));
        expect(new Set(touched).size).toBe(touched.length);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
      }
    },
  );

  it("plugs into AppDataUpdate processing as the participant_list component", () => {
    const id = defaultCodePoints.componentIds.participant_list;
    const handlers = mimiComponentHandlers();
    const d0 = { component_data: [{ component_id: id, data: encodeParticipantListData(start) }] };
    const add = encodeParticipantListUpdate(upd({ addedParticipants: [{ user: u("erin"), role_index: 2 }] }));
    const rm = encodeParticipantListUpdate(upd({ removedIndices: [0] }));
    const d1 = applyAppDataUpdates(
      d0,
      [
        { component_id: id, op: "update", update: add },
        { component_id: id, op: "update", update: rm },
      ],
      handlers,
    );
    expect(names(decodeParticipantListData(getComponentData(d1, id)!))).toEqual([
      "bob:2",
      "cathy:2",
      "dave:2",
      "erin:2",
    ]);
    expect(encodeAppDataDictionary(d1).length).toBeGreaterThan(0);
    // the same user touched by two proposals of one commit
    const again = encodeParticipantListUpdate(upd({ removedIndices: [3] }));
    expect(() =>
      applyAppDataUpdates(
        d0,
        [
          { component_id: id, op: "update", update: rm },
          { component_id: id, op: "update", update: again },
        ],
        handlers,
      ),
    ).toThrow(expect.objectContaining({ rule: "MLS-EXT-06" }));
    // malformed update bytes make the commit invalid, not crash
    expect(() =>
      applyAppDataUpdates(d0, [{ component_id: id, op: "update", update: new Uint8Array([9]) }], handlers),
    ).toThrow(ValidationError);
  });
});
