import { describe, expect, it } from "vitest";
import { errorAnswer } from "../src/server/http-error.js";
import { isStorageUnavailable, retryWhileUnavailable } from "../src/storage/database.js";

/** An error as the `pg` driver raises it. */
const pgError = (message: string, code?: string): Error => Object.assign(new Error(message), { code });

describe("a database that went away is a 503 with Retry-After, not a 500", () => {
  it.each([
    [
      "an immediate shutdown (57P01)",
      pgError("terminating connection due to administrator command", "57P01"),
    ],
    ["a server starting up (57P03)", pgError("the database system is starting up", "57P03")],
    ["a connection exception (08006)", pgError("connection failure", "08006")],
    ["a refused connection", pgError("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["a lost connection", pgError("Connection terminated unexpectedly")],
  ])("%s", (_, e) => {
    expect(isStorageUnavailable(e)).toBe(true);
    const answer = errorAnswer(e);
    expect(answer.status).toBe(503);
    expect(answer.retryAfterSeconds).toBe(1);
    expect(JSON.parse(new TextDecoder().decode(answer.body))).toMatchObject({ error: "StorageUnavailable" });
  });

  it("other failures stay 500 without details, and SQL errors are not mistaken for an outage", () => {
    for (const e of [new TypeError("x is undefined"), pgError('relation "rooms" does not exist', "42P01")]) {
      expect(isStorageUnavailable(e)).toBe(false);
      expect(errorAnswer(e).status).toBe(500);
    }
  });
});

describe("a statement or transaction that never reached the database is sent again while it is down", () => {
  const down = (): Error => pgError("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED");
  /** A clock that advances by what the retry sleeps. */
  const clock = () => {
    let t = 0;
    return {
      now: () => t,
      sleep: async (ms: number) => {
        t += ms;
      },
    };
  };

  it("retries a safe failure until the database answers", async () => {
    let calls = 0;
    const c = clock();
    const out = await retryWhileUnavailable(
      async () => {
        if (++calls < 4) throw down();
        return "ok";
      },
      () => true,
      c,
    );
    expect([out, calls]).toEqual(["ok", 4]);
  });

  it("does not retry a failure that may have been applied, nor one that is not an outage", async () => {
    for (const [e, safe] of [
      [down(), false],
      [pgError('duplicate key value violates unique constraint "room_events_pkey"', "23505"), true],
    ] as const) {
      let calls = 0;
      await expect(
        retryWhileUnavailable(
          async () => {
            calls++;
            throw e;
          },
          () => safe,
          clock(),
        ),
      ).rejects.toBe(e);
      expect(calls).toBe(1);
    }
  });

  it("gives up after its window and throws the outage", async () => {
    const c = clock();
    let calls = 0;
    const e = down();
    await expect(
      retryWhileUnavailable(
        async () => {
          calls++;
          throw e;
        },
        () => true,
        { ...c, windowMs: 2_000 },
      ),
    ).rejects.toBe(e);
    expect(calls).toBeGreaterThan(1);
    expect(c.now()).toBeLessThanOrEqual(2_000);
  });
});
