import { buildOriginal, encodeMimiContent } from "@mimi/content";
import {
  addUser,
  commit,
  commitPending,
  createRoom,
  encodeAppDataUpdate,
  encodeFrankingAgentData,
  joinRoom,
  joinRoomExternal,
  type KeyPackageBundle,
  type MimiProfile,
  type MlsGroupState,
  processIncoming,
  sendContent,
} from "@mimi/mls-profile";
import type { Frank } from "@mimi/protocol";
import {
  decodeFanoutMessage,
  decodeKeyMaterialResponse,
  decodeSubmitMessageResponse,
  decodeUpdateRoomResponse,
  encodeAbuseReport,
  encodeKeyMaterialRequest,
  encodeSubmitMessageRequest,
  mlsOf,
  signKeyMaterialRequest,
  verifyFrankingIntegrity,
} from "@mimi/protocol";
import { toHex, utf8 } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeBlob } from "../src/storage/blobs.js";
import { putConsent } from "../src/storage/consent-store.js";
import { inboxAfter } from "../src/storage/follower-inbox.js";
import { clientOfKeyPackageRef, keyPackageRef, storeKeyPackages } from "../src/storage/key-packages.js";
import {
  clientProfile,
  commitRequest,
  eventually,
  externalCommitRequest,
  fetchGroupInfo,
  keyPackageMessage,
  keyPackageOf,
  peerClient,
  post,
  roomInputs,
  route,
  startTestProvider,
  stopTestProvider,
  type TestProvider,
} from "./hub-harness.js";
import type { TestClient } from "./support/https-client.js";

const room = "mimi://a.example/r/lounge";
const aliceUser = "mimi://a.example/u/alice";
const alice1 = "mimi://a.example/d/alice/1";
const bobUser = "mimi://b.example/u/bob";
const bob1 = "mimi://b.example/d/bob/1";
const bob2 = "mimi://b.example/d/bob/2";

let A: TestProvider;
let B: TestProvider;
let aToA: TestClient;
let aToB: TestClient;
let bToA: TestClient;
let cToA: TestClient;
let cToB: TestClient;
let profile: MimiProfile;
let aliceKp: KeyPackageBundle;
let alice: MlsGroupState;
let bob: MlsGroupState;
let sent: { content: Uint8Array; frank: Frank; timestamp: bigint };

async function send(
  client: TestClient,
  from: string,
  to: TestProvider,
  name: string,
  param: string,
  body: Uint8Array,
) {
  const res = await post(client, from, to.domain, route(name, param), body);
  return res;
}

async function keyMaterialRequest(requester: string, target: string, kp: KeyPackageBundle, tamper = false) {
  const tbs = {
    protocol: "mls10" as const,
    requestingUser: { uri: requester },
    targetUser: { uri: target },
    roomId: { uri: room },
    acceptableCiphersuites: [1],
    requiredCapabilities: mlsOf("RequiredCapabilities", {
      extensionTypes: [],
      proposalTypes: [],
      credentialTypes: [],
    }),
    requesterSignatureKey: kp.publicPackage.leafNode.signaturePublicKey,
    requesterCredential: mlsOf("Credential", kp.publicPackage.leafNode.credential),
  };
  const signed = await signKeyMaterialRequest(
    tbs,
    kp.privatePackage.signaturePrivateKey,
    profile.cs.impl.signature,
  );
  return encodeKeyMaterialRequest(
    tamper ? { ...signed, roomId: { uri: "mimi://a.example/r/other" } } : signed,
  );
}

