#!/usr/bin/env node
// Print `N passed, N failed` from a vitest JSON report and the test command's exit status.
import { existsSync, readFileSync } from "node:fs";

const [reportPath, statusText] = process.argv.slice(2);
const status = Number(statusText ?? "1");
let passed = 0;
let failed = 0;
if (reportPath !== undefined && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  // A file that fails to load (syntax error, failing import) has no tests but is a failure.
  for (const file of report.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed++;
  }
}
if (status !== 0 && failed === 0) {
  process.stderr.write("ci: the test command failed outside vitest (see the log above)\n");
  failed = 1;
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
