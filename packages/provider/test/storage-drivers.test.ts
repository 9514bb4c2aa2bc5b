import { ValidationError } from "@mimi/wire";
import { describe, expect, it } from "vitest";
import { importDriver } from "../src/storage/database.js";

/** What a dynamic import of a package that is not installed rejects with. */
function notInstalled(module: string): () => Promise<never> {
  return () =>
    Promise.reject(
      Object.assign(new Error(`Cannot find package '${module}' imported from the provider`), {
        code: "ERR_MODULE_NOT_FOUND",
      }),
    );
}

describe("database drivers (optional peer dependencies of @mimi/provider)", () => {
  it("names the missing PGlite package and the storage URL that needs it", async () => {
    const e = await importDriver("pglite", "pglite:./data", notInstalled("@electric-sql/pglite")).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).message).toMatch(/needs the database driver @electric-sql\/pglite/);
    expect((e as ValidationError).message).toMatch(/npm install @electric-sql\/pglite@\^0\.5/);
    expect((e as ValidationError).message).toMatch(/pglite:\.\/data/);
  });

  it("names the missing pg package and hides a PostgreSQL URL's password", async () => {
    const e = await importDriver("postgres", "postgres://mimi:secret@db/mimi", notInstalled("pg")).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).message).toMatch(/needs the database driver pg,/);
    expect((e as ValidationError).message).not.toMatch(/secret/);
  });

  it("passes other import failures through unchanged", async () => {
    const broken = new SyntaxError("Unexpected token in the driver");
    await expect(importDriver("postgres", "postgres://db", () => Promise.reject(broken))).rejects.toBe(
      broken,
    );
  });

  it("loads an installed driver", async () => {
    const m = await importDriver("postgres", "postgres://db", () => import("pg"));
    expect(typeof m.default.Pool).toBe("function");
  });
});
