import { fc } from "@fast-check/vitest";
import { isMimiError, utf8 } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addUser,
  createRoom,
  decodeRatchetTree,
  encodeMlsMessage,
  joinRoom,
  type KeyPackageBundle,
  loadCiphersuite,
  type MimiProfile,
  type MlsGroupState,
  processIncoming,
  sendContent,
} from "../src/index.js";
import { clientKeyPackage, testProfile } from "./client-fixtures.js";

let profile: MimiProfile;
let bob: MlsGroupState;
let commitBytes: Uint8Array;
let appBytes: Uint8Array;

beforeAll(async () => {
  const cs = await loadCiphersuite();
  profile = (await testProfile(cs)).profile;
  const kp = (name: string): Promise<KeyPackageBundle> => clientKeyPackage(cs, name, 1);
  const [akp, bkp, ckp] = [await kp("alice"), await kp("bob"), await kp("cathy")];
  let alice = await createRoom(profile, {
    roomUri: "mimi://example.com/r/fuzz",
    keyPackage: akp,
    creatorRole: 4,
  });
  const r = await addUser(profile, alice, {
    user: utf8("mimi://example.com/u/bob"),
    role: 2,
    keyPackages: [bkp.publicPackage],
  });
  alice = r.state;
  bob = await joinRoom(profile, encodeMlsMessage(r.welcome!), bkp, decodeRatchetTree(r.ratchetTree));
  const sent = await sendContent(profile, alice, new Uint8Array(20).fill(3), new Uint8Array(16).fill(3));
  appBytes = encodeMlsMessage(sent.message);
  const c = await addUser(profile, sent.state, {
    user: utf8("mimi://example.com/u/cathy"),
    role: 2,
    keyPackages: [ckp.publicPackage],
  });
  commitBytes = encodeMlsMessage(c.commit);
});

async function onlyTypedErrors(bytes: Uint8Array): Promise<void> {
  try {
    await processIncoming(profile, bob, bytes);
  } catch (e) {
    expect(isMimiError(e), String(e)).toBe(true);
  }
}

const mutation = (len: () => number) =>
  fc
    .record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }), cut: fc.boolean() })
    .map(({ at, xor, cut }) => ({
      at: at % len(),
      xor,
      cut,
    }));

function mutate(bytes: Uint8Array, m: { at: number; xor: number; cut: boolean }): Uint8Array {
  if (m.cut) return bytes.slice(0, m.at);
  const out = bytes.slice();
  out[m.at]! ^= m.xor;
  return out;
}

describe("processIncoming on mutated messages", () => {
  it("the unmutated messages are accepted", async () => {
    expect((await processIncoming(profile, bob, appBytes)).kind).toBe("application");
    expect((await processIncoming(profile, bob, commitBytes)).kind).toBe("commit");
  });

  it("a flipped or truncated application message only ever gives a typed error", async () => {
    await fc.assert(
      fc.asyncProperty(
        mutation(() => appBytes.length),
        (m) => onlyTypedErrors(mutate(appBytes, m)),
      ),
      { numRuns: 60 },
    );
  });

  it("a flipped or truncated commit only ever gives a typed error", async () => {
    await fc.assert(
      fc.asyncProperty(
        mutation(() => commitBytes.length),
        (m) => onlyTypedErrors(mutate(commitBytes, m)),
      ),
      { numRuns: 40 },
    );
  });
});
