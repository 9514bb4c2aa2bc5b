/** The adapter end to end (RFC 9420 §11–§12) and its strict decoders (fuzzed). */
import { fc, test } from "@fast-check/vitest";
import { CodecError, isMimiError, ProtocolError, toHex, ValidationError } from "@mimi/wire";
import { beforeAll, describe, expect, it } from "vitest";
import {
  commit,
  createKeyPackage,
  decodeExternalSenders,
  decodeGroupContext,
  decodeGroupInfo,
  decodeGroupState,
  decodeKeyPackage,
  decodeMlsMessage,
  decodeMlsStructure,
  decodeRatchetTree,
  decodeWelcome,
  encodeGroupContext,
  encodeGroupState,
  encodeKeyPackage,
  encodeMlsMessage,
  encodeMlsStructure,
  encodeRatchetTree,
  encryptApplicationMessage,
  exportGroupInfo,
  exportSecret,
  generateSignatureKeyPair,
  groupMembers,
  joinExternal,
  loadCiphersuite,
  type MLSMessage,
  type MlsCiphersuite,
  type MlsGroupState,
  ownLeafIndex,
  processMessage,
  readMlsStructure,
} from "../src/index.js";
import { config, groupOf, keyPackage, suite, utf8 } from "./adapter-fixtures.js";

