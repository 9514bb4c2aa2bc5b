/**
 * Benchmark of the hub view: processing one commit with an UpdatePath in groups of 10, 100 and 1000
 * members (`--quick`: 10 and 100). Baseline in the same run: a ts-mls member processing the same
 * commit. The commit is the creator's empty commit right after the one Add commit that built the
 * group, so every copath resolution is an unmerged leaf (the worst case for the path).
 *
 * Run alone: `pnpm exec tsx --conditions=@mimi/source packages/mls-profile/bench/hub-view.ts [--quick]`.
 */

import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { latencyMetric, type Metric, median, medianMs, settledMs } from "@mimi/testkit";
import {
  acceptAll,
  type CiphersuiteImpl,
  createCommit,
  createGroup,
  createGroupInfoWithExternalPub,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  makePskIndex,
  processMessage,
} from "@mimi/ts-mls";
import { commit as commitMls, processMessage as processMlsMessage } from "../src/adapter/index.js";
import { bootstrapHubView, hubCipherSuite, processHubMessage } from "../src/hub-view/index.js";
import type { MlsBenchContributor } from "./index.js";

const SUITE = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

/** Wall times in ms of `runs` calls of `fn`, after one warm-up call. */
async function timesMs(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}

async function kp(cs: CiphersuiteImpl, i: number): Promise<Awaited<ReturnType<typeof generateKeyPackage>>> {
  return generateKeyPackage(
    { credentialType: "basic", identity: new TextEncoder().encode(`member-${i}`) },
    defaultCapabilities(),
    defaultLifetime,
    [],
    cs,
  );
}

/** The hub-view metrics for one group size. */
async function measure(
  cs: CiphersuiteImpl,
  n: number,
  runs: number,
  progress?: (line: string) => void,
): Promise<Metric[]> {
  progress?.(`hub view n=${n}: building the group`);
  const creator = await kp(cs, 0);
  let state = await createGroup(
    new TextEncoder().encode(`mimi://hub.example/r/bench-${n}`),
    creator.publicPackage,
    creator.privatePackage,
    [],
    cs,
  );
  const kps = [];
  for (let i = 1; i < n; i++) kps.push(await kp(cs, i));
  const add = await createCommit(
    { state, cipherSuite: cs },
    { extraProposals: kps.map((k) => ({ proposalType: "add", add: { keyPackage: k.publicPackage } })) },
  );
  state = add.newState;
  const joinerIndex = Math.floor(n / 2);
  const joinerKp = kps[joinerIndex - 1];
  if (add.welcome === undefined || joinerKp === undefined) throw new Error("bench: no welcome");
  const joiner = await joinGroup(
    add.welcome,
    joinerKp.publicPackage,
    joinerKp.privatePackage,
    makePskIndex(undefined, {}),
    cs,
    state.ratchetTree,
  );
  const groupInfo = await createGroupInfoWithExternalPub(state, [], cs);
  const hubCs = hubCipherSuite(cs);
  progress?.(`hub view n=${n}: bootstrap`);
  const bootstrap = await medianMs(
    () => bootstrapHubView({ groupInfo, ratchetTree: state.ratchetTree, cipherSuite: hubCs }),
    Math.min(runs, 3),
  );
  const hub = await bootstrapHubView({ groupInfo, ratchetTree: state.ratchetTree, cipherSuite: hubCs });
  const hubDefaultHash = { ...hub, cipherSuite: cs };
  progress?.(`hub view n=${n}: commit`);
  const commit = await createCommit({ state, cipherSuite: cs }, { wireAsPublicMessage: true });
  const bytes = encodeMlsMessage(commit.commit);
  const decoded = decodeMlsMessage(bytes, 0)?.[0];
  if (decoded === undefined || decoded.wireformat !== "mls_public_message") throw new Error("bench: commit");
  // Check once that the hub and the member agree on the result (a benchmark of a wrong answer is worthless).
  const hubNext = (await processHubMessage(hub, bytes)).view;
  const memberNext = await processMessage(decoded, joiner, makePskIndex(joiner, {}), acceptAll, cs);
  if (
    memberNext.kind !== "newState" ||
    hubNext.groupContext.epoch !== memberNext.newState.groupContext.epoch
  ) {
    throw new Error("bench: hub and member disagree");
  }
  // The hub first, so that the member's large allocations do not put their garbage collection into
  // the hub's figures; the member's figure is the baseline either way.
  progress?.(`hub view n=${n}: hub`);
  const hubTimes = await timesMs(() => processHubMessage(hub, bytes), runs + 4);
  const hubMs = median(hubTimes);
  const hubWebCryptoMs = await medianMs(() => processHubMessage(hubDefaultHash, bytes), runs + 2);
  progress?.(`hub view n=${n}: member baseline`);
  const member = latencyMetric(
    `memberProcessCommit.ms[n=${n}]`,
    await medianMs(() => processMessage(decoded, joiner, makePskIndex(joiner, {}), acceptAll, cs), runs),
  );
  const hubMetric = latencyMetric(`hubProcessCommit.ms[n=${n}]`, hubMs, member);
  const hubWebCrypto = latencyMetric(`hubProcessCommitWebCryptoHash.ms[n=${n}]`, hubWebCryptoMs, member);
  // On a loaded machine the median carries other processes' time; the best run is the cost itself.
  const hubBest = latencyMetric(`hubProcessCommitBest.ms[n=${n}]`, Math.min(...hubTimes), member);
  return [
    member,
    hubMetric,
    hubBest,
    hubWebCrypto,
    latencyMetric(`hubBootstrap.ms[n=${n}]`, bootstrap, member),
  ];
}

