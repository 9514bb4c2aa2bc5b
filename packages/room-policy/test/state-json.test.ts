import { fc, test } from "@fast-check/vitest";
import { MimiError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { proposedChangeFromJson, roomStateFromJson } from "../src/index.js";

const state = {
  roles: "strict",
  participants: [{ user: "mimi://Example.COM/u/ann", role_index: 4 }],
  clients: [{ client: "mimi://example.com/d/ann/a1", user: "mimi://example.com/u/ann" }],
  metadata: {
    room_uri: { uri: "MIMI://example.com/r/club" },
    room_name: { string: "Club" },
    room_descriptions: [],
    room_avatar: { uri: "https://example.com/a.png" },
    room_subject: { string: "" },
    room_mood: { string: "" },
  },
};

describe("JSON form of the engine's inputs", () => {
  it("canonicalizes users, clients and the room URI, and expands a named example", () => {
    const s = roomStateFromJson(state);
    expect(s.participants[0]!.user).toBe("mimi://example.com/u/ann");
    expect(s.metadata!.room_uri.uri).toBe("mimi://example.com/r/club");
    expect(s.roles.roles.map((r) => r.role_name)).toContain("group_admin");
  });

  it("reads a change's enums and component names", () => {
    const c = proposedChangeFromJson({
      actor: { user: "mimi://example.com/u/ann" },
      sentAs: "proposals",
      external: "proposal",
      otherPolicy: ["bot_policy", 0x2c],
    });
    expect(c).toEqual({
      actor: { user: "mimi://example.com/u/ann" },
      sentAs: "proposals",
      external: "proposal",
      otherPolicy: ["bot_policy", "asset_policy"],
    });
  });
});

test.prop([fc.jsonValue()], { numRuns: 200 })("arbitrary JSON only ever gives a MIMI error", (json) => {
  for (const parse of [roomStateFromJson, proposedChangeFromJson]) {
    try {
      parse(json);
    } catch (e) {
      expect(e).toBeInstanceOf(MimiError);
    }
  }
});

test.prop([fc.constantFrom("participants", "clients", "metadata", "roles"), fc.jsonValue()], {
  numRuns: 200,
})("a state with one field replaced by arbitrary JSON only ever gives a MIMI error", (key, value) => {
  try {
    roomStateFromJson({ ...state, [key]: value });
  } catch (e) {
    expect(e).toBeInstanceOf(MimiError);
  }
});
