/**
 * Test set-up for running providers: each with its own development PKI (`@mimi/identity`), a
 * client API client presenting a client certificate, and an inbox stream reader.
 */
import { Agent, request } from "node:https";
import { createProviderPki, issueClientCertificate, type ProviderPki } from "@mimi/identity";
import { type RunningProvider, startProvider } from "../src/provider/provider.js";

/** A client API response. */
interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** One line of an inbox stream. */
interface InboxLine {
  readonly n: string;
  readonly roomId: string;
  readonly timestamp: string;
  readonly message: string;
}

/** An open inbox stream. */
export interface InboxReader {
  /** Every line received so far. */
  readonly lines: readonly InboxLine[];
  /** Resolve once `count` lines arrived (rejects after `ms`). */
  waitFor(count: number, ms?: number): Promise<readonly InboxLine[]>;
  close(): void;
}

/** A client of one provider's client API. */
export interface ApiClient {
  send(method: "GET" | "POST", path: string, body?: Uint8Array): Promise<ApiResponse>;
  inbox(after?: string): InboxReader;
  close(): void;
}

/** Make a client API client of `domain` listening on `port`. */
export function apiClient(
  port: number,
  domain: string,
  tls: { readonly key: string; readonly cert: string; readonly ca: string },
): ApiClient {
  const agent = new Agent({ keepAlive: true, ...tls, servername: domain });
  const opened: (() => void)[] = [];
  return {
    send: (method, path, body) =>
      new Promise((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, method, path, agent, servername: domain }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end(body);
      }),
    inbox(after = "0") {
      const lines: InboxLine[] = [];
      let wake: (() => void) | undefined;
      const streamAgent = new Agent({ ...tls, servername: domain });
      const req = request(
        {
          host: "127.0.0.1",
          port,
          path: `/client/v1/inbox?after=${after}`,
          agent: streamAgent,
          servername: domain,
        },
        (res) => {
          let buf = "";
          res.on("data", (c: Buffer) => {
            buf += c.toString();
            for (let i = buf.indexOf("\n"); i !== -1; i = buf.indexOf("\n")) {
              lines.push(JSON.parse(buf.slice(0, i)) as InboxLine);
              buf = buf.slice(i + 1);
            }
            wake?.();
          });
          res.on("error", () => {});
        },
      );
      req.on("error", () => {});
      req.end();
      const close = () => {
        req.destroy();
        streamAgent.destroy();
      };
      opened.push(close);
      return {
        lines,
        async waitFor(count, ms = 15_000) {
          const until = Date.now() + ms;
          while (lines.length < count) {
            if (Date.now() > until)
              throw new Error(`inbox: ${lines.length} of ${count} lines after ${ms} ms`);
            await new Promise<void>((r) => {
              wake = r;
              setTimeout(r, 200);
            });
          }
          return lines;
        },
        close,
      };
    },
    close() {
      for (const c of opened) c();
      agent.destroy();
    },
  };
}

/** A provider's PKI plus a client certificate maker. */
export interface TestIdentity {
  readonly pki: ProviderPki;
  /** TLS material of a client certificate for `clientUri` (user = its `/u/` form). */
  client(clientUri: string): Promise<{ key: string; cert: string; ca: string }>;
}

/** Make a provider's development PKI. */
export async function testIdentity(domain: string): Promise<TestIdentity> {
  const pki = await createProviderPki(domain);
  return {
    pki,
    async client(clientUri) {
      const user = clientUri.replace("/d/", "/u/").replace(/\/[^/]+$/, "");
      const issued = await issueClientCertificate(pki.ca, { userUri: user, clientUri });
      return { key: issued.privateKeyPem!, cert: issued.certificatePem, ca: pki.ca.certificatePem };
    },
  };
}

/** `/client/v1/<name>/<param>` */
export const api = (name: string, param?: string): string =>
  `/client/v1/${name}${param === undefined ? "" : `/${encodeURIComponent(param)}`}`;

/** Options of a provider started by {@link providerStarter} (everything but identity and peers). */
export type StartMore = Partial<Parameters<typeof startProvider>[0]>;

/**
 * Start providers of test identities that trust each other's CAs, reach each other on loopback
 * (each one's port is known to the others once it is started) and log nothing; with `clientApi`,
 * each also gets a client API for its own CA's clients.
 */
export function providerStarter(
  ids: readonly TestIdentity[],
  options: { readonly clientApi?: boolean } = {},
): { start: (id: TestIdentity, more?: StartMore) => Promise<RunningProvider>; ports: Map<string, number> } {
  const ports = new Map<string, number>();
  const ca = ids.map((i) => i.pki.ca.certificatePem);
  return {
    ports,
    async start(id, more = {}) {
      const p = await startProvider({
        domain: id.pki.domain,
        tls: { key: id.pki.server.privateKeyPem, cert: id.pki.server.certificatePem, ca },
        ...(options.clientApi === true ? { clientApi: { port: 0, ca: id.pki.ca.certificatePem } } : {}),
        peers: (d) => (ports.has(d) ? { host: "127.0.0.1", port: ports.get(d)! } : undefined),
        log: () => {},
        ...more,
      });
      ports.set(id.pki.domain, p.port);
      return p;
    },
  };
}
