/**
 * Benchmark of the MLS profile's adapter (`pnpm mimi bench mls [--quick] --json`).
 *
 * For each group size N (10, 100, 1000; `--quick`: 10, 100; `--sizes` chooses them, e.g.
 * `--sizes 1000,10000`) one group is built (one commit adding N − 1 members, then the tree as a
 * long-lived room has it, every member having committed once: `populated-tree.ts`; a receiver joins
 * last, as member N + 1), then every operation is measured twice on the same states in the same run:
 * through the adapter (the project's caching crypto provider) and through ts-mls with its default
 * provider (the baseline).
 * ts-mls states are immutable and independent of the provider, so both measure exactly the same
 * operation from exactly the same state.
 *
 * - `nN.commitAdd.ms`: a member commits an Add of one new member (PublicMessage; an Add-only
 *   commit carries no UpdatePath).
 * - `nN.processCommit.ms`: another member processes that Commit.
 * - `nN.commitRemove.ms`, `nN.processRemove.ms`: the same for a Remove, with its UpdatePath.
 * - `nN.join.ms`: the new member joins from the Welcome (tree passed out of band).
 * - `nN.appEncrypt.opsPerSec`, `nN.appDecrypt.opsPerSec`: a 1 KiB application message, including
 *   MLSMessage encoding/decoding (goal: at least 5× the baseline).
 * - `nN.stateBytesPerMember`: the encoded member state divided by N (independent of the provider;
 *   the baseline is the state of the same group as the baseline's own commit left it).
 * - `nN.hubProcessCommit.ms`: the hub's view processing the same Commit, and `nN.hubProcessRemove.ms`
 *   a Remove with its UpdatePath; contributed by the hub view's benchmark through
 *   {@link MlsBenchContributor} (see `contributors` below).
 * - `nN.<op>.growthFromNM` for consecutive measured sizes M < N (e.g. `n10000.processCommit.growthFromN1000`):
 *   the figure at N divided by the figure at M, for commitAdd, processCommit, commitRemove,
 *   processRemove, join, hubProcessCommit and hubProcessRemove. O(log n) tree work gives about 1 for a tenfold size (issue 20's goal: ≤ 2).
 */
import {
  type BenchArea,
  latencyMetric,
  type Metric,
  median,
  medianMs,
  opsPerSecond,
  settledMs,
  throughputMetric,
} from "@mimi/testkit";
import {
  type CommitResult,
  commit,
  createGroup,
  createKeyPackage,
  decodeMlsMessage,
  encodeGroupState,
  encodeMlsMessage,
  encryptApplicationMessage,
  joinFromWelcome,
  type KeyPackageBundle,
  loadCiphersuite,
  type MlsCiphersuite,
  type MlsGroupState,
  makeClientConfig,
  processMessage,
  unsafeAcceptAllCredentials,
} from "../src/index.js";
import { hubViewContributor } from "./hub-view.js";
import { populateTree } from "./populated-tree.js";

/** A group of N members ready for measuring, shared with contributed metrics. */
export interface MlsBenchFixture {
  readonly n: number;
  /** The suite with the project's provider, and the same suite with ts-mls's default provider. */
  readonly cs: MlsCiphersuite;
  readonly baseline: MlsCiphersuite;
  /** Leaf 0 (the committer) and leaf N (a receiver, which joined last), at the same epoch. */
  readonly committer: MlsGroupState;
  readonly receiver: MlsGroupState;
  /** The committer's Add of one new member, as a PublicMessage commit, made through the adapter. */
  readonly addCommit: CommitResult;
  readonly newcomer: KeyPackageBundle;
  /** Run counts for latency metrics at this size. */
  readonly runs: number;
}

/** Metrics computed by another module of this package from the same fixture (e.g. the hub view). */
export type MlsBenchContributor = (fixture: MlsBenchFixture) => Promise<readonly Metric[]>;

/**
 * Contributed metrics, in order. The hub's view of a group (mls-hub) adds `nN.hubProcessCommit.ms`
 * here: processing `fixture.addCommit.commit`, with `fixture.receiver`-independent hub state.
 */
const contributors: MlsBenchContributor[] = [hubViewContributor];

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const config = makeClientConfig({ authService: unsafeAcceptAllCredentials });

