import { readUpstreamHex } from "@mimi/spec-vectors";
import { fromHex, toHex, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { decodeMimiContent, type Extensions, encodeMimiContent } from "../src/index.js";
import {
  getExternalMessageId,
  getSenderTimestamp,
  getSubject,
  withExternalMessageId,
  withSenderTimestamp,
  withSubject,
} from "../src/more-extensions.js";

const base = decodeMimiContent(readUpstreamHex("content/original.hex"));

describe("draft-mimi-content-more-extensions-00", () => {
  it("CONTENT-MOREEXT-01 senderTimestamp as in §3 round-trips through the content", () => {
    const ext = withSenderTimestamp(base.mimiExtensions, {
      seconds: 1762760377,
      fraction: { unit: -6, value: 462917 },
    });
    const bytes = encodeMimiContent({ ...base, mimiExtensions: ext });
    // 3: {1: 1762760377, -6: 462917} — keys sorted 1 before -6 (0x01 < 0x25)
    expect(toHex(bytes)).toContain("03a2011a691196b9251a00071045");
    expect(getSenderTimestamp(decodeMimiContent(bytes).mimiExtensions)).toEqual({
      seconds: 1762760377,
      fraction: { unit: -6, value: 462917 },
    });
  });
  it("CONTENT-MOREEXT-01 rejects two fractions or out-of-range ones", () => {
    const bad = (m: Map<number, number>): Extensions => new Map([[3, m]]);
    expect(() =>
      getSenderTimestamp(
        bad(
          new Map([
            [1, 5],
            [-3, 1000],
          ]),
        ),
      ),
    ).toThrow(ValidationError);
    expect(() =>
      getSenderTimestamp(
        bad(
          new Map([
            [1, 5],
            [-3, 1],
            [-6, 1],
          ]),
        ),
      ),
    ).toThrow(ValidationError);
    expect(() => getSenderTimestamp(bad(new Map([[-3, 1]])))).toThrow(ValidationError);
  });
  it("CONTENT-MOREEXT-02 externalMessageId with PEN, domain and URI scopes", () => {
    const id = fromHex("08bbeeb8175c4a64a8926a5a23bb2811");
    for (const scope of [{ pen: 311 }, { domain: "example.com" }, { uri: "https://example.com/" }] as const) {
      const ext = withExternalMessageId(base.mimiExtensions, { id, scope });
      const back = decodeMimiContent(encodeMimiContent({ ...base, mimiExtensions: ext }));
      expect(getExternalMessageId(back.mimiExtensions)).toEqual({ id, scope });
    }
    expect(() => getExternalMessageId(new Map([[4, [id, 0]]]))).toThrow(ValidationError);
    expect(() => getExternalMessageId(new Map([[4, [id]]]))).toThrow(ValidationError);
  });
  it("CONTENT-MOREEXT-03 subject is 1..4096 octets", () => {
    const ext = withSubject(base.mimiExtensions, "This space intentionally left blank");
    expect(
      getSubject(decodeMimiContent(encodeMimiContent({ ...base, mimiExtensions: ext })).mimiExtensions),
    ).toBe("This space intentionally left blank");
    expect(() => withSubject(base.mimiExtensions, "")).toThrow(ValidationError);
    expect(() => withSubject(base.mimiExtensions, "é".repeat(2049))).toThrow(ValidationError);
    expect(getSubject(base.mimiExtensions)).toBeUndefined();
  });
});
