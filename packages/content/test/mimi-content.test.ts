import { readUpstreamHex, readUpstreamText } from "@mimi/spec-vectors";
import { webSha256 } from "@mimi/testkit/web-crypto";
import { bytesEqual, CodecError, toHex, utf8, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  computeMessageId,
  decodeMimiContent,
  encodeMimiContent,
  externalLink,
  type MimiContent,
  mimiContentFromJson,
  mimiContentToJson,
  roomUriOf,
  senderUriOf,
} from "../src/index.js";
import { draftExamples } from "../vectors/suites.js";

const original = readUpstreamHex("content/original.hex");
const ALICE = "mimi://example.com/u/alice-smith";
const ROOM = "mimi://example.com/r/engineering_team";

describe("message ID (§3.3)", () => {
  it("CONTENT-ID-01 the -07 construction (no u16 length prefixes) gives the stale ID, not the -08 one", async () => {
    const c = decodeMimiContent(original);
    const h = await webSha256(utf8(ALICE), utf8(ROOM), original, c.salt);
    const draft07 = `01${toHex(h.subarray(0, 31))}`;
    expect(draft07).toBe(readUpstreamText("content/original.msgid-draft07-algorithm.hex").trim());
    expect(toHex(computeMessageId(original, ALICE, ROOM))).not.toBe(draft07);
    expect(toHex(computeMessageId(original, ALICE, ROOM))).toBe(
      readUpstreamText("content/original.msgid.hex").trim(),
    );
  });
  it("CONTENT-ID-01 the ID depends on sender, room and every byte", () => {
    const id = computeMessageId(original, ALICE, ROOM);
    expect(bytesEqual(computeMessageId(original, `${ALICE}x`, ROOM), id)).toBe(false);
    expect(bytesEqual(computeMessageId(original, ALICE, `${ROOM}x`), id)).toBe(false);
    // moving one octet from the end of the sender to the start of the room changes the ID (length prefixes)
    expect(bytesEqual(computeMessageId(original, "ab", "c"), computeMessageId(original, "a", "bc"))).toBe(
      false,
    );
  });
  it("CONTENT-ID-02 URIs longer than 65535 octets are rejected", () => {
    expect(() => computeMessageId(original, "a".repeat(65536), ROOM)).toThrow(ValidationError);
    expect(() => computeMessageId(original, ALICE, "a".repeat(65535))).not.toThrow();
  });
  it("CONTENT-ID-01 invalid content has no message ID", () => {
    expect(() => computeMessageId(original.subarray(1), ALICE, ROOM)).toThrow(CodecError);
  });
});

describe("decoded values", () => {
  it("original: fields as in §5.1", () => {
    const c = decodeMimiContent(original);
    expect(senderUriOf(c.mimiExtensions)).toBe(ALICE);
    expect(roomUriOf(c.mimiExtensions)).toBe(ROOM);
    expect(c.nestedPart).toMatchObject({
      disposition: 1,
      language: "",
      cardinality: 1,
      contentType: "text/markdown;variant=GFM-MIMI",
    });
    expect(c.replaces).toBeNull();
    expect(c.expires).toBeNull();
  });
  it("attachment: ExternalPart's 15 fields", () => {
    const c = decodeMimiContent(readUpstreamHex("content/attachment.hex"));
    expect(c.nestedPart).toMatchObject({
      cardinality: 2,
      size: 708234961,
      encAlg: 1,
      hashAlg: 1,
      filename: "bigfile.mp4",
    });
  });
  it("CONTENT-JSON-01 every example survives the JSON form", () => {
    for (const v of draftExamples()) {
      const bytes = readUpstreamHex(`content/${v.cbor_hex_file}`);
      const json = JSON.parse(JSON.stringify(mimiContentToJson(decodeMimiContent(bytes)))) as unknown;
      expect(toHex(encodeMimiContent(mimiContentFromJson(json)))).toBe(toHex(bytes));
    }
  });
  it("CONTENT-JSON-01 malformed JSON fields are ValidationErrors", () => {
    expect(() => mimiContentFromJson([])).toThrow(ValidationError);
    expect(() => mimiContentFromJson({ salt: 3 })).toThrow(ValidationError);
  });
});

describe("encoding validates", () => {
  const base = decodeMimiContent(original);
  const bad = (patch: Partial<MimiContent>, rule: string): void => {
    try {
      encodeMimiContent({ ...base, ...patch });
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).rule).toBe(rule);
      return;
    }
    throw new Error("accepted");
  };
  it("CONTENT-MSG-02 salt of 15 octets", () => bad({ salt: new Uint8Array(15) }, "CONTENT-MSG-02"));
  it("CONTENT-MSG-03 replaces of 31 octets", () => bad({ replaces: new Uint8Array(31) }, "CONTENT-MSG-03"));
  it("CONTENT-EXP-01 expiration time 2^32", () =>
    bad({ expires: { relative: false, time: 2 ** 32 } }, "CONTENT-EXP-01"));
  it("CONTENT-EXT-02 empty text key", () => bad({ mimiExtensions: new Map([["", 1]]) }, "CONTENT-EXT-02"));
  it("CONTENT-EXT-04 unsafe integer key", () =>
    bad({ mimiExtensions: new Map([[2 ** 53, 1]]) }, "CONTENT-EXT-04"));
  it("CONTENT-EXT-05 arrays 5 levels deep", () =>
    bad({ mimiExtensions: new Map([[9, [[[[1]]]]]]) }, "CONTENT-EXT-05"));
  it("CONTENT-EXT-06 senderUri not text", () => bad({ mimiExtensions: new Map([[1, 5]]) }, "CONTENT-EXT-06"));
  it("CONTENT-PART-05 MultiPart with one part", () =>
    bad(
      {
        nestedPart: {
          disposition: 1,
          language: "",
          cardinality: 3,
          partSemantics: 0,
          parts: [base.nestedPart],
        },
      },
      "CONTENT-PART-05",
    ));
  it("CONTENT-PART-04 hashAlg 256", () =>
    bad(
      {
        nestedPart: { ...externalLink({ url: "", disposition: 6 }), hashAlg: 256 },
      },
      "CONTENT-PART-04",
    ));
  it("CONTENT-CBOR-04 floats keep their shortest form and stay floats", () => {
    const c = {
      ...base,
      mimiExtensions: new Map([[9, [{ float: 1 }, { float: 1.5 }, { float: 0.1 }, { float: Number.NaN }]]]),
    };
    const hex = toHex(encodeMimiContent(c));
    expect(hex).toContain("84f93c00f93e00fb3fb999999999999af97e00");
    expect(decodeMimiContent(encodeMimiContent(c))).toEqual(c);
  });
});
