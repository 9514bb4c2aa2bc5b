/**
 * A loopback TCP proxy a chaos run controls: it sits on one direction of a link (a provider's
 * `peers` entry, or a client's client API URL, points at it) and forwards bytes to the target,
 * or breaks the link the way its current mode says. TLS passes through untouched, except in
 * `unavailable` mode, where the proxy ends TLS itself with the target's certificate and answers
 * every request 503 (a provider that fails). Decision 0678.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { connect, createServer, type Server, type Socket } from "node:net";

/** How the proxy treats the link. */
export type ProxyMode =
  | { readonly kind: "pass" }
  /** Every open connection is dropped and every new one closed at once. */
  | { readonly kind: "drop" }
  /** Every chunk, both ways, waits `ms` before it is forwarded. */
  | { readonly kind: "delay"; readonly ms: number }
  /**
   * Each connection's first request after the TLS handshake is forwarded half-way and the
   * connection then reset (a reset in the middle of a body).
   */
  | { readonly kind: "reset-mid-body" }
  /** Connections are accepted and nothing is ever forwarded or answered. */
  | { readonly kind: "blackhole" }
  /** The proxy answers every request `503 Service Unavailable` itself, with `Retry-After: 1`. */
  | { readonly kind: "unavailable" }
  /** Bytes from the target to the client flow at most `bytesPerSecond` (a slow reader). */
  | { readonly kind: "throttle"; readonly bytesPerSecond: number };

/** What the proxy saw. */
export interface ProxyStats {
  connections: number;
  /** Connections the proxy ended on purpose (drop, reset, blackhole). */
  broken: number;
  /** 503 answers the proxy gave itself (`unavailable`). */
  injected503: number;
}

/** A running proxy. */
export interface ChaosProxy {
  /** `127.0.0.1:port` the proxy listens at. */
  readonly address: string;
  readonly port: number;
  readonly stats: ProxyStats;
  mode: ProxyMode;
  /** Set the mode; `drop`, `blackhole`, `reset-mid-body` and `unavailable` also end the open connections. */
  set(mode: ProxyMode): void;
  /** The TLS key and certificate (the target's) the proxy answers with in `unavailable` mode. */
  answerAs(tls: { readonly key: string; readonly cert: string }): void;
  close(): Promise<void>;
}

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** `host:port` to forward to. */
  readonly target: string;
}

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
}

/** Start a proxy on a free loopback port in `pass` mode. */
export async function startProxy(options: ProxyOptions): Promise<ChaosProxy> {
  const [host, portText] = splitHostPort(options.target);
  const pairs = new Set<Pair>();
  /** Connections the proxy answers itself (`unavailable`). */
  const answered = new Set<Socket>();
  const stats: ProxyStats = { connections: 0, broken: 0, injected503: 0 };
  let failing: HttpsServer | undefined;
  const answerAs = (tls: { readonly key: string; readonly cert: string }): void => {
    failing = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      req.resume();
      stats.injected503++;
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      res.end(
        `${JSON.stringify({ error: "Unavailable", what: "the chaos proxy answers 503", path: "/" })}\n`,
      );
    });
    failing.on("tlsClientError", () => undefined);
  };
  const end = (pair: Pair, reset: boolean): void => {
    stats.broken++;
    if (reset) {
      pair.client.resetAndDestroy();
      pair.upstream?.resetAndDestroy();
    } else {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    pairs.delete(pair);
  };
  const proxy: ChaosProxy = {
    address: "",
    port: 0,
    stats,
    mode: { kind: "pass" },
    answerAs,
    set(mode: ProxyMode): void {
      proxy.mode = mode;
      // a follower that stops failing answers on the same connections: the 503 ones end
      for (const c of [...answered]) c.destroy();
      answered.clear();
      if (mode.kind === "drop" || mode.kind === "blackhole" || mode.kind === "unavailable") {
        for (const p of [...pairs]) end(p, false);
      } else if (mode.kind === "reset-mid-body") {
        for (const p of [...pairs]) end(p, true);
      }
    },
    async close(): Promise<void> {
      for (const p of [...pairs]) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      pairs.clear();
      failing?.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
  const server: Server = createServer((client) => {
    stats.connections++;
    client.on("error", () => undefined);
    const mode = proxy.mode;
    const pair: Pair = { client, upstream: undefined };
    if (mode.kind === "drop") {
      stats.broken++;
      client.destroy();
      return;
    }
    if (mode.kind === "blackhole") {
      stats.broken++;
      pairs.add(pair);
      client.on("close", () => pairs.delete(pair));
      client.resume(); // read and forget
      return;
    }
    if (mode.kind === "unavailable" && failing !== undefined) {
      answered.add(client);
      client.on("close", () => answered.delete(client));
      failing.emit("connection", client);
      return;
    }
    pairs.add(pair);
    const upstream = connect(Number(portText), host);
    pair.upstream = upstream;
    upstream.on("error", () => end(pair, false));
    client.on("error", () => end(pair, false));
    upstream.on("close", () => {
      if (pairs.has(pair)) {
        pairs.delete(pair);
        client.destroy();
      }
    });
    client.on("close", () => {
      if (pairs.has(pair)) {
        pairs.delete(pair);
        upstream.destroy();
      }
    });
    // chunks from the client: the first two are the TLS handshake (ClientHello; certificate and
    // Finished), the third carries the first request
    let fromClient = 0;
    let sawServer = false;
    const forward = (from: Socket, to: Socket, towardsClient: boolean): void => {
      from.on("data", (chunk: Buffer) => {
        const m = proxy.mode;
        if (!pairs.has(pair)) return;
        if (towardsClient) sawServer = true;
        else fromClient++;
        if (m.kind === "drop" || m.kind === "blackhole") return;
        if (m.kind === "reset-mid-body" && !towardsClient && sawServer && fromClient >= 3) {
          to.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)), () => end(pair, true));
          return;
        }
        if (m.kind === "delay") {
          from.pause();
          setTimeout(() => {
            if (pairs.has(pair)) to.write(chunk);
            from.resume();
          }, m.ms);
          return;
        }
        if (m.kind === "throttle" && towardsClient) {
          from.pause();
          to.write(chunk);
          setTimeout(() => from.resume(), Math.ceil((chunk.length * 1000) / m.bytesPerSecond));
          return;
        }
        if (!to.write(chunk)) {
          from.pause();
          to.once("drain", () => from.resume());
        }
      });
    };
    forward(client, upstream, false);
    forward(upstream, client, true);
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => done());
  });
  const a = server.address();
  const port = typeof a === "object" && a !== null ? a.port : 0;
  Object.assign(proxy, { port, address: `127.0.0.1:${port}` });
  return proxy;
}

function splitHostPort(s: string): [string, string] {
  const i = s.lastIndexOf(":");
  return [s.slice(0, i), s.slice(i + 1)];
}
