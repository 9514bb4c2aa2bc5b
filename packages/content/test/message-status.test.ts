import { readUpstreamHex, readUpstreamText } from "@mimi/spec-vectors";
import { CodecError, fromHex, toHex, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  buildMessageStatusReport,
  decodeMessageStatusReport,
  encodeMessageStatusReport,
} from "../src/message-status.js";

const id = (name: string): Uint8Array => fromHex(readUpstreamText(`content/${name}.msgid.hex`).trim());

describe("application/mimi-message-status (draft-mahy-mimi-message-status-01)", () => {
  it("CONTENT-STATUS-01 the §5 example decodes, re-encodes byte-exact and is rebuilt by the builder", () => {
    const bytes = readUpstreamHex("message-status/status.hex");
    const report = decodeMessageStatusReport(bytes);
    expect(report.map((e) => e.status)).toEqual([2, 2, 0, 3]);
    expect(toHex(encodeMessageStatusReport(report))).toBe(toHex(bytes));
    const built = buildMessageStatusReport([
      [id("original"), "read"],
      [id("reply"), "read"],
      [id("mention"), "unread"],
      [id("expiring"), "expired"],
    ]);
    expect(toHex(encodeMessageStatusReport(built))).toBe(toHex(bytes));
  });
  it("CONTENT-STATUS-01 unknown status values 7..255 are kept", () => {
    const r = buildMessageStatusReport([[id("original"), 200]]);
    expect(decodeMessageStatusReport(encodeMessageStatusReport(r))).toEqual(r);
  });
  it.each([
    ["status 256", `8182${"5820".concat("01".repeat(32))}190100`],
    ["message ID of 31 octets", `8182581f${"01".repeat(31)}02`],
    ["entry of 3 elements", `8183${"5820".concat("01".repeat(32))}0202`],
    ["map instead of array", "a0"],
    ["trailing byte", "8000"],
    ["indefinite array", "9fff"],
  ])("CONTENT-STATUS-01 rejects %s", (_name, hex) => {
    expect(() => decodeMessageStatusReport(fromHex(hex))).toThrow(CodecError);
  });
  it("CONTENT-STATUS-01 encoding checks sizes", () => {
    expect(() => encodeMessageStatusReport([{ messageId: new Uint8Array(3), status: 1 }])).toThrow(
      ValidationError,
    );
    expect(() => encodeMessageStatusReport([{ messageId: new Uint8Array(32), status: 256 }])).toThrow(
      ValidationError,
    );
  });
});
