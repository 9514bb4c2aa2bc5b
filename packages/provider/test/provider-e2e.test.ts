import { buildOriginal, encodeMimiContent } from "@mimi/content";
import {
  addUser,
  createRoom,
  joinRoom,
  type KeyPackageBundle,
  type MimiProfile,
  type MlsGroupState,
  processIncoming,
  sendContent,
} from "@mimi/mls-profile";
import {
  createRoomRequestCodec,
  decodeFanoutMessage,
  decodeMls,
  decodeSubmitMessageResponse,
  decodeUpdateRoomResponse,
  encodeSubmitMessageRequest,
  keyPackageUploadCodec,
  mlsOf,
} from "@mimi/protocol";
import { encodeWith, fromHex, utf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningProvider, startProvider } from "../src/provider/provider.js";
import { clientProfile, commitRequest, keyPackageMessage, keyPackageOf, roomInputs } from "./hub-harness.js";
import { type ApiClient, api, apiClient, type TestIdentity, testIdentity } from "./provider-harness.js";

const room = "mimi://a.example/r/e2e";
const alice1 = "mimi://a.example/d/alice/1";
const bob1 = "mimi://b.example/d/bob/1";

let idA: TestIdentity;
let idB: TestIdentity;
let A: RunningProvider;
let B: RunningProvider;
let alice: ApiClient;
let bob: ApiClient;
let profile: MimiProfile;
const ports = new Map<string, number>();

async function start(id: TestIdentity, peersCa: string[]): Promise<RunningProvider> {
  const p = await startProvider({
    domain: id.pki.domain,
    tls: { key: id.pki.server.privateKeyPem, cert: id.pki.server.certificatePem, ca: peersCa },
    clientApi: { port: 0, ca: id.pki.ca.certificatePem },
    peers: (d) => (ports.has(d) ? { host: "127.0.0.1", port: ports.get(d)! } : undefined),
    metrics: { port: 0 },
    fanout: { baseDelayMs: 20, maxAttempts: 3, retryDelayMs: 200 },
    log: () => {},
  });
  ports.set(id.pki.domain, p.port);
  return p;
}

beforeAll(async () => {
  idA = await testIdentity("a.example");
  idB = await testIdentity("b.example");
  const peersCa = [idA.pki.ca.certificatePem, idB.pki.ca.certificatePem];
  A = await start(idA, peersCa);
  B = await start(idB, peersCa);
  alice = apiClient(A.clientApiPort!, "a.example", await idA.client(alice1));
  bob = apiClient(B.clientApiPort!, "b.example", await idB.client(bob1));
  profile = await clientProfile(A.hub!);
});

afterAll(async () => {
  alice?.close();
  bob?.close();
  await A?.stop(500);
  await B?.stop(500);
});

describe("two providers with client APIs, end to end with real MLS clients", () => {
  it("[PROTO-CAPI-03][PROTO-CAPI-04][PROTO-CAPI-06][PROTO-CAPI-07][PROTO-CAPI-08] create, add over federation, Welcome by KeyPackageRef, submit through the follower, fanned out to both inboxes", async () => {
    // Bob uploads a KeyPackage to his provider.
    const bobKp: KeyPackageBundle = await keyPackageOf(profile.cs, bob1);
    const up = await bob.send(
      "POST",
      api("keyPackages"),
      encodeWith(keyPackageUploadCodec, {
        key_packages: [decodeMls("MLSMessage", keyPackageMessage(bobKp))],
      }),
    );
    expect(up.status, up.body.toString()).toBe(201);

    // Alice creates the room on her provider (its hub).
    let aliceState: MlsGroupState = await createRoom(profile, {
      roomUri: room,
      keyPackage: await keyPackageOf(profile.cs, alice1),
      creatorRole: 2,
    });
    const inputs = await roomInputs(profile, aliceState);
    const created = await alice.send(
      "POST",
      api("rooms", room),
      encodeWith(createRoomRequestCodec, {
        group_info: decodeMls("MLSMessage", inputs.groupInfo),
        ratchet_tree: inputs.ratchetTree,
      }),
    );
    expect(created.status, created.body.toString()).toBe(201);
    const aliceInbox = alice.inbox();
    const bobInbox = bob.inbox();

    // Alice adds Bob (Add + participant-list change) through her client API: local hub.
    const add = await addUser(profile, aliceState, {
      user: utf8("mimi://b.example/u/bob"),
      role: 2,
      keyPackages: [bobKp.publicPackage],
    });
    const upd = await alice.send("POST", api("update", room), await commitRequest(profile, add));
    expect(upd.status, upd.body.toString()).toBe(200);
    expect(decodeUpdateRoomResponse(upd.body)).toMatchObject({ responseCode: "success" });
    aliceState = add.state;

    // Bob's provider got the Welcome over /notify and gives it to Bob, whose KeyPackage it adds.
    const [welcomeLine] = await bobInbox.waitFor(1);
    expect(welcomeLine!.roomId).toBe(room);
    const welcome = decodeFanoutMessage(fromHex(welcomeLine!.message));
    if (welcome.message.value.wireformat !== "mls_welcome" || !("ratchetTreeOption" in welcome))
      throw new Error("expected a Welcome");
    if (welcome.ratchetTreeOption.representation !== "full") throw new Error("expected the tree");
    let bobState = await joinRoom(
      profile,
      welcome.message.value,
      bobKp,
      welcome.ratchetTreeOption.ratchet_tree.value,
    );
    expect(bobState.groupContext.epoch).toBe(1n);
    // Alice's own provider queued the commit for her locally.
    const [commitLine] = await aliceInbox.waitFor(1);
    expect(decodeFanoutMessage(fromHex(commitLine!.message)).message.value.wireformat).toBe(
      "mls_public_message",
    );

    // Bob sends a message through his provider, which forwards it to the room's hub.
    const content = encodeMimiContent(
      buildOriginal({ senderUri: "mimi://b.example/u/bob", roomUri: room, text: "hi Alice" }),
    );
    const sent = await sendContent(profile, bobState, content, content.subarray(2, 18));
    bobState = sent.state;
    const sub = await bob.send(
      "POST",
      api("submitMessage", room),
      encodeSubmitMessageRequest({
        protocol: "mls10",
        appMessage: mlsOf("MLSMessage", sent.message),
        sendingUri: { uri: "mimi://b.example/u/bob" },
      }),
    );
    expect(sub.status, sub.body.toString()).toBe(200);
    expect(decodeSubmitMessageResponse(sub.body)).toMatchObject({ statusCode: "accepted" });

    // Alice receives it from her provider's inbox and decrypts it.
    const lines = await aliceInbox.waitFor(2);
    const app = decodeFanoutMessage(fromHex(lines[1]!.message));
    const got = await processIncoming(profile, aliceState, app.message.value);
    expect(got.kind).toBe("application");
    if (got.kind === "application") expect(Buffer.from(got.content).equals(Buffer.from(content))).toBe(true);
    // Bob's provider delivers the room's messages to Bob too (subscribed by the Welcome).
    const bobLines = await bobInbox.waitFor(2);
    expect(bobLines[1]!.message).toBe(lines[1]!.message);
    aliceInbox.close();
    bobInbox.close();

    // Prometheus: the federation server and the client API in one exposition.
    const metrics = await fetch(`http://127.0.0.1:${A.metricsPort}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/mimi_http_requests_total\{route="submitMessage",method="POST",status="200"\} 1/);
    expect(metrics).toMatch(/mimi_client_api_requests_total\{route="update",method="POST",status="200"\} 1/);
  });
});
