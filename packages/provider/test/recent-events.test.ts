import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { RecentEvents, type TargetedEvent } from "../src/hub/recent-events.js";

const ev = (seq: number, size = 10, roomId = "mimi://a.example/r/x"): TargetedEvent => ({
  roomId,
  seq: BigInt(seq),
  epoch: 0n,
  kind: "application",
  acceptedAt: BigInt(seq),
  body: new Uint8Array(size).fill(seq & 0xff),
  domains: ["b.example"],
});
const seqs = (r: readonly TargetedEvent[] | undefined) => r?.map((e) => Number(e.seq));
const room = "mimi://a.example/r/x";

describe("the hub's recent events (decision 0658)", () => {
  it("serves what follows a position inside the written tail, and nothing it cannot vouch for", () => {
    const r = new RecentEvents();
    r.add([ev(5), ev(6), ev(7)]);
    expect(seqs(r.after(room, 4n, 10))).toEqual([5, 6, 7]);
    expect(seqs(r.after(room, 5n, 1))).toEqual([6]);
    // before the tail, or at its end: only the database knows
    expect(r.after(room, 3n, 10)).toBeUndefined();
    expect(r.after(room, 7n, 10)).toBeUndefined();
    expect(r.after("mimi://a.example/r/other", 0n, 10)).toBeUndefined();
    // a gap (8 written elsewhere) starts the tail again
    r.add([ev(9), ev(10)]);
    expect(r.after(room, 6n, 10)).toBeUndefined();
    expect(seqs(r.after(room, 8n, 10))).toEqual([9, 10]);
  });

  it("keeps at most the configured events, bytes and rooms (always the newest event)", () => {
    const r = new RecentEvents({ events: 3, bytes: 25, rooms: 2 });
    r.add([ev(1), ev(2), ev(3), ev(4)]);
    expect(seqs(r.after(room, 2n, 10))).toEqual([3, 4]); // 4 events trimmed to 25 bytes: 2 left
    expect(r.after(room, 1n, 10)).toBeUndefined();
    r.add([ev(5, 100)]);
    expect(seqs(r.after(room, 4n, 10))).toEqual([5]);
    r.add([ev(1, 10, "mimi://a.example/r/b")]);
    r.add([ev(1, 10, "mimi://a.example/r/c")]);
    expect(r.size).toBe(2);
    expect(r.after(room, 4n, 10)).toBeUndefined();
  });

  test.prop([
    fc.array(fc.record({ n: fc.integer({ min: 1, max: 5 }), elsewhere: fc.boolean() }), { maxLength: 30 }),
    fc.integer({ min: 0, max: 100 }),
    fc.integer({ min: 1, max: 8 }),
  ])(
    "answers only a leading part of what the log holds after the position, never anything else",
    (writes, from, limit) => {
      const r = new RecentEvents({ events: 7, bytes: 1000 });
      let next = 1;
      for (const w of writes) {
        const batch = Array.from({ length: w.n }, () => ev(next++));
        if (!w.elsewhere) r.add(batch); // written by another path or process: not seen here
      }
      const got = r.after(room, BigInt(from), limit);
      if (got !== undefined) {
        const want = Array.from({ length: Math.min(limit, next - 1 - from) }, (_, i) => from + 1 + i);
        // a leading part: what was written elsewhere after the tail comes in a later round (the
        // writer kicks the fanout)
        expect(got.length).toBeGreaterThan(0);
        expect(seqs(got)).toEqual(want.slice(0, got.length));
      }
    },
  );
});
