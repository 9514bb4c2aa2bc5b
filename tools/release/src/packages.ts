import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A workspace package that is published (its package.json is not `private`). */
export interface PublicPackage {
  /** Its folder, relative to the workspace root. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
}

/** The public packages of the workspace at `root`, in folder order. */
export function publicPackages(root: string): PublicPackage[] {
  const dirs: string[] = [];
  for (const parent of ["packages", "tools"])
    for (const name of readdirSync(join(root, parent)).sort()) dirs.push(`${parent}/${name}`);
  dirs.push("spec-vectors");
  const out: PublicPackage[] = [];
  for (const dir of dirs) {
    const file = join(root, dir, "package.json");
    if (!existsSync(file)) continue;
    const m = JSON.parse(readFileSync(file, "utf8")) as { name: string; version: string; private?: boolean };
    if (m.private !== true) out.push({ dir, name: m.name, version: m.version });
  }
  return out;
}