async function buildFixture(
  n: number,
  cs: MlsCiphersuite,
  baseline: MlsCiphersuite,
  runs: number,
): Promise<MlsBenchFixture> {
  // n − 1 members added by the creator in one commit, then the tree as a long-lived room has it
  // (every member has committed once: populated-tree.ts); the receiver joins after that, so it holds
  // real keys, and is the (n+1)-th member.
  const kps: KeyPackageBundle[] = [];
  for (let i = 0; i < n + 2; i++) {
    kps.push(
      await createKeyPackage(cs, { credential: { credentialType: "basic", identity: utf8(`user-${i}`) } }),
    );
  }
  const newcomer = kps.pop() as KeyPackageBundle;
  const receiverKp = kps.pop() as KeyPackageBundle;
  let committer = await createGroup(cs, {
    groupId: utf8("mimi://bench.example/r/room"),
    keyPackage: kps[0]!,
    config,
  });
  const created = await commit(committer, cs, {
    proposals: kps
      .slice(1)
      .map((k) => ({ proposalType: "add" as const, add: { keyPackage: k.publicPackage } })),
  });
  committer = await populateTree(
    created.state,
    cs,
    kps.map((k) => k.privatePackage.signaturePrivateKey),
  );
  const withReceiver = await commit(committer, cs, {
    proposals: [{ proposalType: "add", add: { keyPackage: receiverKp.publicPackage } }],
  });
  committer = withReceiver.state;
  const receiver = (
    await joinFromWelcome(cs, withReceiver.welcome!, receiverKp, {
      config,
      ratchetTree: committer.ratchetTree,
    })
  ).state;
  const addCommit = await commit(committer, cs, {
    publicMessage: true,
    proposals: [{ proposalType: "add", add: { keyPackage: newcomer.publicPackage } }],
  });
  return { n, cs, baseline, committer, receiver, addCommit, newcomer, runs };
}

/**
 * Medians of `rounds` alternating measurements of a baseline and of ours, so that both see the same
 * machine load (the benchmark machine is shared).
 */
async function alternating(
  rounds: number,
  baseline: () => Promise<number>,
  ours: () => Promise<number>,
): Promise<[number, number]> {
  const b: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < rounds; i++) {
    b.push(await baseline());
    o.push(await ours());
  }
  return [median(b), median(o)];
}

