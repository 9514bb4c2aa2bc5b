import { readUpstreamHex, readUpstreamJson } from "@mimi/spec-vectors";
import { fromHex, toHex } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  buildConversation,
  buildDelete,
  buildEdit,
  buildMessage,
  buildOriginal,
  buildReaction,
  type ConversationOptions,
  computeMessageId,
  decodeMimiContent,
  encodeMimiContent,
  findReplyLoop,
  type MimiContent,
  multiPart,
  type ReceivedMessage,
  singlePart,
} from "../src/index.js";

interface Example {
  readonly name: string;
  readonly sender_uri: string;
  readonly room_uri: string;
  readonly hub_accepted_timestamp_ms: number | null;
  readonly message_id: string;
}
const examples = (readUpstreamJson("content/manifest.json") as { vectors: Example[] }).vectors;
const ROOM = "mimi://example.com/r/engineering_team";
const ALICE = "mimi://example.com/u/alice-smith";
const BOB = "mimi://example.com/u/bob-jones";
const CATHY = "mimi://example.com/u/cathy-washington";
const T0 = 1644387225019;
const now = 1644389500000;

function received(name: string, overrides: Partial<ReceivedMessage> = {}): ReceivedMessage {
  const v = examples.find((e) => e.name === name)!;
  return {
    bytes: readUpstreamHex(`content/${name}.hex`),
    senderUri: v.sender_uri,
    roomUri: v.room_uri,
    acceptedTimestamp: v.hub_accepted_timestamp_ms ?? T0 + 3_000_000,
    ...overrides,
  };
}
const idOf = (name: string): string => examples.find((e) => e.name === name)!.message_id;
const send = (c: MimiContent, senderUri: string, acceptedTimestamp: number): ReceivedMessage => ({
  bytes: encodeMimiContent(c),
  senderUri,
  roomUri: ROOM,
  acceptedTimestamp,
});
const target = (m: ReceivedMessage) => ({
  content: decodeMimiContent(m.bytes),
  messageId: computeMessageId(m.bytes, m.senderUri, m.roomUri),
});
const opts: ConversationOptions = { now };

