import {
  joinRoomExternal,
  type KeyPackageBundle,
  type MimiProfile,
  type MlsGroupState,
  processIncoming,
} from "@mimi/mls-profile";
import { decodeUpdateRoomResponse } from "@mimi/protocol";
import { cooperativeRoles, type RoleData, roleCapabilities } from "@mimi/room-policy";
import { ValidationError } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJoinCode, deleteJoinCode } from "../src/hub/join-codes.js";
import { participantsOf } from "../src/hub/room-policy.js";
import { roomState } from "../src/storage/room-log.js";
import {
  clientProfile,
  externalCommitRequest,
  fetchGroupInfo,
  hostRoom,
  keyPackageOf,
  peerClient,
  post,
  route,
  startTestProvider,
  stopTestProvider,
  type TestProvider,
} from "./hub-harness.js";
import type { TestClient } from "./support/https-client.js";

const room = "mimi://a.example/r/codes";
const alice1 = "mimi://a.example/d/alice/1";

/** Cooperative roles where role 0 may join with a code (as an ordinary user) and ordinary users issue codes. */
const codeRoles: RoleData = {
  roles: cooperativeRoles.roles.map((r) =>
    r.role_index === 0
      ? {
          ...r,
          role_capabilities: [roleCapabilities.canUseJoinCode],
          authorized_role_changes: [{ from_role_index: 0, target_role_indexes: [2] }],
        }
      : r.role_index === 2
        ? { ...r, role_capabilities: [...r.role_capabilities, roleCapabilities.canCreateJoinCode] }
        : r,
  ),
};

let hubA: TestProvider;
let followerB: TestProvider;
let bToA: TestClient;
let profile: MimiProfile;
let alice: MlsGroupState;

const inAnHour = (): number => Date.now() + 3_600_000;

async function update(body: Uint8Array) {
  const res = await post(bToA, "b.example", "a.example", route("update", room), body);
  expect(res.status, res.body.toString()).toBe(200);
  return decodeUpdateRoomResponse(res.body);
}

/** Fetch the GroupInfo with `code` as `kp`'s client at b.example and commit an external join as role `role`. */
async function joinWith(kp: KeyPackageBundle, code: Uint8Array | undefined, role = 2) {
  const got = await fetchGroupInfo(bToA, "b.example", hubA, room, profile, kp, {
    ...(code === undefined ? {} : { joiningCode: code }),
  });
  if (got.status !== "success") return { status: got.status };
  if (got.tbe.ratchetTreeOption.representation !== "full") throw new Error("no tree");
  const joined = await joinRoomExternal(
    profile,
    got.tbe.groupInfo.value,
    kp,
    got.tbe.ratchetTreeOption.ratchet_tree.value,
    {
      role,
    },
  );
  return { status: "success" as const, joined, body: await externalCommitRequest(profile, joined) };
}

beforeAll(async () => {
  hubA = await startTestProvider("a.example", { hub: { defaultRoles: codeRoles } });
  followerB = await startTestProvider("b.example");
  bToA = peerClient("b.example", hubA);
  profile = await clientProfile(hubA.hub!);
  alice = await hostRoom(hubA.hub!, profile, room, alice1);
});

afterAll(async () => {
  bToA?.close();
  if (hubA !== undefined) await stopTestProvider(hubA);
  if (followerB !== undefined) await stopTestProvider(followerB);
});