async function measure(f: MlsBenchFixture, quick: boolean): Promise<Metric[]> {
  const p = `n${f.n}.`;
  const out: Metric[] = [];
  // Each round: one call of the baseline, and ours as the median of several calls when it is fast
  // (settledMs), as a figure of about a millisecond moves with the machine's load.
  const pair = async (name: string, op: (cs: MlsCiphersuite) => Promise<unknown>): Promise<void> => {
    const [b, o] = await alternating(
      f.runs,
      () => medianMs(() => op(f.baseline), 1),
      () => settledMs(() => op(f.cs)),
    );
    const base = latencyMetric(`${p}${name}.tsMlsDefault.ms`, b);
    out.push(base, latencyMetric(`${p}${name}.ms`, o, base));
  };
  const addProposal = { proposalType: "add" as const, add: { keyPackage: f.newcomer.publicPackage } };
  await pair("commitAdd", (cs) => commit(f.committer, cs, { publicMessage: true, proposals: [addProposal] }));
  const commitBytes = encodeMlsMessage(f.addCommit.commit);
  await pair("processCommit", (cs) => processMessage(f.receiver, cs, commitBytes));
  // A Remove (of the last simulated member), which needs an UpdatePath: the path's encryption and,
  // for the receiver, its decryption and the parent-hash checks.
  const removeProposal = { proposalType: "remove" as const, remove: { removed: f.n - 1 } };
  await pair("commitRemove", (cs) =>
    commit(f.committer, cs, { publicMessage: true, proposals: [removeProposal] }),
  );
  const removeBytes = encodeMlsMessage(
    (await commit(f.committer, f.cs, { publicMessage: true, proposals: [removeProposal] })).commit,
  );
  await pair("processRemove", (cs) => processMessage(f.receiver, cs, removeBytes));
  const welcomeBytes = encodeMlsMessage(f.addCommit.welcome!);
  const tree = f.addCommit.state.ratchetTree;
  await pair("join", (cs) => joinFromWelcome(cs, welcomeBytes, f.newcomer, { config, ratchetTree: tree }));

  const payload = new Uint8Array(1024).fill(7);
  const timing = { minTimeMs: quick ? 300 : 800, runs: quick ? 3 : 5 };
  const once = { minTimeMs: timing.minTimeMs, runs: 1 };
  const encryptOps = async (cs: MlsCiphersuite): Promise<number> => {
    let state = f.committer;
    return opsPerSecond(async () => {
      const r = await encryptApplicationMessage(state, cs, payload);
      state = r.state;
      return encodeMlsMessage(r.message);
    }, once);
  };
  const [encB, encO] = await alternating(
    timing.runs,
    () => encryptOps(f.baseline),
    () => encryptOps(f.cs),
  );
  const encBase = throughputMetric(`${p}appEncrypt.tsMlsDefault.opsPerSec`, encB);
  out.push(encBase, throughputMetric(`${p}appEncrypt.opsPerSec`, encO, encBase));
  // Decrypt: the receiver processes the committer's next message, each time from the same state.
  const sent = encodeMlsMessage((await encryptApplicationMessage(f.committer, f.cs, payload)).message);
  const decryptOps = (cs: MlsCiphersuite): Promise<number> =>
    opsPerSecond(() => processMessage(f.receiver, cs, decodeMlsMessage(sent)), once);
  const [decB, decO] = await alternating(
    timing.runs,
    () => decryptOps(f.baseline),
    () => decryptOps(f.cs),
  );
  const decBase = throughputMetric(`${p}appDecrypt.tsMlsDefault.opsPerSec`, decB);
  out.push(decBase, throughputMetric(`${p}appDecrypt.opsPerSec`, decO, decBase));

  // State size after the add commit, as each provider's own commit leaves it.
  const baseCommit = await commit(f.committer, f.baseline, { publicMessage: true, proposals: [addProposal] });
  const perMember = (s: MlsGroupState): number => Math.round(encodeGroupState(s).length / (f.n + 1));
  const stateBase: Metric = {
    name: `${p}stateBytesPerMember.tsMlsDefault`,
    value: perMember(baseCommit.state),
    unit: "bytes",
  };
  const stateOurs = perMember(f.addCommit.state);
  out.push(stateBase, {
    name: `${p}stateBytesPerMember`,
    value: stateOurs,
    unit: "bytes",
    baseline: stateBase.name,
    ratio: Math.round((stateBase.value / stateOurs) * 1000) / 1000,
  });
  for (const c of contributors) out.push(...(await c(f)));
  return out;
}

/** The operations whose growth between consecutive sizes is reported. */
const GROWTH_OPS = [
  "commitAdd",
  "processCommit",
  "commitRemove",
  "processRemove",
  "join",
  "hubProcessCommit",
  "hubProcessRemove",
] as const;

/**
 * `nN.<op>.growthFromNM`: for each pair of consecutive sizes M < N and each operation of
 * {@link GROWTH_OPS} measured at both, the figure at N over the figure at M.
 */
export function growthMetrics(sizes: readonly number[], metrics: readonly Metric[]): Metric[] {
  const value = (name: string): number | undefined => metrics.find((m) => m.name === name)?.value;
  const out: Metric[] = [];
  for (let i = 1; i < sizes.length; i++) {
    const [m, n] = [sizes[i - 1]!, sizes[i]!];
    for (const op of GROWTH_OPS) {
      const small = value(`n${m}.${op}.ms`);
      const large = value(`n${n}.${op}.ms`);
      if (small === undefined || large === undefined || small <= 0) continue;
      out.push({
        name: `n${n}.${op}.growthFromN${m}`,
        value: Math.round((large / small) * 1000) / 1000,
        unit: "×",
      });
    }
  }
  return out;
}

/** The `mls` benchmark area, run by `mimi bench mls`. */
export const bench: BenchArea = {
  area: "mls",
  async run({ quick, sizes: chosen, progress }) {
    const cs = await loadCiphersuite();
    const baseline = await loadCiphersuite(cs.name, { provider: "ts-mls-default" });
    const metrics: Metric[] = [];
    const sizes = chosen ?? (quick ? [10, 100] : [10, 100, 1000]);
    for (const n of sizes) {
      progress?.(`building a group of ${n}`);
      const runs = quick ? 3 : n >= 1000 ? 3 : 5;
      const fixture = await buildFixture(n, cs, baseline, runs);
      progress?.(`measuring n=${n}`);
      metrics.push(...(await measure(fixture, quick)));
    }
    metrics.push(...growthMetrics(sizes, metrics));
    return { area: "mls", metrics };
  },
};
