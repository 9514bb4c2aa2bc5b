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
  return {
    request(method, url, body, headers: HttpHeaders = {}): Promise<HttpAnswer> {
      return new Promise<HttpAnswer>((resolve, reject) => {
        const req = open(
          url,
          method,
          body === undefined
            ? { ...headers }
            : { "content-type": "application/octet-stream", ...headers, "content-length": body.length },
          (res) => {
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
        req.on("error", reject);
        req.end(body);
      });
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

/** Run `f` after `ms` without keeping the process alive for it. */
export function later(f: () => void, ms: number): void {
  setTimeout(f, ms).unref();
}
