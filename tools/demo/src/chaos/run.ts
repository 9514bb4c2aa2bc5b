/**
 * `mimi chaos`: a three-provider federation (hub a.example, followers b.example and c.example)
 * under steady load, several rooms with members on every provider, while faults are injected one
 * at a time; then every client's view is checked against what was acknowledged (decision 0678).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ClientEvent, MimiClient } from "@mimi/client";
import { buildOriginal } from "@mimi/content";
import { loadCiphersuite } from "@mimi/mls-profile";
import { type Federation, REPO_ROOT, startFederation } from "../federation.js";
import {
  catchUpMs,
  type Delivery,
  duplicateDeliveries,
  lostMessages,
  orderViolations,
  type SentMessage,
  type ServerErrorAnswer,
  serverErrors,
} from "./checks.js";
import { type ChaosProxy, type ProxyMode, startProxy } from "./proxy.js";

const HUB = "a.example";
const FOLLOWER = "b.example";
const DOMAINS = [HUB, FOLLOWER, "c.example"] as const;

/** Options of {@link runChaos}. */
export interface ChaosOptions {
  /** `postgres://…`: every provider on its own database of that server (default PGlite in a temp folder). */
  readonly storage?: string;
  /**
   * Start a throw-away PostgreSQL server (`tools/postgres.sh`, in the run's folder) for the
   * providers, and restart it under load (an immediate shutdown) as one of the faults.
   */
  readonly postgres?: boolean;
  /** The short profile (a few faults, short durations) the test suite runs. */
  readonly quick?: boolean;
  /** Progress lines. */
  readonly progress?: (line: string) => void;
}

/** The figures of one fault. */
export interface FaultResult {
  readonly fault: string;
  /**
   * How long injecting the fault took (ms): most are instant; the hub's kill and the PostgreSQL
   * restart (stop, then start with crash recovery) take a while, and that is an outage too.
   */
  readonly injectMs: number;
  /** How long the fault was held after it was injected (ms). */
  readonly heldMs: number;
  /** Messages sent while it was on or being recovered from, and how many the hub acknowledged. */
  readonly sent: number;
  readonly acknowledged: number;
  /** Goals (0 each). */
  readonly lost: number;
  readonly duplicates: number;
  readonly orderViolations: number;
  readonly serverErrors: number;
  /** 502/504 a follower answered because the hub could not be reached during the fault (not a goal). */
  readonly gatewayAnswers: number;
  /** 503 answers the proxy gave itself (the injected fault). */
  readonly injected503: number;
  /** Sends refused because the client could not connect (its provider was down). */
  readonly unreachable: number;
  /** Time from the end of the fault until every client had every message acknowledged by then. */
  readonly catchUpMs: number | null;
  readonly ok: boolean;
  /** A few examples of each failed goal. */
  readonly problems: readonly string[];
}

/** The outcome of a run. */
export interface ChaosReport {
  readonly profile: "quick" | "full";
  readonly storage: "pglite" | "postgres";
  readonly rooms: number;
  readonly clients: number;
  /** Messages per second the load aims at (all senders together). */
  readonly rate: number;
  readonly faults: readonly FaultResult[];
  readonly totals: {
    readonly sent: number;
    readonly acknowledged: number;
    readonly deliveries: number;
    readonly lost: number;
    readonly duplicates: number;
    readonly orderViolations: number;
    readonly serverErrors: number;
  };
  readonly ms: number;
  readonly ok: boolean;
  /**
   * The providers' error-level log lines of the run (at most {@link MAX_PROVIDER_ERRORS}, the first
   * ones), so that a goal missed says where: each with its provider, message, error and the first
   * frames of its stack.
   */
  readonly providerErrors: readonly ProviderError[];
}

/** An error a provider logged during a chaos run. */
export interface ProviderError {
  readonly domain: string;
  /** When it was logged (ISO 8601). */
  readonly ts: string;
  readonly msg: string;
  readonly error: string;
  readonly at?: string;
}

/** How many provider errors a report keeps. */
const MAX_PROVIDER_ERRORS = 20;

/** The error-level JSON log lines of `output`, as {@link ProviderError}s. */
export function providerErrorsOf(domain: string, output: readonly string[]): ProviderError[] {
  const out: ProviderError[] = [];
  for (const line of output) {
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof rec !== "object" || rec === null || (rec as { level?: unknown }).level !== "error") continue;
    const r = rec as { ts?: unknown; msg?: unknown; error?: unknown; stack?: unknown };
    const frames =
      typeof r.stack === "string"
        ? r.stack
            .split("\n")
            .filter((l) => l.trim().startsWith("at "))
            .slice(0, 4)
            .map((l) => l.trim().slice(3))
            .join(" < ")
        : "";
    out.push({
      domain,
      ts: String(r.ts ?? ""),
      msg: String(r.msg ?? ""),
      error: String(r.error ?? ""),
      ...(frames === "" ? {} : { at: frames }),
    });
  }
  return out;
}

