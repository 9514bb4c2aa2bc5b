import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, toBytes } from "../src/storage/database.js";

// PGlite's bytea parameters and columns go through the provider's own hex serializer and parser
// (database.ts, docs/big-rooms.md): they must give back every byte exactly, as PGlite's did.
describe("bytea on PGlite", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase("memory://");
    await db.query("CREATE TABLE t (id int PRIMARY KEY, b bytea)");
  });
  afterAll(() => db.close());

  const every = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
  const big = Uint8Array.from({ length: 3_000_001 }, (_, i) => (i * 131) % 256);

  it("round-trips bytea parameters and columns: empty, every byte value, megabytes, a subarray", async () => {
    const sub = every.subarray(7, 300);
    const values = [new Uint8Array(0), every, big, sub];
    for (const [i, v] of values.entries()) await db.query("INSERT INTO t VALUES ($1, $2)", [i, v]);
    const rows = await db.query<{ id: number; b: unknown }>("SELECT id, b FROM t ORDER BY id");
    const back = rows.map((r) => toBytes(r.b));
    expect(back.map((b) => b.length)).toEqual(values.map((v) => v.length));
    // compared as bytes: a deep equality over three million elements is slow
    expect(back.map((b, i) => Buffer.compare(b, values[i]!))).toEqual([0, 0, 0, 0]);
    // the server saw the same bytes (not a text rendering of them)
    const [len] = await db.query<{ n: number; first: number; last: number }>(
      "SELECT length(b) AS n, get_byte(b, 0) AS first, get_byte(b, length(b) - 1) AS last FROM t WHERE id = 2",
    );
    expect(len).toEqual({ n: big.length, first: big[0], last: big.at(-1) });
  });

  it("bytea[] parameters and substring results", async () => {
    const rows = await db.query<{ id: number; part: unknown }>(
      "SELECT id, substring(b FROM 2 FOR 3) AS part FROM t WHERE b = ANY($1::bytea[]) ORDER BY id",
      [[every, every.subarray(7, 300)]],
    );
    expect(rows.map((r) => [r.id, [...toBytes(r.part)]])).toEqual([
      [1, [1, 2, 3]],
      [3, [8, 9, 10]],
    ]);
  });

  it("refuses a bytea parameter that is not bytes", async () => {
    await expect(db.query("SELECT $1::bytea AS b", ["not bytes"])).rejects.toThrow(/bytea/);
  });
});
