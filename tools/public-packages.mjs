// The public packages of the workspace: every package under packages/, tools/ or spec-vectors/
// whose package.json is not `private`. One definition for the manifest check
// (tools/manifests.mjs) and the release checks (tools/release), which must agree on what is
// published.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The public packages of the workspace at `root`, in folder order, with their manifests.
 *
 * @param {string} root
 * @returns {{ dir: string, manifest: Record<string, any> }[]}
 */
export function publicPackages(root) {
  const dirs = [];
  for (const parent of ["packages", "tools"])
    for (const name of readdirSync(join(root, parent)).sort()) dirs.push(`${parent}/${name}`);
  dirs.push("spec-vectors");
  return dirs
    .filter((d) => existsSync(join(root, d, "package.json")))
    .map((d) => ({ dir: d, manifest: JSON.parse(readFileSync(join(root, d, "package.json"), "utf8")) }))
    .filter((p) => p.manifest.private !== true);
}
