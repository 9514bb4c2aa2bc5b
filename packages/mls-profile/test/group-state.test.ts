import { fc, test } from "@fast-check/vitest";
import { CodecError, toHex, ValidationError } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import * as ts from "../src/adapter/internals.js";
import {
  checkGroupState,
  commit,
  decodeGroupState,
  encodeGroupState,
  encryptApplicationMessage,
  loadCiphersuite,
  type MlsCiphersuite,
  type MlsGroupState,
  processMessage,
  propose,
  RatchetTree,
} from "../src/index.js";
import { config, groupOf, suite, utf8 } from "./adapter-fixtures.js";

let cs: MlsCiphersuite;
/** Bob's state after messages, a commit and a pending proposal: past epochs, used generations. */
let bob: MlsGroupState;
let alice: MlsGroupState;
let encoded: Uint8Array;

beforeAll(async () => {
  cs = await suite;
  let [a, b, c] = (await groupOf(cs, 3)) as [MlsGroupState, MlsGroupState, MlsGroupState];
  for (let i = 0; i < 3; i++) {
    const sent = await encryptApplicationMessage(a, cs, utf8(`m${i}`));
    a = sent.state;
    b = (await processMessage(b, cs, sent.message)).state;
    c = (await processMessage(c, cs, sent.message)).state;
  }
  const r = await commit(a, cs, { proposals: [], publicMessage: true });
  a = r.state;
  b = (await processMessage(b, cs, r.commit)).state;
  c = (await processMessage(c, cs, r.commit)).state;
  const p = await propose(c, cs, { proposalType: "remove", remove: { removed: 2 } });
  b = (await processMessage(b, cs, p.message)).state;
  a = (await processMessage(a, cs, p.message)).state;
  bob = b;
  alice = a;
  encoded = encodeGroupState(bob);
});

/** A typed error, or nothing: what restoring any bytes may give. */
async function restoreOrTypedError(bytes: Uint8Array): Promise<void> {
  try {
    await checkGroupState(decodeGroupState(bytes, config()), cs, "/state");
  } catch (e) {
    if (!(e instanceof CodecError) && !(e instanceof ValidationError)) throw e;
  }
}

describe("group state storage", () => {
  it("CLIENT-STATE-03: a stored state passes the check, re-encodes to the same bytes and keeps working", async () => {
    expect(Object.keys(bob.unappliedProposals)).toHaveLength(1);
    expect(bob.historicalReceiverData.size).toBeGreaterThan(0);
    const restored = decodeGroupState(encoded, config());
    await checkGroupState(restored, cs);
    expect(toHex(encodeGroupState(restored))).toBe(toHex(encoded));
    // the restored member commits the pending proposal and keeps exchanging messages
    const r = await commit(restored, cs, { proposals: [], publicMessage: true });
    const a = await processMessage(alice, cs, r.commit);
    expect(a.state.groupContext.epoch).toBe(r.state.groupContext.epoch);
    const sent = await encryptApplicationMessage(a.state, cs, utf8("after restore"));
    const got = await processMessage(r.state, cs, sent.message);
    expect(got.kind).toBe("application");
  });

  it("CLIENT-STATE-03: an inconsistent state is refused with the field that is wrong", async () => {
    const other = await loadCiphersuite(3);
    await expect(checkGroupState(bob, other, "/r")).rejects.toMatchObject({
      name: "ValidationError",
      rule: "CLIENT-STATE-03",
      path: "/r/group_context/cipher_suite",
    });
    const cases: [string, MlsGroupState][] = [
      ["/ratchet_tree", { ...bob, ratchetTree: RatchetTree.from(bob.ratchetTree.toArray().slice(0, 2)) }],
      [
        "/ratchet_tree",
        {
          ...bob,
          groupContext: { ...bob.groupContext, treeHash: new Uint8Array(bob.groupContext.treeHash.length) },
        },
      ],
      ["/secret_tree", { ...bob, secretTree: ts.NodeVector.from(bob.secretTree.toArray().slice(1)) }],
      ["/private_path/leaf_index", { ...bob, privatePath: { ...bob.privatePath, leafIndex: 9 } }],
      ["/confirmation_tag", { ...bob, confirmationTag: new Uint8Array(3) }],
      [
        "/key_schedule/initSecret",
        { ...bob, keySchedule: { ...bob.keySchedule, initSecret: new Uint8Array(1) } },
      ],
    ];
    for (const [path, state] of cases)
      await expect(checkGroupState(state, cs), path).rejects.toMatchObject({ rule: "CLIENT-STATE-03", path });
  });

  test.prop(
    [
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
    ],
    { numRuns: 60 },
  )("mutated and truncated states give typed errors only", async (edits, cut) => {
    const bytes = encoded.slice(0, encoded.length - (cut % 8));
    for (const [i, v] of edits) bytes[i % bytes.length] = v;
    await restoreOrTypedError(bytes);
  });

  test.prop([fc.uint8Array({ maxLength: 300 })], { numRuns: 60 })(
    "random bytes give typed errors only",
    async (bytes) => {
      await restoreOrTypedError(bytes);
    },
  );
});
