import { describe, expect, it } from "vitest";
import { lineSplitter } from "../src/inbox-item.js";

function split(chunks: readonly string[]): string[] {
  const out: string[] = [];
  const push = lineSplitter((l) => out.push(l));
  for (const c of chunks) push(c);
  return out;
}

describe("the inbox stream's line splitter", () => {
  const text = '{"n":"1"}\n\n  {"n":"2","message":"abcdef"}  \n{"n":"3"}\npartial';
  const lines = ['{"n":"1"}', '{"n":"2","message":"abcdef"}', '{"n":"3"}'];

  it("gives every complete line, trimmed, whatever the chunks; a line without its end waits", () => {
    expect(split([text])).toEqual(lines);
    for (let a = 0; a <= text.length; a++)
      for (let b = a; b <= text.length; b += 3)
        expect(split([text.slice(0, a), text.slice(a, b), text.slice(b)])).toEqual(lines);
    expect(split([...text])).toEqual(lines);
    expect(split([...text, "\n"])).toEqual([...lines, "partial"]);
  });

  it("joins a long line sent in many small chunks", () => {
    const long = "ab".repeat(100_000);
    const chunks: string[] = [];
    for (let i = 0; i < long.length; i += 1000) chunks.push(long.slice(i, i + 1000));
    expect(split([...chunks, "\nnext", "\n"])).toEqual([long, "next"]);
  });
});
