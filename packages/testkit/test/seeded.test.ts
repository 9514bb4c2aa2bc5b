import { describe, expect, it } from "vitest";
import {
  releaseSeededSections,
  SeededRandom,
  seededBytes,
  withFixedClock,
  withSeededRandom,
} from "../src/seeded.js";

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

  it("derives Ed25519 and X25519 keys from the seed, seeds Math.random, and restores both", async () => {
    const run = () =>
      withSeededRandom("k", async () => {
        const out: string[] = [];
        for (const [alg, usages] of [
          ["Ed25519", ["sign", "verify"]],
          [{ name: "X25519" }, ["deriveBits"]],
        ] as const) {
          const pair = (await crypto.subtle.generateKey(alg as never, true, usages as never)) as {
            publicKey: import("node:crypto").webcrypto.CryptoKey;
          };
          out.push(Buffer.from(await crypto.subtle.exportKey("raw", pair.publicKey)).toString("hex"));
        }
        out.push(String(Math.random()));
        return out;
      });
    const a = await run();
    expect(await run()).toEqual(a);
    expect(a[0]).toMatch(/^[0-9a-f]{64}$/);
    const fresh = (await crypto.subtle.generateKey("Ed25519" as never, true, [
      "sign",
      "verify",
    ] as never)) as {
      publicKey: import("node:crypto").webcrypto.CryptoKey;
    };
    expect(Buffer.from(await crypto.subtle.exportKey("raw", fresh.publicKey)).toString("hex")).not.toBe(a[0]);
    expect(String(Math.random())).not.toBe(a[2]);
    expect(Object.hasOwn(crypto.subtle, "generateKey")).toBe(false);
  });
});

describe("withFixedClock", () => {
  it("Date.now() and new Date() read the given clock inside, the real clock again after", async () => {
    let t = Date.UTC(2026, 0, 1);
    const seen = await withFixedClock(
      () => t,
      async () => {
        const a = [Date.now(), new Date().toISOString()];
        t += 1000;
        await new Promise((r) => setTimeout(r, 5));
        return [...a, Date.now(), new Date(0).getTime(), new Date("2020-01-01T00:00:00Z").getTime()];
      },
    );
    expect(seen).toEqual([
      Date.UTC(2026, 0, 1),
      "2026-01-01T00:00:00.000Z",
      Date.UTC(2026, 0, 1) + 1000,
      0,
      Date.UTC(2020, 0, 1),
    ]);
    expect(Math.abs(Date.now() - (performance.timeOrigin + performance.now()))).toBeLessThan(60_000);
    expect(await withFixedClock(5, async () => Date.now())).toBe(5);
  });
});

describe("withSeededRandom and ts-mls's overwrites of used secrets", () => {
  it("serves zeroOutUint8Array from the real source, so a receiver's overwrite does not shift the stream", async () => {
    const draw = () => globalThis.crypto.getRandomValues(new Uint8Array(8));
    const withOverwrite = await withSeededRandom("s", async () => {
      const a = draw();
      // the name ts-mls gives the function that overwrites a used secret
      function zeroOutUint8Array(b: Uint8Array): void {
        globalThis.crypto.getRandomValues(b);
      }
      zeroOutUint8Array(new Uint8Array(32));
      return [a, draw()];
    });
    const without = await withSeededRandom("s", async () => [draw(), draw()]);
    expect(withOverwrite).toEqual(without);
  });
});

describe("releaseSeededSections", () => {
  it("restores the globals of sections a timed-out test left running; their late end changes nothing", async () => {
    const realDate = globalThis.Date;
    const realRandom = Math.random;
    let finish!: () => void;
    const stuck = new Promise<void>((r) => {
      finish = r;
    });
    // A section whose work never ends in time, as a test that hit its timeout leaves it.
    const abandoned = withFixedClock(0, () => withSeededRandom("stuck", () => stuck));
    await Promise.resolve();
    expect(Object.hasOwn(crypto, "getRandomValues")).toBe(true);
    expect(Date.now()).toBe(0);
    expect(releaseSeededSections()).toBe(2);
    expect(Object.hasOwn(crypto, "getRandomValues")).toBe(false);
    expect(Object.hasOwn(crypto.subtle, "generateKey")).toBe(false);
    expect(globalThis.Date).toBe(realDate);
    expect(Math.random).toBe(realRandom);
    // The next test opens its own section; the abandoned one ending meanwhile leaves it alone.
    const next = await withSeededRandom("next", async () => {
      finish();
      await abandoned;
      return [Object.hasOwn(crypto, "getRandomValues"), crypto.getRandomValues(new Uint8Array(8))] as const;
    });
    expect(next[0]).toBe(true);
    expect(next[1]).toEqual(
      await withSeededRandom("next", async () => crypto.getRandomValues(new Uint8Array(8))),
    );
    expect(Object.hasOwn(crypto, "getRandomValues")).toBe(false);
    expect(releaseSeededSections()).toBe(0);
  });
});
