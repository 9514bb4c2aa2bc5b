/**
 * Prometheus metrics of a server, kept by prom-client: requests answered by route, method and
 * status, a latency histogram per route, requests in flight, and refusals by reason. A provider
 * registers its federation server's and its client API's metrics (under different prefixes) in one
 * registry with the process metrics and its own gauges (`provider/metrics.ts`).
 */
import type { ServerResponse } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { errorFields, type LogRecord } from "./log.js";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Options of {@link ServerMetrics}. */
export interface ServerMetricsOptions {
  /** The registry the metrics go in (default: one of their own). */
  readonly registry?: Registry;
  /** The prefix of the metric names (default `mimi_http_`). */
  readonly prefix?: string;
}

/** The request metrics of one server. */
export class ServerMetrics {
  /** The registry holding them. */
  readonly registry: Registry;
  private readonly requests: Counter<"route" | "method" | "status">;
  private readonly rejections: Counter<"reason">;
  private readonly inFlight: Gauge;
  private readonly duration: Histogram<"route">;

  constructor(options: ServerMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    const p = options.prefix ?? "mimi_http_";
    this.requests = new Counter({
      name: `${p}requests_total`,
      help: "MIMI protocol requests answered, by route, method and status.",
      labelNames: ["route", "method", "status"],
      registers,
    });
    this.rejections = new Counter({
      name: `${p}rejections_total`,
      help: "Requests refused with a 4xx, by reason.",
      labelNames: ["reason"],
      registers,
    });
    this.inFlight = new Gauge({ name: `${p}requests_in_flight`, help: "Requests being handled.", registers });
    this.duration = new Histogram({
      name: `${p}request_duration_seconds`,
      help: "Time to answer a request, by route.",
      labelNames: ["route"],
      buckets: BUCKETS,
      registers,
    });
  }

  /** A request started. */
  started(): void {
    this.inFlight.inc();
  }

  /** A request finished with `status` after `seconds`. */
  finished(route: string, method: string, status: number, seconds: number): void {
    this.inFlight.dec();
    this.requests.inc({ route, method, status: String(status) });
    this.duration.observe({ route }, seconds);
  }

  /** A request was rejected (4xx) for `reason` (a short stable category). */
  rejected(reason: string): void {
    this.rejections.inc({ reason });
  }

  /** The exposition text of the registry (every metric in it, not only these). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The exposition's media type. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Metrics that can be scraped: the exposition text and its media type. */
export interface Exposition {
  render(): Promise<string>;
  readonly contentType: string;
}

/** Answer `GET /metrics` with `exposition` (500, logged, when collecting fails). */
export function answerMetrics(
  res: ServerResponse,
  exposition: Exposition,
  log: (record: LogRecord) => void,
): void {
  exposition.render().then(
    (text) => {
      res.setHeader("Content-Type", exposition.contentType);
      res.end(text);
    },
    (e: unknown) => {
      log({ level: "error", msg: "metrics failed", ...errorFields(e) });
      res.statusCode = 500;
      res.end();
    },
  );
}
