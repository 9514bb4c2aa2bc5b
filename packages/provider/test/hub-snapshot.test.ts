import { commitPending, type MimiProfile, type MlsGroupState } from "@mimi/mls-profile";
import { decodeUpdateRoomResponse } from "@mimi/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHub } from "../src/hub/hub.js";
import type { LogRecord } from "../src/server/log.js";
import {
  clientProfile,
  commitRequest,
  hostRoom,
  peerClient,
  post,
  route,
  startTestProvider,
  stopTestProvider,
  type TestProvider,
} from "./hub-harness.js";
import type { TestClient } from "./support/https-client.js";

const room = "mimi://a.example/r/snapshots";
const alice1 = "mimi://a.example/d/alice/1";

let hubA: TestProvider;
let aToA: TestClient;
let profile: MimiProfile;
let alice: MlsGroupState;

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

/** Commit `n` empty commits as Alice through the hub. */
async function commits(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const c = await commitPending(profile, alice);
    const res = await post(
      aToA,
      "a.example",
      "a.example",
      route("update", room),
      await commitRequest(profile, c),
    );
    expect(decodeUpdateRoomResponse(res.body).responseCode, res.body.toString()).toBe("success");
    alice = c.state;
  }
}

/** A fresh hub process's view of the room (same storage), with its log records. */
async function restart(): Promise<{ epoch: bigint; treeHash: string; records: LogRecord[] }> {
  const records: LogRecord[] = [];
  const hub = createHub({ db: hubA.db, domain: "a.example", log: (r) => records.push(r) });
  const r = (await hub.room(room))!;
  return {
    epoch: r.view.groupContext.epoch,
    treeHash: Buffer.from(r.view.groupContext.treeHash).toString("hex"),
    records,
  };
}

async function snapshotSeq(): Promise<bigint | undefined> {
  const rows = await hubA.db.query<{ seq: unknown }>(
    "SELECT seq FROM hub_view_snapshots WHERE room_id = $1",
    [room],
  );
  return rows[0] === undefined ? undefined : BigInt(String(rows[0].seq));
}

async function until(what: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await what()); i++) await new Promise((r) => setTimeout(r, 10));
}

describe("hub restart from hub-view snapshots (decision 0650)", () => {
  it("[PROTO-HUB-11] restarts from the newest snapshot and replays only the log after it; a bad snapshot falls back to the whole log", async () => {
    await commits(5);
    const live = (await hubA.hub!.room(room))!.view.groupContext;
    // No snapshot yet: the first restart replays all five commits, then stores a snapshot.
    const first = await restart();
    expect(first.records.find((r) => r.msg === "room loaded")).toMatchObject({ replayed: 5, fromSeq: "0" });
    expect(first.epoch).toBe(live.epoch);
    await until(async () => (await snapshotSeq()) !== undefined);
    const snapAt = await snapshotSeq();
    expect(snapAt).toBeGreaterThan(0n);

    // Two more commits: the next restart starts at the snapshot and replays those two only.
    await commits(2);
    const liveNow = (await hubA.hub!.room(room))!.view.groupContext;
    const second = await restart();
    expect(second.records.find((r) => r.msg === "room loaded")).toMatchObject({
      replayed: 2,
      fromSeq: snapAt!.toString(),
    });
    expect(second.epoch).toBe(liveNow.epoch);
    expect(second.treeHash).toBe(Buffer.from(liveNow.treeHash).toString("hex"));

    // A snapshot that does not restore is reported and ignored: the whole log is replayed.
    await hubA.db.query("UPDATE hub_view_snapshots SET snapshot = $2 WHERE room_id = $1", [
      room,
      new Uint8Array([0, 1, 2]),
    ]);
    const third = await restart();
    expect(third.records.some((r) => r.level === "warn" && String(r.msg).includes("snapshot unusable"))).toBe(
      true,
    );
    expect(third.records.find((r) => r.msg === "room loaded")).toMatchObject({ replayed: 7, fromSeq: "0" });
    expect(third.epoch).toBe(liveNow.epoch);
    expect(third.treeHash).toBe(Buffer.from(liveNow.treeHash).toString("hex"));
  });
});
