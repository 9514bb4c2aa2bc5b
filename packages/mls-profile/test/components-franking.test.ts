import { fc, test } from "@fast-check/vitest";
import { webHmacSha256 } from "@mimi/testkit/web-crypto";
import { CodecError, fromHex, isMimiError, toHex, utf8 } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  applyAppDataUpdates,
  computeFrankingTag,
  decodeCredential,
  decodeFrankAAD,
  decodeFrankingAgentData,
  decodeSafeAAD,
  defaultCodePoints,
  encodeCredential,
  encodeFrankAAD,
  encodeFrankingAgentData,
  encodeSafeAAD,
  type FrankingAgentData,
  getSafeAADItem,
  mimiComponentHandlers,
  verifyFrankingTag,
} from "../src/index.js";

const agent: FrankingAgentData = {
  franking_signature_key: fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
  credential: { credentialType: "basic", identity: utf8("hub.example") },
};

describe("franking (draft-ietf-mimi-protocol-06 §5.4.1)", () => {
  test.prop([fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 200 })])(
    "franking_tag = HMAC-SHA256(salt, application_data)",
    async (salt, data) => {
      const tag = computeFrankingTag(salt, data);
      expect(toHex(tag)).toBe(toHex(await webHmacSha256(salt, data)));
      expect(verifyFrankingTag(tag, salt, data)).toBe(true);
      const other = new Uint8Array([...data, 0]);
      expect(verifyFrankingTag(tag, salt, other)).toBe(false);
    },
  );

  it("matches RFC 4231 test case 2 (HMAC-SHA256)", () => {
    expect(toHex(computeFrankingTag(utf8("Jefe"), utf8("what do ya want for nothing?")))).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("MLS-FRANK-01: frank_aad is exactly a 32-byte franking_tag, carried as a SafeAAD item", () => {
    const tag = computeFrankingTag(new Uint8Array(16), utf8("hello"));
    const item = encodeFrankAAD({ franking_tag: tag });
    expect(item).toEqual(tag);
    const aad = encodeSafeAAD({
      aad_items: [{ component_id: defaultCodePoints.componentIds.frank_aad, aad_item_data: item }],
    });
    expect(toHex(aad).slice(0, 8)).toBe("23002020");
    expect(decodeFrankAAD(getSafeAADItem(decodeSafeAAD(aad), 0x20)!).franking_tag).toEqual(tag);
    expect(() => decodeFrankAAD(new Uint8Array(31))).toThrow(
      expect.objectContaining({ rule: "MLS-FRANK-01" }),
    );
    expect(() => decodeFrankAAD(new Uint8Array(33))).toThrow(CodecError);
    expect(() => encodeFrankAAD({ franking_tag: new Uint8Array(16) })).toThrow(CodecError);
  });

  it("FrankingAgentData round-trips with basic and x509 credentials", () => {
    expect(decodeFrankingAgentData(encodeFrankingAgentData(agent))).toEqual(agent);
    const x509: FrankingAgentData = {
      ...agent,
      credential: { credentialType: "x509", certificates: [new Uint8Array([1, 2]), new Uint8Array([3])] },
    };
    expect(decodeFrankingAgentData(encodeFrankingAgentData(x509))).toEqual(x509);
  });

  it("MLS-XSND-03: credentials of types this codec cannot delimit are rejected", () => {
    expect(() => decodeCredential(new Uint8Array([0xf0, 0x00, 0x01, 0x41]))).toThrow(
      expect.objectContaining({ rule: "MLS-XSND-03", path: "/credential_type" }),
    );
    expect(toHex(encodeCredential(agent.credential))).toBe(`00010b${toHex(utf8("hub.example"))}`);
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])("random bytes only ever give a typed error", (b) => {
    for (const f of [decodeFrankAAD, decodeFrankingAgentData, decodeCredential]) {
      try {
        f(b);
      } catch (e) {
        expect(isMimiError(e), String(e)).toBe(true);
      }
    }
  });

  it("the franking_agent component accepts a FrankingAgentUpdate and rejects garbage", () => {
    const id = defaultCodePoints.componentIds.franking_agent;
    const h = mimiComponentHandlers();
    const d = applyAppDataUpdates(
      { component_data: [] },
      [{ component_id: id, op: "update", update: encodeFrankingAgentData(agent) }],
      h,
    );
    expect(d.component_data).toHaveLength(1);
    expect(() =>
      applyAppDataUpdates(d, [{ component_id: id, op: "update", update: new Uint8Array([1]) }], h),
    ).toThrow(expect.objectContaining({ rule: "MLS-EXT-06" }));
  });
});
