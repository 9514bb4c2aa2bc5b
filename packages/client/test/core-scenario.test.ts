import {
  buildAttachment,
  buildDelete,
  buildEdit,
  buildExpiring,
  buildOriginal,
  buildReaction,
  buildReply,
  decryptAttachment,
  GFM_MIMI,
  singlePart,
} from "@mimi/content";
import { loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { encodeFanoutMessage, mlsOf } from "@mimi/protocol";
import { CodecError, fromHex, utf8 } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ClientCore,
  type ClientEvent,
  parseInboxLine,
  provisionClient,
  renderConversation,
} from "../src/index.js";
import { Relay, type TestProvider, testProviders } from "./relay.js";

const ROOM = "mimi://a.example/r/clubhouse";
let cs: MlsCiphersuite;
let providers: Map<string, TestProvider>;
let trust: Awaited<ReturnType<typeof testProviders>>["trust"];

async function client(domain: string, user: string, device = "laptop"): Promise<ClientCore> {
  const identity = await provisionClient(providers.get(domain)!.pki.ca, {
    userUri: `mimi://${domain}/u/${user}`,
    clientUri: `mimi://${domain}/d/${user}/${device}`,
    cs,
  });
  return new ClientCore({ identity, trust, cs });
}

const kinds = (events: readonly ClientEvent[]): string[] => events.map((e) => e.kind);

beforeAll(async () => {
  cs = await loadCiphersuite();
  ({ providers, trust } = await testProviders(cs, ["a.example", "b.example", "c.example"]));
});

