import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerMetrics } from "../src/provider/metrics.js";
import { type RunningProvider, startProvider } from "../src/provider/provider.js";
import { ServerMetrics } from "../src/server/metrics.js";
import type { Database } from "../src/storage/database.js";
import { makePki } from "./support/pki.js";
import { freshPostgresDatabase, postgresUrl } from "./support/postgres.js";

const pki = makePki("metrics-ca", ["m.example"]);
const tls = { key: pki.providers["m.example"]!.key, cert: pki.providers["m.example"]!.cert, ca: pki.caCert };
let provider: RunningProvider;
let drop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  const pg = postgresUrl === undefined ? undefined : await freshPostgresDatabase();
  drop = pg?.drop;
  provider = await startProvider({
    domain: "m.example",
    tls,
    storage: pg?.url ?? "memory://",
    metrics: { port: 0 },
    log: () => {},
  });
}, 60_000);
afterAll(async () => {
  await provider?.stop(1000);
  await drop?.();
});

const scrape = async (): Promise<string> => {
  const r = await fetch(`http://127.0.0.1:${provider.metricsPort}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return r.text();
};

describe("the provider's metrics (prom-client)", () => {
  it("expose the process metrics, per-route latency histograms, fanout lag and the database pool", async () => {
    // a room with an event the follower n.example has not acknowledged
    await provider.db.query("INSERT INTO rooms (room_id, last_seq, created_at) VALUES ($1, 7, 0)", [
      "mimi://m.example/r/metrics",
    ]);
    await provider.db.query(
      "INSERT INTO fanout_cursor (room_id, peer_domain, delivered_seq) VALUES ($1, 'n.example', 4)",
      ["mimi://m.example/r/metrics"],
    );
    const text = await scrape();
    // process defaults
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    // the request metrics of both listeners are declared, histograms included
    expect(text).toMatch(/^# TYPE mimi_http_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^# TYPE mimi_http_requests_in_flight gauge$/m);
    // the follower's lag: 7 accepted, 4 acknowledged
    expect(text).toMatch(/^mimi_fanout_lag_events\{peer="n\.example"\} 3$/m);
    await provider.db.query("UPDATE fanout_cursor SET delivered_seq = 7");
    expect(await scrape()).toMatch(/^mimi_fanout_lag_events\{peer="n\.example"\} 0$/m);
    if (postgresUrl !== undefined) expect(text).toMatch(/^mimi_db_pool_connections\{state="total"\} [1-9]/m);
    else expect(text).not.toMatch(/mimi_db_pool_connections\{/);
  });

  it("count requests by route and status with their latency, through a second server's registry", async () => {
    const m = new ServerMetrics({ prefix: "t_" });
    m.started();
    m.finished("notify", "POST", 201, 0.003);
    m.rejected("http_421");
    const text = await m.render();
    expect(text).toMatch(/^t_requests_total\{route="notify",method="POST",status="201"\} 1$/m);
    expect(text).toMatch(/^t_request_duration_seconds_bucket\{le="0\.0025",route="notify"\} 0$/m);
    expect(text).toMatch(/^t_request_duration_seconds_bucket\{le="0\.005",route="notify"\} 1$/m);
    expect(text).toMatch(/^t_rejections_total\{reason="http_421"\} 1$/m);
    expect(text).toMatch(/^t_requests_in_flight 0$/m);
  });

  it("leave the lag out, and still answer, while the storage is gone", async () => {
    const gone = (): Promise<never> => Promise.reject(new Error("connection refused"));
    const db: Database = { engine: "postgres", query: gone, transaction: gone, close: async () => {} };
    const text = await providerMetrics(db).render();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^# TYPE mimi_fanout_lag_events gauge$/m);
    expect(text).not.toMatch(/^mimi_fanout_lag_events\{/m);
  });
});
