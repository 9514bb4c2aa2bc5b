/**
 * Benchmarks of `@mimi/provider` (`pnpm mimi bench transport [--quick] --json`):
 * - codec: decoding a SubmitMessageRequest (strict, with the embedded MLSMessage decoded by ts-mls
 *   and checked canonical) against decoding the bare MLSMessage (ts-mls's decoder through the
 *   `@mimi/mls-profile` adapter);
 * - http: `/notify` (follower: decode, de-duplicate, queue durably) over mutual TLS on loopback,
 *   against the same server answering the directory (`http.plainReqPerSec`, no body, no storage).
 *   Storage is PostgreSQL when `MIMI_BENCH_POSTGRES_URL` is set, else PGlite in memory.
 * - submit: the hub-and-two-followers pipeline (`bench/submit.ts`, each provider in its own
 *   process), on PGlite and on PostgreSQL (`bench/postgres.ts`: `MIMI_BENCH_POSTGRES_URL`, the
 *   tests' server, or a throw-away one); its throughput against `http.plainReqPerSec`;
 * - machine.loadAvg1.start/end: the 1-minute load average around the run (the machine is shared).
 */
import { loadavg } from "node:os";
import { decodeMlsMessage } from "@mimi/mls-profile";
import { decodeSubmitMessageRequest, encodeFanoutMessages, submitMessageRequestCodec } from "@mimi/protocol";
import { mlsFixtures } from "@mimi/protocol/testing";
import { type BenchArea, type Metric, median, opsPerSecond, round3, throughputMetric } from "@mimi/testkit";
import { encodeWith } from "@mimi/wire";
import { implementedEndpoints } from "../src/server/index.js";
import { startProviderServer } from "../src/server/server.js";
import { openDatabase } from "../src/storage/database.js";
import { migrate } from "../src/storage/migrations.js";
import { makeClient, type TestClient } from "../test/support/https-client.js";
import { makePki } from "../test/support/pki.js";
import { benchPostgres } from "./postgres.js";
import { submitBench } from "./submit.js";

/** Requests per second with `inFlight` concurrent requests, for `ms` milliseconds. */
async function rate(send: (i: number) => Promise<number>, inFlight: number, ms: number): Promise<number> {
  let n = 0;
  let i = 0;
  const end = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        const status = await send(i++);
        if (status >= 300) throw new Error(`status ${status}`);
        n++;
      }
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

export const bench: BenchArea = {
  area: "transport",
  async run({ quick, progress }) {
    const loadStart = round3(loadavg()[0]!);
    const fx = await mlsFixtures();
    const minTimeMs = quick ? 150 : 500;
    const runs = quick ? 3 : 5;
    const msg = fx.privateMessages[0]!;
    const body = encodeWith(submitMessageRequestCodec, {
      protocol: "mls10",
      appMessage: msg,
      sendingUri: { uri: "mimi://b.example/u/cathy" },
    });
    progress?.("baseline: decodeMlsMessage (ts-mls's decoder, through the adapter)");
    const raw = throughputMetric(
      "codec.tsMlsDecodeMlsMessage.opsPerSec",
      await opsPerSecond(() => decodeMlsMessage(msg.bytes), { minTimeMs, runs }),
    );
    progress?.("decodeSubmitMessageRequest");
    const submit = throughputMetric(
      "codec.decodeSubmitMessageRequest.opsPerSec",
      await opsPerSecond(() => decodeSubmitMessageRequest(body), { minTimeMs, runs }),
      raw,
    );

    progress?.("http: starting a server");
    const pki = makePki("bench-ca", ["a.example", "b.example"]);
    const url = process.env["MIMI_BENCH_POSTGRES_URL"] ?? "memory://";
    const db = await openDatabase(url);
    await migrate(db);
    const server = await startProviderServer({
      domain: "b.example",
      key: pki.providers["b.example"]!.key,
      cert: pki.providers["b.example"]!.cert,
      ca: pki.caCert,
      db,
      endpoints: implementedEndpoints,
      log: () => {},
    });
    const client: TestClient = makeClient(server.port, "b.example", {
      ...pki.providers["a.example"]!,
      ca: pki.caCert,
    });
    const headers = { host: "b.example", from: "mimi@a.example" };
    const path = `/v1/notify/${encodeURIComponent("mimi://a.example/r/bench")}`;
    const ms = quick ? 1000 : 3000;
    const httpRuns = quick ? 1 : 3;
    try {
      const plain: number[] = [];
      const notify: number[] = [];
      for (let r = 0; r < httpRuns; r++) {
        progress?.(`http: directory run ${r + 1}`);
        plain.push(
          await rate(
            async () =>
              (await client.send({ method: "GET", path: "/.well-known/mimi-protocol-directory", headers }))
                .status,
            16,
            ms,
          ),
        );
        progress?.(`http: notify run ${r + 1}`);
        notify.push(
          await rate(
            async (i) =>
              (
                await client.send({
                  method: "POST",
                  path,
                  headers,
                  body: encodeFanoutMessages([{ timestamp: BigInt(r * 1e9 + i), message: msg }]),
                })
              ).status,
            16,
            ms,
          ),
        );
      }
      const plainMetric = throughputMetric("http.plainReqPerSec", median(plain));
      const notifyMetric = throughputMetric(`http.notifyReqPerSec.${db.engine}`, median(notify), plainMetric);
      const pipeline = await submitBench({
        quick,
        baseline: plainMetric,
        ...(progress === undefined ? {} : { progress }),
      });
      const pg = benchPostgres(progress);
      if (pg !== undefined)
        try {
          pipeline.push(
            ...(await submitBench({
              quick,
              postgresUrl: pg.url,
              baseline: plainMetric,
              ...(progress === undefined ? {} : { progress }),
            })),
          );
        } finally {
          pg.stop();
        }
      // The machine's load (1-minute average) around the run: the figures depend on it.
      const load: Metric[] = [
        { name: "machine.loadAvg1.start", value: loadStart, unit: "load" },
        { name: "machine.loadAvg1.end", value: round3(loadavg()[0]!), unit: "load" },
      ];
      return { area: "transport", metrics: [raw, submit, plainMetric, notifyMetric, ...pipeline, ...load] };
    } finally {
      client.close();
      await server.close(1000);
      await db.close();
    }
  },
};
