/**
 * The submit pipeline benchmark: one hub (a.example) and two followers (b.example, c.example),
 * each a `startProvider` in ITS OWN PROCESS (`bench/provider-worker.ts`) on loopback with mutual
 * TLS and its own storage. A room has one member client on each provider. The bench process plays
 * the followers' forwarding side: it submits the members' PrivateMessages to the hub's
 * `/submitMessage` with b.example's and c.example's federation clients (as the followers' client
 * API does); the hub stores each durably (group commit) and fans it out to both followers over
 * `/notify`, and the followers queue it durably.
 *
 * - `submit.msgsPerSec.<engine>`: the highest offered rate (open loop, increasing steps) at which
 *   every submission was accepted AND both followers had queued every message within the step's
 *   duration / 0.95 from its start (the followers keep up, not just the hub);
 * - `submit.p50ms.<engine>` / `submit.p99ms.<engine>`: open loop at 1,000 messages per second,
 *   latency from each submission's scheduled time to the hub's acknowledgement;
 * - `submit.cpuUsPerMsg.<engine>`: CPU time of the hub, both followers and the load generator
 *   (not the PostgreSQL server) per message at the highest passing step;
 * - `submit.dbCpuUsPerMsg.postgres`: CPU time of the PostgreSQL server's processes per message at
 *   that step, when they run on this machine (Linux `/proc`; omitted otherwise).
 *
 * Storage: PGlite in memory per provider, or a fresh schema per provider on a PostgreSQL server
 * (the only durable option: PGlite never fsyncs).
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildOriginal, encodeMimiContent } from "@mimi/content";
import type { Credential, ExternalSender } from "@mimi/mls-profile";
import {
  addUser,
  createRoom,
  joinRoom,
  loadCiphersuite,
  type MlsGroupState,
  mimiProfile,
  processIncoming,
  sendContent,
  unsafeAcceptAllCredentials,
} from "@mimi/mls-profile";
import { decodeSubmitMessageResponse, encodeSubmitMessageRequest, mlsOf } from "@mimi/protocol";
import { latencyMetric, type Metric, percentile, throughputMetric } from "@mimi/testkit";
import { utf8 } from "@mimi/wire";
import { createFederationClient, type FederationClient } from "../src/federation/client.js";
import { userUriOfCredential } from "../src/hub/credentials.js";
import { openDatabase } from "../src/storage/database.js";
import { commitRequest, keyPackageOf, pki, roomInputs } from "../test/hub-harness.js";

const room = "mimi://a.example/r/bench";
const here = dirname(fileURLToPath(import.meta.url));

/**
 * A storage URL per provider: PGlite in memory, or a fresh database on the PostgreSQL server.
 * PGlite is not durable against an OS crash in any mode (it never fsyncs); a data directory only
 * adds survival of a process crash, costs about the same per statement, and takes tens of seconds
 * to initialise on a loaded machine, so the bench uses memory.
 */
async function storageFor(base: string | undefined): Promise<{ url: string; drop: () => Promise<void> }> {
  if (base === undefined) return { url: "memory://", drop: async () => {} };
  // One database per provider, as deployed providers have: advisory locks (the inbox write lock,
  // decision 0629) are per database, so providers sharing one would serialize each other's writes.
  const name = `mimi_bench_${randomBytes(6).toString("hex")}`;
  const admin = await openDatabase(base, { poolSize: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = await openDatabase(base, { poolSize: 1 });
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.close();
    },
  };
}

/**
 * CPU time (µs) of every process named `postgres` on this machine, from Linux `/proc` (user and
 * system ticks; the kernel reports them in units of 1/100 s); undefined where there is no `/proc`
 * or no such process. Counts the bench's throw-away server, or any other on the machine.
 */
