/**
 * The HTTP a {@link MimiClient} needs from its runtime: a request with a whole answer, and a
 * streamed GET whose text arrives in chunks. `#platform` gives `http.node.ts` in Node (`node:https`
 * with the client's TLS certificate, or `node:http` for a loopback browser listener) and `http.web.ts` elsewhere (`fetch`; in a browser the TLS
 * session, client certificate included, is the browser's).
 */

/** An HTTP answer: status and body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: Uint8Array;
}

/**
 * TLS settings of the Node variant; the web variant leaves TLS to its runtime. Without a client
 * certificate (signature authentication, decision 0810) none is presented; without `ca` the
 * runtime's CAs are trusted.
 */
export interface HttpTls {
  /** Client certificate and key (PEM). */
  readonly certificatePem?: string;
  readonly privateKeyPem?: string;
  /** CA certificate(s) (PEM) that issued the server's certificate. */
  readonly ca?: string;
  /** TLS server name (default: the URL's host). */
  readonly servername?: string;
}

/** Request headers (lower-case names), e.g. a request's signature. */
export type HttpHeaders = Readonly<Record<string, string>>;

/** A streamed response being read; `close` ends it. */
export interface HttpStream {
  close(): void;
}

/** Handlers of a streamed GET. */
export interface HttpStreamHandlers {
  /** The status was 200; text chunks follow. */
  readonly onText: (chunk: string) => void;
  /** The stream ended, failed, or the status was not 200: the caller may reconnect. */
  readonly onEnd: () => void;
}

/** The client's HTTP connection pool to its provider. */
export interface HttpClient {
  request(method: "GET" | "POST", url: URL, body?: Uint8Array, headers?: HttpHeaders): Promise<HttpAnswer>;
  stream(url: URL, handlers: HttpStreamHandlers, headers?: HttpHeaders): HttpStream;
  /** Close idle connections; later requests fail or reconnect as the runtime does. */
  destroy(): void;
}
