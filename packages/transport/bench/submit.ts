/**
 * The submit pipeline benchmark: one hub (a.example) and two followers (b.example, c.example),
 * each a `startProvider` on loopback with mutual TLS and its own storage. A room has one member
 * client on each provider; the followers forward their clients' PrivateMessages to the hub's
 * `/submitMessage` with their federation clients, the hub stores and fans each out to both
 * followers over `/notify`, and the followers queue it durably.
 *
 * - `submit.msgsPerSec.<engine>`: closed loop (64 submissions in flight), counted until both
 *   followers have queued every acknowledged message;
 * - `submit.p50ms.<engine>` / `submit.p99ms.<engine>`: open loop at 1,000 messages per second,
 *   latency from each submission's scheduled time to the hub's acknowledgement.
 *
 * The messages are real, distinct PrivateMessages made before timing (a pool reused cyclically
 * when a run needs more; every submission is a separate accepted event of the room log).
 */
import { randomBytes } from "node:crypto";
import { buildOriginal, encodeMimiContent } from "@mimi/content";
import {
  addUser,
  createRoom,
  joinRoom,
  type MlsGroupState,
  processIncoming,
  sendContent,
} from "@mimi/mls-profile";
import { latencyMetric, type Metric, percentile, throughputMetric } from "@mimi/testkit";
import { utf8 } from "@mimi/wire";
import { mlsOf } from "../src/codec/mls.js";
import { type RunningProvider, startProvider } from "../src/provider/provider.js";
import { type Database, openDatabase } from "../src/storage/database.js";
import { inboxAfter } from "../src/storage/follower-inbox.js";
import {
  decodeFanoutMessage,
  decodeSubmitMessageResponse,
  encodeSubmitMessageRequest,
} from "../src/structs.js";
import { clientProfile, commitRequest, keyPackageOf, pki, roomInputs } from "../test/hub-harness.js";

const room = "mimi://a.example/r/bench";

/** A storage URL per provider: PGlite in memory, or a fresh schema on the PostgreSQL server. */
async function storageFor(base: string | undefined): Promise<{ url: string; drop: () => Promise<void> }> {
  if (base === undefined) return { url: "memory://", drop: async () => {} };
  const name = `mimi_bench_${randomBytes(6).toString("hex")}`;
  const admin = await openDatabase(base, { poolSize: 1 });
  await admin.query(`CREATE SCHEMA ${name}`);
  await admin.close();
  const u = new URL(base);
  u.searchParams.set("options", `-c search_path=${name}`);
  return {
    url: u.toString(),
    drop: async () => {
      const a = await openDatabase(base, { poolSize: 1 });
      await a.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await a.close();
    },
  };
}

async function queued(db: Database): Promise<number> {
  const rows = await db.query<{ n: unknown }>("SELECT count(*) AS n FROM follower_inbox WHERE room_id = $1", [
    room,
  ]);
  return Number(rows[0]?.n ?? 0);
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
  const stores = await Promise.all([0, 1, 2].map(() => storageFor(options.postgresUrl)));
  const ports = new Map<string, number>();
  const started: RunningProvider[] = [];
  try {
    for (const [i, domain] of ["a.example", "b.example", "c.example"].entries()) {
      const p = await startProvider({
        domain,
        tls: { key: pki.providers[domain]!.key, cert: pki.providers[domain]!.cert, ca: pki.caCert },
        storage: stores[i]!.url,
        peers: (d) => (ports.has(d) ? { host: "127.0.0.1", port: ports.get(d)! } : undefined),
        log: () => {},
      });
      ports.set(domain, p.port);
      started.push(p);
    }
    const [A, B, C] = started as [RunningProvider, RunningProvider, RunningProvider];
    const engine = A.db.engine;
    progress?.(`submit (${engine}): room with a member on each provider`);
    const profile = await clientProfile(A.hub!);
    let alice: MlsGroupState = await createRoom(profile, {
      roomUri: room,
      keyPackage: await keyPackageOf(profile.cs, "mimi://a.example/d/alice/1"),
      creatorRole: 2,
    });
    const inputs = await roomInputs(profile, alice);
    await A.hub!.createRoom(room, inputs.groupInfo, inputs.ratchetTree, "mimi://a.example/d/alice/1");
    const members: { state: MlsGroupState; user: string; via: RunningProvider }[] = [];
    for (const [user, client, via] of [
      ["mimi://b.example/u/bob", "mimi://b.example/d/bob/1", B],
      ["mimi://c.example/u/carol", "mimi://c.example/d/carol/1", C],
    ] as const) {
      const kp = await keyPackageOf(profile.cs, client);
      const add = await addUser(profile, alice, {
        user: utf8(user),
        role: 2,
        keyPackages: [kp.publicPackage],
      });
      await A.federation.send("a.example", {
        method: "POST",
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
    // Messages made before timing.
    const poolSize = quick ? 600 : 3000;
    progress?.(`submit (${engine}): making ${poolSize} PrivateMessages`);
    const pool: { body: Uint8Array; via: RunningProvider }[] = [];
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
    const submit = async (): Promise<void> => {
      const m = pool[next++ % pool.length]!;
      const res = await m.via.federation.send("a.example", {
        method: "POST",
        endpoint: "submitMessage",
        param: room,
        body: m.body,
      });
      if (decodeSubmitMessageResponse(res.body).statusCode !== "accepted") throw new Error("not accepted");
    };
    const drained = async (count: number, timeoutMs: number): Promise<void> => {
      const until = performance.now() + timeoutMs;
      while ((await queued(B.db)) < count || (await queued(C.db)) < count) {
        if (performance.now() > until) throw new Error("followers did not receive every message");
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    // Warm-up (connections, caches).
    for (let i = 0; i < 50; i++) await submit();
    let total = 50 + 2; // and the two commits adding bob and carol
    await drained(total + 0, 30_000);

    // Sustained: closed loop, until both followers queued everything.
    const seconds = quick ? 2 : 8;
    progress?.(`submit (${engine}): closed loop for ${seconds} s`);
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let acked = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (performance.now() < end) {
          await submit();
          acked++;
        }
      }),
    );
    total += acked;
    await drained(total, 120_000);
    const msgsPerSec = acked / ((performance.now() - t0) / 1000);

    // Latency at 1,000 msgs/s (open loop, from the scheduled send time).
    const n = quick ? 1000 : 5000;
    progress?.(`submit (${engine}): ${n} messages at 1,000/s`);
    const lat: number[] = [];
    const s0 = performance.now();
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const at = s0 + i;
        const wait = at - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await submit();
        lat.push(performance.now() - at);
      }),
    );
    total += n;
    await drained(total, 120_000);
    // Check what was queued is what was sent: a sample decodes as the room's application messages.
    const sample = await inboxAfter(B.db, room, 0n, 5);
    for (const s of sample) decodeFanoutMessage(s.message);
    return [
      throughputMetric(`submit.msgsPerSec.${engine}`, msgsPerSec, options.baseline),
      latencyMetric(`submit.p50ms.${engine}`, percentile(lat, 50)),
      latencyMetric(`submit.p99ms.${engine}`, percentile(lat, 99)),
    ];
  } finally {
    for (const p of started.reverse()) await p.stop(500);
    for (const s of stores) await s.drop();
  }
}
