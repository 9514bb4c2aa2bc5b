import { describe, expect, it } from "vitest";
import {
  catchUpMs,
  type Delivery,
  duplicateDeliveries,
  lostMessages,
  orderViolations,
  type SentMessage,
  serverErrors,
} from "../src/chaos/checks.js";
import { providerErrorsOf } from "../src/chaos/run.js";

const room = "mimi://a.example/r/chaos-1";
const sent = (sender: string, seq: number, acked = true): SentMessage => ({
  room,
  sender,
  seq,
  at: seq * 10,
  ...(acked ? { ackedAt: seq * 10 + 5 } : {}),
  receivers: ["bob@b", "cathy@c", "alice@a"].filter((c) => c !== sender),
});
const got = (client: string, sender: string, seq: number, at = seq * 10 + 7): Delivery => ({
  client,
  room,
  sender,
  seq,
  at,
});
/** alice@a sends #1..#3; bob@b and cathy@c get all three in order. */
const log: Delivery[] = [1, 2, 3].flatMap((n) => [got("bob@b", "alice@a", n), got("cathy@c", "alice@a", n)]);
const sends = [sent("alice@a", 1), sent("alice@a", 2), sent("alice@a", 3)];

// The goal checkers of `mimi chaos` are pure functions over the logs: each fails on the fault it
// names and on nothing else.
describe("mimi chaos goal checkers", () => {
  it("a clean log meets every goal", () => {
    expect(lostMessages(sends, log).count).toBe(0);
    expect(duplicateDeliveries(log).count).toBe(0);
    expect(orderViolations(log).count).toBe(0);
    expect(catchUpMs(sends, log, 26)).toBe(1);
  });

  it("a gap: an acknowledged message one receiver never got is lost", () => {
    const gap = log.filter((d) => !(d.client === "cathy@c" && d.seq === 2));
    const lost = lostMessages(sends, gap);
    expect(lost.count).toBe(1);
    expect(lost.examples[0]).toContain("#2 never reached cathy@c");
    expect(catchUpMs(sends, gap, 26)).toBeUndefined();
    expect(duplicateDeliveries(gap).count).toBe(0);
    expect(orderViolations(gap).count).toBe(0);
  });

  it("a message that was never acknowledged is not lost when it does not arrive", () => {
    const unacked = [...sends, sent("alice@a", 4, false)];
    expect(lostMessages(unacked, log).count).toBe(0);
  });

  it("a duplicate: the same message twice at one client", () => {
    const dup = [...log, got("bob@b", "alice@a", 2, 99)];
    const d = duplicateDeliveries(dup);
    expect(d.count).toBe(1);
    expect(d.examples[0]).toContain("bob@b got");
    expect(lostMessages(sends, dup).count).toBe(0);
    expect(orderViolations(dup).count).toBe(0);
  });

  it("an order violation: a sender's later message before its earlier one", () => {
    const swapped = [
      got("bob@b", "alice@a", 2),
      got("bob@b", "alice@a", 1),
      got("bob@b", "alice@a", 3),
      ...log.filter((d) => d.client === "cathy@c"),
    ];
    const o = orderViolations(swapped);
    expect(o.count).toBeGreaterThanOrEqual(1);
    expect(o.examples[0]).toContain("after #2 of the same sender");
    expect(lostMessages(sends, swapped).count).toBe(0);
    expect(duplicateDeliveries(swapped).count).toBe(0);
  });

  it("an order violation: two clients that got two senders' messages in opposite orders", () => {
    const twoSenders = [
      got("alice@a", "bob@b", 1),
      got("alice@a", "cathy@c", 1),
      got("dave@a", "cathy@c", 1),
      got("dave@a", "bob@b", 1),
    ];
    const o = orderViolations(twoSenders);
    expect(o.count).toBe(1);
    expect(o.examples[0]).toContain("alice@a got");
  });

  it("5xx: a 500 always counts, a 502/504 only outside the fault that cut the peer off", () => {
    const answers = [
      { client: "bob@b", status: 502, at: 10, what: "hub unreachable" },
      { client: "bob@b", status: 504, at: 500, what: "hub did not answer" },
      { client: "alice@a", status: 500, at: 20, what: "bug" },
    ];
    const r = serverErrors(answers, (a) => a.at < 100);
    expect(r.count).toBe(2);
    expect(r.excused).toBe(1);
    expect(r.examples).toEqual(["bob@b: 504 hub did not answer", "alice@a: 500 bug"]);
  });
});

describe("the providers' errors in a chaos report", () => {
  it("keeps the error-level JSON lines, with the first frames of their stacks, and nothing else", () => {
    const lines = [
      JSON.stringify({ ts: "2026-01-01T00:00:00.000Z", level: "info", msg: "listening" }),
      "not JSON at all",
      JSON.stringify({
        ts: "2026-01-01T00:00:01.000Z",
        level: "error",
        msg: "handler failed",
        error: "error: the database system is starting up",
        stack:
          "error: the database system is starting up\n    at connect (pool.js:1:1)\n    at run (database.ts:2:2)",
      }),
      JSON.stringify({ ts: "2026-01-01T00:00:02.000Z", level: "error", msg: "metrics failed", error: "x" }),
    ];
    expect(providerErrorsOf("a.example", lines)).toEqual([
      {
        domain: "a.example",
        ts: "2026-01-01T00:00:01.000Z",
        msg: "handler failed",
        error: "error: the database system is starting up",
        at: "connect (pool.js:1:1) < run (database.ts:2:2)",
      },
      { domain: "a.example", ts: "2026-01-01T00:00:02.000Z", msg: "metrics failed", error: "x" },
    ]);
  });
});
