/**
 * `@mimi/demo`: the three-provider federation demo behind `mimi demo` (draft-ietf-mimi-protocol-06
 * §3 call flows with real providers and clients).
 *
 * @packageDocumentation
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadCiphersuite } from "@mimi/mls-profile";
import { type Federation, providersJson, startFederation } from "./federation.js";
import { formatReport } from "./report.js";
import { runScenario, type ScenarioReport } from "./scenario.js";

export { DEMO_HANDLES, demoDirectorySeed } from "./directory.js";
export * from "./federation.js";
export * from "./report.js";
export * from "./scenario.js";

/** The federation servers' body limit in the big-room mode (the ratchet tree rides in each commit). */
const BIG_ROOM_MAX_BODY_BYTES = 256 << 20;
/** The providers' timeout of a request to a peer in the big-room mode. */
const BIG_ROOM_PEER_TIMEOUT_MS = 300_000;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** `postgres://…`: every provider on its own database of that server. */
  readonly storage?: string;
  /** Leave the providers running and write `providers.json` into `dir`. */
  readonly keepRunning?: boolean;
  readonly dir?: string;
  readonly members?: number;
  /**
   * The big-room mode (decision 0684): only this many members are real MLS clients, the others
   * simulated (see {@link ScenarioOptions.real}).
   */
  readonly real?: number;
  /** Users per Add commit in the big-room mode (default 500). */
  readonly batch?: number;
  /** Simulated members that open their inbox at the end (default 3). */
  readonly checkSimulated?: number;
  /** Shorter timeouts (the test suite). */
  readonly quick?: boolean;
  /** Where progress lines and the report go. */
  readonly write: (text: string) => void;
}

/** What {@link runDemo} returns. */
export interface DemoResult {
  readonly report: ScenarioReport;
  /** The running federation when `keepRunning` was set (stop it when done). */
  readonly federation?: Federation;
}

/**
 * Start the three providers, run the scenario, print the report; stop the providers unless
 * `keepRunning`.
 *
 * @throws InternalError when a provider does not start; whatever a step throws.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const dir = options.dir === undefined ? mkdtempSync(join(tmpdir(), "mimi-demo-")) : resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const line = (s: string): void => options.write(`${s}\n`);
  const cs = await loadCiphersuite();
  const t0 = performance.now();
  line("Starting providers a.example (hub), b.example and c.example …");
  const federation = await startFederation({
    domains: ["a.example", "b.example", "c.example"],
    dir,
    cs,
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    // a big room's commits carry the whole ratchet tree: megabytes at 10,000 members
    // and a commit forwarded to the hub waits for its answer (over 10 s at 6,000 members)
    ...(options.real === undefined
      ? {}
      : { maxBodyBytes: BIG_ROOM_MAX_BODY_BYTES, peerTimeoutMs: BIG_ROOM_PEER_TIMEOUT_MS }),
    progress: line,
  });
  line(`✓ providers up (${(performance.now() - t0).toFixed(0)} ms)`);
  let report: ScenarioReport;
  try {
    report = await runScenario(federation, {
      progress: line,
      // every client runs in this process (the providers in their own): its CPU time per step
      cpuTime: () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      },
      ...(options.members === undefined ? {} : { members: options.members }),
      ...(options.real === undefined ? {} : { real: options.real }),
      ...(options.batch === undefined ? {} : { batch: options.batch }),
      ...(options.checkSimulated === undefined ? {} : { checkSimulated: options.checkSimulated }),
      // a big room's waits cover every real member processing a commit of hundreds of Adds
      timeoutMs: options.real !== undefined ? 900_000 : options.quick === true ? 20_000 : 60_000,
    });
  } catch (e) {
    if (options.keepRunning !== true) await federation.stop();
    throw e;
  }
  options.write(formatReport(report));
  if (options.keepRunning === true) {
    writeFileSync(join(dir, "providers.json"), providersJson(federation));
    line(`providers keep running; ${join(dir, "providers.json")} describes them (Ctrl-C stops them)`);
    return { report, federation };
  }
  await federation.stop();
  if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  return { report };
}
export * from "./chaos/checks.js";
export * from "./chaos/format.js";
export * from "./chaos/proxy.js";
export * from "./chaos/run.js";
