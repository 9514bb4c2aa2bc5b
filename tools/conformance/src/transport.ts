/**
 * The runner's side of the wire: one HTTPS request to the target with every part under the
 * runner's control (the client certificate or none, `Host`, `From`, path and body), so that the
 * §4.1 checks can send what a well-behaved peer never would. Every request opens its own
 * connection: a refused handshake is an answer, not an error.
 */
import type { IncomingHttpHeaders } from "node:http";
import { request } from "node:https";

/** Where the target listens and how it is authenticated. */
export interface TargetAddress {
  /** The target provider domain (TLS server name, `Host`). */
  readonly domain: string;
  /** Where to connect. */
  readonly host: string;
  readonly port: number;
  /** The CA(s) the target's server certificate chains to (PEM). */
  readonly ca: string;
}

/** The runner's mutual-TLS identity: a provider certificate of its domain and the key. */
export interface ClientTls {
  readonly key: string;
  readonly cert: string;
}

/** One request. */
export interface RawRequest {
  readonly method: "GET" | "POST";
  /** Request target: path and query. */
  readonly path: string;
  readonly body?: Uint8Array;
  /** The client certificate to present; `null` presents none. */
  readonly tls: ClientTls | null;
  /** The `Host` header; `null` sends none (default: the target domain). */
  readonly host?: string | null;
  /** The `From` header; `null` sends none. */
  readonly from: string | null;
  /** Time allowed (default 30 s). */
  readonly timeoutMs?: number;
}

/** The target answered. */
interface Answered {
  readonly kind: "answer";
  readonly status: number;
  readonly body: Uint8Array;
  readonly headers: IncomingHttpHeaders;
}

/** The connection failed or was closed before an answer (a refused handshake, a reset, a timeout). */
interface NoAnswer {
  readonly kind: "none";
  readonly error: string;
}

export type Outcome = Answered | NoAnswer;

/** Send one request on a new connection; never throws. */
export function exchange(target: TargetAddress, req: RawRequest): Promise<Outcome> {
  const body = req.body ?? new Uint8Array(0);
  const headers: Record<string, string> = {};
  const host = req.host === undefined ? target.domain : req.host;
  if (host !== null) headers["host"] = host;
  if (req.from !== null) headers["from"] = req.from;
  if (req.method === "POST") {
    headers["content-type"] = "application/octet-stream";
    headers["content-length"] = String(body.length);
  }
  const timeoutMs = req.timeoutMs ?? 30_000;
  return new Promise<Outcome>((done) => {
    let settled = false;
    const finish = (o: Outcome): void => {
      if (settled) return;
      settled = true;
      done(o);
    };
    const r = request(
      {
        host: target.host,
        port: target.port,
        method: req.method,
        path: req.path,
        servername: target.domain,
        ca: target.ca,
        ...(req.tls === null ? {} : { key: req.tls.key, cert: req.tls.cert }),
        minVersion: "TLSv1.2",
        agent: false,
        headers,
        // Node sets Host itself unless told not to when the header is absent
        ...(host === null ? { setHost: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => finish({ kind: "none", error: `response failed: ${e.message}` }));
        res.on("end", () => {
          const all = Buffer.concat(chunks);
          finish({
            kind: "answer",
            status: res.statusCode ?? 0,
            body: new Uint8Array(all.buffer, all.byteOffset, all.byteLength),
            headers: res.headers,
          });
        });
      },
    );
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on("error", (e) => finish({ kind: "none", error: e.message }));
    r.end(req.method === "POST" ? body : undefined);
  });
}

/** A short description of an outcome for a report line. */
export function describeOutcome(o: Outcome): string {
  if (o.kind === "none") return `no answer (${o.error})`;
  const text = new TextDecoder().decode(o.body.subarray(0, 300));
  const reason = o.headers["content-type"]?.includes("json") ? `: ${text}` : "";
  return `${o.status}${reason}`;
}