/** One fault of a profile. */
interface Fault {
  readonly name: string;
  readonly holdMs: number;
  /** Domains whose clients may get a 502/504 while it is on (their provider cannot reach the hub). */
  readonly cutsOff: readonly string[];
  inject(): Promise<void>;
  heal(): Promise<void>;
}

interface Phase {
  readonly fault: Fault | undefined;
  readonly name: string;
  readonly start: number;
  injectedAt: number;
  healedAt: number;
  caughtUpAt: number;
  injected503: number;
}

const SEQ = /chaos-seq-(\d+)/;
const decoder = new TextDecoder();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Run the profile. Never throws for a failed goal: the report says which.
 *
 * @throws InternalError when the federation does not start; whatever setting up the rooms throws.
 */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const quick = options.quick === true;
  const progress = options.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "mimi-chaos-"));
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const proxies = new Map<string, ChaosProxy>();
  const clientProxies: ChaosProxy[] = [];
  const clients: { name: string; domain: string; client: MimiClient }[] = [];
  let federation: Federation | undefined;
  // its own folder: the run's folder is private to this user, and the server runs as `postgres`
  // when started by root (tools/postgres.sh gives it the folder)
  const pgDir = join(tmpdir(), `mimi-chaos-pg-${process.pid}-${Date.now()}`);
  let storage = options.storage;
  try {
    if (options.postgres === true) {
      if (storage !== undefined) throw new Error("postgres and storage are exclusive");
      progress("starting a throw-away PostgreSQL server (tools/postgres.sh)");
      storage = postgresScript("start", pgDir);
    }
    const cs = await loadCiphersuite();
    progress(`starting ${DOMAINS.join(", ")} (hub ${HUB}); the ${HUB}–${FOLLOWER} link through a proxy`);
    federation = await startFederation({
      domains: DOMAINS,
      dir,
      cs,
      ...(storage === undefined ? {} : { storage }),
      async route(from, to, target) {
        if (!((from === HUB && to === FOLLOWER) || (from === FOLLOWER && to === HUB))) return target;
        const p = await startProxy({ target });
        proxies.set(`${from}>${to}`, p);
        return p.address;
      },
    });
    const fed = federation;
    const toFollower = proxies.get(`${HUB}>${FOLLOWER}`)!;
    const toHub = proxies.get(`${FOLLOWER}>${HUB}`)!;
    const followerPki = fed.providers.find((p) => p.domain === FOLLOWER)!.pki;
    toFollower.answerAs({ key: followerPki.server.privateKeyPem, cert: followerPki.server.certificatePem });

    // clients: two users per provider; the last one reads its inbox through a proxy (the slow client)
    const users: [string, string][] = [
      [HUB, "alice"],
      [HUB, "dave"],
      [FOLLOWER, "bob"],
      [FOLLOWER, "erin"],
      ["c.example", "cathy"],
      ["c.example", "frank"],
    ];
    const rooms = Array.from({ length: quick ? 2 : 3 }, (_, i) => `mimi://${HUB}/r/chaos-${i + 1}`);
    let slow: ChaosProxy | undefined;
    for (const [domain, user] of users) {
      let url: string | undefined;
      if (user === "frank") {
        const p = fed.providers.find((x) => x.domain === domain)!;
        slow = await startProxy({ target: new URL(p.clientApiUrl).host });
        clientProxies.push(slow);
        url = `https://${slow.address}`;
      }
      const client = await fed.client(domain, user, "laptop", url);
      clients.push({ name: `${user}@${domain.split(".")[0]}`, domain, client });
    }
    const byUri = new Map(clients.map((c) => [c.client.core.clientUri, c.name]));
    const deliveries: Delivery[] = [];
    for (const c of clients) {
      c.client.onEvent((e: ClientEvent) => {
        if (e.kind !== "message") return;
        const m = SEQ.exec(decoder.decode(e.message.bytes));
        if (m === null) return;
        deliveries.push({
          client: c.name,
          room: e.roomUri,
          sender: byUri.get(e.message.senderClient) ?? e.message.senderClient,
          seq: Number(m[1]),
          at: now(),
        });
      });
      c.client.startInbox();
    }
    await Promise.all(clients.map((c) => c.client.uploadKeyPackages(rooms.length + 1)));
    const [alice, dave, bob] = [clients[0]!.client, clients[1]!.client, clients[2]!.client];
    const others = clients.filter((c) => c.domain !== HUB).map((c) => c.client);
    for (const o of others) await fed.grantConsent(alice.core.userUri, o.core.userUri);
    await fed.grantConsent(bob.core.userUri, dave.core.userUri);
    const timeout = 60_000;
    for (const room of rooms) {
      await alice.createRoom(room);
      for (const o of others) await alice.addUser(room, o.core.userUri);
      const epoch = alice.core.epoch(room);
      await bob.waitFor((e) => e.kind === "joined" && e.roomUri === room, timeout, `${room} Welcome`);
      await bob.waitFor(
        (e) => (e.kind === "commit" || e.kind === "joined") && e.roomUri === room && e.epoch >= epoch,
        timeout,
        `${room} epoch ${epoch}`,
      );
      await bob.addUser(room, dave.core.userUri);
      const last = bob.core.epoch(room);
      await Promise.all(
        clients.map((c) =>
          c.client.waitFor(
            (e) => (e.kind === "commit" || e.kind === "joined") && e.roomUri === room && e.epoch >= last,
            timeout,
            `${room} epoch ${last}`,
          ),
        ),
      );
    }
    progress(`${rooms.length} rooms on ${HUB}, ${clients.length} members each (two per provider)`);

    // the faults, in the order of issue 16
    const pausedFor = (ms: number): number => (quick ? Math.min(ms, 1_500) : ms);
    const link = (mode: ProxyMode) => async () => {
      toFollower.set(mode);
      toHub.set(mode);
    };
    const passLink = link({ kind: "pass" });
    const faults: Fault[] = [
      {
        name: `hub ${HUB} killed (SIGKILL) and restarted`,
        holdMs: pausedFor(3_000),
        cutsOff: [FOLLOWER, "c.example"],
        inject: () => fed.kill(HUB, "SIGKILL"),
        heal: () => fed.restart(HUB),
      },
      ...(quick
        ? []
        : [
            {
              name: `follower ${FOLLOWER} down (SIGKILL) for 30 s and back`,
              holdMs: 30_000,
              cutsOff: [],
              inject: () => fed.kill(FOLLOWER, "SIGKILL"),
              heal: () => fed.restart(FOLLOWER),
            },
          ]),
      {
        name: "hub–follower link: connections dropped",
        holdMs: pausedFor(5_000),
        cutsOff: [FOLLOWER],
        inject: link({ kind: "drop" }),
        heal: passLink,
      },
      ...(quick
        ? []
        : [
            {
              name: "hub–follower link: 500 ms delay",
              holdMs: 10_000,
              cutsOff: [FOLLOWER],
              inject: link({ kind: "delay", ms: 500 }),
              heal: passLink,
            },
          ]),
      {
        name: "hub–follower link: reset in the middle of a body",
        holdMs: pausedFor(5_000),
        cutsOff: [FOLLOWER],
        inject: link({ kind: "reset-mid-body" }),
        heal: passLink,
      },
      ...(quick
        ? []
        : [
            {
              name: "hub–follower link: accepts and never answers",
              holdMs: 15_000,
              cutsOff: [FOLLOWER],
              inject: link({ kind: "blackhole" }),
              heal: passLink,
            },
          ]),
      {
        name: `follower ${FOLLOWER} answers 503`,
        holdMs: pausedFor(5_000),
        cutsOff: [],
        inject: async () => toFollower.set({ kind: "unavailable" }),
        heal: async () => toFollower.set({ kind: "pass" }),
      },
      ...(quick
        ? []
        : [
            {
              name: "a slow client reading its inbox (frank@c, 2 KB/s)",
              holdMs: 10_000,
              cutsOff: [],
              inject: async () => slow?.set({ kind: "throttle", bytesPerSecond: 2048 }),
              heal: async () => slow?.set({ kind: "pass" }),
            },
          ]),
      ...(options.postgres === true
        ? [postgresRestartFault(pgDir)]
        : storage === undefined
          ? []
          : [postgresFault(storage, quick)]),
    ];

    // steady load: every client sends to its rooms in turn, one message at a time
    const intervalMs = quick ? 600 : 400;
    const rate = (clients.length * 1000) / intervalMs;
    const sent: SentMessage[] = [];
    const answers: ServerErrorAnswer[] = [];
    const unreachable: number[] = [];
    let loading = true;
    const seqs = new Map<string, number>();
    const loops = clients.map(async (c, i) => {
      await sleep((i * intervalMs) / clients.length);
      let turn = 0;
      while (loading) {
        const room = rooms[turn++ % rooms.length]!;
        const k = `${c.name}|${room}`;
        const seq = (seqs.get(k) ?? 0) + 1;
        seqs.set(k, seq);
        const at = now();
        const receivers = clients.filter((o) => o !== c).map((o) => o.name);
        let ackedAt: number | undefined;
        try {
          await c.client.send(
            room,
            buildOriginal({ senderUri: c.client.core.userUri, roomUri: room, text: `chaos-seq-${seq}` }),
          );
          ackedAt = now();
        } catch (e) {
          const text = e instanceof Error ? e.message : String(e);
          const status = /answered (5\d\d)/.exec(text);
          if (status !== null)
            answers.push({ client: c.name, status: Number(status[1]), at: now(), what: text.slice(0, 200) });
          else unreachable.push(now());
        }
        sent.push({
          room,
          sender: c.name,
          seq,
          at,
          receivers,
          ...(ackedAt === undefined ? {} : { ackedAt }),
        });
        await sleep(Math.max(0, intervalMs - (now() - at)));
      }
    });

    const phases: Phase[] = [];
    const caughtUp = async (healedAt: number): Promise<number> => {
      const until = now() + (quick ? 60_000 : 120_000);
      for (;;) {
        const ms = catchUpMs(sent, deliveries, healedAt);
        if (ms !== undefined) return healedAt + ms;
        if (now() > until) return Number.NaN;
        await sleep(100);
      }
    };
    const steadyMs = quick ? 1_500 : 5_000;
    const baseline: Phase = {
      fault: undefined,
      name: "steady load, no fault",
      start: now(),
      injectedAt: now(),
      healedAt: 0,
      caughtUpAt: 0,
      injected503: 0,
    };
    phases.push(baseline);
    progress(`steady load: ${rate.toFixed(0)} messages/s over ${rooms.length} rooms`);
    await sleep(steadyMs);
    baseline.healedAt = now();
    baseline.caughtUpAt = await caughtUp(baseline.healedAt);
    for (const fault of faults) {
      const before503 = toFollower.stats.injected503;
      const phase: Phase = {
        fault,
        name: fault.name,
        start: now(),
        injectedAt: 0,
        healedAt: 0,
        caughtUpAt: 0,
        injected503: 0,
      };
      phases.push(phase);
      await fault.inject();
      phase.injectedAt = now();
      progress(`✗ ${fault.name} (for ${fault.holdMs} ms)`);
      await sleep(fault.holdMs);
      await fault.heal();
      phase.healedAt = now();
      phase.caughtUpAt = await caughtUp(phase.healedAt);
      phase.injected503 = toFollower.stats.injected503 - before503;
      progress(
        Number.isNaN(phase.caughtUpAt)
          ? "  not every client caught up"
          : `✓ healed; every client caught up ${(phase.caughtUpAt - phase.healedAt).toFixed(0)} ms later`,
      );
      await sleep(quick ? 500 : 2_000);
    }
    loading = false;
    await Promise.all(loops);
    const end = now();
    await caughtUp(end);
    await sleep(500); // late duplicates show up here

    // per phase figures
    const phaseAt = (t: number): number => {
      let i = 0;
      for (let n = 0; n < phases.length; n++) if (phases[n]!.start <= t) i = n;
      return i;
    };
    const results: FaultResult[] = phases.map((p, i) => {
      const mine = sent.filter((m) => phaseAt(m.at) === i);
      const theirs = deliveries.filter((d) => phaseAt(d.at) === i);
      const lost = lostMessages(mine, deliveries);
      const next = phases[i + 1]?.start ?? Number.POSITIVE_INFINITY;
      const dup = {
        count:
          duplicateDeliveries(deliveries.filter((d) => d.at < next)).count -
          duplicateDeliveries(deliveries.filter((d) => d.at < p.start)).count,
        examples: duplicateDeliveries(theirs).examples,
      };
      const order = orderViolations(theirs);
      const cutsOff = p.fault?.cutsOff ?? [];
      const domainOf = new Map(clients.map((c) => [c.name, c.domain]));
      const errors = serverErrors(
        answers.filter((a) => phaseAt(a.at) === i),
        (a) =>
          cutsOff.includes(domainOf.get(a.client) ?? "") &&
          a.at >= p.start &&
          a.at <= (Number.isNaN(p.caughtUpAt) ? end : p.caughtUpAt),
      );
      const catchUp = Number.isNaN(p.caughtUpAt) ? null : Math.round(p.caughtUpAt - p.healedAt);
      const ok =
        lost.count === 0 && dup.count === 0 && order.count === 0 && errors.count === 0 && catchUp !== null;
      return {
        fault: p.name,
        injectMs: Math.round(p.injectedAt - p.start),
        heldMs: Math.round(p.healedAt - p.injectedAt),
        sent: mine.length,
        acknowledged: mine.filter((m) => m.ackedAt !== undefined).length,
        lost: lost.count,
        duplicates: dup.count,
        orderViolations: order.count,
        serverErrors: errors.count,
        gatewayAnswers: errors.excused,
        injected503: p.injected503,
        unreachable: unreachable.filter((t) => phaseAt(t) === i).length,
        catchUpMs: catchUp,
        ok,
        problems: [...lost.examples, ...dup.examples, ...order.examples, ...errors.examples].slice(0, 8),
      };
    });
    const lostAll = lostMessages(sent, deliveries);
    const dupAll = duplicateDeliveries(deliveries);
    const orderAll = orderViolations(deliveries);
    const serverErrorsAll = results.reduce((n, r) => n + r.serverErrors, 0);
    return {
      profile: quick ? "quick" : "full",
      storage: storage === undefined ? "pglite" : "postgres",
      rooms: rooms.length,
      clients: clients.length,
      rate: Math.round(rate),
      faults: results,
      totals: {
        sent: sent.length,
        acknowledged: sent.filter((m) => m.ackedAt !== undefined).length,
        deliveries: deliveries.length,
        lost: lostAll.count,
        duplicates: dupAll.count,
        orderViolations: orderAll.count,
        serverErrors: serverErrorsAll,
      },
      ms: Math.round(now()),
      providerErrors: federation.providers
        .flatMap((p) => providerErrorsOf(p.domain, p.output))
        .slice(0, MAX_PROVIDER_ERRORS),
      ok:
        results.every((r) => r.ok) &&
        lostAll.count === 0 &&
        dupAll.count === 0 &&
        orderAll.count === 0 &&
        serverErrorsAll === 0,
    };
  } finally {
    for (const c of clients) c.client.stop();
    await federation?.stop();
    for (const p of [...proxies.values(), ...clientProxies]) await p.close();
    if (options.postgres === true) {
      postgresScript("stop", pgDir);
      rmSync(pgDir, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const execFileAsync = promisify(execFile);

/** Run `tools/postgres.sh CMD DIR` and return what it printed (the URL, for `start`). */
function postgresScript(cmd: "start" | "stop" | "restart", dir: string): string {
  return execFileSync("bash", [join(REPO_ROOT, "tools", "postgres.sh"), cmd, dir], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/**
 * PostgreSQL restarted under load: an immediate shutdown of the run's own server (every
 * connection cut, uncommitted work lost, as in a crash), then a start on the same port. The
 * providers' pools see their connections fail and reconnect; nothing acknowledged may be lost.
 */
function postgresRestartFault(pgDir: string): Fault {
  return {
    name: "PostgreSQL restarted (immediate shutdown) under load",
    holdMs: 3_000,
    cutsOff: [],
    async inject() {
      // asynchronously: the load goes on while the server is down
      await execFileAsync("bash", [join(REPO_ROOT, "tools", "postgres.sh"), "restart", pgDir]);
    },
    async heal() {},
  };
}

/**
 * PostgreSQL under load: every connection of the run's databases is terminated
 * (`pg_terminate_backend`, what an immediate shutdown does to its clients), again every 200 ms
 * while the fault lasts.
 */
function postgresFault(storage: string, quick: boolean): Fault {
  let stop = false;
  let loop: Promise<void> = Promise.resolve();
  return {
    name: "PostgreSQL connections terminated under load",
    holdMs: quick ? 2_000 : 5_000,
    cutsOff: [],
    async inject() {
      const { openDatabase } = await import("@mimi/provider");
      const admin = await openDatabase(storage);
      stop = false;
      loop = (async () => {
        try {
          while (!stop) {
            await admin.query(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname LIKE 'mimi_demo_%' AND pid <> pg_backend_pid()",
            );
            await sleep(200);
          }
        } finally {
          await admin.close();
        }
      })();
    },
    async heal() {
      stop = true;
      await loop;
    },
  };
}
