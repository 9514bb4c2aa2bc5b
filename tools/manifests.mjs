#!/usr/bin/env node
// The published manifests: the fields every public package's package.json must carry, kept in
// one place so that twelve manifests cannot drift (decision 0006).
//
//   node tools/manifests.mjs           check: exit 1 naming each package and field that differs
//   node tools/manifests.mjs --write   rewrite the manifests (and each package's LICENSE copy)
//   --root DIR                         another workspace of the same layout (the tests use it)
//
// A public package is a workspace package under packages/, tools/ or spec-vectors/ whose
// package.json is not `private`. For each it requires: the shared `license`, `author`,
// `repository` (with the package's `directory`), `homepage`, `bugs`, `engines`; its own
// `description` and `keywords`; `files` naming dist, README.md, LICENSE and CHANGELOG.md;
// `publishConfig.access` public; every `exports` entry a consumer can load having `types` and
// `default` (and no `import`-only entries); a `prepack` script that builds; third-party
// dependencies as caret ranges; and a LICENSE file identical to the root's. No public manifest may
// name a test-only package (FORBIDDEN below) among the dependencies a consumer installs.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { publicPackages } from "./public-packages.mjs";

const usage = "usage: node tools/manifests.mjs [--write] [--root DIR]\n";
let write = false;
let root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--write") write = true;
  else if (args[i] === "--root" && args[i + 1] !== undefined) root = resolve(args[++i]);
  else {
    process.stderr.write(`error: UsageError: unknown argument ${args[i]} at argv\n${usage}`);
    process.exit(2);
  }
}

const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const repoUrl = rootManifest.repository?.url?.replace(/^git\+/, "").replace(/\.git$/, "");
if (repoUrl === undefined) {
  process.stderr.write(
    "error: ManifestError: the root package.json has no repository.url at /package.json\n",
  );
  process.exit(1);
}
const license = readFileSync(join(root, "LICENSE"), "utf8");

/** Keywords by package (every package also gets "mimi" and "ietf"). */
const KEYWORDS = {
  "@mimi/wire": ["tls-presentation-language", "codec", "rfc8446", "rfc9420"],
  "@mimi/identifiers": ["mimi-uri", "identifiers", "idna", "handles"],
  "@mimi/content": ["mimi-content", "cbor", "messaging", "message-id"],
  "@mimi/identity": ["x509", "certificates", "identity", "mls-credentials"],
  "@mimi/mls-profile": ["mls", "rfc9420", "messaging-layer-security", "e2ee", "hub"],
  "@mimi/room-policy": ["room-policy", "roles", "authorization", "mls"],
  "@mimi/protocol": ["mimi-protocol", "federation", "tls-codec", "mls"],
  "@mimi/ohttp": ["ohttp", "oblivious-http", "rfc9458", "binary-http", "rfc9292"],
  "@mimi/discovery": ["discovery", "identifier-query", "consent", "federation"],
  "@mimi/client": ["client", "sdk", "mls", "e2ee", "messaging"],
  "@mimi/provider": ["server", "provider", "hub", "federation", "mls"],
  "@mimi/cli": ["cli", "conformance", "test-vectors", "federation"],
  "@mimi/spec-vectors": ["test-vectors", "conformance", "interop", "mls"],
  "@mimi/ts-mls": ["mls", "rfc9420", "messaging-layer-security", "patched", "ts-mls"],
};
/**
 * Packages no public manifest may name in dependencies, peerDependencies or optionalDependencies,
 * with the reason: test-only peers under another license (decision 0007).
 */
const FORBIDDEN = {
  "@wireapp/core-crypto": "GPL-3.0, a test-only devDependency of the private @mimi/interop (decision 0007)",
};

/** Packages whose build is not tsc over src/ (their build script is their own). */
const OWN_BUILD = new Set(["@mimi/ts-mls"]);

