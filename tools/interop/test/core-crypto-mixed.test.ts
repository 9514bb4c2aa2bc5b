/**
 * Live interop with core-crypto (openmls in WebAssembly): mixed groups created by either
 * implementation, on every cipher suite both run; adds of members of each implementation by each,
 * application messages every way, updates and removes from either side; at every epoch all members
 * agree on epoch, exporter secret and member list.
 */
import {
  commit,
  createGroup,
  createKeyPackage,
  defaultCodePoints,
  encodeMlsMessage,
  exportGroupInfo,
  joinExternal,
  mimiCapabilities,
  mimiRequiredCapabilities,
  rfc9420Ciphersuites,
} from "@mimi/mls-profile";
import { describe, expect, it } from "vitest";
import { basicCredential, CoreCryptoPeer, clientIdBytes, coreCryptoSuites } from "../src/core-crypto.js";
import { type ExporterLog, expectAgreement } from "./expect-agreement.js";
import { type Implementation, type Member, MixedGroup, nameOf, toHex } from "./mixed-group.js";

const hex = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;
const otherThan = (k: Implementation): Implementation => (k === "ours" ? "core-crypto" : "ours");

describe("the suites both implementations run", () => {
  it("core-crypto runs every RFC 9420 suite but the Ed448 ones, and we run them all", async () => {
    const ours = Object.values(rfc9420Ciphersuites);
    const runs: number[] = [];
    for (const suite of ours) {
      try {
        const peer = await CoreCryptoPeer.create(900 + suite, suite);
        await peer.keyPackage();
        runs.push(suite);
      } catch {
        // not supported by core-crypto
      }
    }
    expect(runs.map(hex)).toEqual(coreCryptoSuites.map(hex));
  });
});

describe.each(coreCryptoSuites.map((s) => [hex(s), s] as const))("cipher suite %s", (_name, suite) => {
  it.each<Implementation>(["ours", "core-crypto"])(
    "a group created by %s: adds, messages, updates and removes from both sides agree at every epoch",
    async (creatorKind) => {
      const g = await MixedGroup.start(suite, creatorKind);
      const exporters: ExporterLog = new Set();
      let epoch = 0n;
      const step = async (what: string) => expectAgreement(g, what, epoch, exporters);
      await step("created");
      const creator = g.members[0] as Member;
      const otherKind = otherThan(creatorKind);

      // adds: each implementation adds a member of each implementation
      const second = await g.add(creator, otherKind);
      epoch++;
      await step(`${creatorKind} added ${otherKind}`);
      const third = await g.add(second, creatorKind);
      epoch++;
      await step(`${otherKind} added ${creatorKind}`);
      const fourth = await g.add(creator, creatorKind);
      epoch++;
      await step(`${creatorKind} added ${creatorKind}`);
      const fifth = await g.add(second, otherKind);
      epoch++;
      await step(`${otherKind} added ${otherKind}`);

      // application messages from every member to every other
      for (const from of g.members) {
        const data = new TextEncoder().encode(`from ${nameOf(from)} at ${epoch}`);
        const seen = await g.message(from, data);
        expect(seen.map((s) => s.data)).toEqual(g.members.filter((m) => m !== from).map(() => toHex(data)));
      }

      // updates: every member commits a full UpdatePath
      for (const m of [...g.members]) {
        await g.update(m);
        epoch++;
        await step(`update by ${nameOf(m)}`);
      }

      // removes: each implementation removes a member of each implementation
      await g.remove(second, third); // other removes creator-kind
      epoch++;
      await step(`${otherKind} removed ${creatorKind}`);
      await g.remove(creator, fifth); // creator removes other-kind
      epoch++;
      await step(`${creatorKind} removed ${otherKind}`);
      await g.remove(creator, fourth); // creator removes its own kind
      epoch++;
      await step(`${creatorKind} removed ${creatorKind}`);
      const sixth = await g.add(second, otherKind);
      epoch++;
      await step(`${otherKind} added ${otherKind} again`);
      await g.remove(second, sixth); // other removes its own kind
      epoch++;
      await step(`${otherKind} removed ${otherKind}`);

      // and the two left still talk both ways
      expect((await g.message(creator, new Uint8Array([1]))).map((s) => s.data)).toEqual(["01"]);
      expect((await g.message(second, new Uint8Array([2]))).map((s) => s.data)).toEqual(["02"]);
      expect(g.members.map((m) => m.kind).sort()).toEqual([creatorKind, otherKind].sort());
    },
  );
});

