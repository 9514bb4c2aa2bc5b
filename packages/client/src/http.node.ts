/**
 * The client's HTTP over `node:https` with its TLS certificate (the `node` variant of `#platform`),
 * or over `node:http` for an `http:` URL (a provider's loopback browser listener, decision 0811).
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import type { HttpAnswer, HttpClient, HttpHeaders, HttpStream, HttpStreamHandlers, HttpTls } from "./http.js";

/** An HTTPS connection pool presenting the client's certificate, if any (TLS 1.3 only). */
export function createHttpClient(tls: HttpTls): HttpClient {
  const agent = new Agent({
    keepAlive: true,
    ...(tls.certificatePem === undefined ? {} : { cert: tls.certificatePem }),
    ...(tls.privateKeyPem === undefined ? {} : { key: tls.privateKeyPem }),
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    minVersion: "TLSv1.3",
    ...(tls.servername === undefined ? {} : { servername: tls.servername }),
  });
  const plain = new HttpAgent({ keepAlive: true });
  const open = (
    url: URL,
    method: string,
    headers: Record<string, string | number>,
    onResponse: Parameters<typeof httpRequest>[2],
  ) =>
    url.protocol === "http:"
      ? httpRequest(url, { method, agent: plain, headers }, onResponse)
      : httpsRequest(
          url,
          { method, agent, headers, ...(tls.servername === undefined ? {} : { servername: tls.servername }) },
          onResponse,
        );
  const send = (
    method: string,
    url: URL,
    body: Uint8Array | undefined,
    headers: HttpHeaders,
  ): Promise<HttpAnswer> =>
    new Promise<HttpAnswer>((resolve, reject) => {
      let answered = false;
      const req = open(
        url,
        method,
        body === undefined
          ? { ...headers }
          : { "content-type": "application/octet-stream", ...headers, "content-length": body.length },
        (res) => {
          answered = true;
          const chunks: Uint8Array[] = [];
          res.on("data", (c: Uint8Array) => chunks.push(c));
          res.on("end", () => {
            const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
            let at = 0;
            for (const c of chunks) {
              out.set(c, at);
              at += c.length;
            }
            resolve({ status: res.statusCode ?? 0, body: out });
          });
          res.on("error", reject);
        },
      );
      req.on("error", (e: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed while it was idle (its keep-alive timeout)
        // fails the next request written on it, unanswered; Node marks such a request
        // `reusedSocket` (a busy client process sees the server's close only after writing):
        // ECONNRESET, or EPIPE when the close meets the request's body still being written.
        const stale = e.code === "ECONNRESET" || e.code === "EPIPE";
        reject(!answered && req.reusedSocket && stale ? new StaleConnection(e) : e);
      });
      req.end(body);
    });
  return {
    request(method, url, body, headers: HttpHeaders = {}): Promise<HttpAnswer> {
      // Node's documented remedy for a stale kept-alive connection: send again (the pool may hold
      // a few stale ones; a new connection is made when none is left)
      const attempt = (left: number): Promise<HttpAnswer> =>
        send(method, url, body, headers).catch((e: unknown) => {
          if (!(e instanceof StaleConnection)) throw e;
          if (left > 0) return attempt(left - 1);
          throw e.original;
        });
      return attempt(STALE_RETRIES);
    },
    stream(url: URL, handlers: HttpStreamHandlers, headers: HttpHeaders = {}): HttpStream {
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        handlers.onEnd();
      };
      const req = open(url, "GET", { ...headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          end();
          return;
        }
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => handlers.onText(chunk));
        res.on("end", end);
        res.on("error", end);
      });
      req.on("error", end);
      req.end();
      return { close: () => req.destroy() };
    },
    destroy() {
      agent.destroy();
      plain.destroy();
    },
  };
}

/** How many times a request is sent again after meeting a stale kept-alive connection. */
const STALE_RETRIES = 4;

/** A request that failed on a kept-alive connection the server had closed. */
class StaleConnection extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

/** Run `f` after `ms` without keeping the process alive for it. */
export function later(f: () => void, ms: number): void {
  setTimeout(f, ms).unref();
}