describe("ClientCore: the protocol-06 §3 flows with bodies passed between clients", () => {
  it("create, add across providers, exchange content, leave, external join: every client sees the same conversation", async () => {
    const alice = await client("a.example", "alice");
    const bob = await client("b.example", "bob");
    const cathy = await client("c.example", "cathy");
    const relay = new Relay(cs, ROOM, providers.get("a.example")!, [alice, bob, cathy]);
    await relay.upload(bob, 2);
    await relay.upload(cathy, 2);

    // §3.1 Alice creates the room; the client API body carries GroupInfo and tree
    const createBody = await alice.createRoom(ROOM, providers.get("a.example")!.hub);
    expect(createBody.length).toBeGreaterThan(100);
    expect(alice.epoch(ROOM)).toBe(0n);

    // §3.2 Alice fetches Bob's key material and adds him
    const km = relay.keyMaterial(await alice.keyMaterialRequest(bob.userUri, ROOM));
    await relay.update(alice, (await alice.addUser(ROOM, km)).body);
    expect(kinds(relay.events.get(bob)!)).toContain("joined");
    expect(alice.epoch(ROOM)).toBe(1n);
    expect(bob.epoch(ROOM)).toBe(1n);

    // §3.3 Bob adds Cathy through the hub
    const km2 = relay.keyMaterial(await bob.keyMaterialRequest(cathy.userUri, ROOM));
    await relay.update(bob, (await bob.addUser(ROOM, km2)).body);
    for (const c of [alice, bob, cathy]) expect(c.epoch(ROOM)).toBe(2n);
    expect(alice.participants(ROOM).map((p) => p.user)).toEqual([alice.userUri, bob.userUri, cathy.userUri]);
    expect(
      relay.events
        .get(alice)!
        .filter((e) => e.kind === "commit")
        .at(-1),
    ).toMatchObject({
      kind: "commit",
      added: [cathy.clientUri],
      participants: [{ kind: "add", user: cathy.userUri, role: 2 }],
    });

    // §3.4 content: markdown, reply, reactions, edit, delete, expiring, attachment
    const m1 = await alice.sendMessage(
      ROOM,
      buildOriginal({ senderUri: alice.userUri, roomUri: ROOM, text: "Hi **all**" }),
    );
    await relay.send(alice, m1);
    const m2 = await bob.sendMessage(
      ROOM,
      buildReply({
        senderUri: bob.userUri,
        roomUri: ROOM,
        inReplyTo: fromHex(m1.messageId),
        text: "Hello _Alice_",
      }),
    );
    await relay.send(bob, m2);
    for (const [c, r] of [
      [cathy, "👍"],
      [bob, "🎉"],
    ] as const) {
      await relay.send(
        c,
        await c.sendMessage(
          ROOM,
          buildReaction({
            senderUri: c.userUri,
            roomUri: ROOM,
            inReplyTo: fromHex(m1.messageId),
            reaction: r,
          }),
        ),
      );
    }
    const edit = buildEdit(
      { content: m1.content, messageId: fromHex(m1.messageId) },
      singlePart(GFM_MIMI, "Hi **everyone**"),
    );
    await relay.send(alice, await alice.sendMessage(ROOM, edit));
    const m3 = await cathy.sendMessage(
      ROOM,
      buildOriginal({ senderUri: cathy.userUri, roomUri: ROOM, text: "oops" }),
    );
    await relay.send(cathy, m3);
    await relay.send(
      cathy,
      await cathy.sendMessage(ROOM, buildDelete({ content: m3.content, messageId: fromHex(m3.messageId) })),
    );
    const expiring = buildExpiring({
      senderUri: bob.userUri,
      roomUri: ROOM,
      text: "gone soon",
      expires: { relative: false, time: Math.floor(Date.now() / 1000) + 3600 },
    });
    await relay.send(bob, await bob.sendMessage(ROOM, expiring));
    const file = utf8("a small file");
    const att = await alice.prepareAttachment(file, { contentType: "text/plain", filename: "notes.txt" });
    const url = "https://a.example/blobs/1";
    await relay.send(
      alice,
      await alice.sendMessage(
        ROOM,
        buildAttachment({ senderUri: alice.userUri, roomUri: ROOM, part: att.part(url) }),
      ),
    );
    const got = relay.events
      .get(cathy)!
      .filter((e) => e.kind === "message")
      .at(-1);
    if (got?.kind !== "message" || got.message.content.nestedPart.cardinality !== 2)
      throw new Error("no attachment");
    expect(
      new TextDecoder().decode(await decryptAttachment(got.message.content.nestedPart, att.ciphertext)),
    ).toBe("a small file");

    const expected = [
      "a.example/u/alice: Hi **everyone** (edited) [👍 1, 🎉 1]",
      "b.example/u/bob: Hello _Alice_ (reply)",
      "c.example/u/cathy: (deleted)",
      "b.example/u/bob: gone soon (expiring)",
      "a.example/u/alice: [attachment notes.txt, text/plain]",
    ];
    for (const c of [alice, bob, cathy]) expect(renderConversation(c.conversation(ROOM))).toEqual(expected);

    // §3.5 Cathy leaves: her proposals, then Alice commits them
    await relay.update(cathy, (await cathy.leave(ROOM)).body);
    expect(alice.hasPendingProposals(ROOM)).toBe(true);
    await relay.update(alice, (await alice.commitPending(ROOM)).body);
    expect(cathy.isMember(ROOM)).toBe(false);
    expect(
      relay.events
        .get(cathy)!
        .filter((e) => e.kind === "commit")
        .at(-1),
    ).toMatchObject({
      kind: "commit",
      removedSelf: true,
    });
    expect(alice.participants(ROOM).map((p) => p.user)).toEqual([alice.userUri, bob.userUri]);
    expect(bob.epoch(ROOM)).toBe(3n);

    // §3.6 Bob's new client joins by external commit
    const bob2 = await client("b.example", "bob", "phone");
    relay.add(bob2);
    const giReq = await bob2.groupInfoRequest(ROOM);
    const gi = await relay.hub.groupInfo(giReq);
    await relay.update(bob2, (await bob2.joinExternal(ROOM, gi)).body);
    expect(bob2.isMember(ROOM)).toBe(true);
    for (const c of [alice, bob, bob2]) expect(c.epoch(ROOM)).toBe(4n);
    expect(alice.members(ROOM).sort()).toEqual([alice.clientUri, bob.clientUri, bob2.clientUri].sort());
    const after = await bob2.sendMessage(
      ROOM,
      buildOriginal({ senderUri: bob.userUri, roomUri: ROOM, text: "from my phone" }),
    );
    await relay.send(bob2, after);
    expect(renderConversation(alice.conversation(ROOM)).at(-1)).toBe("b.example/u/bob: from my phone");
    expect(renderConversation(bob2.conversation(ROOM))).toEqual(["b.example/u/bob: from my phone"]);
    expect(relay.events.get(cathy)!.at(-1)).toMatchObject({ kind: "ignored" });
  });

  it("[CLIENT-HUB-01] a room's hub must authenticate as the provider of the room's domain", async () => {
    const alice = await client("a.example", "alice");
    await expect(alice.createRoom(ROOM, providers.get("b.example")!.hub)).rejects.toMatchObject({
      name: "ValidationError",
      rule: "CLIENT-HUB-01",
    });
  });

  it("[CLIENT-TREE-01] a Welcome without the ratchet tree in full is rejected with a typed error", async () => {
    const alice = await client("a.example", "alice");
    const bob = await client("b.example", "bob");
    const relay = new Relay(cs, ROOM, providers.get("a.example")!, [alice]);
    await relay.upload(bob, 1);
    await alice.createRoom(ROOM, providers.get("a.example")!.hub);
    const km = relay.keyMaterial(await alice.keyMaterialRequest(bob.userUri, ROOM));
    const update = await alice.addUser(ROOM, km);
    const { decodeUpdateRequest } = await import("@mimi/protocol");
    const bundle = decodeUpdateRequest(update.body).bundle;
    if (!("welcome" in bundle) || bundle.welcome === undefined) throw new Error("no Welcome");
    const message = encodeFanoutMessage({
      timestamp: BigInt(Date.now()),
      message: mlsOf("MLSMessage", {
        version: "mls10",
        wireformat: "mls_welcome",
        welcome: bundle.welcome.value,
      }),
      ratchetTreeOption: { representation: "distributionService" },
    });
    const events = await bob.receive({ n: 1n, roomId: ROOM, timestamp: Date.now(), message });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "rejected", error: { rule: "CLIENT-TREE-01" } });
    expect(bob.isMember(ROOM)).toBe(false);
  });

  it("malformed inbox items give rejected events with a CodecError, never an exception", async () => {
    const bob = await client("b.example", "bob");
    for (const bytes of [new Uint8Array(), new Uint8Array([0, 1, 2, 3]), new Uint8Array(64).fill(0xff)]) {
      const events = await bob.receive({ n: 1n, roomId: ROOM, timestamp: 0, message: bytes });
      expect(events[0]?.kind).toBe("rejected");
      if (events[0]?.kind === "rejected") expect(events[0].error).toBeInstanceOf(CodecError);
    }
  });
});

