/**
 * The manifests gate (`node tools/manifests.mjs`) refuses a public package whose manifest names
 * core-crypto (GPL-3.0, a test-only peer; decision 0007) among the dependencies a consumer
 * installs, and accepts it as a devDependency of a private package. Run over a temporary copy of
 * the workspace's layout with `--root`.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const work = mkdtempSync(join(tmpdir(), "mimi-manifests-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the root manifest and LICENSE, the public @mimi/wire and the private @mimi/interop. */
function workspace(
  name: string,
  edit: (wire: Record<string, unknown>, interop: Record<string, unknown>) => void,
) {
  const dir = join(work, name);
  for (const d of ["packages/wire", "tools/interop"]) mkdirSync(join(dir, d), { recursive: true });
  cpSync(join(root, "package.json"), join(dir, "package.json"));
  cpSync(join(root, "LICENSE"), join(dir, "LICENSE"));
  cpSync(join(root, "packages/wire/LICENSE"), join(dir, "packages/wire/LICENSE"));
  const wire = JSON.parse(readFileSync(join(root, "packages/wire/package.json"), "utf8"));
  const interop = JSON.parse(readFileSync(join(root, "tools/interop/package.json"), "utf8"));
  edit(wire, interop);
  writeFileSync(join(dir, "packages/wire/package.json"), `${JSON.stringify(wire, null, 2)}\n`);
  writeFileSync(join(dir, "tools/interop/package.json"), `${JSON.stringify(interop, null, 2)}\n`);
  return dir;
}

function check(dir: string): { status: number; stderr: string } {
  try {
    execFileSync(process.execPath, [join(root, "tools/manifests.mjs"), "--root", dir], { stdio: "pipe" });
    return { status: 0, stderr: "" };
  } catch (e) {
    const err = e as { status: number; stderr: Buffer };
    return { status: err.status, stderr: err.stderr.toString() };
  }
}

describe("tools/manifests.mjs and core-crypto (decision 0007)", () => {
  it("accepts core-crypto as a devDependency of the private interop package", () => {
    const dir = workspace("clean", (_wire, interop) => {
      expect((interop.devDependencies as Record<string, string>)["@wireapp/core-crypto"]).toBe("10.3.0");
      expect(interop.private).toBe(true);
    });
    expect(check(dir)).toEqual({ status: 0, stderr: "" });
  });

  it.each(["dependencies", "peerDependencies", "optionalDependencies"])(
    "refuses a public package naming core-crypto in its %s",
    (field) => {
      const dir = workspace(field, (wire) => {
        wire[field] = {
          ...(wire[field] as Record<string, string> | undefined),
          "@wireapp/core-crypto": "^10.3.0",
        };
      });
      const r = check(dir);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`packages/wire/package.json: ${field} names @wireapp/core-crypto: GPL-3.0`);
    },
  );

  it("refuses it in a package that was private and is made public", () => {
    const dir = workspace("made-public", (_wire, interop) => {
      interop.private = false;
      interop.dependencies = { "@wireapp/core-crypto": "^10.3.0" };
    });
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("tools/interop/package.json: dependencies names @wireapp/core-crypto");
  });
});
