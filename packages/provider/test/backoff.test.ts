import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../src/server/backoff.js";

const opts = { baseMs: 100, capMs: 10_000 };

describe("retry back-off with full jitter", () => {
  it("draws each delay uniformly below a ceiling that doubles per failure up to the cap", () => {
    const at = (failures: number, r: number) => backoffDelayMs(failures, { ...opts, random: () => r });
    expect(at(1, 0)).toBe(0);
    expect(at(1, 0.5)).toBe(50);
    expect(at(1, 0.999999)).toBe(99);
    expect(at(2, 0.999999)).toBe(199);
    expect(at(4, 0.5)).toBe(400);
    // 100 · 2^7 = 12,800 is above the cap
    expect(at(8, 0.999999)).toBe(9_999);
    expect(at(1000, 0.5)).toBe(5_000);
  });

  it("spreads retries of many senders over the whole window instead of one instant", () => {
    const delays = Array.from({ length: 2000 }, () => backoffDelayMs(5, opts));
    const ceiling = 100 * 2 ** 4;
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(ceiling);
    const quarters = [0, 0, 0, 0];
    for (const d of delays) quarters[Math.floor((d / ceiling) * 4)]!++;
    // each quarter of the window gets a fair share (expected 500; this fails only if the draw is not uniform)
    for (const q of quarters) expect(q).toBeGreaterThan(350);
    expect(new Set(delays).size).toBeGreaterThan(500);
  });

  it("never retries sooner than the peer's Retry-After", () => {
    expect(backoffDelayMs(1, { ...opts, random: () => 0.5 }, 3_000)).toBe(3_000);
    expect(backoffDelayMs(9, { ...opts, random: () => 0.9 }, 3_000)).toBe(9_000);
    expect(backoffDelayMs(1, { ...opts, random: () => 0.5 }, 60_000)).toBe(60_000);
  });
});