describe("parseInboxLine", () => {
  it("reads a line of the inbox stream", () => {
    expect(
      parseInboxLine(
        '{"n":"12","roomId":"mimi://a.example/r/x","timestamp":"1700000000000","message":"00ff"}',
      ),
    ).toEqual({
      n: 12n,
      roomId: "mimi://a.example/r/x",
      timestamp: 1700000000000,
      message: new Uint8Array([0, 255]),
    });
  });
  it.each([
    ["not json", "{"],
    ["array", "[]"],
    ["missing field", '{"n":"1","roomId":"r","timestamp":"1"}'],
    ["extra field", '{"n":"1","roomId":"r","timestamp":"1","message":"","x":1}'],
    ["number n", '{"n":1,"roomId":"r","timestamp":"1","message":""}'],
    ["negative n", '{"n":"-1","roomId":"r","timestamp":"1","message":""}'],
    ["bad hex", '{"n":"1","roomId":"r","timestamp":"1","message":"zz"}'],
  ])("rejects %s with a CodecError", (_, line) => {
    expect(() => parseInboxLine(line)).toThrow(CodecError);
  });
});

describe("hub credentials", () => {
  it("[CLIENT-HUB-01] a basic hub credential must name the provider of the room's domain", async () => {
    const alice = await client("a.example", "alice");
    const key = providers.get("a.example")!.hub.signaturePublicKey;
    const basic = (id: string) => ({
      signaturePublicKey: key,
      credential: { credentialType: "basic" as const, identity: utf8(id) },
    });
    await expect(alice.createRoom(ROOM, basic("mimi://b.example"))).rejects.toMatchObject({
      rule: "CLIENT-HUB-01",
    });
    await expect(alice.createRoom(ROOM, basic("mimi://a.example/u/alice"))).rejects.toMatchObject({
      rule: "CLIENT-HUB-01",
    });
    await alice.createRoom(ROOM, basic("mimi://a.example"));
    expect(alice.isMember(ROOM)).toBe(true);
  });
});