beforeAll(async () => {
  A = await startTestProvider("a.example", { hub: {} });
  B = await startTestProvider("b.example", { hub: {} });
  aToA = peerClient("a.example", A);
  aToB = peerClient("a.example", B);
  bToA = peerClient("b.example", A);
  cToA = peerClient("c.example", A);
  cToB = peerClient("c.example", B);
  profile = await clientProfile(A.hub!);
  aliceKp = await keyPackageOf(profile.cs, alice1);
  alice = await createRoom(profile, { roomUri: room, keyPackage: aliceKp, creatorRole: 2 });
  const inputs = await roomInputs(profile, alice);
  await A.hub!.createRoom(room, inputs.groupInfo, inputs.ratchetTree, alice1);
  // Alice makes the hub the room's franking agent (protocol-06 §5.4.1).
  const keys = await A.hub!.keys();
  const agent = await commit(alice, profile.cs, {
    proposals: [
      {
        proposalType: profile.codePoints.proposalTypes.app_data_update,
        proposalData: encodeAppDataUpdate({
          component_id: profile.codePoints.componentIds.franking_agent,
          op: "update",
          update: encodeFrankingAgentData({
            franking_signature_key: keys.signaturePublicKey,
            credential: keys.credential,
          }),
        }),
      } as never,
    ],
    publicMessage: true,
  });
  const res = await send(
    aToA,
    "a.example",
    A,
    "update",
    room,
    await commitRequest(profile, {
      ...agent,
      ratchetTree: mlsOf("RatchetTree", agent.state.ratchetTree).bytes,
    }),
  );
  expect(decodeUpdateRoomResponse(res.body)).toMatchObject({ responseCode: "success" });
  alice = agent.state;
});

afterAll(async () => {
  for (const c of [aToA, aToB, bToA, cToA, cToB]) c?.close();
  if (A !== undefined) await stopTestProvider(A);
  if (B !== undefined) await stopTestProvider(B);
});

