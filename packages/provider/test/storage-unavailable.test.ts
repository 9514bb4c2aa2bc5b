import { describe, expect, it } from "vitest";
import { errorAnswer, isStorageUnavailable } from "../src/server/http-error.js";

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
