import { defineConfig } from "vitest/config";

// One test run for the whole workspace. Packages are resolved from source through the
// "@mimi/source" export condition, so tests never need a build step.
export default defineConfig({
  resolve: { conditions: ["@mimi/source"] },
  ssr: { resolve: { conditions: ["@mimi/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "tools/*/test/**/*.test.ts", "spec-vectors/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    globalSetup: ["packages/testkit/src/postgres-setup.ts"],
    setupFiles: ["packages/testkit/src/test-setup.ts"],
  },
});
