// Builds @mimi/ts-mls: ts-mls 1.6.4 as the workspace installed it, with the project's patch applied
// by pnpm (patchedDependencies in pnpm-workspace.yaml), copied file for file into dist/, with the
// patch itself and a PROVENANCE.json that names the upstream tarball (its integrity from the
// lockfile) and the patch (its SHA-256). The tests of the workspace run on exactly these files.
//
//   node build.mjs            write dist/
//   node build.mjs --check    exit 1 when dist/ differs from what a build would write
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const UPSTREAM = "ts-mls";
const UPSTREAM_VERSION = "1.6.4";
const PATCH_FILE = join(root, "patches", `${UPSTREAM}@${UPSTREAM_VERSION}.patch`);

function fail(what, where) {
  process.stderr.write(`error: BuildError: ${what} at ${where}\n`);
  process.exit(1);
}

// the installed, patched upstream: the folder above dist/src/index.js
const entry = fileURLToPath(import.meta.resolve(UPSTREAM));
const upstreamDir = dirname(dirname(dirname(entry)));
const upstreamManifest = JSON.parse(readFileSync(join(upstreamDir, "package.json"), "utf8"));
if (upstreamManifest.name !== UPSTREAM || upstreamManifest.version !== UPSTREAM_VERSION)
  fail(
    `expected ${UPSTREAM}@${UPSTREAM_VERSION}, found ${upstreamManifest.name}@${upstreamManifest.version}`,
    upstreamDir,
  );
const index = readFileSync(join(upstreamDir, "dist", "src", "index.js"), "utf8");
if (!/export const mimiPatch = /.test(index))
  fail(
    "the installed ts-mls has no mimiPatch export: the workspace's patch was not applied (run pnpm install)",
    "ts-mls/dist/src/index.js",
  );

const lock = readFileSync(join(root, "pnpm-lock.yaml"), "utf8");
const integrity = new RegExp(
  `\\n  ${UPSTREAM}@${UPSTREAM_VERSION}:\\n    resolution: \\{integrity: ([^}]+)\\}`,
).exec(lock)?.[1];
if (integrity === undefined) fail(`no integrity for ${UPSTREAM}@${UPSTREAM_VERSION}`, "pnpm-lock.yaml");
const patch = readFileSync(PATCH_FILE);
const patchedFiles = [...patch.toString("utf8").matchAll(/^diff --git a\/(\S+) b\//gm)].map((m) => m[1]);

// Upstream's source maps point at its TypeScript sources, which its tarball does not carry: they
// are left out, and so is the sourceMappingURL comment that names them. Nothing else changes.
const files = new Map(); // path under dist/ -> bytes
let mapsLeftOut = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith(".map")) mapsLeftOut++;
    else {
      const path = relative(upstreamDir, full)
        .split(sep)
        .join("/")
        .replace(/^dist\//, "");
      let bytes = readFileSync(full);
      if (name.endsWith(".js") || name.endsWith(".d.ts"))
        bytes = Buffer.from(bytes.toString("utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n"));
      files.set(path, bytes);
    }
  }
};
walk(join(upstreamDir, "dist", "src"));
files.set(`${UPSTREAM}@${UPSTREAM_VERSION}.patch`, patch);
const provenance = {
  package: "@mimi/ts-mls",
  upstream: {
    name: UPSTREAM,
    version: UPSTREAM_VERSION,
    tarball: `https://registry.npmjs.org/${UPSTREAM}/-/${UPSTREAM}-${UPSTREAM_VERSION}.tgz`,
    integrity,
    repository: "https://github.com/LukaJCB/ts-mls",
    license: "MIT",
  },
  patch: {
    file: `dist/${UPSTREAM}@${UPSTREAM_VERSION}.patch`,
    sha256: createHash("sha256").update(patch).digest("hex"),
    files: patchedFiles,
    description: "docs/ts-mls-patch.md of the MIMI reference implementation",
  },
  changes: [
    "the patch above, applied to the published dist/src",
    `${mapsLeftOut} source maps left out, with the sourceMappingURL comments that name them: they point at TypeScript sources ts-mls does not publish`,
    "@noble/hashes declared as a dependency: ts-mls imports it but does not declare it",
  ],
};
files.set("PROVENANCE.json", Buffer.from(`${JSON.stringify(provenance, null, 2)}\n`));
const license = readFileSync(join(upstreamDir, "LICENSE"));
if (!existsSync(join(here, "LICENSE")) || !readFileSync(join(here, "LICENSE")).equals(license))
  fail("LICENSE differs from ts-mls's own LICENSE (copy it)", "packages/ts-mls/LICENSE");

const out = join(here, "dist");
if (process.argv.includes("--check")) {
  const stale = [];
  for (const [path, bytes] of files) {
    const full = join(out, path);
    if (!existsSync(full) || !readFileSync(full).equals(bytes)) stale.push(path);
  }
  if (stale.length > 0) fail(`dist/ is stale: ${stale.slice(0, 5).join(", ")}`, "packages/ts-mls/dist");
  process.exit(0);
}
rmSync(out, { recursive: true, force: true });
for (const [path, bytes] of files) {
  const full = join(out, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, bytes);
}
