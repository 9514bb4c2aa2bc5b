#!/usr/bin/env node
// API reports: the public surface of every published package, committed as `api/<package>.api.md`
// so that a change to what a package exports shows in review.
//
//   node tools/api-report.mjs           check: fail (exit 1) when a package's surface differs from
//                                       its committed report, naming the packages
//   node tools/api-report.mjs --write   rewrite the reports
//   --root DIR                          another workspace of the same layout (the tests use it)
//
// The declarations come from `tsc -p tsconfig.api.json` (into .api/), and Microsoft's API Extractor
// reads each package's entry point from there. Other packages of ours and third-party packages are
// referenced by name, as a consumer sees them: our packages are not resolved (they have no built
// declarations here), so API Extractor keeps them as external imports; that "cannot find module"
// is the one compiler message accepted, and only for `@mimi/` names.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const usage = "usage: node tools/api-report.mjs [--write] [--root DIR]\n";
let write = false;
let root = here;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--write") write = true;
  else if (args[i] === "--root" && args[i + 1] !== undefined) root = resolve(args[++i]);
  else {
    process.stderr.write(`error: UsageError: unknown argument ${args[i]} at argv\n${usage}`);
    process.exit(2);
  }
}

/** The packages with a public surface: every workspace package but the private test kit. */
function publicPackages() {
  const out = [];
  for (const name of readdirSync(join(root, "packages")).sort()) {
    const manifest = join(root, "packages", name, "package.json");
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, "utf8"));
    if (name === "testkit") continue;
    // @mimi/ts-mls is ts-mls's own build (patched): its surface is upstream's, not ours
    if (!existsSync(join(root, "packages", name, "src", "index.ts"))) continue;
    out.push({ dir: `packages/${name}`, name: pkg.name });
  }
  if (existsSync(join(root, "spec-vectors", "package.json")))
    out.push({ dir: "spec-vectors", name: "@mimi/spec-vectors" });
  return out;
}

const tsc = spawnSync(
  process.execPath,
  [join(here, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.api.json"],
  {
    cwd: root,
    encoding: "utf8",
  },
);
if (tsc.status !== 0) {
  process.stderr.write(
    `${tsc.stdout}${tsc.stderr}error: ApiReportError: declarations did not compile at tsconfig.api.json\n`,
  );
  process.exit(1);
}

const reportFolder = join(root, "api");
const tempFolder = join(root, ".api", "reports");
mkdirSync(reportFolder, { recursive: true });
mkdirSync(tempFolder, { recursive: true });

const changed = [];
const problems = [];
const packages = publicPackages();
for (const pkg of packages) {
  const unscoped = pkg.name.replace(/^@mimi\//, "");
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: join(root, ".api", "dts", pkg.dir, "src", "index.d.ts"),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: "ES2023",
            lib: ["ES2023", "DOM"],
            module: "NodeNext",
            moduleResolution: "NodeNext",
            types: ["node"],
            strict: true,
            skipLibCheck: true,
          },
          include: [`.api/dts/${pkg.dir}/src`],
        },
      },
      apiReport: {
        enabled: true,
        reportFolder,
        reportTempFolder: tempFolder,
        reportFileName: unscoped,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: "error" } },
        extractorMessageReporting: {
          default: { logLevel: "warning", addToApiReportFile: true },
          // release tags (@public, @beta) are not used by this project
          "ae-missing-release-tag": { logLevel: "none", addToApiReportFile: false },
          // fields named after the drafts' structures are documented by their structure
          "ae-undocumented": { logLevel: "none", addToApiReportFile: false },
          // a type the API uses must be exported, and a {@link} must name something that is
          "ae-forgotten-export": { logLevel: "error", addToApiReportFile: false },
          "ae-unresolved-link": { logLevel: "error", addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: { logLevel: "none", addToApiReportFile: false } },
      },
    },
    configObjectFullPath: join(root, "api-extractor.json"),
    packageJsonFullPath: join(root, pkg.dir, "package.json"),
  });
  const result = Extractor.invoke(config, {
    localBuild: write,
    showVerboseMessages: false,
    messageCallback: (m) => {
      m.handled = true;
      if (m.messageId === "TS2307" && /'@mimi\/[a-z-]+'/.test(m.text)) return;
      if (m.logLevel === "error") {
        const where =
          m.sourceFilePath === undefined
            ? ""
            : ` (${m.sourceFilePath.slice(root.length + 1)}:${m.sourceFileLine})`;
        problems.push(`${pkg.name}: ${m.text}${where}`);
      }
    },
  });
  if (result.apiReportChanged) changed.push(pkg.name);
  if (result.errorCount > 0) problems.push(`${pkg.name}: ${result.errorCount} error(s)`);
}

for (const p of problems) process.stderr.write(`${p}\n`);
if (problems.length > 0) {
  process.stderr.write(`error: ApiReportError: API Extractor failed at ${problems.length} place(s)\n`);
  process.exit(1);
}
if (changed.length > 0 && !write) {
  process.stderr.write(
    `error: ApiReportError: the public API of ${changed.join(", ")} differs from api/ (review, then run node tools/api-report.mjs --write) at api/\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `${JSON.stringify({ packages: packages.length, changed, written: write && changed.length > 0 })}\n`,
);
