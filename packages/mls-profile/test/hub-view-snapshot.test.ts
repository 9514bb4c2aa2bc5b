import { fc, test } from "@fast-check/vitest";
import { testEnv } from "@mimi/testkit/env";
import {
  createProposal,
  encodeMlsMessage,
  type GroupInfo,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  proposeAddExternal,
  proposeExternal,
} from "@mimi/ts-mls";
import { encodeGroupContext } from "@mimi/ts-mls/groupContext.js";
import { encodeProposal } from "@mimi/ts-mls/proposal.js";
import { encodeRatchetTree } from "@mimi/ts-mls/ratchetTree.js";
import { CodecError, encodeTls, MimiError, toHex, ValidationError } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeAppDataUpdate } from "../src/extensions/app-data-update.js";
import { defaultCodePoints } from "../src/extensions/code-points.js";
import {
  appDataHubViewOptions,
  decodeHubView,
  encodeHubView,
  type HubGroupView,
  hubCipherSuite,
  processHubMessage,
  RatchetTree,
} from "../src/index.js";
import {
  checkGroupInfo,
  commit,
  createScenario,
  deliver,
  groupInfoOf,
  hubAgreement,
  keyPackage,
  LOG_COMPONENT,
  memberAgreement,
  prng,
  randomEpoch,
  type Scenario,
  testComponents,
} from "./hub-view-driver.js";
import { expectAgreement } from "./hub-view-expect.js";

const options = appDataHubViewOptions(testComponents);

function restore(sc: Scenario, bytes: Uint8Array): HubGroupView {
  return decodeHubView(bytes, { cipherSuite: sc.hubCs, options });
}

/** Snapshot and restore `view`; the restored view encodes to the same bytes. */
function roundTrip(sc: Scenario, view: HubGroupView): HubGroupView {
  const bytes = encodeHubView(view);
  const restored = restore(sc, bytes);
  expect(toHex(encodeHubView(restored))).toBe(toHex(bytes));
  return restored;
}

// A bounded run in the suite; a longer one: MIMI_HUB_EPOCHS=500 pnpm exec vitest run <this file>.
const EPOCHS = Number(testEnv("MIMI_HUB_EPOCHS") ?? 40);

