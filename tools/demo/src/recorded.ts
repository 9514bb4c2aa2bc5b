/**
 * A recorded, reproducible run of the demo: the three providers of `mimi demo` (hub `a.example`,
 * followers `b.example` and `c.example`) in this process, each a real provider server with mutual
 * TLS on loopback, a client API and embedded storage, driven by the demo scenario with real
 * clients. Every random value comes from a seeded stream and the clock is frozen, so the bodies of
 * every federation request and answer are the same on every run: `mimi vectors generate` records
 * them as the federation transcript (`spec-vectors/generated/federation/transcript.json`).
 *
 * What makes the run reproducible (decision 0808):
 * - `withSeededRandom` and `withFixedClock` around everything (keys, nonces, salts, blob and
 *   join-code IDs, KeyPackage lifetimes, FanoutMessage timestamps);
 * - client actions run one at a time (their random draws come in one order);
 * - the scenario waits until no federation request is in flight after each step and before a
 *   commit that follows other clients' proposals ({@link ScenarioFederation.settle});
 * - the TLS certificates, which no body contains and which the TLS stack checks against the real
 *   clock, are issued at the real time; the provider CAs and the MLS credentials at the fixed time.
 */
import { request } from "node:https";
import { ClientCore, MimiClient, provisionClient } from "@mimi/client";
import { parseMimiUri } from "@mimi/identifiers";
import {
  createProviderPki,
  createTrustStore,
  issueProviderCertificate,
  type ProviderPki,
  type TrustStore,
  trustAnchor,
} from "@mimi/identity";
import { loadCiphersuite, type MlsCiphersuite } from "@mimi/mls-profile";
import { DIRECTORY_PATH } from "@mimi/protocol";
import {
  type Exchange,
  persistedDirectoryEndpoint,
  type RunningProvider,
  startProvider,
} from "@mimi/provider";
import { InternalError } from "@mimi/wire";
import { demoDirectorySeed, lookUpHandle } from "./directory.js";
import { type ConsentParty, sendConsentGrant } from "./federation.js";
import { DEMO_PATH_LAYOUTS } from "./layouts.js";
import type { ScenarioClient, ScenarioFederation } from "./scenario.js";

/** The start of a recorded run's clock: 2026-01-01T00:00:00Z. */
export const RECORDED_TIME_MS: number = Date.UTC(2026, 0, 1);

/**
 * The clock of a recorded run: it starts at {@link RECORDED_TIME_MS} and moves one second before
 * each client action, never on its own (messages get distinct, reproducible times).
 */
export class LogicalClock {
  private ms = RECORDED_TIME_MS;
  /** The current time. */
  readonly now = (): number => this.ms;
  /** Move one second ahead. */
  tick(): void {
    this.ms += 1000;
  }
}

/** One federation request and its answer, as the receiving provider saw it. */
export interface RecordedExchange {
  /** The authenticated sending provider. */
  readonly from: string;
  /** The receiving provider. */
  readonly to: string;
  readonly exchange: Exchange;
}

/** A provider of a recorded federation. */
interface RecordedProvider extends ConsentParty {
  readonly running: RunningProvider;
  readonly clientApiUrl: string;
}