function postgresCpuUs(): number | undefined {
  let dirs: string[];
  try {
    dirs = readdirSync("/proc");
  } catch {
    return undefined;
  }
  let ticks = 0;
  let seen = false;
  for (const d of dirs) {
    if (!/^[0-9]+$/.test(d)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${d}/stat`, "utf8");
    } catch {
      continue; // the process ended meanwhile
    }
    if (!stat.includes(" (postgres) ")) continue;
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(f[11]) + Number(f[12]);
    seen = true;
  }
  return seen ? ticks * 10_000 : undefined;
}

/** A provider process and its request channel. */
interface Worker {
  readonly child: ChildProcess;
  call<T>(op: string, args?: Record<string, unknown>): Promise<T>;
}

function forkProvider(): Worker {
  const prof = process.env["MIMI_BENCH_CPU_PROF"];
  const child = fork(join(here, "provider-worker.ts"), [], {
    execArgv: [
      "--import",
      "tsx",
      "--conditions=@mimi/source",
      ...(prof === undefined || prof === "" ? [] : ["--cpu-prof", `--cpu-prof-dir=${prof}`]),
    ],
    serialization: "advanced",
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on("message", (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.ok) w?.resolve(m.value);
    else w?.reject(new Error(m.error));
  });
  child.on("exit", (code) => {
    for (const w of waiting.values()) w.reject(new Error(`provider process exited (${code})`));
    waiting.clear();
  });
  return {
    child,
    call: <T>(op: string, args: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op, ...args });
      }),
  };
}

/** What one offered rate gave. */
interface Step {
  readonly rate: number;
  readonly sent: number;
  readonly failed: number;
  /** Submissions acknowledged per second, from the step's start to the last acknowledgement. */
  readonly ackedPerSec: number;
  /** Messages per second both followers had queued, from the step's start. */
  readonly deliveredPerSec: number;
  readonly p50: number;
  readonly p99: number;
  /** CPU µs (hub, followers, load generator) per message. */
  readonly cpuUsPerMsg: number;
  /** The same split by process: hub, follower b, follower c, load generator. */
  readonly cpuSplit: readonly number[];
  /** CPU µs of the PostgreSQL server's processes per message, when visible. */
  readonly dbCpuUsPerMsg: number | undefined;
  readonly passed: boolean;
}

/** Run the submit benchmark on one storage engine. */
export async function submitBench(options: {
  readonly quick: boolean;
  readonly postgresUrl?: string;
  readonly progress?: (what: string) => void;
  /** The same-run baseline of the throughput (`http.plainReqPerSec`). */
  readonly baseline?: Metric;
}): Promise<Metric[]> {
  const { quick, progress } = options;
  const engine = options.postgresUrl === undefined ? "pglite" : "postgres";
  const domains = ["a.example", "b.example", "c.example"] as const;
  const stores = await Promise.all(domains.map(() => storageFor(options.postgresUrl)));
  const workers: Worker[] = [];
  const clients: FederationClient[] = [];
  try {
    progress?.(`submit (${engine}): starting hub and followers, one process each`);
    for (const _ of domains) workers.push(forkProvider());
    const [A, B, C] = workers as [Worker, Worker, Worker];
    const start = (w: Worker, i: number, peers: Record<string, string>) =>
      w.call<number>("start", {
        domain: domains[i],
        key: pki.providers[domains[i]!]!.key,
        cert: pki.providers[domains[i]!]!.cert,
        ca: pki.caCert,
        storage: stores[i]!.url,
        peers,
      });
    const [portB, portC] = await Promise.all([start(B, 1, {}), start(C, 2, {})]);
    const portA = await start(A, 0, { "b.example": `127.0.0.1:${portB}`, "c.example": `127.0.0.1:${portC}` });
    const federation = (domain: string): FederationClient => {
      const c = createFederationClient({
        domain,
        key: pki.providers[domain]!.key,
        cert: pki.providers[domain]!.cert,
        ca: pki.caCert,
        peers: { "a.example": `127.0.0.1:${portA}` },
        maxSocketsPerPeer: 64,
      });
      clients.push(c);
      return c;
    };
    const [fedA, fedB, fedC] = domains.map(federation) as [
      FederationClient,
      FederationClient,
      FederationClient,
    ];

    progress?.(`submit (${engine}): room with a member on each provider`);
    const cs = await loadCiphersuite();
    const profile = mimiProfile({
      cs,
      authService: unsafeAcceptAllCredentials,
      hub: await A.call<ExternalSender>("externalSender"),
      userOf: (c: Credential) => utf8(userUriOfCredential(c) ?? "?"),
    });
    let alice: MlsGroupState = await createRoom(profile, {
      roomUri: room,
      keyPackage: await keyPackageOf(profile.cs, "mimi://a.example/d/alice/1"),
      creatorRole: 2,
    });
    const inputs = await roomInputs(profile, alice);
    await A.call("createRoom", { room, ...inputs, creator: "mimi://a.example/d/alice/1" });
    const members: { state: MlsGroupState; user: string; via: FederationClient }[] = [];
    for (const [user, client, via] of [
      ["mimi://b.example/u/bob", "mimi://b.example/d/bob/1", fedB],
      ["mimi://c.example/u/carol", "mimi://c.example/d/carol/1", fedC],
    ] as const) {
      const kp = await keyPackageOf(profile.cs, client);
      const add = await addUser(profile, alice, {
        user: utf8(user),
        role: 2,
        keyPackages: [kp.publicPackage],
      });
      await fedA.send("a.example", {
        endpoint: "update",
        param: room,
        body: await commitRequest(profile, add),
      });
      for (const m of members) m.state = (await processIncoming(profile, m.state, add.commit)).state;
      alice = add.state;
      if (add.welcome?.wireformat !== "mls_welcome") throw new Error("no Welcome");
      members.push({
        state: await joinRoom(profile, add.welcome.welcome, kp, add.state.ratchetTree),
        user,
        via,
      });
    }
    // Messages made before timing, reused cyclically: each submission is a separate accepted
    // event (the hub's timestamp differs), so the followers queue every one.
    const poolSize = quick ? 600 : 4000;
    progress?.(`submit (${engine}): making ${poolSize} PrivateMessages`);
    const pool: { body: Uint8Array; via: FederationClient }[] = [];
    for (let i = 0; i < poolSize; i++) {
      const m = members[i % members.length]!;
      const content = encodeMimiContent(
        buildOriginal({ senderUri: m.user, roomUri: room, text: `message ${i}` }),
      );
      const sent = await sendContent(profile, m.state, content, content.subarray(2, 18));
      m.state = sent.state;
      pool.push({
        body: encodeSubmitMessageRequest({
          protocol: "mls10",
          appMessage: mlsOf("MLSMessage", sent.message),
          sendingUri: { uri: m.user },
        }),
        via: m.via,
      });
    }
    let next = 0;
    const submit = async (): Promise<boolean> => {
      const m = pool[next++ % pool.length]!;
      try {
        const res = await m.via.send("a.example", {
          endpoint: "submitMessage",
          param: room,
          body: m.body,
        });
        return decodeSubmitMessageResponse(res.body).statusCode === "accepted";
      } catch {
        return false;
      }
    };
    let total = 2; // the two commits adding bob and carol
    /** Wait until both followers queued `total` messages; the time it happened, or undefined. */
    const drained = async (deadline: number): Promise<number | undefined> => {
      for (;;) {
        const [b, c] = await Promise.all([
          B.call<number>("queued", { room }),
          C.call<number>("queued", { room }),
        ]);
        if (b >= total && c >= total) return performance.now();
        if (performance.now() > deadline) return undefined;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const cpu = async (): Promise<number[]> => {
      const own = process.cpuUsage();
      return [...(await Promise.all(workers.map((w) => w.call<number>("cpu")))), own.user + own.system];
    };

    /** Offer `rate` messages per second for `seconds` (open loop, latency from the scheduled time). */
    const offer = async (rate: number, seconds: number): Promise<Step> => {
      const n = Math.round(rate * seconds);
      const interval = 1000 / rate;
      const lat: number[] = [];
      const pending: Promise<void>[] = [];
      let failed = 0;
      const cpu0 = await cpu();
      const db0 = engine === "postgres" ? postgresCpuUs() : undefined;
      const s0 = performance.now();
      let i = 0;
      await new Promise<void>((resolve) => {
        const tick = (): void => {
          const now = performance.now();
          while (i < n && s0 + i * interval <= now) {
            const at = s0 + i * interval;
            i++;
            pending.push(
              submit().then((ok) => {
                if (ok) lat.push(performance.now() - at);
                else failed++;
              }),
            );
          }
          if (i < n) setTimeout(tick, 1);
          else resolve();
        };
        tick();
      });
      await Promise.all(pending);
      const ackedPerSec = n / ((performance.now() - s0) / 1000);
      total += n - failed;
      const limit = s0 + (seconds * 1000) / 0.95;
      const done = await drained(Math.max(limit, performance.now()) + 30_000);
      const cpu1 = await cpu();
      const db1 = db0 === undefined ? undefined : postgresCpuUs();
      const elapsed = (done ?? performance.now()) - s0;
      const deliveredPerSec = done === undefined ? 0 : n / (elapsed / 1000);
      return {
        rate,
        sent: n,
        failed,
        ackedPerSec,
        deliveredPerSec,
        p50: lat.length === 0 ? Number.NaN : percentile(lat, 50),
        p99: lat.length === 0 ? Number.NaN : percentile(lat, 99),
        cpuUsPerMsg: cpu1.reduce((a, c, k) => a + c - cpu0[k]!, 0) / n,
        cpuSplit: cpu1.map((c, k) => (c - cpu0[k]!) / n),
        dbCpuUsPerMsg: db0 === undefined || db1 === undefined ? undefined : (db1 - db0) / n,
        passed: failed === 0 && done !== undefined && done <= limit,
      };
    };

    // Warm-up (connections, caches, JIT).
    progress?.(`submit (${engine}): warm-up`);
    const report = (s: Step): void =>
      progress?.(
        `submit (${engine}): ${s.rate}/s → acked ${Math.round(s.ackedPerSec)}/s, delivered ${Math.round(s.deliveredPerSec)}/s, ` +
          `p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, ${Math.round(s.cpuUsPerMsg)} µs CPU/msg ` +
          `(hub/b/c/load ${s.cpuSplit.map((x) => Math.round(x)).join("/")})` +
          `${s.dbCpuUsPerMsg === undefined ? "" : ` + PostgreSQL ${Math.round(s.dbCpuUsPerMsg)} µs/msg`}, ` +
          `${s.failed} failed, ${s.passed ? "kept up" : "fell behind"}`,
      );
    report(await offer(500, quick ? 1 : 2));

    // Latency at 1,000 msgs/s.
    const latSeconds = quick ? 3 : 10;
    progress?.(`submit (${engine}): ${latSeconds} s at 1,000/s`);
    const at1000 = await offer(1000, latSeconds);
    report(at1000);

    // Sustained: increasing offered rates from 1,000/s while the pipeline keeps up; when it does
    // not keep up with 1,000/s (a loaded machine), decreasing ones until it does.
    const seconds = quick ? 2 : 6;
    const up = quick
      ? [2000, 3500, 5000, 6500, 8000]
      : [1500, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 10000];
    const down = quick ? [500, 250] : [750, 500, 250];
    let best: Step | undefined = at1000.passed ? at1000 : undefined;
    for (const rate of at1000.passed ? up : down) {
      progress?.(`submit (${engine}): offering ${rate}/s for ${seconds} s`);
      const step = await offer(rate, seconds);
      report(step);
      if (step.passed && (best === undefined || step.rate > best.rate)) best = step;
      if (at1000.passed ? !step.passed : step.passed) break;
    }
    const metrics: Metric[] = [
      throughputMetric(`submit.msgsPerSec.${engine}`, best?.rate ?? 0, options.baseline),
      latencyMetric(`submit.p50ms.${engine}`, at1000.p50),
      latencyMetric(`submit.p99ms.${engine}`, at1000.p99),
    ];
    if (best !== undefined) {
      metrics.push(latencyMetric(`submit.sustainedP99ms.${engine}`, best.p99));
      metrics.push({
        name: `submit.cpuUsPerMsg.${engine}`,
        value: Math.round(best.cpuUsPerMsg),
        unit: "µs/msg",
      });
      if (best.dbCpuUsPerMsg !== undefined)
        metrics.push({
          name: `submit.dbCpuUsPerMsg.${engine}`,
          value: Math.round(best.dbCpuUsPerMsg),
          unit: "µs/msg",
        });
    }
    return metrics;
  } finally {
    for (const c of clients) c.close();
    await Promise.all(
      workers.map(async (w) => {
        if (w.child.exitCode !== null) return;
        const exited = new Promise((r) => w.child.once("exit", r));
        await w.call("stop").catch(() => w.child.kill("SIGKILL"));
        await exited;
      }),
    );
    for (const s of stores) await s.drop();
  }
}
