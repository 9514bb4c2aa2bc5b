/**
 * The client's HTTP over `fetch` (the variant of `#platform` for browsers and other non-Node
 * runtimes). TLS is the runtime's: the `HttpTls` settings are not used here; a page authenticates
 * by signing its requests (decision 0810), whose headers are passed in.
 */
import type { HttpAnswer, HttpClient, HttpHeaders, HttpStream, HttpStreamHandlers, HttpTls } from "./http.js";

/** A `fetch`-based client; `_tls` is accepted for the same signature as the Node variant. */
export function createHttpClient(_tls: HttpTls): HttpClient {
  const open = new Set<AbortController>();
  return {
    async request(method, url, body, headers: HttpHeaders = {}): Promise<HttpAnswer> {
      const res = await fetch(url, {
        method,
        ...(body === undefined
          ? { headers: { ...headers } }
          : {
              body: new Uint8Array(body),
              headers: { "content-type": "application/octet-stream", ...headers },
            }),
      });
      return { status: res.status, body: new Uint8Array(await res.arrayBuffer()) };
    },
    stream(url: URL, handlers: HttpStreamHandlers, headers: HttpHeaders = {}): HttpStream {
      const abort = new AbortController();
      open.add(abort);
      let ended = false;
      const end = (): void => {
        open.delete(abort);
        if (ended) return;
        ended = true;
        handlers.onEnd();
      };
      void (async () => {
        try {
          const res = await fetch(url, { signal: abort.signal, headers: { ...headers } });
          if (res.status !== 200 || res.body === null) {
            await res.body?.cancel();
            return;
          }
          const reader = res.body.getReader();
          const text = new TextDecoder();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            handlers.onText(text.decode(value, { stream: true }));
          }
        } catch {
          // a failed or aborted stream ends like a closed one
        } finally {
          end();
        }
      })();
      return { close: () => abort.abort() };
    },
    destroy() {
      for (const a of open) a.abort();
    },
  };
}

/** Run `f` after `ms`. */
export function later(f: () => void, ms: number): void {
  setTimeout(f, ms);
}
