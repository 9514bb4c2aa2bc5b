import { fc, test } from "@fast-check/vitest";
import {
  buildDelete,
  buildEdit,
  buildExpiring,
  buildOriginal,
  buildReaction,
  buildReply,
  GFM_MIMI,
  singlePart,
} from "@mimi/content";
import {
  decodeGroupState,
  encodeGroupState,
  loadCiphersuite,
  type MlsCiphersuite,
  type MlsGroupState,
  makeClientConfig,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import { CodecError, fromHex, toHex, ValidationError } from "@mimi/wire";
import { sha256 } from "@noble/hashes/sha2.js";
import { beforeAll, describe, expect, it } from "vitest";
import { snapshotFromJson, snapshotToJson } from "../src/core/snapshot.js";
import { ClientCore, type ClientRestoreOptions, provisionClient, renderConversation } from "../src/index.js";
import { Relay, type TestProvider, testProviders } from "./relay.js";

const ROOM = "mimi://a.example/r/clubhouse";
/** One clock for every client, so that conversation views (expiry) compare equal. */
const NOW = Date.now() + 60_000;
let cs: MlsCiphersuite;
let providers: Map<string, TestProvider>;
let restoreOptions: ClientRestoreOptions;

async function client(domain: string, user: string, device = "laptop"): Promise<ClientCore> {
  const identity = await provisionClient(providers.get(domain)!.pki.ca, {
    userUri: `mimi://${domain}/u/${user}`,
    clientUri: `mimi://${domain}/d/${user}/${device}`,
    cs,
  });
  return new ClientCore({ identity, ...restoreOptions });
}

/** Everything a client shows of the room, for deep comparison. */
function views(c: ClientCore): unknown {
  return {
    epoch: c.epoch(ROOM),
    member: c.isMember(ROOM),
    members: c.members(ROOM),
    participants: c.participants(ROOM),
    pendingProposals: c.hasPendingProposals(ROOM),
    conversation: c.conversation(ROOM),
    unusedKeyPackages: c.unusedKeyPackages,
    inboxPosition: c.inboxPosition,
    rooms: c.roomUris(),
  };
}

/** Snapshot `c`, restore it, check the copy is the same client, and put it in `c`'s place in the relay. */
async function reload(relay: Relay, c: ClientCore): Promise<ClientCore> {
  const bytes = await c.snapshot();
  const restored = await ClientCore.restore(bytes, restoreOptions);
  expect(restored.clientUri).toBe(c.clientUri);
  expect(toHex(await restored.snapshot())).toBe(toHex(bytes));
  if (c.roomUris().includes(ROOM)) {
    expect(views(restored)).toEqual(views(c));
    for (const m of c.conversation(ROOM).messages)
      expect(restored.message(ROOM, m.messageId)).toEqual(c.message(ROOM, m.messageId));
  }
  const i = relay.clients.indexOf(c);
  relay.clients[i] = restored;
  relay.events.set(restored, []);
  return restored;
}

beforeAll(async () => {
  cs = await loadCiphersuite();
  let trust: Awaited<ReturnType<typeof testProviders>>["trust"];
  ({ providers, trust } = await testProviders(cs, ["a.example", "b.example", "c.example"]));
  restoreOptions = { trust, cs, now: () => NOW };
});

describe("ClientCore snapshot and restore", () => {
  it("CLIENT-STATE-01, CLIENT-STATE-02, CLIENT-STATE-03: a client restored mid-conversation continues: Welcome, messages, edits, reactions, deletes, proposals and its own pending commit", async () => {
    const hub = providers.get("a.example")!;
    const alice = await client("a.example", "alice");
    let bob = await client("b.example", "bob");
    let cathy = await client("c.example", "cathy");
    const relay = new Relay(cs, ROOM, hub, [alice, bob, cathy]);
    await relay.upload(bob, 2);
    await relay.upload(cathy, 2);
    await alice.createRoom(ROOM, hub.hub);
    await relay.update(
      alice,
      (await alice.addUser(ROOM, relay.keyMaterial(await alice.keyMaterialRequest(bob.userUri, ROOM)))).body,
    );

    // Cathy reloads before she is added: her unused KeyPackages' private keys survive
    cathy = await reload(relay, cathy);
    expect(cathy.unusedKeyPackages).toBe(2);
    await relay.update(
      bob,
      (await bob.addUser(ROOM, relay.keyMaterial(await bob.keyMaterialRequest(cathy.userUri, ROOM)))).body,
    );
    expect(cathy.isMember(ROOM)).toBe(true);
    expect(cathy.unusedKeyPackages).toBe(1);

    const m1 = await alice.sendMessage(
      ROOM,
      buildOriginal({ senderUri: alice.userUri, roomUri: ROOM, text: "Hi **all**" }),
    );
    await relay.send(alice, m1);
    const m2 = await bob.sendMessage(
      ROOM,
      buildReply({ senderUri: bob.userUri, roomUri: ROOM, inReplyTo: fromHex(m1.messageId), text: "Hello" }),
    );
    await relay.send(bob, m2);
    await relay.send(
      cathy,
      await cathy.sendMessage(
        ROOM,
        buildReaction({
          senderUri: cathy.userUri,
          roomUri: ROOM,
          inReplyTo: fromHex(m1.messageId),
          reaction: "👍",
        }),
      ),
    );
    await relay.send(
      alice,
      await alice.sendMessage(
        ROOM,
        buildEdit(
          { content: m1.content, messageId: fromHex(m1.messageId) },
          singlePart(GFM_MIMI, "Hi **everyone**"),
        ),
      ),
    );
    const m3 = await cathy.sendMessage(
      ROOM,
      buildOriginal({ senderUri: cathy.userUri, roomUri: ROOM, text: "oops" }),
    );
    await relay.send(cathy, m3);
    await relay.send(
      cathy,
      await cathy.sendMessage(ROOM, buildDelete({ content: m3.content, messageId: fromHex(m3.messageId) })),
    );
    await relay.send(
      bob,
      await bob.sendMessage(
        ROOM,
        buildExpiring({
          senderUri: bob.userUri,
          roomUri: ROOM,
          text: "gone soon",
          expires: { relative: false, time: Math.floor(NOW / 1000) + 3600 },
        }),
      ),
    );
    // Cathy leaves: her Remove proposal waits in Bob's group state
    await relay.update(cathy, (await cathy.leave(ROOM)).body);
    expect(bob.hasPendingProposals(ROOM)).toBe(true);

    // Bob reloads mid-conversation, with a proposal pending
    bob = await reload(relay, bob);
    expect(bob.hasPendingProposals(ROOM)).toBe(true);
    // … commits it, and reloads again before the hub answered: his own pending commit survives
    const commit = await bob.commitPending(ROOM);
    bob = await reload(relay, bob);
    await relay.update(bob, commit.body);
    expect(bob.epoch(ROOM)).toBe(3n);
    expect(cathy.isMember(ROOM)).toBe(false);
    // a client removed from a room reloads too: the room stays, inactive, with its conversation
    cathy = await reload(relay, cathy);
    expect(cathy.isMember(ROOM)).toBe(false);
    for (const c of [alice, bob])
      expect(c.participants(ROOM).map((p) => p.user)).toEqual([alice.userUri, bob.userUri]);

    // the restored Bob decrypts later messages and sends: an edit of his reply, a reaction
    await relay.send(
      alice,
      await alice.sendMessage(
        ROOM,
        buildOriginal({ senderUri: alice.userUri, roomUri: ROOM, text: "welcome back" }),
      ),
    );
    await relay.send(
      bob,
      await bob.sendMessage(
        ROOM,
        buildEdit(
          { content: m2.content, messageId: fromHex(m2.messageId) },
          singlePart(GFM_MIMI, "Hello again"),
        ),
      ),
    );
    await relay.send(
      bob,
      await bob.sendMessage(
        ROOM,
        buildReaction({
          senderUri: bob.userUri,
          roomUri: ROOM,
          inReplyTo: fromHex(m1.messageId),
          reaction: "🎉",
        }),
      ),
    );
    expect(relay.events.get(bob)!.filter((e) => e.kind === "rejected")).toEqual([]);
    expect(relay.events.get(alice)!.filter((e) => e.kind === "rejected")).toEqual([]);
    expect(bob.conversation(ROOM)).toEqual(alice.conversation(ROOM));
    expect(renderConversation(bob.conversation(ROOM))).toEqual([
      "a.example/u/alice: Hi **everyone** (edited) [👍 1, 🎉 1]",
      "b.example/u/bob: Hello again (reply) (edited)",
      "c.example/u/cathy: (deleted)",
      "b.example/u/bob: gone soon (expiring)",
      "a.example/u/alice: welcome back",
    ]);
    // and one more reload after all that still gives the same client
    await reload(relay, bob);
  });

  it("CLIENT-STATE-02: a GroupInfo request survives a reload: the restored client joins by external commit", async () => {
    const hub = providers.get("a.example")!;
    const alice = await client("a.example", "alice");
    const bob = await client("b.example", "bob");
    let bob2 = await client("a.example", "alice", "phone");
    const relay = new Relay(cs, ROOM, hub, [alice, bob, bob2]);
    await relay.upload(bob, 1);
    await alice.createRoom(ROOM, hub.hub);
    const km = relay.keyMaterial(await alice.keyMaterialRequest(bob.userUri, ROOM));
    await relay.update(alice, (await alice.addUser(ROOM, km)).body);
    const request = await bob2.groupInfoRequest(ROOM);
    bob2 = await reload(relay, bob2);
    const answer = await relay.hub.groupInfo(request);
    const join = await bob2.joinExternal(ROOM, answer);
    // reloaded again while the external commit waits for the hub
    bob2 = await reload(relay, bob2);
    await relay.update(bob2, join.body);
    expect(bob2.isMember(ROOM)).toBe(true);
    expect(alice.members(ROOM)).toContain(bob2.clientUri);
    await relay.send(
      bob2,
      await bob2.sendMessage(
        ROOM,
        buildOriginal({ senderUri: alice.userUri, roomUri: ROOM, text: "from the phone" }),
      ),
    );
    for (const c of [alice, bob, bob2])
      expect(renderConversation(c.conversation(ROOM))).toEqual(["a.example/u/alice: from the phone"]);
  });
});

/** The JSON form of a snapshot's state (`snapshotToJson`), as far as these tests edit it. */
interface StateJson {
  identity: { signature_private_key: string; credential: string };
  key_packages: { ref: string }[];
  rooms: [RoomJson, ...RoomJson[]];
}
interface RoomJson {
  room_uri: string;
  hub: string;
  group_state: string;
  unconfirmed: { hash: string; content: string }[];
  messages: [{ content: string; sender_uri: string }, ...{ content: string; sender_uri: string }[]];
}

describe("ClientCore.restore is strict and total", () => {
  let good: Uint8Array;
  let other: Uint8Array;
  beforeAll(async () => {
    const hub = providers.get("a.example")!;
    const alice = await client("a.example", "alice");
    const bob = await client("b.example", "bob");
    const relay = new Relay(cs, ROOM, hub, [alice, bob]);
    await relay.upload(bob, 1);
    await relay.upload(alice, 1);
    await alice.createRoom(ROOM, hub.hub);
    await relay.update(
      alice,
      (await alice.addUser(ROOM, relay.keyMaterial(await alice.keyMaterialRequest(bob.userUri, ROOM)))).body,
    );
    await relay.send(
      bob,
      await bob.sendMessage(ROOM, buildOriginal({ senderUri: bob.userUri, roomUri: ROOM, text: "hi" })),
    );
    await alice.groupInfoRequest("mimi://a.example/r/other");
    good = await alice.snapshot();
    other = await bob.snapshot();
  });

  /** Restoring gives a client or a typed error, nothing else. */
  async function restoreOrTypedError(bytes: Uint8Array): Promise<unknown> {
    try {
      return await ClientCore.restore(bytes, restoreOptions);
    } catch (e) {
      if (e instanceof CodecError || e instanceof ValidationError) return e;
      throw e;
    }
  }

  /** The snapshot with its state edited as JSON (checksum recomputed). */
  function edited(bytes: Uint8Array, edit: (state: StateJson) => void): Uint8Array {
    const json = structuredClone(snapshotToJson(bytes)) as unknown as StateJson;
    edit(json);
    return snapshotFromJson(json);
  }

  it("CLIENT-STATE-01: every truncation and every changed byte is refused (checksum), an unknown version too", async () => {
    for (let n = 0; n < good.length; n += Math.max(1, Math.floor(good.length / 97))) {
      const e = await restoreOrTypedError(good.subarray(0, n));
      expect(e, `cut at ${n}`).toMatchObject({ rule: "CLIENT-STATE-01" });
    }
    for (let i = 0; i < good.length; i += Math.max(1, Math.floor(good.length / 61))) {
      const bytes = good.slice();
      bytes[i] = bytes[i]! ^ 0x40;
      expect(await restoreOrTypedError(bytes), `byte ${i}`).toMatchObject({ rule: "CLIENT-STATE-01" });
    }
    // version 1 (before the lazy secret tree of the ts-mls patch revision 4) and a future version
    for (const version of [1, 3]) {
      const other = good.slice();
      other[1] = version;
      await expect(ClientCore.restore(other, restoreOptions)).rejects.toMatchObject({
        name: "CodecError",
        rule: "CLIENT-STATE-01",
        path: "/version",
      });
    }
    await expect(ClientCore.restore(new Uint8Array([...good, 0]), restoreOptions)).rejects.toMatchObject({
      rule: "CLIENT-STATE-01",
    });
  });

  it("CLIENT-STATE-02: an inconsistent snapshot is refused with what and where", async () => {
    const cs3 = await loadCiphersuite(3);
    await expect(ClientCore.restore(good, { ...restoreOptions, cs: cs3 })).rejects.toMatchObject({
      name: "ValidationError",
      rule: "CLIENT-STATE-02",
      path: "/state/cipher_suite",
    });
    const bobs = snapshotToJson(other) as unknown as StateJson;
    const cases: [string, string, (s: StateJson) => void][] = [
      [
        "another client's identity",
        "/state/rooms/0/group_state/signature_private_key",
        (s) => {
          s.identity = bobs.identity;
          s.key_packages = [];
        },
      ],
      [
        "another client's signing key",
        "/state/identity/signature_private_key",
        (s) => {
          s.identity.signature_private_key = bobs.identity.signature_private_key;
        },
      ],
      [
        "a credential of another client",
        "/state/identity/credential",
        (s) => {
          s.identity.credential = bobs.identity.credential;
        },
      ],
      [
        "a wrong KeyPackageRef",
        "/state/key_packages/0/ref",
        (s) => {
          s.key_packages[0]!.ref = "00".repeat(32);
        },
      ],
      [
        "a room twice",
        "/state/rooms/1/room_uri",
        (s) => {
          s.rooms.push(s.rooms[0]);
        },
      ],
      [
        "a room under another URI",
        "/state/rooms/0/group_state/group_id",
        (s) => {
          s.rooms[0].room_uri = "mimi://a.example/r/elsewhere";
        },
      ],
      [
        "a hub that is not an external sender",
        "/state/rooms/0/hub",
        (s) => {
          // the hub's certificate with its last byte changed
          const hub = fromHex(bobs.rooms[0].hub);
          hub[hub.length - 1] = hub[hub.length - 1]! ^ 1;
          s.rooms[0].hub = toHex(hub);
        },
      ],
      [
        "a group state of another member",
        "/state/rooms/0/group_state/signature_private_key",
        (s) => {
          s.rooms[0].group_state = bobs.rooms[0].group_state;
        },
      ],
      [
        "an unconfirmed message never sent",
        "/state/rooms/0/unconfirmed/0",
        (s) => {
          s.rooms[0].unconfirmed = [{ hash: "11".repeat(32), content: s.rooms[0].messages[0].content }];
        },
      ],
      [
        "a message that does not decode",
        "/state/rooms/0/messages/0/content",
        (s) => {
          s.rooms[0].messages[0].content = "00";
        },
      ],
      [
        "a message from a non-URI",
        "/state/rooms/0/messages/0/sender_uri",
        (s) => {
          s.rooms[0].messages[0].sender_uri = "bob";
        },
      ],
    ];
    for (const [what, path, edit] of cases) {
      const e = await restoreOrTypedError(edited(good, edit));
      expect(e, what).toBeInstanceOf(Error);
      const nested = /messages/.test(path);
      expect(e, what).toMatchObject({
        path: expect.stringMatching(new RegExp(`^${path}`)),
        // a message's own decoder names its own rule (content, identifiers)
        rule: nested ? expect.stringMatching(/^(CONTENT|ID)-/) : "CLIENT-STATE-02",
      });
    }
  });

  it("CLIENT-STATE-03: a group state that decodes but is inconsistent is refused", async () => {
    const config = makeClientConfig({ authService: unsafeAcceptAllCredentials });
    const restate = (s: StateJson, change: (g: MlsGroupState) => MlsGroupState): void => {
      const g = decodeGroupState(fromHex(s.rooms[0].group_state as string), config);
      s.rooms[0].group_state = toHex(encodeGroupState(change(g)));
    };
    const cases: [string, (g: MlsGroupState) => MlsGroupState][] = [
      // the secret tree one node short of the ratchet tree (the same vector with a smaller length)
      [
        "/state/rooms/0/group_state/secret_tree",
        (g) => ({
          ...g,
          secretTree: Object.assign(Object.create(Object.getPrototypeOf(g.secretTree)), g.secretTree, {
            length: g.secretTree.length - 1,
          }),
        }),
      ],
      [
        "/state/rooms/0/group_state/ratchet_tree",
        (g) => ({
          ...g,
          groupContext: { ...g.groupContext, treeHash: new Uint8Array(g.groupContext.treeHash.length) },
        }),
      ],
      ["/state/rooms/0/group_state/confirmation_tag", (g) => ({ ...g, confirmationTag: new Uint8Array(5) })],
    ];
    // consistent as a group state, but its own leaf is another member's: the client's check
    await expect(
      ClientCore.restore(
        edited(good, (s) => restate(s, (g) => ({ ...g, privatePath: { ...g.privatePath, leafIndex: 1 } }))),
        restoreOptions,
      ),
    ).rejects.toMatchObject({
      rule: "CLIENT-STATE-02",
      path: "/state/rooms/0/group_state/private_path/leaf_index",
    });
    for (const [path, change] of cases)
      await expect(
        ClientCore.restore(
          edited(good, (s) => restate(s, change)),
          restoreOptions,
        ),
        path,
      ).rejects.toMatchObject({ name: "ValidationError", rule: "CLIENT-STATE-03", path });
  });

  test.prop(
    [
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
      fc.nat(),
    ],
    { numRuns: 40 },
  )(
    "CLIENT-STATE-01: mutated snapshot bodies (checksum recomputed) give a client or a typed error, never a crash",
    async (edits, cut) => {
      const body = good.slice(2, good.length - 32 - (cut % 4));
      for (const [i, v] of edits) body[i % body.length] = v;
      const bytes = new Uint8Array(2 + body.length + 32);
      bytes.set(good.subarray(0, 2));
      bytes.set(body, 2);
      bytes.set(sha256(bytes.subarray(0, 2 + body.length)), 2 + body.length);
      await restoreOrTypedError(bytes);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 400 })], { numRuns: 40 })(
    "CLIENT-STATE-01: random bytes give typed errors",
    async (bytes) => {
      expect(await restoreOrTypedError(bytes)).not.toBeInstanceOf(ClientCore);
    },
  );
});