describe("adapter: a group's life", () => {
  let cs: MlsCiphersuite;
  let alice: MlsGroupState;
  let bob: MlsGroupState;
  beforeAll(async () => {
    cs = await suite;
    [alice, bob] = (await groupOf(cs, 2)) as [MlsGroupState, MlsGroupState];
  });

  it("joins by Welcome at the creator's epoch with the same GroupContext and exporter", async () => {
    expect(ownLeafIndex(bob)).toBe(1);
    expect(toHex(encodeGroupContext(bob.groupContext))).toBe(toHex(encodeGroupContext(alice.groupContext)));
    const ea = await exportSecret(alice, cs, "test", utf8("ctx"), 32);
    const eb = await exportSecret(bob, cs, "test", utf8("ctx"), 32);
    expect(toHex(ea)).toBe(toHex(eb));
  });

  it("sends application messages both ways through encoded MLSMessages, with AAD", async () => {
    let a = alice;
    let b = bob;
    for (let i = 0; i < 3; i++) {
      const sent = await encryptApplicationMessage(a, cs, utf8(`hello ${i}`), utf8("aad"));
      a = sent.state;
      const got = await processMessage(b, cs, encodeMlsMessage(sent.message));
      if (got.kind !== "application") throw new Error("not an application message");
      expect(new TextDecoder().decode(got.data)).toBe(`hello ${i}`);
      expect(new TextDecoder().decode(got.authenticatedData)).toBe("aad");
      expect(got.senderLeafIndex).toBe(0);
      b = got.state;
      const back = await encryptApplicationMessage(b, cs, utf8("back"));
      b = back.state;
      const got2 = await processMessage(a, cs, back.message);
      expect(got2.kind).toBe("application");
      a = got2.state;
    }
  });

  it("rejects a tampered PrivateMessage with a typed error", async () => {
    const sent = await encryptApplicationMessage(alice, cs, utf8("x"));
    const bytes = encodeMlsMessage(sent.message);
    bytes[bytes.length - 1]! ^= 1;
    await expect(processMessage(bob, cs, bytes)).rejects.toBeInstanceOf(ValidationError);
  });

  it("joins externally from an exported GroupInfo, then removes a member", async () => {
    const gi = decodeMlsMessage(encodeMlsMessage(await exportGroupInfo(alice, cs, { ratchetTree: true })));
    if (gi.wireformat !== "mls_group_info") throw new Error("not a GroupInfo");
    const carolKp = await keyPackage(cs, "carol");
    const carol = await joinExternal(cs, gi.groupInfo, carolKp, { config: config() });
    const a = await processMessage(alice, cs, encodeMlsMessage(carol.commit));
    const b = await processMessage(bob, cs, carol.commit);
    expect(a.kind === "commit" && a.sender).toEqual({ senderType: "new_member_commit" });
    expect(groupMembers(a.state).map((m) => m.leafIndex)).toEqual([0, 1, 2]);
    expect(toHex(encodeGroupContext(b.state.groupContext))).toBe(
      toHex(encodeGroupContext(carol.state.groupContext)),
    );
    const removal = await commit(carol.state, cs, {
      publicMessage: true,
      proposals: [{ proposalType: "remove", remove: { removed: 1 } }],
    });
    const a2 = await processMessage(a.state, cs, removal.commit);
    const b2 = await processMessage(b.state, cs, removal.commit);
    expect(b2.kind === "commit" && b2.removed).toBe(true);
    expect(a2.state.groupContext.epoch).toBe(removal.state.groupContext.epoch);
    await expect(encryptApplicationMessage(b2.state, cs, utf8("still here?"))).rejects.toBeInstanceOf(
      ProtocolError,
    );
  });

  it("binds a KeyPackage to a given signature key", async () => {
    const key = await generateSignatureKeyPair(cs);
    const kp = await createKeyPackage(cs, {
      credential: { credentialType: "basic", identity: utf8("dave") },
      signatureKeyPair: key,
    });
    expect(toHex(kp.publicPackage.leafNode.signaturePublicKey)).toBe(toHex(key.publicKey));
    expect(toHex(encodeKeyPackage(decodeKeyPackage(encodeKeyPackage(kp.publicPackage))))).toBe(
      toHex(encodeKeyPackage(kp.publicPackage)),
    );
  });

  it("stores and restores a member's state", async () => {
    const restored = decodeGroupState(encodeGroupState(alice), config());
    const sent = await encryptApplicationMessage(restored, cs, utf8("after restore"));
    const got = await processMessage(bob, cs, sent.message);
    expect(got.kind).toBe("application");
  });

  it("refuses a cipher suite outside RFC 9420", async () => {
    await expect(loadCiphersuite(77)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("adapter: strict decoders", () => {
  let samples: Record<string, Uint8Array> = {};
  let receiver: MlsGroupState;
  const decoders: Record<string, (b: Uint8Array) => unknown> = {
    mlsMessage: decodeMlsMessage,
    keyPackage: decodeKeyPackage,
    groupInfo: decodeGroupInfo,
    welcome: decodeWelcome,
    groupContext: decodeGroupContext,
    ratchetTree: decodeRatchetTree,
    externalSenders: decodeExternalSenders,
  };
  beforeAll(async () => {
    const cs = await suite;
    const [a, b] = await groupOf(cs, 2);
    receiver = b!;
    const kp = await keyPackage(cs, "fuzz");
    const r = await commit(a!, cs, {
      publicMessage: true,
      proposals: [{ proposalType: "add", add: { keyPackage: kp.publicPackage } }],
    });
    const gi = (await exportGroupInfo(r.state, cs)) as MLSMessage & { wireformat: "mls_group_info" };
    const w = r.welcome as MLSMessage & { wireformat: "mls_welcome" };
    const sent = await encryptApplicationMessage(r.state, cs, utf8("x"));
    samples = {
      commit: encodeMlsMessage(r.commit),
      welcomeMessage: encodeMlsMessage(w),
      privateMessage: encodeMlsMessage(sent.message),
      groupInfoMessage: encodeMlsMessage(gi),
      keyPackage: encodeKeyPackage(kp.publicPackage),
      groupContext: encodeGroupContext(r.state.groupContext),
      ratchetTree: encodeRatchetTree(r.state.ratchetTree),
    };
  });

  it("[MLS-CODEC-01] rejects trailing bytes and truncation with a CodecError", () => {
    for (const bytes of [samples["commit"]!, samples["privateMessage"]!]) {
      expect(() => decodeMlsMessage(Uint8Array.of(...bytes, 0))).toThrow(CodecError);
      expect(() => decodeMlsMessage(bytes.subarray(0, bytes.length - 1))).toThrow(CodecError);
      expect(toHex(encodeMlsMessage(decodeMlsMessage(bytes)))).toBe(toHex(bytes));
    }
    expect(() => decodeKeyPackage(Uint8Array.of(...samples["keyPackage"]!, 1))).toThrow(CodecError);
  });

  it("[MLS-CODEC-01] embedded structures: a prefix is read with its length; trailing, truncated and non-canonical bytes are refused", () => {
    const kp = samples["keyPackage"]!;
    const [value, n] = readMlsStructure("KeyPackage", Uint8Array.of(...kp, 7, 7), "/body/kp");
    expect(n).toBe(kp.length);
    expect(toHex(encodeMlsStructure("KeyPackage", value))).toBe(toHex(kp));
    const refused = (fn: () => unknown): CodecError => {
      try {
        fn();
      } catch (e) {
        if (e instanceof CodecError) return e;
        throw e;
      }
      throw new Error("accepted");
    };
    expect(refused(() => decodeMlsStructure("KeyPackage", Uint8Array.of(...kp, 0)))).toMatchObject({
      rule: "MLS-CODEC-01",
      path: `/${kp.length}`,
    });
    expect(refused(() => readMlsStructure("KeyPackage", kp.subarray(0, kp.length - 1), "/kp"))).toMatchObject(
      {
        rule: "MLS-CODEC-01",
        path: "/kp",
      },
    );
    expect(refused(() => readMlsStructure("Extension", new Uint8Array(), "/e")).rule).toBe("MLS-CODEC-01");
    // ts-mls reads the 2-byte varint 0x4002 as the length 2, and would write it as 0x02.
    const extension = Uint8Array.of(0xf0, 0xa1, 0x02, 9, 9);
    expect(decodeMlsStructure("Extension", extension)).toEqual({
      extensionType: 0xf0a1,
      extensionData: Uint8Array.of(9, 9),
    });
    const e = refused(() =>
      readMlsStructure("Extension", Uint8Array.of(0xf0, 0xa1, 0x40, 0x02, 9, 9), "/ext"),
    );
    expect(e.message).toMatch(/non-canonical Extension/);
    expect(e).toMatchObject({ rule: "MLS-CODEC-01", path: "/ext" });
  });

  const only = (fn: () => unknown): void => {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof CodecError)) throw e;
    }
  };

  test.prop([fc.constantFrom(...Object.keys(decoders)), fc.uint8Array({ maxLength: 256 })], { numRuns: 300 })(
    "[MLS-CODEC-01] random bytes only ever give a CodecError",
    (name, bytes) => {
      only(() => decoders[name]!(bytes));
    },
  );

  test.prop(
    [
      fc.constantFrom(
        "commit",
        "welcomeMessage",
        "privateMessage",
        "groupInfoMessage",
        "keyPackage",
        "groupContext",
        "ratchetTree",
      ),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
    ],
    { numRuns: 300 },
  )("[MLS-CODEC-01] mutated and truncated messages only ever give a CodecError", (name, edits, cut) => {
    const bytes = Uint8Array.from(samples[name]!);
    for (const [at, v] of edits) bytes[at % bytes.length] = v;
    const input = cut % 3 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
    const decode =
      name === "keyPackage"
        ? decodeKeyPackage
        : name === "groupContext"
          ? decodeGroupContext
          : name === "ratchetTree"
            ? decodeRatchetTree
            : decodeMlsMessage;
    only(() => decode(input));
  });

  test.prop(
    [
      fc.constantFrom("commit", "privateMessage"),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }),
    ],
    { numRuns: 60 },
  )("[MLS-CODEC-01] processing mutated messages only ever gives a typed error", async (name, edits) => {
    const cs = await suite;
    const bytes = Uint8Array.from(samples[name]!);
    for (const [at, v] of edits) bytes[at % bytes.length] = v;
    try {
      await processMessage(receiver, cs, bytes);
    } catch (e) {
      if (!isMimiError(e)) throw e;
    }
  });
});