describe("joining codes: /groupInfo and the external commit for a non-participant (decision 0661)", () => {
  it("issues codes only to participants whose role holds canCreateJoinCode, for a valid target role [PROTO-JC-01] [PROTO-JC-02]", async () => {
    const hub = hubA.hub!;
    const refused = async (input: Parameters<typeof createJoinCode>[1], rule: string | undefined) => {
      const e = await createJoinCode(hub, input).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).rule).toBe(rule);
    };
    const base = { roomId: room, creatorClient: alice1, role_index: 2, expiresAt: inAnHour() };
    await refused({ ...base, creatorClient: "mimi://a.example/d/mallory/1" }, "PROTO-JC-01");
    await refused({ ...base, role_index: 3 }, "PROTO-JC-02");
    await refused({ ...base, role_index: 0 }, "PROTO-JC-02");
    await refused({ ...base, expiresAt: Date.now() - 1 }, undefined);
    await refused({ ...base, maxUses: 0 }, undefined);
    expect((await createJoinCode(hub, base)).length).toBe(16);
  });

  it("a non-participant with a valid code fetches the GroupInfo and joins by external commit; the code is then spent [PROTO-JC-04] [PROTO-JC-05] [PROTO-JC-03]", async () => {
    const code = await createJoinCode(hubA.hub!, {
      roomId: room,
      creatorClient: alice1,
      role_index: 2,
      expiresAt: inAnHour(),
    });
    const dave = await keyPackageOf(profile.cs, "mimi://b.example/d/dave/1");
    const j = await joinWith(dave, code);
    if (j.status !== "success") throw new Error(`groupInfo: ${String(j.status)}`);
    expect(await update(j.body)).toMatchObject({ responseCode: "success" });
    alice = (await processIncoming(profile, alice, j.joined.commit)).state;
    expect(alice.groupContext.epoch).toBe(j.joined.state.groupContext.epoch);
    const view = (await hubA.hub!.room(room))!.view;
    expect(participantsOf(view)).toContainEqual({ user: "mimi://b.example/u/dave", role_index: 2 });
    // single use: the next non-participant presenting it is refused
    const erin = await keyPackageOf(profile.cs, "mimi://b.example/d/erin/1");
    expect((await joinWith(erin, code)).status).toBe("notAuthorized");
  });

  it("refuses a request without a code, with a wrong, expired or revoked code, and an external commit the code does not authorize; the room stays in its epoch [PROTO-JC-03] [PROTO-JC-04] [PROTO-JC-05]", async () => {
    const epoch = (await roomState(hubA.db, room))!.epoch;
    const frank = await keyPackageOf(profile.cs, "mimi://b.example/d/frank/1");
    expect((await joinWith(frank, undefined)).status).toBe("notAuthorized");
    expect((await joinWith(frank, new Uint8Array(16).fill(7))).status).toBe("notAuthorized");
    const soon = await createJoinCode(hubA.hub!, {
      roomId: room,
      creatorClient: alice1,
      role_index: 2,
      expiresAt: Date.now() + 30,
    });
    await new Promise((r) => setTimeout(r, 60));
    expect((await joinWith(frank, soon)).status).toBe("notAuthorized");
    const revoked = await createJoinCode(hubA.hub!, {
      roomId: room,
      creatorClient: alice1,
      role_index: 2,
      expiresAt: inAnHour(),
    });
    expect(await deleteJoinCode(hubA.hub!, room, revoked, "mimi://b.example/d/dave/1")).toBe(false);
    expect(await deleteJoinCode(hubA.hub!, room, revoked, alice1)).toBe(true);
    expect((await joinWith(frank, revoked)).status).toBe("notAuthorized");

    const code = await createJoinCode(hubA.hub!, {
      roomId: room,
      creatorClient: alice1,
      role_index: 2,
      expiresAt: inAnHour(),
    });
    // a valid code for role 2 does not admit the joiner as role 3
    const asAdmin = await joinWith(frank, code, 3);
    if (asAdmin.status !== "success") throw new Error("groupInfo refused");
    const r1 = await update(asAdmin.body);
    expect(r1.responseCode).toBe("notAllowed");
    expect(r1.errorDescription).toContain("POLICY-JOIN-01");
    // a client that did not present the code (another key) cannot ride on frank's grant
    const gina = await keyPackageOf(profile.cs, "mimi://b.example/d/gina/1");
    const view = (await hubA.hub!.room(room))!;
    const info = await fetchGroupInfo(bToA, "b.example", hubA, room, profile, frank, { joiningCode: code });
    if (info.status !== "success" || info.tbe.ratchetTreeOption.representation !== "full")
      throw new Error("refused");
    const ginaJoin = await joinRoomExternal(
      profile,
      info.tbe.groupInfo.value,
      gina,
      info.tbe.ratchetTreeOption.ratchet_tree.value,
      {
        role: 2,
      },
    );
    const r2 = await update(await externalCommitRequest(profile, ginaJoin));
    expect(r2.responseCode).toBe("notAllowed");
    expect(r2.errorDescription).toContain("POLICY-JOIN-01");
    expect((await roomState(hubA.db, room))!.epoch).toBe(epoch);
    expect(view.view.groupContext.epoch).toBe(epoch);
    // the code is still unspent: frank joins with it as role 2
    const ok = await joinWith(frank, code);
    if (ok.status !== "success") throw new Error("refused");
    expect((await update(ok.body)).responseCode).toBe("success");
  });
});

