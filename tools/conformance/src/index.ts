/**
 * `@mimi/conformance`: a black-box draft-ietf-mimi-protocol-06 suite for any provider, run over
 * HTTPS with mutual TLS as a peer provider (`pnpm mimi conformance`; docs/conformance.md).
 */
export type { Check, Level } from "./check.js";
export { checks } from "./checks.js";
export {
  configFromProviders,
  parseAddress,
  parseTarget,
  pemOf,
  type SeedLike,
  testUsersFromSeed,
} from "./config.js";
export type { RunnerConfig } from "./context.js";
export {
  type CheckResult,
  type ConformanceReport,
  conformant,
  junitReport,
  runConformance,
  textReport,
  type Verdict,
} from "./report.js";
export type { ClientTls, TargetAddress } from "./transport.js";
