import {
  ClientCore,
  type ClientEvent,
  type ClientStateStore,
  MimiClient,
  memoryStateStore,
  provisionClient,
  renderConversation,
} from "@mimi/client";
import { buildEdit, buildOriginal, GFM_MIMI, singlePart } from "@mimi/content";
import { loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { type RunningProvider, startProvider } from "@mimi/provider";
import { fromHex } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestProvider, testProviders } from "../../../packages/client/test/relay.js";
import { sendConsentGrant } from "../src/federation.js";

// One running provider a.example (the hub and both users' provider); MimiClients talk to its
// client API over HTTPS on loopback. Bob's client is "reloaded": stopped, restored from the
// snapshot its onStateChange hook saved, and started again.
const ROOM = "mimi://a.example/r/reload";
let cs: MlsCiphersuite;
let providers: Map<string, TestProvider>;
let trust: Awaited<ReturnType<typeof testProviders>>["trust"];
let running: RunningProvider;
const clients: MimiClient[] = [];

function mimiClient(core: ClientCore, store?: ClientStateStore): MimiClient {
  const c = new MimiClient({
    core,
    url: `https://127.0.0.1:${running.clientApiPort}`,
    domain: "a.example",
    ca: providers.get("a.example")!.pki.ca.certificatePem,
    ...(store === undefined ? {} : { onStateChange: async () => store.save(await core.snapshot()) }),
  });
  clients.push(c);
  return c;
}

async function core(user: string): Promise<ClientCore> {
  const identity = await provisionClient(providers.get("a.example")!.pki.ca, {
    userUri: `mimi://a.example/u/${user}`,
    clientUri: `mimi://a.example/d/${user}/1`,
    cs,
  });
  return new ClientCore({ identity, trust, cs });
}

const messageText = (text: string) => (e: ClientEvent) =>
  e.kind === "message" &&
  e.message.content.nestedPart.cardinality === 1 &&
  new TextDecoder().decode(e.message.content.nestedPart.content) === text;

beforeAll(async () => {
  cs = await loadCiphersuite();
  ({ providers, trust } = await testProviders(cs, ["a.example"]));
  const pki = providers.get("a.example")!.pki;
  running = await startProvider({
    domain: "a.example",
    tls: { key: pki.server.privateKeyPem, cert: pki.server.certificatePem, ca: [pki.ca.certificatePem] },
    clientApi: { port: 0, ca: pki.ca.certificatePem },
    peers: () => undefined,
    log: () => {},
  });
});

afterAll(async () => {
  for (const c of clients) c.stop();
  await running.stop(500);
});

describe("MimiClient across a reload", () => {
  it("CLIENT-STATE-01: a client restored from its saved snapshot resumes its inbox where it stopped and goes on", async () => {
    const alice = mimiClient(await core("alice"));
    const store = memoryStateStore();
    let saves = 0;
    const bobCore = await core("bob");
    const bob = mimiClient(bobCore, {
      ...store,
      save: async (s) => {
        saves++;
        await store.save(s);
      },
    });
    await bob.uploadKeyPackages(2);
    expect(saves).toBe(1); // saved before the upload went out
    bob.startInbox();
    alice.startInbox();
    await alice.createRoom(ROOM);
    // consent for Alice to fetch Bob's key material, as the demo grants it (protocol-06 §5.7, decision 0806)
    const party = {
      domain: "a.example",
      pki: providers.get("a.example")!.pki,
      url: `https://127.0.0.1:${running.port}`,
    };
    await sendConsentGrant(party, party, alice.core.userUri, bob.core.userUri);
    await alice.addUser(ROOM, bob.core.userUri);
    await bob.waitFor((e) => e.kind === "joined", 20_000, "joined");
    const first = await alice.send(
      ROOM,
      buildOriginal({ senderUri: alice.core.userUri, roomUri: ROOM, text: "one" }),
    );
    await bob.waitFor(messageText("one"), 20_000, "message one");
    await bob.send(ROOM, buildOriginal({ senderUri: bob.core.userUri, roomUri: ROOM, text: "two" }));
    await alice.waitFor(messageText("two"), 20_000, "message two");
    const position = bob.inboxPosition;
    expect(position).toBeGreaterThan(0n);

    // the page goes away; Alice writes meanwhile
    bob.stop();
    await alice.send(ROOM, buildOriginal({ senderUri: alice.core.userUri, roomUri: ROOM, text: "three" }));
    await alice.send(
      ROOM,
      buildEdit(
        { content: first.content, messageId: fromHex(first.messageId) },
        singlePart(GFM_MIMI, "one, edited"),
      ),
    );

    // the page comes back: the client from the saved snapshot, the inbox after its position
    const restored = await ClientCore.restore((await store.load())!, { trust, cs });
    expect(restored.inboxPosition).toBe(position);
    const bob2 = mimiClient(restored, store);
    expect(bob2.inboxPosition).toBe(position);
    bob2.startInbox();
    await bob2.waitFor(messageText("one, edited"), 20_000, "the edit");
    // nothing before the position came again (message one would be refused: its key is used up);
    // after it: Bob's own echo if it had not come before the reload, Alice's two messages
    expect(bob2.events.filter((e) => e.kind === "rejected")).toEqual([]);
    expect(
      bob2.events.flatMap((e) =>
        e.kind === "message" && e.message.content.nestedPart.cardinality === 1
          ? [new TextDecoder().decode(e.message.content.nestedPart.content)]
          : [],
      ),
    ).toEqual(["three", "one, edited"]);
    await bob2.send(ROOM, buildOriginal({ senderUri: bob.core.userUri, roomUri: ROOM, text: "back" }));
    await alice.waitFor(messageText("back"), 20_000, "message back");
    expect(alice.events.filter((e) => e.kind === "rejected")).toEqual([]);
    expect(renderConversation(restored.conversation(ROOM))).toEqual([
      "a.example/u/alice: one, edited (edited)",
      "a.example/u/bob: two",
      "a.example/u/alice: three",
      "a.example/u/bob: back",
    ]);
    expect(restored.conversation(ROOM)).toEqual(alice.core.conversation(ROOM));
  });
});
