import { webHmacSha256 } from "@mimi/testkit/web-crypto";
import { bytesEqual, fromHex, toHex, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { compareAccepted, deriveSalt, generateSalt, sortByAccepted } from "../src/index.js";

describe("salt (§4.1, §9.2)", () => {
  it("CONTENT-SALT-01 generated salts are 16 random octets", () => {
    const a = generateSalt();
    const b = generateSalt();
    expect(a.length).toBe(16);
    expect(bytesEqual(a, b)).toBe(false);
  });
  it("CONTENT-SALT-01 §9.2 derivation is HMAC-SHA256(secret, nonce)[0..15]", async () => {
    const secret = fromHex("00112233445566778899aabbccddeeff");
    const nonce = fromHex("0102030405");
    const expected = toHex(await webHmacSha256(secret, nonce)).slice(0, 32);
    expect(toHex(deriveSalt(secret, nonce))).toBe(expected);
    expect(toHex(deriveSalt(secret, fromHex("0102030406")))).not.toBe(expected);
    expect(() => deriveSalt(new Uint8Array(), nonce)).toThrow(ValidationError);
  });
});

describe("accepted-timestamp ordering (§3.4, §5.11)", () => {
  it("CONTENT-ORDER-01 sorts by timestamp, then by lexically lowest message ID", () => {
    const m = (ts: number, id: string) => ({ acceptedTimestamp: ts, messageId: fromHex(id.padEnd(64, "0")) });
    const sorted = sortByAccepted([m(2, "01ff"), m(1, "01ee"), m(2, "0100"), m(2, "01aa")]);
    expect(sorted.map((x) => `${x.acceptedTimestamp}:${toHex(x.messageId).slice(0, 4)}`)).toEqual([
      "1:01ee",
      "2:0100",
      "2:01aa",
      "2:01ff",
    ]);
    expect(compareAccepted(m(5, "01"), m(5, "01"))).toBe(0);
  });
});
