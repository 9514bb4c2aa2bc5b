import { execFileSync } from "node:child_process";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";

// One test run for the whole workspace, in two projects:
// - "node": every test, in Node. Packages are resolved from source through the "@mimi/source"
//   export condition, so tests never need a build step.
// - "chromium": the core packages' tests again, and the live interop with core-crypto, in a real
//   headless Chromium (Debian's package, found or installed by tools/chromium.sh), resolved as a
//   browser resolves them: `#platform` gives each package's web variant. The files left out need
//   Node by design (see below).

/** The core packages: no `node:` imports, no Node globals (also checked by tsconfig.browser.json). */
const corePackages = [
  "wire",
  "identifiers",
  "content",
  "identity",
  "room-policy",
  "mls-profile",
  "protocol",
  "ohttp",
  "discovery",
  "client",
];

/** Tests of core packages that exercise Node itself, each with the reason. */
const nodeOnlyTests: Readonly<Record<string, string>> = {
  "packages/identity/test/path-validation.test.ts": "cross-checks chains made by the openssl command line",
  "packages/identity/test/validate-chain.test.ts": "cross-checks chains made by the openssl command line",
  "packages/mls-profile/test/adapter-internals.test.ts":
    "reads the package's source files to guard its imports",
  "packages/client/test/http-stale-connection.test.ts":
    "tests the Node variant of the HTTP client (node:http) against a node:http server",
  "packages/content/test/sha256.test.ts":
    "compares the Node variant of SHA-256 (node:crypto) with the web one (the web one runs in the browser through the content vectors)",
  "packages/mls-profile/test/ts-mls-patch-guard.test.ts":
    "imports a module afresh under vi.doMock, which a browser cannot evaluate twice",
};

/**
 * The projects named on the command line (`--project X`, `--project=X`), or none when all run.
 * Chromium is looked for (and installed) only when the chromium project runs, so a Node-only run
 * works on a machine without it.
 */
function selectedProjects(argv: readonly string[]): readonly string[] {
  const names: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === "--project" && argv[i + 1] !== undefined) names.push(argv[i + 1] as string);
    else if (arg.startsWith("--project=")) names.push(arg.slice("--project=".length));
  });
  return names;
}

const projects = selectedProjects(process.argv);
const runsChromium = projects.length === 0 || projects.includes("chromium");

function chromiumPath(): string {
  if (!runsChromium) return "chromium";
  try {
    return execFileSync("bash", ["tools/chromium.sh"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (e) {
    const said = String((e as { stderr?: unknown }).stderr ?? "").trim();
    throw new Error(`no Chromium for the browser tests: ${said || (e as Error).message}`);
  }
}

const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  setupFiles: ["packages/testkit/src/test-setup.ts"],
};

export default defineConfig({
  resolve: { conditions: ["@mimi/source"] },
  ssr: { resolve: { conditions: ["@mimi/source"] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: "node",
          include: [
            "packages/*/test/**/*.test.ts",
            "tools/*/test/**/*.test.ts",
            "spec-vectors/test/**/*.test.ts",
          ],
          pool: "forks",
          globalSetup: ["packages/testkit/src/postgres-setup.ts"],
        },
      },
      {
        extends: true,
        resolve: { conditions: ["@mimi/source", "browser", "module"] },
        test: {
          ...shared,
          name: "chromium",
          include: [
            ...corePackages.map((p) => `packages/${p}/test/**/*.test.ts`),
            // the live interop with core-crypto, whose browser build runs natively here
            "tools/interop/test/**/*.test.ts",
          ],
          exclude: Object.keys(nodeOnlyTests),
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: chromiumPath(), args: ["--no-sandbox"] },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