describe("hub view snapshots (encodeHubView / decodeHubView)", () => {
  it("MLS-HUB-22 a view restored from snapshots at random points of random epochs keeps agreeing with every member (seed 11)", async () => {
    const rand = prng(Number(testEnv("MIMI_HUB_SEED") ?? 11));
    const sc = await createScenario(3, options, "snapshots");
    let restores = 0;
    let withPending = 0;
    // Before a random third of the messages (so also between a proposal and its commit), the hub
    // restarts from a snapshot of its view.
    sc.beforeHubMessage = (view) => {
      if (rand() >= 0.35) return view;
      restores += 1;
      if (view.pendingProposals.size > 0) withPending += 1;
      return roundTrip(sc, view);
    };
    for (let e = 0; e < EPOCHS; e++) {
      const kind = await randomEpoch(sc, rand, 5);
      if (rand() < 0.5) {
        restores += 1;
        sc.hub = roundTrip(sc, sc.hub);
      }
      expectAgreement(sc, e, kind);
      if (e % 10 === 0) await checkGroupInfo(sc, rand);
    }
    expect(sc.hub.groupContext.epoch).toBe(BigInt(EPOCHS + 1));
    expect(restores).toBeGreaterThan(EPOCHS / 2);
    expect(withPending).toBeGreaterThan(0);
  }, 300_000);

  describe("malformed and inconsistent snapshots", () => {
    let sc: Scenario;
    /** A view with three pending proposals: a member's Remove, the hub's AppDataUpdate, a new member's Add. */
    let view: HubGroupView;
    let good: Uint8Array;

    beforeAll(async () => {
      sc = await createScenario(3, options, "snapshot-negative");
      const [m0, m1] = sc.members;
      if (m0 === undefined || m1 === undefined) throw new Error("no members");
      const remove = await createProposal(
        m1.state,
        true,
        { proposalType: "remove", remove: { removed: m0.state.privatePath.leafIndex } },
        sc.cs,
      );
      m1.state = remove.newState;
      await deliver(sc, encodeMlsMessage(remove.message), m1);
      const appData = await proposeExternal(
        { groupContext: sc.hub.groupContext } as GroupInfo,
        {
          proposalType: defaultCodePoints.proposalTypes.app_data_update,
          proposalData: encodeAppDataUpdate({
            component_id: LOG_COMPONENT,
            op: "update",
            update: Uint8Array.of(7),
          }),
        },
        sc.hubSigner.publicKey,
        sc.hubSigner.signKey,
        sc.cs,
      );
      await deliver(sc, encodeMlsMessage(appData));
      const kp = await keyPackage(sc.cs, "late");
      const gi = await groupInfoOf(sc.cs, m1.state);
      await deliver(
        sc,
        encodeMlsMessage(await proposeAddExternal(gi, kp.publicPackage, kp.privatePackage, sc.cs)),
      );
      view = sc.hub;
      good = encodeHubView(view);
      expect(view.pendingProposals.size).toBe(3);
    }, 60_000);

    /** The snapshot's fields, to rebuild it with one changed. */
    function build(
      change: Partial<{
        version: number;
        groupContext: Uint8Array;
        tree: Uint8Array;
        tag: Uint8Array;
        status: number;
        pending: readonly { ref: Uint8Array; type: number; leaf?: number; proposal: Uint8Array }[];
      }>,
    ): Uint8Array {
      const pending =
        change.pending ??
        [...view.pendingProposals.values()].map((p) => ({
          ref: p.ref,
          type: { member: 1, external: 2, new_member_proposal: 3 }[p.senderType],
          ...(p.senderLeafIndex === undefined ? {} : { leaf: p.senderLeafIndex }),
          proposal: encodeProposal(p.proposal),
        }));
      return encodeTls((w) => {
        w.uint16(change.version ?? 1);
        w.opaque(change.groupContext ?? encodeGroupContext(view.groupContext));
        w.opaque(change.tree ?? encodeRatchetTree(view.ratchetTree));
        w.opaque(change.tag ?? view.confirmationTag);
        w.uint8(change.status ?? 0);
        w.vector(pending, (w2, p) => {
          w2.opaque(p.ref);
          w2.uint8(p.type);
          if (p.leaf !== undefined) w2.uint32(p.leaf);
          w2.opaque(p.proposal);
        });
      });
    }

    function rejected(
      bytes: Uint8Array,
      kind: typeof CodecError | typeof ValidationError,
      rule: string,
    ): MimiError {
      let caught: unknown;
      try {
        restore(sc, bytes);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(kind);
      expect((caught as MimiError).rule).toBe(rule);
      return caught as MimiError;
    }

    it("MLS-HUB-22 the unchanged rebuild restores, and a commit of the pending proposals is followed", async () => {
      expect(build({})).toEqual(good);
      const restored = restore(sc, good);
      expect([...restored.pendingProposals.keys()]).toEqual([...view.pendingProposals.keys()]);
      // the restored view follows the commit of all three pending proposals like the original
      const m2 = sc.members[2];
      if (m2 === undefined) throw new Error("no member");
      const before = { hub: sc.hub, members: sc.members.map((m) => ({ ...m })) };
      // the removed member 0 is not told (its leaf goes to the added member)
      sc.members = sc.members.slice(1);
      sc.beforeHubMessage = () => restored;
      await commit(sc, m2, []);
      sc.beforeHubMessage = undefined;
      expect(sc.members.length).toBe(2);
      for (const m of sc.members) expect(memberAgreement(m.state)).toEqual(hubAgreement(sc.hub));
      sc.hub = before.hub;
      sc.members = before.members;
    });

    it("MLS-HUB-22 rejects an unknown version, status or sender type (CodecError)", () => {
      rejected(build({ version: 2 }), CodecError, "MLS-HUB-22");
      rejected(build({ status: 2 }), CodecError, "MLS-HUB-22");
      const [first] = view.pendingProposals.values();
      if (first === undefined) throw new Error("no pending proposal");
      const e = rejected(
        build({ pending: [{ ref: first.ref, type: 4, proposal: encodeProposal(first.proposal) }] }),
        CodecError,
        "MLS-HUB-22",
      );
      expect(e.path).toBe("/pending_proposals/0/sender_type");
    });

    it("MLS-CODEC-01 MLS-HUB-22 rejects trailing bytes inside a field and after the snapshot", () => {
      const gc = encodeGroupContext(view.groupContext);
      const e = rejected(build({ groupContext: Uint8Array.from([...gc, 0]) }), CodecError, "MLS-CODEC-01");
      expect(e.path.startsWith("/group_context")).toBe(true);
      expect(() => restore(sc, Uint8Array.from([...good, 0]))).toThrow(CodecError);
    });

    it("MLS-HUB-22 rejects a tree that does not hash to the GroupContext's tree_hash", () => {
      const tree = [...view.ratchetTree];
      tree[0] = tree[2]; // member 1's leaf at leaf 0 too
      const e = rejected(
        build({ tree: encodeRatchetTree(RatchetTree.from(tree)) }),
        ValidationError,
        "MLS-HUB-22",
      );
      expect(e.path).toBe("/ratchet_tree");
    });

    it("MLS-HUB-22 rejects another suite, a short confirmation tag, a short or repeated ProposalRef, pending proposals after ReInit", async () => {
      const chacha = await getCiphersuiteImpl(
        getCiphersuiteFromName("MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519"),
      );
      let caught: unknown;
      try {
        decodeHubView(good, { cipherSuite: hubCipherSuite(chacha), options });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as MimiError).path).toBe("/group_context/cipher_suite");
      rejected(build({ tag: view.confirmationTag.slice(1) }), ValidationError, "MLS-HUB-22");
      const pending = [...view.pendingProposals.values()].map((p) => ({
        ref: p.ref,
        type: { member: 1, external: 2, new_member_proposal: 3 }[p.senderType],
        ...(p.senderLeafIndex === undefined ? {} : { leaf: p.senderLeafIndex }),
        proposal: encodeProposal(p.proposal),
      }));
      const [a, b] = pending;
      if (a === undefined || b === undefined) throw new Error("no pending proposals");
      rejected(build({ pending: [{ ...a, ref: a.ref.slice(1) }] }), ValidationError, "MLS-HUB-22");
      rejected(build({ pending: [a, { ...b, ref: a.ref }] }), ValidationError, "MLS-HUB-22");
      rejected(build({ status: 1 }), ValidationError, "MLS-HUB-22");
    });

    it("MLS-HUB-22 rejects a member sender that is not a member and a new-member proposal that is not an Add", () => {
      const pending = [...view.pendingProposals.values()];
      const member = pending.find((p) => p.senderType === "member");
      const external = pending.find((p) => p.senderType === "external");
      if (member === undefined || external === undefined) throw new Error("fixture");
      const e = rejected(
        build({
          pending: [{ ref: member.ref, type: 1, leaf: 9, proposal: encodeProposal(member.proposal) }],
        }),
        ValidationError,
        "MLS-HUB-22",
      );
      expect(e.path).toBe("/pending_proposals/0/leaf_index");
      rejected(
        build({ pending: [{ ref: external.ref, type: 3, proposal: encodeProposal(external.proposal) }] }),
        ValidationError,
        "MLS-HUB-22",
      );
    });

    it("MLS-HUB-18 MLS-HUB-08 restoring re-checks pending proposals under the given options", () => {
      // without the AppDataUpdate handler the hub's pending AppDataUpdate is not followed
      let caught: unknown;
      try {
        decodeHubView(good, { cipherSuite: sc.hubCs });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as MimiError).rule).toBe("MLS-HUB-18");
      // an external sender may not send an Update (RFC 9420 §17.4)
      const leaf = view.ratchetTree.get(0);
      if (leaf?.nodeType !== "leaf") throw new Error("fixture");
      const update = encodeProposal({
        proposalType: "update",
        update: { leafNode: { ...leaf.leaf, leafNodeSource: "update" } },
      });
      const [first] = view.pendingProposals.values();
      if (first === undefined) throw new Error("fixture");
      rejected(
        build({ pending: [{ ref: first.ref, type: 2, proposal: update }] }),
        ValidationError,
        "MLS-HUB-08",
      );
    });

    test.prop(
      [
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
      ],
      { numRuns: 150 },
    )("MLS-HUB-22 a mutated or truncated snapshot restores or gives a typed error", (edits, cut) => {
      const bytes = good.slice();
      for (const [at, v] of edits) bytes[at % bytes.length] = v;
      for (const input of [bytes, good.subarray(0, cut % good.length)]) {
        try {
          const restored = restore(sc, input);
          expect(restored.groupContext.cipherSuite).toBe(sc.hubCs.name);
        } catch (e) {
          expect(e).toBeInstanceOf(MimiError);
        }
      }
    });

    test.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 150 })(
      "MLS-HUB-22 random bytes only give a typed error",
      (bytes) => {
        expect(() => restore(sc, bytes)).toThrow(MimiError);
      },
    );

    it("MLS-HUB-22 a restored view processes the next message exactly like the original", async () => {
      const m1 = sc.members[1];
      if (m1 === undefined) throw new Error("no member");
      const restored = restore(sc, good);
      const gi = await groupInfoOf(sc.cs, m1.state);
      const kp = await keyPackage(sc.cs, "later");
      const msg = encodeMlsMessage(await proposeAddExternal(gi, kp.publicPackage, kp.privatePackage, sc.cs));
      const a = await processHubMessage(view, msg);
      const b = await processHubMessage(restored, msg);
      expect(encodeHubView(b.view)).toEqual(encodeHubView(a.view));
    });
  });
});