/**
 * Hub-view metrics for sizes 10, 100, 1000 (quick: 10, 100): `hubProcessCommit.ms[n=N]` against the
 * baseline `memberProcessCommit.ms[n=N]` (ts-mls, default provider), plus the best hub run, the
 * same hub processing with WebCrypto digests, and the hub's bootstrap.
 */
async function hubViewMetrics(options: {
  readonly quick: boolean;
  readonly progress?: (line: string) => void;
}): Promise<Metric[]> {
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(SUITE));
  const sizes = options.quick ? [10, 100] : [10, 100, 1000];
  const runs = options.quick ? 3 : 5;
  const metrics: Metric[] = [];
  for (const n of sizes) metrics.push(...(await measure(cs, n, runs, options.progress)));
  return metrics;
}

/**
 * `nN.hubProcessCommit.ms` and `nN.hubProcessRemove.ms` for `pnpm mimi bench mls`: the hub view,
 * bootstrapped from the committer's state before the commit, processes the fixture's Add commit, and
 * a Remove of the last simulated member with the committer's UpdatePath (the path's checks: the new
 * leaf's credential support and key uniqueness, the parent hashes); baseline in the same run
 * (alternating): a member processing the same commit through ts-mls's default provider.
 */
export const hubViewContributor: MlsBenchContributor = async (f) => {
  const p = `n${f.n}.`;
  const groupInfo = await createGroupInfoWithExternalPub(f.committer, [], f.cs.impl);
  const hub = await bootstrapHubView({
    groupInfo,
    ratchetTree: f.committer.ratchetTree,
    cipherSuite: hubCipherSuite(f.cs.impl),
  });
  const removal = await commitMls(f.committer, f.cs, {
    publicMessage: true,
    proposals: [{ proposalType: "remove", remove: { removed: f.n - 1 } }],
  });
  const out: Metric[] = [];
  for (const [name, commit] of [
    ["hubProcessCommit", f.addCommit],
    ["hubProcessRemove", removal],
  ] as const) {
    const bytes = encodeMlsMessage(commit.commit);
    const after = (await processHubMessage(hub, bytes)).view;
    if (after.groupContext.epoch !== commit.state.groupContext.epoch) throw new Error("bench: hub disagrees");
    const memberTimes: number[] = [];
    const hubTimes: number[] = [];
    for (let i = 0; i < f.runs; i++) {
      memberTimes.push(...(await timesMs(() => processMlsMessage(f.receiver, f.baseline, bytes), 1)));
      hubTimes.push(await settledMs(() => processHubMessage(hub, bytes)));
    }
    const base = latencyMetric(`${p}${name}.memberTsMlsDefault.ms`, median(memberTimes));
    out.push(base, latencyMetric(`${p}${name}.ms`, median(hubTimes), base));
  }
  return out;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick");
  const metrics = await hubViewMetrics({ quick, progress: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${JSON.stringify({ area: "mls-hub-view", metrics }, null, 2)}\n`);
}
