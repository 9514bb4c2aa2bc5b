/**
 * The HTTP a {@link MimiClient} needs from its runtime: a request with a whole answer, and a
 * streamed GET whose text arrives in chunks. `#platform` gives `http.node.ts` in Node (`node:https`
 * with the client's TLS certificate) and `http.web.ts` elsewhere (`fetch`; in a browser the TLS
 * session, client certificate included, is the browser's).
 */

/** An HTTP answer: status and body. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: Uint8Array;
}

/** TLS settings of the Node variant; the web variant leaves TLS to its runtime. */
export interface HttpTls {
  /** Client certificate and key (PEM). */
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** CA certificate(s) (PEM) that issued the server's certificate. */
  readonly ca: string;
  /** TLS server name (the provider's domain). */
  readonly servername: string;
}

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
  request(method: "GET" | "POST", url: URL, body?: Uint8Array): Promise<HttpAnswer>;
  stream(url: URL, handlers: HttpStreamHandlers): HttpStream;
  /** Close idle connections; later requests fail or reconnect as the runtime does. */
  destroy(): void;
}
