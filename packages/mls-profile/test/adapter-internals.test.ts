import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("ts-mls internals", () => {
  it("every deep import of ts-mls (its unversioned ./*.js modules) is in src/adapter/internals.ts", () => {
    const offenders = files(src)
      .filter((f) => /from\s+"@mimi\/ts-mls\/[^"]+"/.test(readFileSync(f, "utf8")))
      .map((f) => relative(src, f).replaceAll("\\", "/"));
    expect(offenders).toEqual(["adapter/internals.ts"]);
  });
});
