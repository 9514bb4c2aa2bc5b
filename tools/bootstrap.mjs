#!/usr/bin/env node
// Bootstrap for a fresh machine that has only Node.js and npm.
//
//   node tools/bootstrap.mjs <pnpm arguments...>
//
// 1. Finds pnpm at the exact version pinned in package.json "packageManager"; when it is not
//    on PATH, installs it into .tools/ with npm (no global install, no corepack).
// 2. Puts a `pnpm` shim first on PATH so scripts that call pnpm work too.
// 3. Runs `pnpm install --frozen-lockfile`, then `pnpm <arguments>` and exits with its status.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pinned = /^pnpm@(\d+\.\d+\.\d+)$/.exec(manifest.packageManager ?? "")?.[1];
if (pinned === undefined) {
  process.stderr.write('error: BootstrapError: package.json has no "packageManager": "pnpm@X.Y.Z" at /\n');
  process.exit(2);
}

const toolsDir = join(root, ".tools");
const binDir = join(toolsDir, "bin");
const localPnpm = join(toolsDir, "node_modules", "pnpm", "bin", "pnpm.cjs");

function systemPnpmMatches() {
  const r = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: false });
  return r.status === 0 && r.stdout.trim() === pinned;
}

function localPnpmMatches() {
  if (!existsSync(localPnpm)) return false;
  const r = spawnSync(process.execPath, [localPnpm, "--version"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === pinned;
}

if (!systemPnpmMatches()) {
  if (!localPnpmMatches()) {
    process.stderr.write(`bootstrap: installing pnpm ${pinned} into .tools/\n`);
    mkdirSync(toolsDir, { recursive: true });
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(
      npm,
      [
        "install",
        "--prefix",
        toolsDir,
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
        `pnpm@${pinned}`,
      ],
      { stdio: "inherit" },
    );
    if (r.status !== 0 || !localPnpmMatches()) {
      process.stderr.write(`error: BootstrapError: could not install pnpm ${pinned} at .tools/\n`);
      process.exit(1);
    }
  }
  mkdirSync(binDir, { recursive: true });
  const shim = join(binDir, "pnpm");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${localPnpm}" "$@"\n`);
  chmodSync(shim, 0o755);
  process.env.PATH = `${binDir}:${process.env.PATH ?? ""}`;
}

function pnpm(args) {
  const r = spawnSync("pnpm", args, { stdio: "inherit", cwd: root, env: process.env });
  if (r.error) {
    process.stderr.write(`error: BootstrapError: ${r.error.message} at pnpm\n`);
    return 1;
  }
  return r.status ?? 1;
}

const installStatus = pnpm(["install", "--frozen-lockfile", "--reporter=append-only"]);
if (installStatus !== 0) process.exit(installStatus);
process.exit(pnpm(process.argv.slice(2)));