describe("joining codes over the client API (decision 0662)", () => {
  it("[PROTO-CAPI-11] a participant's client issues and revokes codes of rooms its provider hosts; others are refused with a reason", async () => {
    const { createProviderPki, issueClientCertificate } = await import("@mimi/identity");
    const { startClientApi } = await import("../src/client-api/server.js");
    const { createFederationClient } = await import("../src/federation/client.js");
    const { Agent, request } = await import("node:https");
    const hub = hubA.hub!;
    const apiPki = await createProviderPki("a.example");
    const federation = createFederationClient({
      domain: "a.example",
      key: apiPki.server.privateKeyPem,
      cert: apiPki.server.certificatePem,
      ca: apiPki.ca.certificatePem,
      peers: {},
    });
    const api = await startClientApi({
      domain: "a.example",
      key: apiPki.server.privateKeyPem,
      cert: apiPki.server.certificatePem,
      clientCa: apiPki.ca.certificatePem,
      db: hubA.db,
      endpoints: [],
      federation,
      joinCodes: {
        create: (input) => createJoinCode(hub, input),
        revoke: (roomId, code, client) => deleteJoinCode(hub, roomId, code, client),
      },
      log: () => {},
    });
    const as = async (clientUri: string) => {
      const issued = await issueClientCertificate(apiPki.ca, {
        userUri: clientUri.replace(/\/d\/([^/]+)\/.*$/, "/u/$1"),
        clientUri,
      });
      const agent = new Agent({
        keepAlive: false,
        key: issued.privateKeyPem!,
        cert: issued.certificatePem,
        ca: apiPki.ca.certificatePem,
      });
      return (roomId: string, body: unknown) =>
        new Promise<{ status: number; json: Record<string, unknown> | undefined }>((resolve, reject) => {
          const bytes = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
          const req = request(
            {
              host: "127.0.0.1",
              port: api.port,
              method: "POST",
              path: `/client/v1/joinCodes/${encodeURIComponent(roomId)}`,
              agent,
              servername: "a.example",
              headers: { "content-type": "application/json", "content-length": bytes.length },
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on("data", (c: Buffer) => chunks.push(c));
              res.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                resolve({ status: res.statusCode ?? 0, json: text === "" ? undefined : JSON.parse(text) });
              });
            },
          );
          req.on("error", reject);
          req.end(bytes);
        });
    };
    try {
      const asAlice = await as(alice1);
      const made = await asAlice(room, { role_index: 2, expiresAt: inAnHour(), maxUses: 2 });
      expect(made.status, JSON.stringify(made.json)).toBe(201);
      expect(String(made.json!["code"])).toMatch(/^[0-9a-f]{32}$/);
      // a client that is not in the room's group
      const stranger = await (await as("mimi://a.example/d/mallory/1"))(room, {
        role_index: 2,
        expiresAt: inAnHour(),
      });
      expect(stranger.status).toBe(400);
      expect(stranger.json).toMatchObject({ rule: "PROTO-JC-01" });
      // rooms of another provider, malformed bodies
      expect(
        (await asAlice("mimi://b.example/r/x", { role_index: 2, expiresAt: inAnHour() })).json,
      ).toMatchObject({
        rule: "PROTO-CAPI-11",
      });
      for (const bad of [
        "{",
        "[]",
        { role_index: -1, expiresAt: 1 },
        { role_index: 2 },
        { role_index: 2, expiresAt: 1, x: 1 },
      ])
        expect((await asAlice(room, bad)).status).toBe(400);
      // revoke: once, then it is gone
      expect((await asAlice(room, { revoke: made.json!["code"] })).status).toBe(204);
      expect((await asAlice(room, { revoke: made.json!["code"] })).status).toBe(404);
    } finally {
      await api.close(500);
      federation.close();
    }
  });
});