describe("keyMaterial, submitMessage, reportAbuse, groupInfo and proxyDownload over mutual TLS", () => {
  let claimed: KeyPackageBundle;

  it("hands out one KeyPackage per client once, with the target's consent, and remembers its ref [PROTO-KM-05] [PROTO-KM-07]", async () => {
    claimed = await keyPackageOf(profile.cs, bob1);
    await storeKeyPackages(B.db, bob1, [keyPackageMessage(claimed)]);
    // no consent yet: noConsent, no clients
    const r0 = await send(
      aToB,
      "a.example",
      B,
      "keyMaterial",
      bobUser,
      await keyMaterialRequest(aliceUser, bobUser, aliceKp),
    );
    expect(r0.status).toBe(200);
    expect(decodeKeyMaterialResponse(r0.body)).toMatchObject({ userStatus: "noConsent", clients: [] });
    // Bob asked Alice for consent and Alice granted it (recorded by /updateConsent at b.example)
    await putConsent(
      B.db,
      "received_decision",
      { requesterUri: bobUser, targetUri: aliceUser },
      "grant",
      "a.example",
      new Uint8Array(1),
      Date.now(),
    );
    const r1 = await send(
      aToB,
      "a.example",
      B,
      "keyMaterial",
      bobUser,
      await keyMaterialRequest(aliceUser, bobUser, aliceKp),
    );
    const km = decodeKeyMaterialResponse(r1.body);
    expect(km.userStatus).toBe("success");
    expect(km.clients).toHaveLength(1);
    const c = km.clients[0]!;
    expect(c.clientStatus).toBe("success");
    if (c.clientStatus !== "success") throw new Error("unreachable");
    expect(toHex(c.keyPackage.bytes)).toBe(toHex(mlsOf("KeyPackage", claimed.publicPackage).bytes));
    expect(await clientOfKeyPackageRef(B.db, await keyPackageRef(c.keyPackage.value))).toBe(bob1);
    const r2 = await send(
      aToB,
      "a.example",
      B,
      "keyMaterial",
      bobUser,
      await keyMaterialRequest(aliceUser, bobUser, aliceKp),
    );
    expect(decodeKeyMaterialResponse(r2.body)).toMatchObject({
      userStatus: "noCompatibleMaterial",
      clients: [{ clientStatus: "keyMaterialExhausted" }],
    });
    const unknown = await send(
      aToB,
      "a.example",
      B,
      "keyMaterial",
      "mimi://b.example/u/nobody",
      await keyMaterialRequest(aliceUser, "mimi://b.example/u/nobody", aliceKp),
    );
    expect(decodeKeyMaterialResponse(unknown.body).userStatus).toBe("noConsent");
  });

  it("refuses key material requests that are not signed, not the path's, or not from the requester's provider [PROTO-KM-01] [PROTO-KM-06]", async () => {
    const tampered = await send(
      aToB,
      "a.example",
      B,
      "keyMaterial",
      bobUser,
      await keyMaterialRequest(aliceUser, bobUser, aliceKp, true),
    );
    expect(tampered.status).toBe(400);
    expect(JSON.parse(tampered.body.toString()).rule).toBe("PROTO-KM-01");
    const other = await send(
      aToB,
      "a.example",
      B,
      "keyMaterial",
      "mimi://b.example/u/carol",
      await keyMaterialRequest(aliceUser, bobUser, aliceKp),
    );
    expect(other.status).toBe(400);
    const wrongPeer = await send(
      cToB,
      "c.example",
      B,
      "keyMaterial",
      bobUser,
      await keyMaterialRequest(aliceUser, bobUser, aliceKp),
    );
    expect(wrongPeer.status).toBe(403);
    const notOurs = await send(
      aToB,
      "a.example",
      B,
      "keyMaterial",
      aliceUser,
      await keyMaterialRequest(aliceUser, aliceUser, aliceKp),
    );
    expect(notOurs.status).toBe(404);
  });

  it("adds Bob with the claimed KeyPackage; Bob joins from the Welcome queued at b.example", async () => {
    const add = await addUser(profile, alice, {
      user: utf8(bobUser),
      role: 2,
      keyPackages: [claimed.publicPackage],
    });
    const res = await send(aToA, "a.example", A, "update", room, await commitRequest(profile, add));
    expect(decodeUpdateRoomResponse(res.body)).toMatchObject({ responseCode: "success" });
    alice = add.state;
    const w = await eventually(async () =>
      (await inboxAfter(B.db, room, 0n))
        .map((i) => decodeFanoutMessage(i.message))
        .find((m) => m.message.value.wireformat === "mls_welcome"),
    );
    if (!("ratchetTreeOption" in w) || w.ratchetTreeOption.representation !== "full")
      throw new Error("no tree");
    // the Welcome names the KeyPackage b.example handed out
    const ref = await keyPackageRef(claimed.publicPackage);
    expect(
      w.message.value.wireformat === "mls_welcome" &&
        Buffer.from(w.message.value.welcome.secrets[0]!.newMember).equals(Buffer.from(ref)),
    ).toBe(true);
    bob = await joinRoom(profile, w.message.value, claimed, w.ratchetTreeOption.ratchet_tree.value);
  });

  it("accepts Alice's message with an accepted timestamp and a verifiable frank, fanned out to b.example [PROTO-FRANK-02]", async () => {
    const content = encodeMimiContent(
      buildOriginal({ senderUri: aliceUser, roomUri: room, text: "hello Bob" }),
    );
    const s = await sendContent(profile, alice, content, content.subarray(2, 18));
    alice = s.state;
    const before = Date.now();
    const res = await send(
      aToA,
      "a.example",
      A,
      "submitMessage",
      room,
      encodeSubmitMessageRequest({
        protocol: "mls10",
        appMessage: mlsOf("MLSMessage", s.message),
        sendingUri: { uri: aliceUser },
      }),
    );
    expect(res.status).toBe(200);
    const r = decodeSubmitMessageResponse(res.body);
    if (r.statusCode !== "accepted" || r.frank === undefined)
      throw new Error(`not accepted with a frank: ${String(r.statusCode)}`);
    expect(Number(r.accepted_timestamp)).toBeGreaterThanOrEqual(before - 1000);
    const keys = await A.hub!.keys();
    await verifyFrankingIntegrity(
      {
        server_frank: r.frank.server_frank,
        franking_signature_ciphersuite: 1,
        context: {
          sender_uri: { uri: aliceUser },
          room_uri: { uri: room },
          accepted_timestamp: r.accepted_timestamp,
        },
      },
      r.frank.franking_integrity_signature,
      keys.signaturePublicKey,
      profile.cs.impl.signature,
    );
    sent = { content, frank: r.frank, timestamp: r.accepted_timestamp };
    const fanned = await eventually(async () =>
      (await inboxAfter(B.db, room, 0n))
        .map((i) => decodeFanoutMessage(i.message))
        .find((m) => m.message.value.wireformat === "mls_private_message"),
    );
    expect("frank" in fanned && fanned.frank !== undefined ? toHex(fanned.frank.server_frank) : "").toBe(
      toHex(r.frank.server_frank),
    );
    const got = await processIncoming(profile, bob, fanned.message.value);
    expect(got.kind).toBe("application");
    if (got.kind === "application") expect(got.content).toEqual(content);
    bob = got.state;
  });

  it("refuses messages of other providers' users, of non-participants, and answers epochTooOld with the epoch; a peer without members gets no fanout [PROTO-SUBMIT-02] [PROTO-SUBMIT-03] [PROTO-SUBMIT-04]", async () => {
    const content = encodeMimiContent(buildOriginal({ senderUri: aliceUser, roomUri: room, text: "x" }));
    const s = await sendContent(profile, alice, content, content.subarray(2, 18));
    alice = s.state;
    const submit = (client: TestClient, from: string, uri: string, msg = s.message) =>
      send(
        client,
        from,
        A,
        "submitMessage",
        room,
        encodeSubmitMessageRequest({
          protocol: "mls10",
          appMessage: mlsOf("MLSMessage", msg),
          sendingUri: { uri },
        }),
      );
    expect(decodeSubmitMessageResponse((await submit(bToA, "b.example", aliceUser)).body).statusCode).toBe(
      "notAllowed",
    );
    expect(
      decodeSubmitMessageResponse((await submit(cToA, "c.example", "mimi://c.example/u/carol")).body)
        .statusCode,
    ).toBe("notAllowed");
    // a commit moves the room on; the old-epoch message is too old
    const c = await commitPending(profile, alice);
    expect(
      decodeUpdateRoomResponse(
        (await send(aToA, "a.example", A, "update", room, await commitRequest(profile, c))).body,
      ).responseCode,
    ).toBe("success");
    alice = c.state;
    bob = (await processIncoming(profile, bob, c.commit)).state;
    const old = decodeSubmitMessageResponse((await submit(aToA, "a.example", aliceUser)).body);
    expect(old).toMatchObject({ statusCode: "epochTooOld", currentEpoch: alice.groupContext.epoch });
    // nothing c.example sent made the hub fan out to it: it delivers only to the domains of the
    // room's members (its own queue for a.example's clients, and b.example), whatever a peer submits
    await A.fanout?.idle();
    const targets = await A.db.query<{ peer_domain: string }>(
      "SELECT DISTINCT peer_domain FROM fanout_cursor ORDER BY peer_domain",
    );
    expect(targets.map((t) => t.peer_domain)).toEqual(["a.example", "b.example"]);
  });

  it("accepts an abuse report whose frank it issued, and refuses a tampered one [PROTO-ABUSE-01]", async () => {
    const report = (content: Uint8Array, frank: Frank) =>
      encodeAbuseReport({
        reportingUser: { uri: bobUser },
        allegedAbuserUri: { uri: aliceUser },
        reasonCode: 0,
        note: "spam",
        messages: [{ message_content: content, frank, accepted_timestamp: sent.timestamp }],
        abuse_extensions: { component_data: [] } as never,
      });
    const ok = await send(bToA, "b.example", A, "reportAbuse", room, report(sent.content, sent.frank));
    expect(ok.status).toBe(201);
    const forged = encodeMimiContent(
      buildOriginal({ senderUri: aliceUser, roomUri: room, text: "never said" }),
    );
    const bad = await send(bToA, "b.example", A, "reportAbuse", room, report(forged, sent.frank));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).rule).toBe("PROTO-ABUSE-01");
    const rows = await A.db.query("SELECT peer_domain FROM abuse_reports WHERE room_id = $1", [room]);
    expect(rows).toEqual([{ peer_domain: "b.example" }]);
  });

  it("gives Bob's new client the encrypted, signed GroupInfo and tree, and accepts its external commit [PROTO-GI-03] [PROTO-GI-04]", async () => {
    const kp2 = await keyPackageOf(profile.cs, bob2);
    const request = (
      from: string,
      client: TestClient,
      kp: KeyPackageBundle,
      opts: { suite?: number; roomUri?: string } = {},
    ) =>
      fetchGroupInfo(
        client,
        from,
        A,
        opts.roomUri ?? room,
        profile,
        kp,
        opts.suite === undefined ? {} : { suite: opts.suite },
      );
    const got = await request("b.example", bToA, kp2);
    if (got.status !== "success") throw new Error(`groupInfo: ${String(got.status)}`);
    expect(toHex(got.hubSignatureKey)).toBe(toHex((await A.hub!.keys()).signaturePublicKey));
    const tbe = got.tbe;
    expect(tbe.groupInfo.value.groupContext.epoch).toBe(alice.groupContext.epoch);
    if (tbe.ratchetTreeOption.representation !== "full") throw new Error("no tree");
    const joined = await joinRoomExternal(
      profile,
      tbe.groupInfo.value,
      kp2,
      tbe.ratchetTreeOption.ratchet_tree.value,
    );
    const ext = await send(
      bToA,
      "b.example",
      A,
      "update",
      room,
      await externalCommitRequest(profile, joined),
    );
    expect(decodeUpdateRoomResponse(ext.body)).toMatchObject({
      responseCode: "success",
      errorDescription: "",
    });
    alice = (await processIncoming(profile, alice, joined.commit)).state;
    expect(alice.groupContext.epoch).toBe(joined.state.groupContext.epoch);
    // a non-participant and a client of another provider get notAuthorized; another suite 400
    const dave = await keyPackageOf(profile.cs, "mimi://b.example/d/dave/1");
    expect((await request("b.example", bToA, dave)).status).toBe("notAuthorized");
    expect((await request("c.example", cToA, kp2)).status).toBe("notAuthorized");
    expect((await request("b.example", bToA, kp2, { roomUri: "mimi://a.example/r/none" })).status).toBe(
      "noSuchRoom",
    );
    expect((await request("b.example", bToA, kp2, { suite: 3 })).status).toBe(400);
  });

  it("serves its own blobs through /proxyDownload and is not an open proxy [PROTO-DL-01]", async () => {
    const bytes = new Uint8Array(5000).map((_, i) => (i * 7) & 0xff);
    const url = await storeBlob(A.db, bytes, "a.example");
    const get = (u: string) =>
      bToA.send({
        method: "GET",
        path: route("proxyDownload", u),
        headers: { host: "a.example", from: "mimi@b.example" },
      });
    const ok = await get(url);
    expect(ok.status).toBe(200);
    expect(new Uint8Array(ok.body)).toEqual(bytes);
    const elsewhere = await get("https://evil.example/blobs/00000000000000000000000000000000");
    expect(elsewhere.status).toBe(403);
    expect(JSON.parse(elsewhere.body.toString()).rule).toBe("PROTO-DL-01");
    expect((await get("https://a.example/blobs/00000000000000000000000000000000")).status).toBe(404);
  });
});
