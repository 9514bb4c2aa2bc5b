/**
 * Vector suites of `@mimi/mls-profile`: the 16 RFC 9420 test-vector files of the MLS working group
 * (imported under `spec-vectors/upstream/mls-rfc9420/`), run through the adapter.
 *
 * `mimi vectors verify` runs every case of every file. Under the test runner (vitest sets
 * `VITEST`), the five slow files run a deterministic sample instead ({@link testSampling}; decision
 * 0502), so that the unit tests, which include a full `mimi vectors verify`, stay short.
 */
import { readUpstreamJson, runCases, type VectorSuite } from "@mimi/spec-vectors";
import { componentsSuite } from "./components.js";

export { generateVectors } from "./components.js";

import * as v from "./rfc9420.js";

/** One RFC 9420 vector file and its check. */
interface FileCheck {
  readonly file: string;
  readonly source: string;
  readonly check: (value: never, options: RunOptions) => void | Promise<void>;
}

/** How much of a file to run. */
export interface RunOptions {
  /** Run case 0, `every`, 2·`every`, …; default 1 (all). */
  readonly every?: number;
  /** For passive-client files: process at most this many epochs per case; default all. */
  readonly maxEpochs?: number;
}

const passive = (value: never, o: RunOptions): Promise<void> =>
  v.checkPassiveClient(value as v.PassiveClientVector, o.maxEpochs);

/** The 16 files, by suite name (`mls-rfc9420/<file>`). */
export const rfc9420Files: Readonly<Record<string, FileCheck>> = {
  "crypto-basics": {
    file: "crypto-basics.json",
    source: "RFC 9420 §5.1–§5.2, §8",
    check: (x) => v.checkCryptoBasics(x),
  },
  deserialization: {
    file: "deserialization.json",
    source: "RFC 9420 §2.1.2",
    check: (x) => v.checkDeserialization(x),
  },
  "key-schedule": { file: "key-schedule.json", source: "RFC 9420 §8", check: (x) => v.checkKeySchedule(x) },
  "message-protection": {
    file: "message-protection.json",
    source: "RFC 9420 §6",
    check: (x) => v.checkMessageProtection(x),
  },
  messages: { file: "messages.json", source: "RFC 9420 §6–§12 (codecs)", check: (x) => v.checkMessages(x) },
  "passive-client-handling-commit": {
    file: "passive-client-handling-commit.json",
    source: "RFC 9420 §12.4.2",
    check: passive,
  },
  "passive-client-random": { file: "passive-client-random.json", source: "RFC 9420 §12", check: passive },
  "passive-client-welcome": {
    file: "passive-client-welcome.json",
    source: "RFC 9420 §12.4.3.1",
    check: passive,
  },
  psk_secret: { file: "psk_secret.json", source: "RFC 9420 §8.4", check: (x) => v.checkPskSecret(x) },
  "secret-tree": { file: "secret-tree.json", source: "RFC 9420 §9", check: (x) => v.checkSecretTree(x) },
  "transcript-hashes": {
    file: "transcript-hashes.json",
    source: "RFC 9420 §8.2",
    check: (x) => v.checkTranscriptHashes(x),
  },
  "tree-math": { file: "tree-math.json", source: "RFC 9420 Appendix C", check: (x) => v.checkTreeMath(x) },
  "tree-operations": {
    file: "tree-operations.json",
    source: "RFC 9420 §7.7–§7.8",
    check: (x) => v.checkTreeOperations(x),
  },
  "tree-validation": {
    file: "tree-validation.json",
    source: "RFC 9420 §7.8–§7.9",
    check: (x) => v.checkTreeValidation(x),
  },
  treekem: { file: "treekem.json", source: "RFC 9420 §7.4–§7.6", check: (x) => v.checkTreeKem(x) },
  welcome: { file: "welcome.json", source: "RFC 9420 §12.4.3.1", check: (x) => v.checkWelcome(x) },
};

/** The suite of one RFC 9420 vector file, optionally sampled. */
export function rfc9420Suite(name: string, options: RunOptions = {}): VectorSuite {
  const f = rfc9420Files[name];
  if (f === undefined) throw new Error(`no RFC 9420 vector file ${name}`);
  const every = options.every ?? 1;
  return {
    name: `mls-rfc9420/${name}`,
    source: `${f.source} (mlswg test-vectors/${f.file})`,
    run: () => {
      const all = readUpstreamJson(`mls-rfc9420/${f.file}`) as unknown[];
      const picked = all.map((value, index) => ({ value, index })).filter(({ index }) => index % every === 0);
      return runCases(
        picked,
        ({ index }) => `${f.file}#${index}`,
        ({ value }) => f.check(value as never, options),
      );
    },
  };
}

/** The sample the unit tests run of the slow files: every n-th case, and a prefix of the random run. */
export const testSampling: Readonly<Record<string, RunOptions>> = {
  "passive-client-handling-commit": { every: 15 },
  "passive-client-random": { maxEpochs: 20 },
  "passive-client-welcome": { every: 14 },
  "tree-validation": { every: 14 },
  treekem: { every: 26 },
};

// Under vitest (in Node, VITEST is set; the browser run has no environment and runs only there).
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const underTestRunner = env === undefined || env["VITEST"] !== undefined;

/**
 * Every file's suite: complete, except for the slow files' sample under the test runner; then
 * the project's own MIMI components vectors.
 */
export const vectorSuites: readonly VectorSuite[] = [
  ...Object.keys(rfc9420Files).map((name) =>
    rfc9420Suite(name, underTestRunner ? (testSampling[name] ?? {}) : {}),
  ),
  componentsSuite,
];
