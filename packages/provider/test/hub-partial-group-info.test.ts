import type { GroupInfo } from "@mimi/mls-profile";
import {
  commitPending,
  encodeMlsMessage,
  exportGroupInfo,
  joinRoomExternal,
  type MimiProfile,
  type MlsGroupState,
  processIncoming,
} from "@mimi/mls-profile";
import { decodeUpdateRoomResponse, mlsOf, type PartialGroupInfo, partialGroupInfoOf } from "@mimi/protocol";
import { toHex } from "@mimi/wire";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBytes } from "../src/storage/database.js";
import { roomState } from "../src/storage/room-log.js";
import {
  clientProfile,
  commitRequest,
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

const room = "mimi://a.example/r/partial";
const alice1 = "mimi://a.example/d/alice/1";
const alice2 = "mimi://a.example/d/alice/2";

let hubA: TestProvider;
let aToA: TestClient;
let profile: MimiProfile;
let alice: MlsGroupState;

async function update(body: Uint8Array) {
  const res = await post(aToA, "a.example", "a.example", route("update", room), body);
  expect(res.status, res.body.toString()).toBe(200);
  return decodeUpdateRoomResponse(res.body);
}

/** The GroupInfo the hub stores for the room (an MLSMessage). */
async function storedGroupInfo(): Promise<string> {
  const rows = await hubA.db.query<{ group_info: unknown }>(
    "SELECT group_info FROM hub_rooms WHERE room_id = $1",
    [room],
  );
  return toHex(toBytes(rows[0]!.group_info));
}

/** The committer's own GroupInfo for the commit's epoch, as ts-mls produces it. */
async function committersGroupInfo(state: MlsGroupState): Promise<string> {
  return toHex(encodeMlsMessage(await exportGroupInfo(state, profile.cs)));
}

beforeAll(async () => {
  hubA = await startTestProvider("a.example", { hub: {} });
  aToA = peerClient("a.example", hubA);
  profile = await clientProfile(hubA.hub!);
  alice = await hostRoom(hubA.hub!, profile, room, alice1);
});

afterAll(async () => {
  aToA?.close();
  if (hubA !== undefined) await stopTestProvider(hubA);
});

describe("hub /update with a PartialGroupInfo (ratchet-tree-options §4)", () => {
  it("rebuilds the committer's GroupInfo byte for byte from a PartialGroupInfo and stores it [PROTO-HUB-07] [PROTO-PGI-01] [PROTO-PGI-02]", async () => {
    const c = await commitPending(profile, alice);
    const res = await update(await commitRequest(profile, c, c.state, partialGroupInfoOf));
    expect(res).toMatchObject({ responseCode: "success", errorDescription: "" });
    alice = c.state;
    expect((await roomState(hubA.db, room))?.epoch).toBe(alice.groupContext.epoch);
    expect(await storedGroupInfo()).toBe(await committersGroupInfo(alice));
  });

  it("refuses a PartialGroupInfo with a bad signature or wrong extensions with notAllowed, and the room stays in its epoch [PROTO-PGI-01] [PROTO-PGI-02] [PROTO-HUB-07]", async () => {
    const epoch = alice.groupContext.epoch;
    const before = await storedGroupInfo();
    const c = await commitPending(profile, alice);
    const tampered = async (f: (p: PartialGroupInfo) => PartialGroupInfo) =>
      update(await commitRequest(profile, c, c.state, (gi: GroupInfo) => f(partialGroupInfoOf(gi))));
    const flipped = (p: PartialGroupInfo): PartialGroupInfo => {
      const signature = p.signature.slice();
      signature[3] = signature[3]! ^ 1;
      return { ...p, signature };
    };
    const cases: [string, (p: PartialGroupInfo) => PartialGroupInfo, string][] = [
      ["bad signature", flipped, "MLS-HUB-16"],
      ["presence present", (p) => ({ ...p, ratchet_tree_presence: "present" }), "PROTO-PGI-01"],
      ["no external_pub", (p) => ({ ...p, group_info_extensions: [] }), "PROTO-PGI-02"],
      [
        "a ratchet_tree extension",
        (p) => ({
          ...p,
          group_info_extensions: [
            ...p.group_info_extensions,
            mlsOf("Extension", { extensionType: "ratchet_tree", extensionData: new Uint8Array([0]) }),
          ],
        }),
        "PROTO-PGI-02",
      ],
      [
        "external_pub twice",
        (p) => ({ ...p, group_info_extensions: [...p.group_info_extensions, ...p.group_info_extensions] }),
        "PROTO-PGI-02",
      ],
      [
        "an extension the committer did not sign",
        (p) => ({
          ...p,
          group_info_extensions: [
            ...p.group_info_extensions,
            mlsOf("Extension", { extensionType: 0xff00, extensionData: new Uint8Array([1]) }),
          ],
        }),
        "MLS-HUB-16",
      ],
    ];
    for (const [name, f, rule] of cases) {
      const res = await tampered(f);
      expect(res.responseCode, name).toBe("notAllowed");
      expect(res.errorDescription, name).toContain(rule);
      expect((await roomState(hubA.db, room))?.epoch, name).toBe(epoch);
      expect(await storedGroupInfo(), name).toBe(before);
    }
    // the untampered PartialGroupInfo of the same commit is still accepted
    const ok = await update(await commitRequest(profile, c, c.state, partialGroupInfoOf));
    expect(ok.responseCode).toBe("success");
    alice = c.state;
  });

  it("a new client joins by external commit with the GroupInfo served after a partial commit, itself sending a PartialGroupInfo [PROTO-PGI-02] [PROTO-GI-04]", async () => {
    const kp2 = await keyPackageOf(profile.cs, alice2);
    const got = await fetchGroupInfo(aToA, "a.example", hubA, room, profile, kp2);
    if (got.status !== "success") throw new Error(`groupInfo: ${String(got.status)}`);
    expect(
      toHex(
        encodeMlsMessage({
          version: "mls10",
          wireformat: "mls_group_info",
          groupInfo: got.tbe.groupInfo.value,
        }),
      ),
    ).toBe(await committersGroupInfo(alice));
    if (got.tbe.ratchetTreeOption.representation !== "full") throw new Error("no tree");
    const joined = await joinRoomExternal(
      profile,
      got.tbe.groupInfo.value,
      kp2,
      got.tbe.ratchetTreeOption.ratchet_tree.value,
    );
    const res = await update(await externalCommitRequest(profile, joined, partialGroupInfoOf));
    expect(res).toMatchObject({ responseCode: "success" });
    // the signer of the rebuilt GroupInfo is the joiner's new leaf
    expect(await storedGroupInfo()).toBe(await committersGroupInfo(joined.state));
    alice = (await processIncoming(profile, alice, joined.commit)).state;
    expect(alice.groupContext.epoch).toBe(joined.state.groupContext.epoch);
  });
});
