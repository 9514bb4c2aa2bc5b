/** The client's HTTP over `node:https` with its TLS certificate (the `node` variant of `#platform`). */
import { Agent, request } from "node:https";
import type { HttpAnswer, HttpClient, HttpStream, HttpStreamHandlers, HttpTls } from "./http.js";

/** An HTTPS connection pool presenting the client's certificate (TLS 1.3 only). */
export function createHttpClient(tls: HttpTls): HttpClient {
  const agent = new Agent({
    keepAlive: true,
    cert: tls.certificatePem,
    key: tls.privateKeyPem,
    ca: tls.ca,
    minVersion: "TLSv1.3",
    servername: tls.servername,
  });
  return {
    request(method, url, body): Promise<HttpAnswer> {
      return new Promise<HttpAnswer>((resolve, reject) => {
        const req = request(
          url,
          {
            method,
            agent,
            servername: tls.servername,
            headers:
              body === undefined
                ? {}
                : { "content-type": "application/octet-stream", "content-length": body.length },
          },
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
    stream(url: URL, handlers: HttpStreamHandlers): HttpStream {
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        handlers.onEnd();
      };
      const req = request(url, { method: "GET", agent, servername: tls.servername }, (res) => {
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
    },
  };
}

/** Run `f` after `ms` without keeping the process alive for it. */
export function later(f: () => void, ms: number): void {
  setTimeout(f, ms).unref();
}
