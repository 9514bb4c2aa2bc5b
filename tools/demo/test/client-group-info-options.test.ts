import { ClientCore, provisionClient } from "@mimi/client";
import {
  appDataHubViewOptions,
  bootstrapHubView,
  hubCipherSuite,
  loadCiphersuite,
  type MlsCiphersuite,
  mimiComponentHandlers,
  processHubMessage,
} from "@mimi/mls-profile";
import {
  createRoomRequestCodec,
  decodeGroupInfoRequest,
  decodeUpdateRequest,
  isCommitBundle,
} from "@mimi/protocol";
import { groupInfoOfBundle } from "@mimi/provider";
import { decodeWith } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { Relay, type TestProvider, testProviders } from "../../../packages/client/test/relay.js";

const ROOM = "mimi://a.example/r/partial";
let cs: MlsCiphersuite;
let providers: Map<string, TestProvider>;
let trust: Awaited<ReturnType<typeof testProviders>>["trust"];

async function client(
  domain: string,
  user: string,
  groupInfoRepresentation?: "partial",
): Promise<ClientCore> {
  const identity = await provisionClient(providers.get(domain)!.pki.ca, {
    userUri: `mimi://${domain}/u/${user}`,
    clientUri: `mimi://${domain}/d/${user}/1`,
    cs,
  });
  return new ClientCore({
    identity,
    trust,
    cs,
    ...(groupInfoRepresentation === undefined ? {} : { groupInfoRepresentation }),
  });
}

beforeAll(async () => {
  cs = await loadCiphersuite();
  ({ providers, trust } = await testProviders(cs, ["a.example", "b.example"]));
});

describe("ClientCore: PartialGroupInfo and joining codes", () => {
  it("[PROTO-PGI-01] [PROTO-PGI-02] partial: the commit's PartialGroupInfo completes, from the hub's view, to a GroupInfo signed by the committer", async () => {
    const alice = await client("a.example", "alice", "partial");
    const bob = await client("b.example", "bob");
    const relay = new Relay(cs, ROOM, providers.get("a.example")!, [alice, bob]);
    await relay.upload(bob, 1);
    const created = decodeWith(
      createRoomRequestCodec,
      await alice.createRoom(ROOM, providers.get("a.example")!.hub),
    );
    const view = await bootstrapHubView({
      groupInfo: created.group_info.bytes,
      ratchetTree: created.ratchet_tree,
      cipherSuite: hubCipherSuite(cs.impl),
      options: appDataHubViewOptions(mimiComponentHandlers()),
    });
    const km = relay.keyMaterial(await alice.keyMaterialRequest(bob.userUri, ROOM));
    const body = (await alice.addUser(ROOM, km)).body;
    const { bundle } = decodeUpdateRequest(body);
    if (!isCommitBundle(bundle)) throw new Error("not a commit");
    expect(bundle.groupInfoOption.representation).toBe("partial");
    const next = await processHubMessage(view, bundle.proposalOrCommit.bytes);
    if (next.event.kind !== "commit") throw new Error("not a commit");
    const gi = await groupInfoOfBundle(next.view, next.event.committer, bundle.groupInfoOption);
    expect(gi.groupContext.epoch).toBe(1n);
    expect(gi.signer).toBe(0);
    // the hub accepts it, and the members agree on the epoch
    await relay.update(alice, body);
    expect(alice.epoch(ROOM)).toBe(1n);
    expect(bob.epoch(ROOM)).toBe(1n);
    // Bob's client keeps the default: a full GroupInfo
    const { bundle: b2 } = decodeUpdateRequest((await bob.commitPending(ROOM)).body);
    if (!isCommitBundle(b2)) throw new Error("not a commit");
    expect(b2.groupInfoOption.representation).toBe("full");
  });

  it("a non-participant sends its joining code with the GroupInfoRequest and appends itself with the code's role in its external commit", async () => {
    const room = "mimi://a.example/r/by-code";
    const alice = await client("a.example", "alice");
    const cathy = await client("b.example", "cathy");
    const relay = new Relay(cs, room, providers.get("a.example")!, [alice, cathy]);
    await alice.createRoom(room, providers.get("a.example")!.hub);
    await relay.update(alice, (await alice.commitPending(room)).body);
    const code = new Uint8Array(16).fill(9);
    const req = await cathy.groupInfoRequest(room, code);
    expect(decodeGroupInfoRequest(req).joiningCode).toEqual(code);
    const gi = await relay.hub.groupInfo(req);
    // without a role, a non-participant cannot join
    await expect(cathy.joinExternal(room, gi)).rejects.toMatchObject({ rule: "MLS-CLIENT-02" });
    const gi2 = await relay.hub.groupInfo(await cathy.groupInfoRequest(room, code));
    await relay.update(cathy, (await cathy.joinExternal(room, gi2, 2)).body);
    expect(cathy.isMember(room)).toBe(true);
    expect(alice.participants(room)).toContainEqual({ user: cathy.userUri, role: 2 });
    expect(alice.epoch(room)).toBe(cathy.epoch(room));
  });
});