describe("conversation model", () => {
  it("CONTENT-ORDER-01 CONTENT-AUTH-01 the §5 examples: edits, deletes, reactions and unlikes applied in accepted order", () => {
    const names = [
      "unlike",
      "edit",
      "original",
      "reply",
      "reaction",
      "mention",
      "mention-html",
      "delete",
      "expiring",
    ];
    const v = buildConversation(
      names.map((n) => received(n)),
      opts,
    );
    expect(v.discarded).toEqual([]);
    // mention (018d…) and mention-html (0196…) share a timestamp: the lower ID first
    expect(v.messages.map((m) => m.messageId)).toEqual(
      ["original", "reply", "mention", "mention-html", "expiring"].map(idOf),
    );
    const [original, reply] = v.messages;
    expect(original!.reactions).toEqual([]); // reaction then unlike
    // delete (lower ID) and edit share a timestamp: the delete comes first and stays final
    expect(reply!.deleted).toBe(true);
    expect(reply!.versions).toEqual([idOf("reply"), idOf("delete"), idOf("edit")]);
    expect(v.messages[2]!.inReplyToMessage).toBe(idOf("original"));
  });

  it("reactions are aggregated per reaction with their senders", () => {
    const orig = received("original");
    const r1 = received("reaction");
    const r2 = send(
      buildReaction({
        senderUri: BOB,
        roomUri: ROOM,
        inReplyTo: fromHex(idOf("original")),
        reaction: "\u2764",
      }),
      BOB,
      T0 + 1000,
    );
    const r3 = send(
      buildReaction({
        senderUri: BOB,
        roomUri: ROOM,
        inReplyTo: fromHex(idOf("original")),
        reaction: "\u{1F44D}",
      }),
      BOB,
      T0 + 2000,
    );
    const v = buildConversation([orig, r1, r2, r3], opts);
    expect(v.messages).toHaveLength(1);
    expect(v.messages[0]!.reactions).toEqual([
      { reaction: "\u2764", senders: [BOB, CATHY] },
      { reaction: "\u{1F44D}", senders: [BOB] },
    ]);
  });

  it("CONTENT-AUTH-01 only the original sender may edit or delete, unless a policy authorizes it", () => {
    const reply = received("reply");
    const del = send(buildDelete(target(reply)), CATHY, T0 + 20_000);
    const v = buildConversation([received("original"), reply, del], opts);
    expect(v.discarded.map((d) => d.reason)).toEqual(["senderMismatch"]); // senderUri extension says bob
    const forged = {
      ...buildDelete(target(reply)),
      mimiExtensions: new Map([
        [1, CATHY],
        [2, ROOM],
      ]),
    };
    const v2 = buildConversation([reply, send(forged, CATHY, T0 + 20_000)], opts);
    expect(v2.discarded.map((d) => d.reason)).toEqual(["unauthorizedReplacement"]);
    expect(v2.messages[0]!.deleted).toBe(false);
    const moderated = buildConversation([reply, send(forged, CATHY, T0 + 20_000)], {
      ...opts,
      authorize: (actor) => actor === CATHY,
    });
    expect(moderated.messages[0]!.deleted).toBe(true);
  });

  it("CONTENT-AUTH-01 only the reaction's sender may unlike it", () => {
    const reaction = received("reaction");
    const forged = {
      ...buildDelete(target(reaction)),
      mimiExtensions: new Map([
        [1, BOB],
        [2, ROOM],
      ]),
    };
    const v = buildConversation([received("original"), reaction, send(forged, BOB, T0 + 20_000)], opts);
    expect(v.discarded.map((d) => d.reason)).toEqual(["unauthorizedReplacement"]);
    expect(v.messages[0]!.reactions).toHaveLength(1);
  });

  it("CONTENT-AUTH-02 an edit may change only the body", () => {
    const reply = received("reply");
    const edit = { ...buildEdit(target(reply), singlePart("text/plain", "x")), topicId: new Uint8Array([1]) };
    const v = buildConversation([reply, send(edit, BOB, T0 + 20_000)], opts);
    expect(v.discarded.map((d) => d.reason)).toEqual(["replacementChangesOtherFields"]);
    const ok = buildConversation(
      [reply, send(buildEdit(target(reply), singlePart("text/plain", "x")), BOB, T0 + 20_000)],
      opts,
    );
    expect(ok.messages[0]!.edited).toBe(true);
    expect(ok.messages[0]!.content.nestedPart).toMatchObject({ contentType: "text/plain" });
  });

  it("replacements of unknown messages are kept pending, not discarded (§9.1)", () => {
    const v = buildConversation([received("edit")], opts);
    expect(v.pendingReplacements).toEqual([idOf("edit")]);
    expect(v.discarded).toEqual([]);
  });

  it("CONTENT-SEC-01 the §9.1 log-and-discard checks, each with its reason", () => {
    const m = (c: MimiContent, ts = T0 + 1) => send(c, ALICE, ts);
    const base = { senderUri: ALICE, roomUri: ROOM, text: "x" };
    const many = multiPart(
      "processAll",
      Array.from({ length: 1025 }, () => singlePart("text/plain", "")),
    );
    const cases: [ReceivedMessage, string][] = [
      [{ ...received("original"), senderIsMember: false }, "notMember"],
      [received("original", { senderUri: BOB }), "senderMismatch"],
      [received("original", { acceptedTimestamp: now + 10 * 60 * 1000 }), "timestampInFuture"],
      [received("original", { acceptedTimestamp: Date.UTC(2021, 0, 1) }), "timestampTooEarly"],
      [m(buildOriginal({ ...base, topicId: new Uint8Array(4097) })), "topicIdTooLong"],
      [
        m(
          buildOriginal({
            ...base,
            expires: { relative: false, time: Math.floor((now - 400 * 86400_000) / 1000) },
          }),
        ),
        "expiredLongAgo",
      ],
      [m(buildOriginal({ ...base, expires: { relative: true, time: 400 * 86400 } })), "expiresTooFarAhead"],
      [
        m(
          buildOriginal({
            ...base,
            expires: { relative: false, time: Math.floor((now + 400 * 86400_000) / 1000) },
          }),
        ),
        "expiresTooFarAhead",
      ],
      [m(buildMessage({ senderUri: ALICE, roomUri: ROOM, nestedPart: many })), "tooManyParts"],
      [m(buildOriginal({ ...base, text: "x".repeat(2000) })), "contentTooLarge"],
      [
        { ...received("original"), bytes: readUpstreamHex("content/original.hex").subarray(1) },
        "undecodable",
      ],
    ];
    for (const [msg, reason] of cases) {
      const v = buildConversation([msg], { ...opts, maxContentOctets: 1000 });
      expect(
        v.discarded.map((d) => d.reason),
        reason,
      ).toEqual([reason]);
    }
    const dup = buildConversation([received("original"), received("original")], opts);
    expect(dup.discarded.map((d) => d.reason)).toEqual(["duplicateMessageId"]);
    const early = buildConversation([received("original")], { ...opts, roomCreated: T0 + 1 });
    expect(early.discarded.map((d) => d.reason)).toEqual(["beforeRoomCreated"]);
  });

  it("CONTENT-SEC-01 too deep nesting and unknown part semantics are discarded with their reasons", () => {
    const deep = (depth: number): string =>
      depth <= 1
        ? "850160016a746578742f706c61696e4168"
        : `8501600302 82${deep(depth - 1)}850160016a746578742f706c61696e4168`.replace(" ", "");
    const msg = (part: string): ReceivedMessage => ({
      bytes: fromHex(`8750000102030405060708090a0b0c0d0e0ff640f6f6a0${part}`),
      senderUri: ALICE,
      roomUri: ROOM,
      acceptedTimestamp: T0,
    });
    expect(buildConversation([msg(deep(5))], opts).discarded[0]!.reason).toBe("nestedTooDeep");
    const semantics =
      "8501600303 82850160016a746578742f706c61696e4168850160016a746578742f706c61696e4168".replace(" ", "");
    expect(buildConversation([msg(semantics)], opts).discarded[0]!.reason).toBe("unknownPartSemantics");
  });

  it("expired messages are hidden (absolute, and relative from when they were read)", () => {
    const exp = received("expiring");
    expect(buildConversation([exp], opts).messages).toHaveLength(1);
    const later = buildConversation([exp], { now: 1644390004000 });
    expect(later.messages).toHaveLength(0);
    expect(later.expired).toEqual([idOf("expiring")]);
    const rel = send(
      buildOriginal({ senderUri: ALICE, roomUri: ROOM, text: "x", expires: { relative: true, time: 60 } }),
      ALICE,
      T0,
    );
    const relId = toHex(computeMessageId(rel.bytes, ALICE, ROOM));
    expect(buildConversation([rel], opts).messages).toHaveLength(1); // never read
    expect(
      buildConversation([rel], { ...opts, readAt: new Map([[relId, now - 30_000]]) }).messages,
    ).toHaveLength(1);
    expect(
      buildConversation([rel], { ...opts, readAt: new Map([[relId, now - 61_000]]) }).messages,
    ).toHaveLength(0);
  });

  it("CONTENT-REPLY-01 reply loops are found", () => {
    const chain = new Map<string, string | null>([
      ["a", "b"],
      ["b", "c"],
      ["c", "a"],
      ["d", "e"],
      ["e", null],
    ]);
    expect(findReplyLoop("a", (id) => chain.get(id))).toBe("a");
    expect(findReplyLoop("d", (id) => chain.get(id))).toBeNull();
    expect(findReplyLoop("x", (id) => (id === "x" ? "x" : null))).toBe("x");
    // a real reply chain in the examples has no loop
    const v = buildConversation([received("original"), received("reply"), received("mention")], opts);
    expect(v.messages).toHaveLength(3);
  });
});
