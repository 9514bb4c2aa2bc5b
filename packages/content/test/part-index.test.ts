import { readUpstreamHex, readUpstreamText } from "@mimi/spec-vectors";
import { toHex, ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import {
  buildMessage,
  checkCidReferences,
  cidReferences,
  decodeMimiContent,
  encodeMimiContent,
  indexParts,
  type MultiPart,
  multiPart,
  type NestedPart,
  processingOrder,
  type SinglePart,
  singlePart,
} from "../src/index.js";

const m3 = decodeMimiContent(readUpstreamHex("content/multipart-3.hex"));

describe("implied part index and cid: references (Appendix B.3)", () => {
  it("indexes parts depth first as in the draft's table", () => {
    const table = readUpstreamText("content/multipart-3-part-index-table.txt")
      .split("\n")
      .slice(1)
      .filter((l) => l.trim() !== "")
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    const parts = indexParts(m3.nestedPart);
    expect(parts.map((p) => p.index)).toEqual(table);
    expect(parts.filter((p) => p.part.cardinality === 1).map((p) => p.index)).toEqual([3, 4, 5, 8, 9, 10]);
    expect(cidReferences(parts[3]!.part)).toEqual([5]);
    expect(cidReferences(parts[9]!.part)).toEqual([10]);
  });
  it("the B.3 body rebuilt with the builders is byte-identical", () => {
    const leaf = (i: number): SinglePart => indexParts(m3.nestedPart)[i]!.part as SinglePart;
    const again = (p: SinglePart): NestedPart =>
      singlePart(p.contentType, p.content, { disposition: p.disposition, language: p.language });
    const branch = (html: [number, number], image: number): MultiPart =>
      multiPart("processAll", [
        multiPart("chooseOne", [again(leaf(html[0])), again(leaf(html[1]))]),
        again(leaf(image)),
      ]);
    const body = multiPart("chooseOne", [branch([3, 4], 5), branch([8, 9], 10)]);
    const c = buildMessage({
      senderUri: "mimi://example.com/u/alice-smith",
      roomUri: "mimi://example.com/r/engineering_team",
      salt: m3.salt,
      nestedPart: body,
    });
    expect(toHex(encodeMimiContent(c))).toBe(readUpstreamText("content/multipart-3.hex").trim());
  });
  it("CONTENT-CID-01 references must name a SinglePart or ExternalPart", () => {
    expect(() => checkCidReferences(m3.nestedPart)).not.toThrow();
    const html = singlePart("text/html", '<img src="cid:0@local.invalid"/>');
    const body = multiPart("processAll", [html, singlePart("image/png", new Uint8Array([1]))]);
    expect(() => checkCidReferences(body)).toThrow(ValidationError);
    const missing = multiPart("processAll", [
      singlePart("text/html", "cid:7@local.invalid"),
      singlePart("image/png", new Uint8Array()),
    ]);
    expect(() => checkCidReferences(missing)).toThrow(/cid:7@local.invalid/);
    const ok = multiPart("processAll", [
      singlePart("text/html", "cid:2@local.invalid"),
      singlePart("image/png", new Uint8Array()),
    ]);
    expect(() => checkCidReferences(ok)).not.toThrow();
  });
  it("processing order: chooseOne resolved, referenced parts skipped", () => {
    expect(processingOrder(m3.nestedPart).map((p) => p.index)).toEqual([3]); // English HTML, its GIF is referenced
    const french = processingOrder(m3.nestedPart, (o) => o[o.length - 1]!);
    expect(french.map((p) => p.index)).toEqual([9]); // PNG branch, French HTML; the PNG it references is skipped
    const png = processingOrder(m3.nestedPart, (o) => (o.length === 2 && o[0]!.index === 1 ? o[1]! : o[0]!));
    expect(png.map((p) => p.index)).toEqual([8]);
  });
});
