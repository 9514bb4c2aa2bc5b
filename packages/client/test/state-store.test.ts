import { buildOriginal } from "@mimi/content";
import { loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { CodecError, ProtocolError, toHex } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ClientCore,
  type ClientRestoreOptions,
  type ClientStateStore,
  memoryStateStore,
  openIndexedDbStore,
  provisionClient,
  renderConversation,
} from "../src/index.js";
import { Relay, type TestProvider, testProviders } from "./relay.js";

const ROOM = "mimi://a.example/r/kept";
const hasIndexedDb = typeof (globalThis as { indexedDB?: unknown }).indexedDB !== "undefined";
let cs: MlsCiphersuite;
let providers: Map<string, TestProvider>;
let options: ClientRestoreOptions;
/** Alice in a room with Bob, after a message each. */
let alice: ClientCore;
let relay: Relay;

beforeAll(async () => {
  cs = await loadCiphersuite();
  let trust: Awaited<ReturnType<typeof testProviders>>["trust"];
  ({ providers, trust } = await testProviders(cs, ["a.example", "b.example"]));
  options = { trust, cs };
  const make = async (domain: string, user: string): Promise<ClientCore> =>
    new ClientCore({
      identity: await provisionClient(providers.get(domain)!.pki.ca, {
        userUri: `mimi://${domain}/u/${user}`,
        clientUri: `mimi://${domain}/d/${user}/1`,
        cs,
      }),
      ...options,
    });
  alice = await make("a.example", "alice");
  const bob = await make("b.example", "bob");
  const hub = providers.get("a.example")!;
  relay = new Relay(cs, ROOM, hub, [alice, bob]);
  await relay.upload(bob, 1);
  await alice.createRoom(ROOM, hub.hub);
  await relay.update(
    alice,
    (await alice.addUser(ROOM, relay.keyMaterial(await alice.keyMaterialRequest(bob.userUri, ROOM)))).body,
  );
  for (const c of [alice, bob])
    await relay.send(
      c,
      await c.sendMessage(
        ROOM,
        buildOriginal({ senderUri: c.userUri, roomUri: ROOM, text: `from ${c.userUri}` }),
      ),
    );
});

/** Save, load, overwrite, clear: what every store does. */
async function roundTrip(store: ClientStateStore): Promise<void> {
  expect(await store.load()).toBeUndefined();
  const first = await alice.snapshot();
  await store.save(first);
  expect(toHex((await store.load())!)).toBe(toHex(first));
  const restored = await ClientCore.restore((await store.load())!, options);
  expect(renderConversation(restored.conversation(ROOM))).toEqual(
    renderConversation(alice.conversation(ROOM)),
  );
  // a later state replaces the earlier one
  await relay.send(
    alice,
    await alice.sendMessage(ROOM, buildOriginal({ senderUri: alice.userUri, roomUri: ROOM, text: "later" })),
  );
  const second = await alice.snapshot();
  await store.save(second);
  expect(toHex((await store.load())!)).toBe(toHex(second));
}

describe("client state stores", () => {
  it("CLIENT-STATE-01: the memory store keeps the latest snapshot", async () => {
    const store = memoryStateStore();
    await roundTrip(store);
    await store.clear();
    expect(await store.load()).toBeUndefined();
    store.close();
    expect(() => store.load()).toThrow(ProtocolError);
  });

  it.runIf(!hasIndexedDb)(
    "openIndexedDbStore fails with a ProtocolError where there is no IndexedDB",
    async () => {
      await expect(openIndexedDbStore("mimi-client-test")).rejects.toBeInstanceOf(ProtocolError);
    },
  );

  it.runIf(hasIndexedDb)(
    "CLIENT-STATE-01: IndexedDB keeps one snapshot across connections; a restored client continues",
    async () => {
      const name = `mimi-client-test-${toHex(crypto.getRandomValues(new Uint8Array(6)))}`;
      const store = await openIndexedDbStore(name);
      await roundTrip(store);
      const saved = (await store.load())!;
      store.close();
      // a second connection (a reloaded page) reads the same state, and the client goes on
      const again = await openIndexedDbStore(name);
      const loaded = (await again.load())!;
      expect(toHex(loaded)).toBe(toHex(saved));
      const restored = await ClientCore.restore(loaded, options);
      relay.clients[relay.clients.indexOf(alice)] = restored;
      relay.events.set(restored, []);
      await relay.send(
        restored,
        await restored.sendMessage(
          ROOM,
          buildOriginal({ senderUri: restored.userUri, roomUri: ROOM, text: "after reload" }),
        ),
      );
      expect(renderConversation(restored.conversation(ROOM)).at(-1)).toBe("a.example/u/alice: after reload");
      for (const c of relay.clients) expect(c.conversation(ROOM)).toEqual(restored.conversation(ROOM));
      await again.clear();
      expect(await again.load()).toBeUndefined();
      again.close();
    },
  );

  it.runIf(hasIndexedDb)("a record that is not ours gives a CodecError on load", async () => {
    const name = `mimi-client-test-${toHex(crypto.getRandomValues(new Uint8Array(6)))}`;
    (await openIndexedDbStore(name)).close();
    // the DOM's types are not in the Node typecheck: the few members used, by hand
    interface Tx {
      objectStore(n: string): { put(v: unknown, k: string): void };
      oncomplete: () => void;
      onerror: () => void;
      error: unknown;
    }
    interface Open {
      result: { transaction(s: string, m: string): Tx; close(): void };
      onsuccess: () => void;
    }
    const idb = (globalThis as unknown as { indexedDB: { open(n: string, v: number): Open } }).indexedDB;
    await new Promise<void>((resolve, reject) => {
      const open = idb.open(name, 1);
      open.onsuccess = () => {
        const tx = open.result.transaction("client", "readwrite");
        tx.objectStore("client").put({ version: 7, snapshot: "no" }, "state");
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    const store = await openIndexedDbStore(name);
    await expect(store.load()).rejects.toBeInstanceOf(CodecError);
    store.close();
  });
});
