/**
 * A minimal mTLS HTTPS client for tests: one keep-alive agent per calling provider.
 */
import { Agent, request } from "node:https";

/** A response. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** A client presenting `key`/`cert` and trusting `ca`. */
export interface TestClient {
  send(options: {
    readonly method: string;
    readonly path: string;
    readonly headers?: Record<string, string>;
    readonly body?: Uint8Array;
    /** Called after the headers are sent, before the body, to delay it. */
    readonly beforeBody?: () => Promise<void>;
  }): Promise<TestResponse>;
  close(): void;
}

/** Make a client of the server on 127.0.0.1:`port` named `serverName`. */
export function makeClient(
  port: number,
  serverName: string,
  tls: { readonly key?: string; readonly cert?: string; readonly ca: string },
): TestClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 8, ...tls, servername: serverName });
  return {
    send: ({ method, path, headers = {}, body, beforeBody }) =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            method,
            path,
            agent,
            servername: serverName,
            headers: { ...(body === undefined ? {} : { "content-length": String(body.length) }), ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        const finish = () => (body === undefined ? req.end() : req.end(body));
        if (beforeBody === undefined) finish();
        else {
          req.flushHeaders();
          beforeBody().then(finish, reject);
        }
      }),
    close: () => agent.destroy(),
  };
}
