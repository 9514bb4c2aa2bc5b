/**
 * The client checks room policy on the commits it receives, with the hub's rules
 * (draft-ietf-mimi-protocol-06 §5.3, draft-ietf-mimi-room-policy-03 §8): a commit delivered
 * without the hub is refused when the hub would refuse it.
 */
import { loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { decodeUpdateRequest, encodeFanoutMessage } from "@mimi/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { ClientCore, type InboxItem, provisionClient } from "../src/index.js";
import { Relay, type TestProvider, testProviders } from "./relay.js";

const ROOM = "mimi://a.example/r/policy";
let cs: MlsCiphersuite;
let providers: Map<string, TestProvider>;
let trust: Awaited<ReturnType<typeof testProviders>>["trust"];

async function client(domain: string, user: string): Promise<ClientCore> {
  const identity = await provisionClient(providers.get(domain)!.pki.ca, {
    userUri: `mimi://${domain}/u/${user}`,
    clientUri: `mimi://${domain}/d/${user}/laptop`,
    cs,
  });
  return new ClientCore({ identity, trust, cs });
}

/** The commit of an UpdateRequest body as the inbox item a hub would fan out. */
function directItem(body: Uint8Array): InboxItem {
  const bundle = decodeUpdateRequest(body).bundle;
  const message = encodeFanoutMessage({
    timestamp: BigInt(Date.now()),
    message: bundle.proposalOrCommit,
    externalProposals: [],
  });
  return { n: 100n, roomId: ROOM, timestamp: Date.now(), message };
}

beforeAll(async () => {
  cs = await loadCiphersuite();
  ({ providers, trust } = await testProviders(cs, ["a.example", "b.example"]));
});

describe("ClientCore: room policy on received commits", () => {
  it("[CLIENT-POLICY-01] [POLICY-REM-01] refuses a commit by an ordinary user removing the room's super admin, delivered without the hub; accepts an allowed one", async () => {
    const alice = await client("a.example", "alice");
    const bob = await client("b.example", "bob");
    const cathy = await client("b.example", "cathy");
    // the relay's hub stand-in checks no policy: every commit reaches the members
    const relay = new Relay(cs, ROOM, providers.get("a.example")!, [alice, bob, cathy]);
    await relay.upload(bob, 1);
    await relay.upload(cathy, 1);
    await alice.createRoom(ROOM, providers.get("a.example")!.hub); // role 4, super_admin
    await relay.update(
      alice,
      (await alice.addUser(ROOM, relay.keyMaterial(await alice.keyMaterialRequest(bob.userUri, ROOM)))).body,
    );
    await relay.update(
      alice,
      (await alice.addUser(ROOM, relay.keyMaterial(await alice.keyMaterialRequest(cathy.userUri, ROOM))))
        .body,
    );
    for (const c of [alice, bob, cathy]) expect(c.epoch(ROOM)).toBe(2n);

    // Bob (role 2, ordinary_user of the cooperative roles) removes Alice (role 4): the hub
    // refuses it with POLICY-REM-01, and so does Cathy
    const bad = await bob.removeUser(ROOM, alice.userUri);
    const refused = await cathy.receive(directItem(bad.body));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      kind: "rejected",
      roomUri: ROOM,
      error: { name: "ValidationError", rule: "POLICY-REM-01" },
    });
    // the group state is unchanged: Cathy still takes part in epoch 2
    expect(cathy.epoch(ROOM)).toBe(2n);
    expect(cathy.participants(ROOM).map((p) => p.user)).toEqual([alice.userUri, bob.userUri, cathy.userUri]);

    // Bob removing Cathy (role 2) is allowed in a cooperative room: Alice accepts it
    const good = await bob.removeUser(ROOM, cathy.userUri);
    const accepted = await alice.receive(directItem(good.body));
    expect(accepted).toMatchObject([{ kind: "commit", epoch: 3n, own: false, removed: [cathy.clientUri] }]);
    expect(alice.participants(ROOM).map((p) => p.user)).toEqual([alice.userUri, bob.userUri]);
  });
});
