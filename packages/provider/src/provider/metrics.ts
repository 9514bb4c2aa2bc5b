/**
 * A provider's metrics registry: the process metrics prom-client collects by default (CPU, memory,
 * event-loop lag, garbage collection, handles), the federation server's and the client API's
 * request metrics (`mimi_http_*`, `mimi_client_api_*`), and the provider's own gauges, read when
 * scraped: how far each follower is behind the hub's room logs, and the database pool.
 */
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Exposition } from "../server/metrics.js";
import type { Database } from "../storage/database.js";

let processRegistry: Registry | undefined;

/**
 * The process metrics, collected once per process however many providers it runs (they describe
 * the process, and each collector installs event-loop and GC observers that cannot be removed).
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** A provider's metrics: its own registry; the exposition adds the process metrics. */
export interface ProviderMetrics extends Exposition {
  /** Where the provider's request metrics and gauges are registered. */
  readonly registry: Registry;
}

/** Make the metrics of a provider over `db`. */
export function providerMetrics(db: Database): ProviderMetrics {
  const registry = new Registry();
  const registers = [registry];
  new Gauge({
    name: "mimi_fanout_lag_events",
    help: "Events of the rooms this hub hosts that a follower has not acknowledged yet (as of its last written cursor), by follower domain.",
    labelNames: ["peer"],
    registers,
    async collect() {
      this.reset();
      try {
        const rows = await db.query<{ peer_domain: string; lag: unknown }>(
          `SELECT c.peer_domain, SUM(r.last_seq - c.delivered_seq) AS lag
             FROM fanout_cursor c JOIN rooms r ON r.room_id = c.room_id
            GROUP BY c.peer_domain`,
        );
        for (const r of rows) this.set({ peer: r.peer_domain }, Number(r.lag));
      } catch {
        // storage unreachable: no figure (GET /readyz says why)
      }
    },
  });
  if (db.poolStats !== undefined) {
    const stats = db.poolStats.bind(db);
    new Gauge({
      name: "mimi_db_pool_connections",
      help: "PostgreSQL pool connections: open (total), idle, and requests waiting for one.",
      labelNames: ["state"],
      registers,
      collect() {
        const s = stats();
        this.set({ state: "total" }, s.total);
        this.set({ state: "idle" }, s.idle);
        this.set({ state: "waiting" }, s.waiting);
      },
    });
  }
  return {
    registry,
    render: () => Registry.merge([processMetrics(), registry]).metrics(),
    contentType: registry.contentType,
  };
}
