import { readUpstreamHex, readUpstreamText } from "@mimi/spec-vectors";
import { fromHex, toHex, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  buildAlternatives,
  buildAttachment,
  buildConferencing,
  buildDelete,
  buildEdit,
  buildExpiring,
  buildOriginal,
  buildReaction,
  buildReactions,
  buildReply,
  buildUnlike,
  decodeMimiContent,
  encodeMimiContent,
  type MimiContent,
  type MultiPart,
  mention,
  multiPart,
  singlePart,
} from "../src/index.js";

const ROOM = "mimi://example.com/r/engineering_team";
const ALICE = "mimi://example.com/u/alice-smith";
const BOB = "mimi://example.com/u/bob-jones";
const CATHY = "mimi://example.com/u/cathy-washington";

const hex = (name: string): string => readUpstreamText(`content/${name}.hex`).trim();
const ex = (name: string): MimiContent => decodeMimiContent(readUpstreamHex(`content/${name}.hex`));
const id = (name: string): Uint8Array => fromHex(readUpstreamText(`content/${name}.msgid.hex`).trim());
const target = (name: string) => ({ content: ex(name), messageId: id(name) });
const enc = (c: MimiContent): string => toHex(encodeMimiContent(c));

describe("builders reproduce the draft's examples byte for byte", () => {
  it("§5.1 original", () => {
    const c = buildOriginal({
      senderUri: ALICE,
      roomUri: ROOM,
      salt: ex("original").salt,
      text: "Hi everyone, we just shipped release 2.0. __Good  work__!",
    });
    expect(enc(c)).toBe(hex("original"));
  });
  it("§5.2 reply", () => {
    const c = buildReply({
      senderUri: BOB,
      roomUri: ROOM,
      salt: ex("reply").salt,
      inReplyTo: id("original"),
      text: "Right on! _Congratulations_ 'all!",
    });
    expect(enc(c)).toBe(hex("reply"));
  });
  it("§5.3 reaction (U+2764 as in the bytes)", () => {
    const c = buildReaction({
      senderUri: CATHY,
      roomUri: ROOM,
      salt: ex("reaction").salt,
      inReplyTo: id("original"),
      reaction: "\u2764",
    });
    expect(enc(c)).toBe(hex("reaction"));
  });
  it("§5.4 mention", () => {
    const text = `Kudos to ${mention(ALICE, "@Alice Smith")} for making the release happen!`;
    const c = buildReply({
      senderUri: CATHY,
      roomUri: ROOM,
      salt: ex("mention").salt,
      inReplyTo: id("original"),
      text,
    });
    expect(enc(c)).toBe(hex("mention"));
  });
  it("§5.5 edit keeps every field but the body and replaces the first version", () => {
    const c = buildEdit(
      target("reply"),
      singlePart("text/markdown;variant=GFM-MIMI", "Right on! _Congratulations_ y'all!"),
      ex("edit").salt,
    );
    expect(enc(c)).toBe(hex("edit"));
    // editing the edit still replaces the reply (the first version)
    const again = buildEdit(target("edit"), singlePart("text/plain;charset=utf-8", "x"));
    expect(toHex(again.replaces!)).toBe(toHex(id("reply")));
  });
  it("§5.6 delete", () => {
    expect(enc(buildDelete(target("reply"), ex("delete").salt))).toBe(hex("delete"));
  });
  it("§5.7 unlike", () => {
    expect(enc(buildUnlike(target("reaction"), ex("unlike").salt))).toBe(hex("unlike"));
  });
  it("§5.8 expiring", () => {
    const c = buildExpiring({
      senderUri: ALICE,
      roomUri: ROOM,
      salt: ex("expiring").salt,
      expires: { relative: false, time: 1644390004 },
      text: "__*VPN GOING DOWN*__ I'm rebooting the VPN in ten minutes unless anyone objects.",
    });
    expect(enc(c)).toBe(hex("expiring"));
  });
  it("§5.9 attachment", () => {
    const a = ex("attachment");
    const c = buildAttachment({ senderUri: BOB, roomUri: ROOM, salt: a.salt, part: a.nestedPart as never });
    expect(enc(c)).toBe(hex("attachment"));
  });
  it("§5.10 conferencing", () => {
    const c = buildConferencing({
      senderUri: ALICE,
      roomUri: ROOM,
      salt: ex("conferencing").salt,
      topicId: new TextEncoder().encode("Foo 118"),
      url: "https://example.com/join/12345",
      description: "Join the Foo 118 conference",
    });
    expect(enc(c)).toBe(hex("conferencing"));
  });
  it("Appendix B.1 alternatives (chooseOne)", () => {
    const m = ex("multipart-1");
    const c = buildAlternatives({
      senderUri: ALICE,
      roomUri: ROOM,
      salt: m.salt,
      parts: (m.nestedPart as MultiPart).parts,
    });
    expect(enc(c)).toBe(hex("multipart-1"));
  });
  it("Appendix B.2 several reactions (processAll)", () => {
    const c = buildReactions({
      senderUri: ALICE,
      roomUri: ROOM,
      salt: ex("multipart-2").salt,
      reactions: ["\u2764", "\u{1F973}", "\u{1F91E}"],
    });
    expect(enc(c)).toBe(hex("multipart-2"));
  });
  it("CONTENT-PART-05 a MultiPart needs two parts", () => {
    expect(() => multiPart("processAll", [singlePart("text/plain", "x")])).toThrow(ValidationError);
  });
  it("CONTENT-SALT-01 builders draw a fresh salt when none is given", () => {
    const a = buildOriginal({ senderUri: ALICE, roomUri: ROOM, text: "x" });
    const b = buildOriginal({ senderUri: ALICE, roomUri: ROOM, text: "x" });
    expect(toHex(a.salt)).not.toBe(toHex(b.salt));
  });
});