describe("external joins (RFC 9420 §12.4.3.2)", () => {
  it("core-crypto joins a mixed group by external commit; our members process it and all agree", async () => {
    const g = await MixedGroup.start(0x0001, "ours");
    const exporters: ExporterLog = new Set();
    const ccMember = await g.add(g.members[0] as Member, "core-crypto");
    await expectAgreement(g, "core-crypto added", 1n, exporters);
    if (ccMember.kind !== "core-crypto") throw new Error("expected a core-crypto member");
    // the GroupInfo of core-crypto's commit (it carries the ratchet tree and external_pub)
    const update = await ccMember.peer.update(g.groupId);
    await g.deliver(update.commit, ccMember);
    await expectAgreement(g, "core-crypto updated", 2n, exporters);
    const joiner = await CoreCryptoPeer.create(500, 0x0001);
    const joined = await joiner.joinExternal(update.groupInfo);
    const member: Member = { kind: "core-crypto", id: joiner.clientId, peer: joiner };
    await g.deliver(joined.commit, member);
    g.members.push(member);
    await expectAgreement(g, "core-crypto joined externally", 3n, exporters);
  });

  // Was a divergence (docs/interop.md, "external_pub"): ts-mls 1.6.4 wrote and read the
  // external_pub extension as the bare HPKE public key; RFC 9420 §12.4.3.2 (and openmls) wrap it in
  // `struct { HPKEPublicKey external_pub; }`, a length-prefixed opaque<V>. The project's patch
  // (revision 3, docs/ts-mls-patch.md item 8) follows the RFC; these tests pin both directions.
  it("[MLS-XPUB-01] we join core-crypto's group by external commit from its GroupInfo (RFC 9420 §12.4.3.2 external_pub), and all agree", async () => {
    const g = await MixedGroup.start(0x0001, "core-crypto");
    const exporters: ExporterLog = new Set();
    const cc = g.members[0];
    if (cc?.kind !== "core-crypto") throw new Error("expected a core-crypto creator");
    await g.add(cc, "ours");
    await expectAgreement(g, "ours added", 1n, exporters);
    const update = await cc.peer.update(g.groupId);
    await g.deliver(update.commit, cc);
    await expectAgreement(g, "core-crypto updated", 2n, exporters);
    const ext = update.groupInfo.extensions.find((e) => e.extensionType === "external_pub");
    // openmls: varint length 32, then the X25519 key
    expect([ext?.extensionData.length, ext?.extensionData[0]]).toEqual([33, 32]);
    const id = await clientIdBytes(501, "ours.example");
    const bundle = await createKeyPackage(g.cs, { credential: basicCredential(id) });
    const joined = await joinExternal(g.cs, update.groupInfo, bundle, { config: g.config });
    const member: Member = { kind: "ours", id, bundle, state: joined.state };
    await g.deliver(encodeMlsMessage(joined.commit), member);
    g.members.push(member);
    await expectAgreement(g, "ours joined externally", 3n, exporters);
  });

  it("[MLS-XPUB-01] core-crypto joins our group by external commit from our GroupInfo, and all agree", async () => {
    const g = await MixedGroup.start(0x0001, "ours");
    const exporters: ExporterLog = new Set();
    const ours = g.members[0];
    if (ours?.kind !== "ours") throw new Error("expected our creator");
    const gi = await exportGroupInfo(ours.state, g.cs, { ratchetTree: true });
    if (gi.wireformat !== "mls_group_info") throw new Error("expected a GroupInfo");
    const ext = gi.groupInfo.extensions.find((e) => e.extensionType === "external_pub");
    // the patched ts-mls: varint length 32, then the X25519 key, as the RFC says
    expect([ext?.extensionData.length, ext?.extensionData[0]]).toEqual([33, 32]);
    const joiner = await CoreCryptoPeer.create(502, 0x0001);
    const joined = await joiner.joinExternal(gi.groupInfo);
    const member: Member = { kind: "core-crypto", id: joiner.clientId, peer: joiner };
    await g.deliver(joined.commit, member);
    g.members.push(member);
    await expectAgreement(g, "core-crypto joined externally", 1n, exporters);
  });
});

describe("what core-crypto lacks to join a MIMI room (docs/interop.md)", () => {
  it("its KeyPackages advertise none of MIMI's extension and proposal types, so a MIMI room refuses them", async () => {
    const peer = await CoreCryptoPeer.create(600, 0x0001);
    const kp = await peer.keyPackage();
    const caps = kp.leafNode.capabilities;
    const wanted = {
      extensions: [defaultCodePoints.extensionTypes.app_data_dictionary],
      proposals: [
        defaultCodePoints.proposalTypes.app_data_update,
        defaultCodePoints.proposalTypes.self_remove,
      ],
    };
    expect({
      missingExtensions: wanted.extensions.filter((t) => !caps.extensions.includes(t)),
      missingProposals: wanted.proposals.filter((t) => !caps.proposals.includes(t)),
    }).toEqual({ missingExtensions: [0x0006], missingProposals: [0x0008, 0x000a] });
    // a room with MIMI's required_capabilities (RFC 9420 §11.1) refuses to add it
    const g = await MixedGroup.start(0x0001, "ours");
    const me = await createKeyPackage(g.cs, {
      credential: basicCredential(await clientIdBytes(601, "ours.example")),
      capabilities: mimiCapabilities(),
    });
    const room = await createGroup(g.cs, {
      groupId: new TextEncoder().encode("mimi-room"),
      keyPackage: me,
      config: g.config,
      extensions: [mimiRequiredCapabilities()],
    });
    await expect(
      commit(room, g.cs, { proposals: [{ proposalType: "add", add: { keyPackage: kp } }] }),
    ).rejects.toThrow(/does not support required capabilities/);
  });
});