/** A federation of in-process providers whose every federation exchange is recorded. */
export interface RecordedFederation extends ScenarioFederation {
  readonly providers: readonly RecordedProvider[];
  /** The outside peer `d.example`: a PKI every provider trusts, with no server. */
  readonly peer: ProviderPki;
  readonly cs: MlsCiphersuite;
  readonly trust: TrustStore;
  /** Every exchange so far, in the order the receiving servers answered them. */
  readonly exchanges: RecordedExchange[];
  /** A client of `user` on `domain` (its MLS credential issued at the fixed time). */
  client(
    domain: string,
    user: string,
    device: string,
  ): Promise<ScenarioClient & { readonly core: ClientCore }>;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const DOMAINS = ["a.example", "b.example", "c.example"] as const;

/** Serialize calls: each runs after the previous one settled. */
function serializer(before: () => void): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const go = (): Promise<T> => {
      before();
      return fn();
    };
    const run = tail.then(go, go);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Start the three providers in this process. Call it inside `withSeededRandom` and
 * `withFixedClock(clock.now)` (see `recordDemo`) for a reproducible run; each client action
 * moves `clock` one second ahead.
 *
 * @throws whatever a provider's start throws.
 */
export async function startRecordedFederation(clock: LogicalClock): Promise<RecordedFederation> {
  const cs = await loadCiphersuite();
  const fixed = new Date(Date.now());
  const realNow = new Date(performance.timeOrigin + performance.now());
  const pkis = new Map<string, ProviderPki>();
  for (const d of [...DOMAINS, "d.example"]) {
    const pki = await createProviderPki(d, { algorithm: "Ed25519", now: fixed });
    // the TLS certificate is checked by the TLS stack against the real clock
    const server = await issueProviderCertificate(pki.ca, { now: realNow });
    if (server.privateKeyPem === undefined)
      throw new InternalError("no key for the TLS certificate", { path: `/providers/${d}` });
    pkis.set(d, {
      ...pki,
      server: { certificatePem: server.certificatePem, privateKeyPem: server.privateKeyPem },
    });
  }
  const trust = createTrustStore([...pkis.values()].map((p) => trustAnchor(p.ca.certificatePem)));
  const exchanges: RecordedExchange[] = [];
  const ports = new Map<string, number>();
  const providers: RecordedProvider[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(providers.map((p) => p.running.stop()));
  };
  try {
    for (const domain of DOMAINS) {
      const pki = pkis.get(domain)!;
      const running = await startProvider({
        domain,
        listen: { host: "127.0.0.1", port: 0 },
        tls: {
          key: pki.server.privateKeyPem,
          cert: pki.server.certificatePem,
          ca: [...pkis].filter(([d]) => d !== domain).map(([, p]) => p.ca.certificatePem),
        },
        storage: "memory://",
        ...(DEMO_PATH_LAYOUTS[domain] === undefined ? {} : { paths: DEMO_PATH_LAYOUTS[domain] }),
        clientApi: { host: "127.0.0.1", port: 0, ca: pki.ca.certificatePem },
        peers: (d) => {
          const port = ports.get(d);
          return port === undefined ? undefined : { host: "127.0.0.1", port };
        },
        // silent; MIMI_RECORDED_LOG=1 prints the providers' log records on stderr (for debugging)
        log:
          process.env["MIMI_RECORDED_LOG"] === "1"
            ? (r: unknown) =>
                console.error(JSON.stringify(r, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)))
            : () => undefined,
        endpointsFor: async (db, d) => [
          (await persistedDirectoryEndpoint(db, d, demoDirectorySeed(d))).endpoint,
        ],
        now: () => Date.now(),
        observe: (exchange) => {
          // the §5.1 directory fetches are left out: their answers carry the run's port numbers,
          // and when a federation client fetches one depends only on its cache (decision 0808)
          if (exchange.peer !== undefined && exchange.path !== DIRECTORY_PATH)
            exchanges.push({ from: exchange.peer, to: domain, exchange });
        },
      });
      ports.set(domain, running.port);
      providers.push({
        domain,
        pki,
        running,
        url: `https://127.0.0.1:${running.port}`,
        clientApiUrl: `https://127.0.0.1:${running.clientApiPort}`,
      });
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
  const provider = (domain: string): RecordedProvider => {
    const p = providers.find((x) => x.domain === domain);
    if (p === undefined) throw new InternalError(`no provider ${domain}`, { path: "/domain" });
    return p;
  };
  const one = serializer(() => clock.tick());
  const clients: MimiClient[] = [];
  return {
    providers,
    peer: pkis.get("d.example")!,
    cs,
    trust,
    exchanges,
    async client(domain, user, device) {
      const p = provider(domain);
      const identity = await provisionClient(p.pki.ca, {
        userUri: `mimi://${domain}/u/${user}`,
        clientUri: `mimi://${domain}/d/${user}/${device}`,
        cs,
        now: new Date(Date.now()),
        tlsNow: new Date(performance.timeOrigin + performance.now()),
      });
      const core = new ClientCore({ identity, trust, cs });
      const c = new MimiClient({ core, url: p.clientApiUrl, domain, ca: p.pki.ca.certificatePem });
      clients.push(c);
      // client actions one at a time: their random draws then come in one order
      return {
        core,
        startInbox: () => c.startInbox(),
        stop: () => c.stop(),
        waitFor: (pred, timeoutMs, what) => c.waitFor(pred, timeoutMs, what),
        onEvent: (listener) => c.onEvent(listener),
        uploadKeyPackages: (n) => one(() => c.uploadKeyPackages(n)),
        createRoom: (room) => one(() => c.createRoom(room)),
        addUser: (room, u) => one(() => c.addUser(room, u)),
        send: (room, content) => one(() => c.send(room, content)),
        leave: (room) => one(() => c.leave(room)),
        commitPending: (room) => one(() => c.commitPending(room)),
        joinExternal: (room) => one(() => c.joinExternal(room)),
        uploadAttachment: (bytes, info) => one(() => c.uploadAttachment(bytes, info)),
        downloadAttachment: (part, options) => one(() => c.downloadAttachment(part, options)),
      };
    },
    grantConsent: (granter, requester) =>
      one(() =>
        sendConsentGrant(
          provider(parseMimiUri(granter).domain),
          provider(parseMimiUri(requester).domain),
          granter,
          requester,
        ),
      ),
    lookUp: (fromDomain, handle) =>
      one(async () => {
        const result = await lookUpHandle(provider(fromDomain), providers, handle);
        return result.mappings.flatMap((m) => m.uris);
      }),
    async settle() {
      // quiet: every hub's fanout idle (nothing being delivered or waiting) and no new exchange
      // answered for 100 ms; a client action's own requests are over when the action returns
      let seen = -1;
      while (seen !== exchanges.length) {
        seen = exchanges.length;
        await Promise.all(providers.map((p) => p.running.fanout?.idle()));
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      for (const c of clients) c.stop();
      await stopAll();
    },
  };
}

/** An answer to a hand-built request of the outside peer. */
export interface PeerAnswer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
}

/** The outside peer as {@link peerRequest} presents itself: its domain and mutual-TLS certificate. */
export interface OutsidePeer {
  readonly domain: string;
  readonly cert: string;
  readonly key: string;
}

/** Where {@link peerRequest} goes: a provider's domain, federation base URL and CA. */
export interface PeerTarget {
  readonly domain: string;
  readonly url: string;
  readonly ca: string;
}

/** The outside peer of a PKI (its provider certificate and key). */
export function outsidePeer(pki: ProviderPki): OutsidePeer {
  return { domain: pki.domain, cert: pki.server.certificatePem, key: pki.server.privateKeyPem };
}

/** A provider of a federation as a {@link PeerTarget}. */
export function peerTarget(p: ConsentParty): PeerTarget {
  return { domain: p.domain, url: p.url, ca: p.pki.ca.certificatePem };
}

/**
 * A request built by hand as an outside peer such as `d.example`: plain `node:https`, mutual TLS
 * with the peer's certificate, `Host` and `From` as protocol-06 §4.1 requires.
 */
export function peerRequest(
  peer: OutsidePeer,
  target: PeerTarget,
  method: string,
  path: string,
  body?: Uint8Array,
): Promise<PeerAnswer> {
  const url = new URL(path, target.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        cert: peer.cert,
        key: peer.key,
        ca: target.ca,
        servername: target.domain,
        agent: false,
        headers: {
          host: target.domain,
          from: `mimi@${peer.domain}`,
          ...(body === undefined ? {} : { "content-length": body.length }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"],
            body: new Uint8Array(Buffer.concat(chunks)),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : Buffer.from(body));
  });
}
