import { describe, expect, it } from "vitest";
import { SeededRandom, seededBytes, withSeededRandom } from "../src/seeded.js";

describe("seeded byte sources for generated vectors", () => {
  it("gives the same bytes for the same seed and label, different bytes otherwise", () => {
    const a = seededBytes("seed", "label", 70);
    expect(a).toEqual(seededBytes("seed", "label", 70));
    expect(a.subarray(0, 33)).toEqual(seededBytes("seed", "label", 33));
    expect(a).not.toEqual(seededBytes("seed", "other", 70));
    expect(a).not.toEqual(seededBytes("other", "label", 70));
    expect(seededBytes("seed", "label", 0)).toEqual(new Uint8Array(0));
    expect(() => seededBytes("seed", "label", -1)).toThrow(RangeError);
  });

  it("streams continue, and two streams of one seed agree", () => {
    const r = new SeededRandom("s");
    const s = new SeededRandom("s");
    const first = r.bytes(8);
    expect(r.bytes(8)).not.toEqual(first);
    expect(s.bytes(8)).toEqual(first);
    const words = s.fill(new Uint32Array(2));
    const t = new SeededRandom("s");
    t.bytes(8);
    expect(new Uint8Array(words.buffer)).toEqual(t.bytes(8));
  });

  it("makes getRandomValues deterministic inside the section only, and refuses nesting", async () => {
    const run = () =>
      withSeededRandom("x", async () => [
        crypto.getRandomValues(new Uint8Array(16)),
        crypto.getRandomValues(new Uint8Array(4)),
      ]);
    const [a, b] = await Promise.all([run(), Promise.resolve()]).then(async ([first]) => [
      first,
      await run(),
    ]);
    expect(a).toEqual(b);
    expect(crypto.getRandomValues(new Uint8Array(16))).not.toEqual(a![0]);
    await expect(withSeededRandom("x", () => withSeededRandom("y", async () => 1))).rejects.toThrow(
      "not reentrant",
    );
    expect(Object.hasOwn(crypto, "getRandomValues")).toBe(false);
  });
});
