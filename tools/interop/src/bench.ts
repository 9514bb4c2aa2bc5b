/**
 * Our MLS adapter against core-crypto (openmls in WebAssembly) in the same run:
 * the `vsCoreCrypto.*` metrics of `pnpm mimi bench mls [--quick] --json`. `@mimi/mls-profile` must not
 * depend on core-crypto (decision 0007), so this peer benchmark lives here, and the CLI joins it to
 * the mls area's own.
 *
 * For each group size N (10, 100; `--quick`: 10) two groups of N on suite 0x0001: one whose
 * committer and receiver are ours, one whose committer and receiver are core-crypto clients (the
 * other N-2 members are ours in both: only the committer's and receiver's work is measured). Each
 * operation alternates between the implementations, round by round, so both see the same load.
 * core-crypto's state is mutable (no replays), so every round works on fresh input for both.
 * Ratios are core-crypto's time over ours (above 1: we are faster).
 *
 * - `nN.appEncrypt.opsPerSec`, `nN.appDecrypt.opsPerSec`: 1 KiB application messages, MLSMessage
 *   bytes in and out.
 * - `nN.commitUpdate.ms`: a commit with a full UpdatePath (our empty commit, core-crypto's
 *   `updateKeyingMaterial`), as a PublicMessage.
 * - `nN.processCommit.ms`: the receiver processing that commit.
 * - `nN.join.ms`: a new client of the same implementation joining from the Welcome of an Add.
 */
