import { fc, test } from "@fast-check/vitest";
import { CodecError, encodeTls, isMimiError, utf8, type ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  applyAppDataUpdates,
  decodeRoomMetaData,
  defaultCodePoints,
  encodeRoomMetaData,
  getComponentData,
  mimiComponentHandlers,
  type RoomMetaData,
} from "../src/index.js";

const meta: RoomMetaData = {
  room_uri: { uri: "mimi://example.com/r/clubhouse" },
  room_name: { string: "Clubhouse ☕" },
  room_descriptions: [
    { media_type: "", language_tag: "en", description_content: utf8("A place to hang out") },
    {
      media_type: "text/markdown;variant=GFM-MIMI",
      language_tag: "fr-CA",
      description_content: utf8("*Un* club"),
    },
  ],
  room_avatar: { uri: "https://example.com/avatar.png" },
  room_subject: { string: "" },
  room_mood: { string: "chill" },
};

const arbText = fc.string({ maxLength: 12 }).filter((s) => !s.includes("\u0000"));
const arbMeta: fc.Arbitrary<RoomMetaData> = fc.record({
  room_uri: fc.constantFrom("mimi://a.example/r/x", "https://b.example/room?id=1").map((uri) => ({ uri })),
  room_name: arbText.map((string) => ({ string })),
  room_descriptions: fc.array(
    fc.record({
      media_type: fc.constantFrom("", "text/plain", "text/plain;charset=utf-8"),
      language_tag: fc.constantFrom("", "en", "de-CH"),
      description_content: fc.uint8Array({ maxLength: 16 }),
    }),
    { maxLength: 2 },
  ),
  room_avatar: fc.constantFrom("", "https://a.example/x.png").map((uri) => ({ uri })),
  room_subject: arbText.map((string) => ({ string })),
  room_mood: arbText.map((string) => ({ string })),
});

function raw(m: RoomMetaData): Uint8Array {
  // bypasses the encoder's checks, to feed the decoder invalid values
  return encodeTls((w) => {
    w.opaque(utf8(m.room_uri.uri));
    w.opaque(utf8(m.room_name.string));
    w.vector(m.room_descriptions, (dw, d) => {
      dw.opaque(utf8(d.media_type));
      dw.opaque(utf8(d.language_tag));
      dw.opaque(d.description_content);
    });
    w.opaque(utf8(m.room_avatar.uri));
    w.opaque(utf8(m.room_subject.string));
    w.opaque(utf8(m.room_mood.string));
  });
}

describe("room_metadata (draft-ietf-mimi-protocol-06 §7.6)", () => {
  it("round-trips the example", () => {
    expect(decodeRoomMetaData(encodeRoomMetaData(meta))).toEqual(meta);
  });

  test.prop([arbMeta])("round-trips", (m) => {
    expect(decodeRoomMetaData(encodeRoomMetaData(m))).toEqual(m);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])("random bytes only ever give a typed error", (b) => {
    try {
      decodeRoomMetaData(b);
    } catch (e) {
      expect(isMimiError(e), String(e)).toBe(true);
    }
  });

  it("MLS-META-02: strings are valid UTF-8 without NUL", () => {
    expect(() => encodeRoomMetaData({ ...meta, room_name: { string: "a\u0000b" } })).toThrow(
      expect.objectContaining({ rule: "MLS-META-02", path: "/room_name/string" }),
    );
    expect(() => decodeRoomMetaData(raw({ ...meta, room_mood: { string: "\u0000" } }))).toThrow(
      expect.objectContaining({ rule: "MLS-META-02", path: "/room_mood/string" }),
    );
    expect(() => encodeRoomMetaData({ ...meta, room_subject: { string: "\ud800" } })).toThrow(
      expect.objectContaining({ rule: "MLS-META-02" }),
    );
    const bad = raw(meta);
    bad[bad.length - 1] = 0xff; // last byte of room_mood
    expect(() => decodeRoomMetaData(bad)).toThrow(CodecError);
  });

  it("MLS-META-03: URIs are URIs; room_uri is required", () => {
    for (const uri of ["", "not a uri", "mimi://a b", "1abc:x"]) {
      expect(() => encodeRoomMetaData({ ...meta, room_uri: { uri } }), uri).toThrow(
        expect.objectContaining({ rule: "MLS-META-03", path: "/room_uri/uri" }),
      );
    }
  });

  it("MLS-META-04: room_avatar is empty or an https URI", () => {
    expect(() => encodeRoomMetaData({ ...meta, room_avatar: { uri: "http://example.com/a.png" } })).toThrow(
      expect.objectContaining({ rule: "MLS-META-04" }),
    );
    expect(
      decodeRoomMetaData(encodeRoomMetaData({ ...meta, room_avatar: { uri: "" } })).room_avatar.uri,
    ).toBe("");
  });

  it("MLS-META-05: description media types and language tags are well-formed", () => {
    const d = meta.room_descriptions[0]!;
    expect(() =>
      encodeRoomMetaData({ ...meta, room_descriptions: [{ ...d, media_type: "markdown" }] }),
    ).toThrow(expect.objectContaining({ rule: "MLS-META-05", path: "/room_descriptions/0/media_type" }));
    expect(() =>
      decodeRoomMetaData(raw({ ...meta, room_descriptions: [{ ...d, language_tag: "en_US" }] })),
    ).toThrow(expect.objectContaining({ rule: "MLS-META-05", path: "/room_descriptions/0/language_tag" }));
  });

  it("MLS-META-01: a RoomMetaUpdate replaces the data, and only one per commit", () => {
    const id = defaultCodePoints.componentIds.room_metadata;
    const handlers = mimiComponentHandlers();
    const first = encodeRoomMetaData(meta);
    const second = encodeRoomMetaData({ ...meta, room_name: { string: "Renamed" }, room_descriptions: [] });
    let d = applyAppDataUpdates(
      { component_data: [] },
      [{ component_id: id, op: "update", update: first }],
      handlers,
    );
    d = applyAppDataUpdates(d, [{ component_id: id, op: "update", update: second }], handlers);
    expect(decodeRoomMetaData(getComponentData(d, id)!).room_name.string).toBe("Renamed");
    expect(() =>
      applyAppDataUpdates(
        d,
        [
          { component_id: id, op: "update", update: first },
          { component_id: id, op: "update", update: second },
        ],
        handlers,
      ),
    ).toThrow(expect.objectContaining({ rule: "MLS-EXT-06" }));
    try {
      applyAppDataUpdates(
        d,
        [
          { component_id: id, op: "update", update: first },
          { component_id: id, op: "update", update: first },
        ],
        handlers,
      );
    } catch (e) {
      expect((e as ValidationError).cause).toEqual(expect.objectContaining({ rule: "MLS-META-01" }));
    }
  });
});
