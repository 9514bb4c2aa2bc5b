/**
 * Prometheus metrics of a server (text exposition format 0.0.4): request counts by route, method
 * and status, a latency histogram by route, requests in flight, and rejections by reason.
 */

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;

function labels(l: Readonly<Record<string, string>>): string {
  const parts = Object.entries(l).map(
    ([k, v]) => `${k}="${v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n")}"`,
  );
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** The metrics registry of one server. */
export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly rejections = new Map<string, number>();
  private readonly histograms = new Map<string, { counts: number[]; sum: number; count: number }>();
  private inFlight = 0;

  /** A request started. */
  started(): void {
    this.inFlight++;
  }

  /** A request finished with `status` after `seconds`. */
  finished(route: string, method: string, status: number, seconds: number): void {
    this.inFlight--;
    const key = labels({ route, method, status: String(status) });
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hk = labels({ route });
    let h = this.histograms.get(hk);
    if (h === undefined) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.histograms.set(hk, h);
    }
    for (const [i, b] of BUCKETS.entries()) if (seconds <= b) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  /** A request was rejected (4xx) for `reason` (a short stable category). */
  rejected(reason: string): void {
    const key = labels({ reason });
    this.rejections.set(key, (this.rejections.get(key) ?? 0) + 1);
  }

  /** The exposition text. */
  render(): string {
    const out: string[] = [
      "# HELP mimi_http_requests_total MIMI protocol requests answered, by route, method and status.",
      "# TYPE mimi_http_requests_total counter",
    ];
    for (const [k, v] of this.requests) out.push(`mimi_http_requests_total${k} ${v}`);
    out.push("# HELP mimi_http_rejections_total Requests refused with a 4xx, by reason.");
    out.push("# TYPE mimi_http_rejections_total counter");
    for (const [k, v] of this.rejections) out.push(`mimi_http_rejections_total${k} ${v}`);
    out.push("# HELP mimi_http_requests_in_flight Requests being handled.");
    out.push("# TYPE mimi_http_requests_in_flight gauge");
    out.push(`mimi_http_requests_in_flight ${this.inFlight}`);
    out.push("# HELP mimi_http_request_duration_seconds Time to answer a request, by route.");
    out.push("# TYPE mimi_http_request_duration_seconds histogram");
    for (const [k, h] of this.histograms) {
      const inner = k.slice(1, -1);
      for (const [i, b] of BUCKETS.entries())
        out.push(`mimi_http_request_duration_seconds_bucket{${inner},le="${b}"} ${h.counts[i]}`);
      out.push(`mimi_http_request_duration_seconds_bucket{${inner},le="+Inf"} ${h.count}`);
      out.push(`mimi_http_request_duration_seconds_sum${k} ${h.sum}`);
      out.push(`mimi_http_request_duration_seconds_count${k} ${h.count}`);
    }
    return `${out.join("\n")}\n`;
  }
}