import {
  commit,
  createGroup,
  createKeyPackage,
  encodeMlsMessage,
  encryptApplicationMessage,
  joinFromWelcome,
  type KeyPackageBundle,
  loadCiphersuite,
  type MlsCiphersuite,
  makeClientConfig,
  processMessage,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import { type BenchArea, latencyMetric, type Metric, median, throughputMetric } from "@mimi/testkit";
import { basicCredential, CoreCryptoPeer, clientIdBytes } from "./core-crypto.js";

const config = makeClientConfig({ authService: unsafeAcceptAllCredentials });
const payload = new Uint8Array(1024).fill(7);
let nextId = 10_000;

async function ourBundle(cs: MlsCiphersuite): Promise<KeyPackageBundle> {
  return createKeyPackage(cs, { credential: basicCredential(await clientIdBytes(nextId++, "ours.example")) });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Our group of n: committer (leaf 0) and receiver (leaf 1) at the same epoch. */
async function ourGroup(cs: MlsCiphersuite, n: number) {
  const kps: KeyPackageBundle[] = [];
  for (let i = 0; i < n; i++) kps.push(await ourBundle(cs));
  const gid = new TextEncoder().encode(`bench-ours-${n}`);
  const first = await createGroup(cs, { groupId: gid, keyPackage: kps[0] as KeyPackageBundle, config });
  const created = await commit(first, cs, {
    publicMessage: true,
    ratchetTreeInWelcome: true,
    proposals: kps
      .slice(1)
      .map((k) => ({ proposalType: "add" as const, add: { keyPackage: k.publicPackage } })),
  });
  if (created.welcome === undefined) throw new Error("bench: no Welcome");
  const receiver = (await joinFromWelcome(cs, created.welcome, kps[1] as KeyPackageBundle, { config })).state;
  return { committer: created.state, receiver };
}

/** core-crypto's group of n: a core-crypto committer and receiver, n-2 of ours. */
async function peerGroup(cs: MlsCiphersuite, n: number) {
  const committer = await CoreCryptoPeer.create(nextId++, cs.id);
  const receiver = await CoreCryptoPeer.create(nextId++, cs.id);
  const gid = new TextEncoder().encode(`bench-cc-${n}`);
  await committer.createGroup(gid);
  const kps = [await receiver.keyPackage()];
  for (let i = 2; i < n; i++) kps.push((await ourBundle(cs)).publicPackage);
  const added = await committer.add(gid, kps);
  if (added.welcome === undefined) throw new Error("bench: no Welcome from core-crypto");
  await receiver.joinFromWelcome(added.welcome);
  return { gid, committer, receiver };
}

async function measure(cs: MlsCiphersuite, n: number, rounds: number, messages: number): Promise<Metric[]> {
  const p = `n${n}.`;
  const ours = await ourGroup(cs, n);
  const cc = await peerGroup(cs, n);
  const out: Metric[] = [];
  const pair = (name: string, ccMs: number[], ourMs: number[]) => {
    const base = latencyMetric(`${p}${name}.coreCrypto.ms`, median(ccMs));
    out.push(base, latencyMetric(`${p}${name}.ms`, median(ourMs), base));
  };
  const rate = (name: string, ccMs: number[], ourMs: number[]) => {
    const base = throughputMetric(`${p}${name}.coreCrypto.opsPerSec`, (messages * 1000) / median(ccMs));
    out.push(base, throughputMetric(`${p}${name}.opsPerSec`, (messages * 1000) / median(ourMs), base));
  };

  // application messages: each round encrypts `messages` messages, then the receiver decrypts them
  const enc: [number[], number[]] = [[], []];
  const dec: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    const ccSent: Uint8Array[] = [];
    enc[0].push(
      await timed(async () => {
        for (let i = 0; i < messages; i++) ccSent.push(await cc.committer.encrypt(cc.gid, payload));
      }),
    );
    dec[0].push(
      await timed(async () => {
        for (const m of ccSent) await cc.receiver.process(cc.gid, m);
      }),
    );
    const ourSent: Uint8Array[] = [];
    enc[1].push(
      await timed(async () => {
        for (let i = 0; i < messages; i++) {
          const e = await encryptApplicationMessage(ours.committer, cs, payload);
          ours.committer = e.state;
          ourSent.push(encodeMlsMessage(e.message));
        }
      }),
    );
    dec[1].push(
      await timed(async () => {
        for (const m of ourSent) ours.receiver = (await processMessage(ours.receiver, cs, m)).state;
      }),
    );
  }
  rate("appEncrypt", ...enc);
  rate("appDecrypt", ...dec);

  // commits with a full UpdatePath, and their processing
  const make: [number[], number[]] = [[], []];
  const proc: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    let ccCommit: Uint8Array = new Uint8Array();
    make[0].push(await timed(async () => (ccCommit = (await cc.committer.update(cc.gid)).commit)));
    proc[0].push(await timed(() => cc.receiver.process(cc.gid, ccCommit)));
    let ourCommit: Uint8Array = new Uint8Array();
    make[1].push(
      await timed(async () => {
        const c = await commit(ours.committer, cs, { publicMessage: true });
        ours.committer = c.state;
        ourCommit = encodeMlsMessage(c.commit);
      }),
    );
    proc[1].push(
      await timed(async () => {
        ours.receiver = (await processMessage(ours.receiver, cs, ourCommit)).state;
      }),
    );
  }
  pair("commitUpdate", ...make);
  pair("processCommit", ...proc);

  // joins: the committer adds a new client of its own implementation (untimed), which joins
  const join: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    const newcomer = await CoreCryptoPeer.create(nextId++, cs.id);
    const added = await cc.committer.add(cc.gid, [await newcomer.keyPackage()]);
    await cc.receiver.process(cc.gid, added.commit);
    const welcome = added.welcome;
    if (welcome === undefined) throw new Error("bench: no Welcome from core-crypto");
    join[0].push(await timed(() => newcomer.joinFromWelcome(welcome)));
    const bundle = await ourBundle(cs);
    const c = await commit(ours.committer, cs, {
      publicMessage: true,
      ratchetTreeInWelcome: true,
      proposals: [{ proposalType: "add", add: { keyPackage: bundle.publicPackage } }],
    });
    ours.committer = c.state;
    ours.receiver = (await processMessage(ours.receiver, cs, c.commit)).state;
    const ourWelcome = c.welcome;
    if (ourWelcome === undefined) throw new Error("bench: no Welcome");
    join[1].push(await timed(() => joinFromWelcome(cs, ourWelcome, bundle, { config })));
  }
  pair("join", ...join);
  return out;
}

/** Ours against core-crypto, run as part of `mimi bench mls` (prefixed `vsCoreCrypto.`). */
export const bench: BenchArea = {
  area: "interop",
  async run({ quick, sizes, progress }) {
    const cs = await loadCiphersuite(0x0001);
    const metrics: Metric[] = [];
    // with --sizes, the given sizes up to 100 (core-crypto is compared on small groups only)
    for (const n of sizes?.filter((s) => s <= 100) ?? (quick ? [10] : [10, 100])) {
      progress?.(`core-crypto and ours, groups of ${n}`);
      metrics.push(...(await measure(cs, n, quick ? 3 : 5, quick ? 50 : 200)));
    }
    return { area: "interop", metrics };
  },
};