/** The manifest `m` of the package in `dir` with every shared field as it must be. */
function expected(dir, m) {
  const name = m.name;
  const out = { ...m };
  out.license = "MIT";
  out.author = rootManifest.author;
  out.keywords = ["mimi", "ietf", ...(KEYWORDS[name] ?? [])];
  out.repository = { type: "git", url: `git+${repoUrl}.git`, directory: dir };
  out.homepage = `${repoUrl}/tree/main/${dir}#readme`;
  out.bugs = { url: `${repoUrl}/issues` };
  out.engines = { node: ">=20.19.0" };
  out.publishConfig = { access: "public" };
  const files = new Set(m.files ?? []);
  for (const f of ["dist", "README.md", "LICENSE", "CHANGELOG.md"]) files.add(f);
  out.files = [...files];
  if (!OWN_BUILD.has(name)) {
    out.scripts = {
      ...m.scripts,
      build: "node -e \"fs.rmSync('dist',{recursive:true,force:true})\" && tsc -p tsconfig.build.json",
      prepack: "pnpm run build",
    };
  }
  // exports: `import` becomes `default` (a consumer's require() of an ESM package, bundlers)
  if (m.exports !== undefined) {
    out.exports = Object.fromEntries(
      Object.entries(m.exports).map(([key, value]) => {
        if (value === null || typeof value !== "object" || !("import" in value)) return [key, value];
        const { import: target, ...rest } = value;
        return [key, { ...rest, default: rest.default ?? target }];
      }),
    );
  }
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    if (out[field] === undefined) continue;
    out[field] = Object.fromEntries(
      Object.entries(out[field]).map(([dep, range]) => [dep, /^\d/.test(range) ? `^${range}` : range]),
    );
  }
  // the order keys appear in: the usual npm order
  const order = [
    "name",
    "version",
    "private",
    "description",
    "keywords",
    "license",
    "author",
    "repository",
    "homepage",
    "bugs",
    "engines",
    "type",
    "sideEffects",
    "main",
    "types",
    "bin",
    "exports",
    "imports",
    "files",
    "publishConfig",
    "scripts",
    "dependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "optionalDependencies",
    "devDependencies",
  ];
  const sorted = {};
  for (const k of order) if (out[k] !== undefined) sorted[k] = out[k];
  for (const k of Object.keys(out)) if (!(k in sorted)) sorted[k] = out[k];
  return sorted;
}

const problems = [];
for (const { dir, manifest } of publicPackages(root)) {
  const want = `${JSON.stringify(expected(dir, manifest), null, 2)}\n`;
  const file = join(root, dir, "package.json");
  const have = readFileSync(file, "utf8");
  const licenseFile = join(root, dir, "LICENSE");
  const licenseOk = existsSync(licenseFile) && readFileSync(licenseFile, "utf8") === license;
  if (write) {
    if (have !== want) writeFileSync(file, want);
    if (!licenseOk && !OWN_BUILD.has(manifest.name)) writeFileSync(licenseFile, license);
    continue;
  }
  if (have !== want) {
    const a = JSON.parse(have);
    const b = JSON.parse(want);
    const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
      (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
    );
    problems.push(
      `${dir}/package.json: ${fields.length > 0 ? fields.join(", ") : "formatting or key order"}`,
    );
  }
  if (!licenseOk && !OWN_BUILD.has(manifest.name)) problems.push(`${dir}/LICENSE: missing or not the root's`);
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"])
    for (const dep of Object.keys(manifest[field] ?? {}))
      if (Object.hasOwn(FORBIDDEN, dep))
        problems.push(`${dir}/package.json: ${field} names ${dep}: ${FORBIDDEN[dep]}`);
  for (const [key, value] of Object.entries(manifest.exports ?? {})) {
    if (value === null || typeof value !== "object") continue;
    const published = Object.keys(value).filter((c) => c !== "@mimi/source");
    if (published.length > 0 && (!published.includes("types") || !published.includes("default")))
      problems.push(`${dir}/package.json: exports["${key}"] needs both "types" and "default"`);
  }
}
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`error: ManifestError: ${p} at ${p.split(":")[0]}\n`);
  process.stderr.write("run `node tools/manifests.mjs --write` to rewrite them\n");
  process.exit(1);
}
