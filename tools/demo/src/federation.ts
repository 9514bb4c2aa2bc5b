/**
 * Start a federation of MIMI providers on loopback, each its own `mimi serve --config` process
 * with its own development PKI (provider CA, mutual-TLS certificate), embedded storage in a
 * temporary directory (or its own database on a PostgreSQL server), its peers configured, and a
 * client API whose clients the demo provisions under the provider's CA.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { connect, createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ClientCore,
  ClientCore as Core,
  MimiClient,
  type ProvisionedClient,
  provisionClient,
  signRequest,
} from "@mimi/client";
import { parseMimiUri } from "@mimi/identifiers";
import {
  createProviderPki,
  createTrustStore,
  decodePem,
  issueClientCertificate,
  type ProviderPki,
  spkiFromMlsSignatureKey,
  type TrustStore,
  trustAnchor,
} from "@mimi/identity";
import { generateSignatureKeyPair, type MlsCiphersuite } from "@mimi/mls-profile";
import { clientApiPath } from "@mimi/protocol";
import { InternalError } from "@mimi/wire";
import { demoDirectorySeedJson, lookUpHandle } from "./directory.js";
import { DEMO_PATH_LAYOUTS } from "./layouts.js";

/** One running provider. */
export interface RunningDemoProvider {
  readonly domain: string;
  /** Federation base URL (mutual TLS, protocol-06). */
  readonly url: string;
  /** Client API base URL. */
  readonly clientApiUrl: string;
  readonly pki: ProviderPki;
  readonly process: ChildProcess;
  /** Lines the process printed (JSON logs), for diagnostics. */
  readonly output: string[];
  /**
   * The browser listener's origin (`http://<first label>.localhost:<port>`) when the federation
   * was started with `web`.
   */
  readonly webOrigin?: string;
}

/** An enrollment code of a provider's code file (decision 0811). */
export interface DemoEnrollmentCode {
  readonly code: string;
  /** The user URI the code enrolls a client of. */
  readonly user: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

/** A running federation. */
export interface Federation {
  readonly providers: readonly RunningDemoProvider[];
  /** The outside peer `d.example`: a PKI the providers trust, with no server. */
  readonly peer: ProviderPki;
  readonly trust: TrustStore;
  readonly dir: string;
  /**
   * A new client of `user` on `domain`, connected to its provider's client API (at `clientApiUrl`
   * when given: a proxy in front of it).
   */
  client(domain: string, user: string, device: string, clientApiUrl?: string): Promise<MimiClient>;
  /**
   * `granter` grants `requester`'s request for consent (protocol-06 §5.7 `updateConsent`, sent by
   * the granter's provider to the requester's), so that the requester's provider hands the
   * requester's key material to the granter (decision 0806).
   */
  grantConsent(granter: string, requester: string): Promise<void>;
  /** The user URIs the other providers vouch for under `handle`, asked by `fromDomain` (§5.8). */
  lookUp(fromDomain: string, handle: string): Promise<readonly string[]>;
  /**
   * {@link Federation.grantConsent} for many requesters at once, over one connection per
   * provider pair, `concurrency` requests at a time (default 16).
   */
  grantConsents(granter: string, requesters: readonly string[], concurrency?: number): Promise<void>;
  /**
   * Register simulated members on `domain` (decision 0684): per name a user with one device, its
   * MLS credential issued by the provider's CA (the kind every demo client has) and one KeyPackage
   * uploaded through the provider's client API, signed with the credential's key (decision 0810).
   * The members never open their inbox unless {@link Federation.simulatedClient} is asked for one.
   */
  simulate(domain: string, names: readonly string[], concurrency?: number): Promise<DemoSimulatedMember[]>;
  /** A client of a simulated member, with its KeyPackages' private keys, to read its inbox. */
  simulatedClient(member: DemoSimulatedMember): MimiClient;
  /** Stop every provider process. */
  stop(): Promise<void>;
  /** Send `signal` to `domain`'s process and wait until it has exited. */
  kill(domain: string, signal: NodeJS.Signals): Promise<void>;
  /** Start `domain`'s process again with the same configuration and storage; resolves once it listens. */
  restart(domain: string): Promise<void>;
}

/** A simulated member of a big room (see {@link Federation.simulate}). */
export interface DemoSimulatedMember {
  readonly domain: string;
  readonly userUri: string;
  readonly clientUri: string;
  /** The member's core, holding its uploaded KeyPackages' private keys. */
  readonly core: ClientCore;
}

/** Options of {@link startFederation}. */
export interface FederationOptions {
  readonly domains: readonly string[];
  readonly dir: string;
  readonly cs: MlsCiphersuite;
  /** `postgres://…` to put every provider on its own database of that server; default PGlite. */
  readonly storage?: string;
  /** Called with a line for each provider that is up. */
  readonly progress?: (line: string) => void;
  /**
   * Where `from` reaches its peer `to`, whose federation server listens at `target`
   * (`127.0.0.1:port`): the `peers` entry of `from`'s configuration. Default `target` (a chaos run
   * puts a proxy in between).
   */
  readonly route?: (from: string, to: string, target: string) => Promise<string>;
  /**
   * The federation servers' request body limit (`mimi serve`'s `maxBodyBytes`; default the
   * server's 1 MiB). A big room's commits carry the whole ratchet tree, megabytes at 10,000
   * members (decision 0684).
   */
  readonly maxBodyBytes?: number;
  /** The providers' timeout of a request to a peer (`mimi serve`'s `peerTimeoutMs`; default 10 s). */
  readonly peerTimeoutMs?: number;
  /**
   * Give every provider a browser listener (`clientApi.web`, plain HTTP on 127.0.0.1) serving the
   * web app in `app` at `/`, with the provider's CA as enrollment issuer and `codes(domain)` as
   * its enrollment code file (decision 0811). Its origin is `http://<first label>.localhost:<port>`
   * (Chromium resolves `*.localhost` to loopback: one origin per provider).
   */
  readonly web?: {
    readonly app: string;
    readonly codes: (domain: string) => readonly DemoEnrollmentCode[];
  };
}

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root (this file is tools/demo/src/federation.ts). */
export const REPO_ROOT: string = resolve(HERE, "../../..");
const CLI_MAIN = join(REPO_ROOT, "tools/cli/src/main.ts");

/** A free TCP port on loopback (bound, read and released). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.on("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => done(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const c = connect(port, "127.0.0.1");
    c.on("connect", () => {
      c.destroy();
      done(true);
    });
    c.on("error", () => done(false));
  });
}

async function waitForPorts(
  p: RunningDemoProvider,
  ports: readonly number[],
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (p.process.exitCode !== null) {
      throw new InternalError(
        `provider ${p.domain} exited (${p.process.exitCode}): ${p.output.slice(-5).join(" | ")}`,
        {
          path: `/providers/${p.domain}`,
        },
      );
    }
    const open = await Promise.all(ports.map(portOpen));
    if (open.every(Boolean)) return;
    if (Date.now() > until) {
      throw new InternalError(
        `provider ${p.domain} did not listen within ${timeoutMs} ms: ${p.output.slice(-5).join(" | ")}`,
        {
          path: `/providers/${p.domain}`,
        },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Per-provider storage: a PGlite directory, or a fresh database on the given PostgreSQL server. */
async function storageFor(options: FederationOptions, domain: string, dir: string): Promise<string> {
  if (
    options.storage === undefined ||
    options.storage.startsWith("pglite:") ||
    options.storage === "memory://"
  ) {
    return `pglite:${join(dir, "data")}`;
  }
  const { openDatabase } = await import("@mimi/provider");
  const name = `mimi_demo_${domain.replace(/\W/g, "_")}_${process.pid}_${Date.now() % 100000}`;
  const admin = await openDatabase(options.storage);
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(options.storage);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Start `mimi serve` for `domain` with the configuration written in `dir`. */
function spawnProvider(
  domain: string,
  dir: string,
  pki: ProviderPki,
  port: { federation: number; clientApi: number; web?: number },
): RunningDemoProvider {
  // the same Node and tsx the CLI runs on
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@mimi/source", CLI_MAIN, "serve", "--config", join(dir, "config.json")],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") output.push(line);
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return {
    domain,
    url: `https://127.0.0.1:${port.federation}`,
    clientApiUrl: `https://127.0.0.1:${port.clientApi}`,
    pki,
    process: child,
    output,
    ...(port.web === undefined ? {} : { webOrigin: webOrigin(domain, port.web) }),
  };
}

function webOrigin(domain: string, port: number): string {
  return `http://${domain.split(".")[0]}.localhost:${port}`;
}

/**
 * Start the providers (first domain is the hub of the demo's room; all of them are peers of each
 * other and trust `d.example`).
 *
 * @throws InternalError when a provider does not come up.
 */
export async function startFederation(options: FederationOptions): Promise<Federation> {
  const pkis = new Map<string, ProviderPki>();
  for (const d of [...options.domains, "d.example"])
    pkis.set(d, await createProviderPki(d, { algorithm: "Ed25519" }));
  const peer = pkis.get("d.example")!;
  const ports = new Map<string, { federation: number; clientApi: number; web?: number }>();
  for (const d of options.domains)
    ports.set(d, {
      federation: await freePort(),
      clientApi: await freePort(),
      ...(options.web === undefined ? {} : { web: await freePort() }),
    });
  const providers: RunningDemoProvider[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(
      providers.map(
        (p) =>
          new Promise<void>((done) => {
            if (p.process.exitCode !== null || p.process.signalCode !== null) return done();
            p.process.once("exit", () => done());
            p.process.kill("SIGTERM");
            setTimeout(() => p.process.kill("SIGKILL"), 5000).unref();
          }),
      ),
    );
  };
  try {
    // storage of every provider (each provider creates its hub keys itself; clients ask for the
    // hub's ExternalSender over the client API, decision 0807)
    const storages = new Map<string, string>();
    await Promise.all(
      options.domains.map(async (domain) => {
        const dir = join(options.dir, domain);
        mkdirSync(dir, { recursive: true });
        storages.set(domain, await storageFor(options, domain, dir));
      }),
    );
    options.progress?.("storage ready; starting the provider processes");
    for (const domain of options.domains) {
      const dir = join(options.dir, domain);
      const pki = pkis.get(domain)!;
      writeFileSync(join(dir, "server.pem"), pki.server.certificatePem);
      writeFileSync(join(dir, "server.key"), pki.server.privateKeyPem);
      writeFileSync(join(dir, "ca.pem"), pki.ca.certificatePem);
      writeFileSync(join(dir, "directory.json"), demoDirectorySeedJson(domain));
      const peerCas: string[] = [];
      for (const [d, other] of pkis) {
        if (d === domain) continue;
        writeFileSync(join(dir, `${d}-ca.pem`), other.ca.certificatePem);
        peerCas.push(`${d}-ca.pem`);
      }
      const port = ports.get(domain)!;
      const storage = storages.get(domain)!;
      let web: Record<string, unknown> = {};
      if (options.web !== undefined && port.web !== undefined) {
        writeFileSync(join(dir, "ca.key"), pki.ca.privateKeyPem);
        writeFileSync(
          join(dir, "enrollment-codes.json"),
          `${JSON.stringify(options.web.codes(domain), null, 2)}\n`,
        );
        web = {
          web: {
            host: "127.0.0.1",
            port: port.web,
            origin: [webOrigin(domain, port.web)],
            app: options.web.app,
          },
          issuer: { key: "ca.key", cert: "ca.pem" },
          enrollmentCodes: "enrollment-codes.json",
        };
      }
      const config = {
        domain,
        listen: { host: "127.0.0.1", port: port.federation },
        tls: { key: "server.key", cert: "server.pem", ca: peerCas },
        storage,
        ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
        ...(options.peerTimeoutMs === undefined ? {} : { peerTimeoutMs: options.peerTimeoutMs }),
        clientApi: { host: "127.0.0.1", port: port.clientApi, ca: "ca.pem", ...web },
        discovery: "directory.json",
        // each provider its own path layout, advertised in its §5.1 directory (decision 0677)
        ...(DEMO_PATH_LAYOUTS[domain] === undefined ? {} : { paths: DEMO_PATH_LAYOUTS[domain] }),
        peers: Object.fromEntries(
          await Promise.all(
            options.domains
              .filter((d) => d !== domain)
              .map(async (d) => {
                const target = `127.0.0.1:${ports.get(d)!.federation}`;
                return [d, options.route === undefined ? target : await options.route(domain, d, target)];
              }),
          ),
        ),
      };
      writeFileSync(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
      providers.push(spawnProvider(domain, dir, pki, port));
    }
    await Promise.all(
      providers.map(async (p) => {
        const port = ports.get(p.domain)!;
        await waitForPorts(
          p,
          [port.federation, port.clientApi, ...(port.web === undefined ? [] : [port.web])],
          180_000,
        );
        const layout = DEMO_PATH_LAYOUTS[p.domain];
        const paths = layout?.templates?.notify ?? `${layout?.prefix ?? "/v1"}/…`;
        options.progress?.(
          `${p.domain} listening: federation ${p.url} (endpoints at ${paths}), client API ${p.clientApiUrl}`,
        );
      }),
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const trust = createTrustStore([...pkis.values()].map((p) => trustAnchor(p.ca.certificatePem)));
  return {
    providers,
    peer,
    trust,
    dir: options.dir,
    async client(domain: string, user: string, device: string, clientApiUrl?: string): Promise<MimiClient> {
      const p = providers.find((x) => x.domain === domain);
      if (p === undefined) throw new InternalError(`no provider ${domain}`, { path: "/domain" });
      const identity = await provisionClient(p.pki.ca, {
        userUri: `mimi://${domain}/u/${user}`,
        clientUri: `mimi://${domain}/d/${user}/${device}`,
        cs: options.cs,
      });
      const core: ClientCore = new Core({ identity, trust, cs: options.cs });
      return new MimiClient({
        core,
        url: clientApiUrl ?? p.clientApiUrl,
        domain,
        ca: p.pki.ca.certificatePem,
      });
    },
    async grantConsent(granter: string, requester: string): Promise<void> {
      const from = providers.find((x) => x.domain === parseMimiUri(granter).domain);
      const to = providers.find((x) => x.domain === parseMimiUri(requester).domain);
      if (from === undefined || to === undefined)
        throw new InternalError("unknown provider", { path: "/consent" });
      await sendConsentGrant(from, to, granter, requester);
    },
    async lookUp(fromDomain: string, handle: string): Promise<readonly string[]> {
      const from = providers.find((x) => x.domain === fromDomain);
      if (from === undefined) throw new InternalError(`no provider ${fromDomain}`, { path: "/domain" });
      const result = await lookUpHandle(from, providers, handle);
      return result.mappings.flatMap((m) => m.uris);
    },
    async grantConsents(granter: string, requesters: readonly string[], concurrency = 16): Promise<void> {
      const from = providers.find((x) => x.domain === parseMimiUri(granter).domain);
      if (from === undefined) throw new InternalError("unknown provider", { path: "/consent" });
      const byDomain = new Map<string, string[]>();
      for (const r of requesters) {
        const d = parseMimiUri(r).domain;
        byDomain.set(d, [...(byDomain.get(d) ?? []), r]);
      }
      for (const [d, list] of byDomain) {
        const to = providers.find((x) => x.domain === d);
        if (to === undefined) throw new InternalError(`no provider ${d}`, { path: "/consent" });
        await sendConsentGrants(from, to, granter, list, concurrency);
      }
    },
    async simulate(
      domain: string,
      names: readonly string[],
      concurrency = 16,
    ): Promise<DemoSimulatedMember[]> {
      const p = providers.find((x) => x.domain === domain);
      if (p === undefined) throw new InternalError(`no provider ${domain}`, { path: "/domain" });
      const agent = new Agent({
        keepAlive: true,
        ca: p.pki.ca.certificatePem,
        servername: domain,
        maxSockets: concurrency,
      });
      const out: DemoSimulatedMember[] = new Array(names.length);
      const register = async (i: number): Promise<void> => {
        const name = names[i]!;
        const identity = await simulatedIdentity(p.pki, domain, name, options.cs);
        const core: ClientCore = new Core({ identity, trust, cs: options.cs });
        const body = await core.generateKeyPackages(1);
        const url = new URL(clientApiPath("keyPackages"), p.clientApiUrl);
        const headers = await signRequest(identity, options.cs, "POST", url, body);
        const status = await postWith(agent, url, body, headers);
        if (status < 200 || status >= 300)
          throw new InternalError(`${domain} answered ${status} to ${identity.clientUri}'s KeyPackages`, {
            path: `/simulated/${name}`,
          });
        out[i] = { domain, userUri: identity.userUri, clientUri: identity.clientUri, core };
      };
      try {
        await forEachConcurrently(names.length, concurrency, register);
      } finally {
        agent.destroy();
      }
      return out;
    },
    simulatedClient(member: DemoSimulatedMember): MimiClient {
      const p = providers.find((x) => x.domain === member.domain);
      if (p === undefined) throw new InternalError(`no provider ${member.domain}`, { path: "/domain" });
      return new MimiClient({
        core: member.core,
        url: p.clientApiUrl,
        domain: member.domain,
        ca: p.pki.ca.certificatePem,
        auth: "signature",
      });
    },
    stop,
    async kill(domain: string, signal: NodeJS.Signals): Promise<void> {
      const p = providers.find((x) => x.domain === domain);
      if (p === undefined) throw new InternalError(`no provider ${domain}`, { path: "/domain" });
      if (p.process.exitCode !== null || p.process.signalCode !== null) return;
      await new Promise<void>((done) => {
        p.process.once("exit", () => done());
        p.process.kill(signal);
      });
    },
    async restart(domain: string): Promise<void> {
      const i = providers.findIndex((x) => x.domain === domain);
      if (i < 0) throw new InternalError(`no provider ${domain}`, { path: "/domain" });
      const port = ports.get(domain)!;
      const p = spawnProvider(domain, join(options.dir, domain), pkis.get(domain)!, port);
      providers[i] = p;
      await waitForPorts(p, [port.federation, port.clientApi], 180_000);
    },
  };
}

/**
 * A simulated member's identity: a fresh MLS signature key with its client certificate from the
 * provider's CA (what `provisionClient` makes, without the TLS certificate: the member signs its
 * client API requests, decision 0810).
 */
async function simulatedIdentity(
  pki: ProviderPki,
  domain: string,
  name: string,
  cs: MlsCiphersuite,
): Promise<ProvisionedClient> {
  const signatureKeyPair = await generateSignatureKeyPair(cs);
  const userUri = `mimi://${domain}/u/${name}`;
  const clientUri = `mimi://${domain}/d/${name}/laptop`;
  const mls = await issueClientCertificate(pki.ca, {
    userUri,
    clientUri,
    publicKey: spkiFromMlsSignatureKey(signatureKeyPair.publicKey),
  });
  return {
    userUri,
    clientUri,
    signatureKeyPair,
    credential: { credentialType: "x509", certificates: [decodePem(mls.certificatePem, "CERTIFICATE")] },
  };
}

/** POST `body` over `agent`; the answer's status (its body read and dropped). */
function postWith(
  agent: Agent,
  url: URL,
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/octet-stream", ...headers, "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** A provider as {@link sendConsentGrant} needs it. */
export interface ConsentParty {
  readonly domain: string;
  readonly pki: ProviderPki;
  /** Federation base URL. */
  readonly url: string;
}

/**
 * `granter`'s provider tells `requester`'s provider that `granter` grants `requester`'s request for
 * consent (protocol-06 §5.7 `POST /updateConsent`, mutual TLS), so that the requester's provider
 * hands the requester's key material to the granter (decision 0806).
 *
 * @throws InternalError when the answer is not 201.
 */
export async function sendConsentGrant(
  from: ConsentParty,
  to: ConsentParty,
  granter: string,
  requester: string,
): Promise<void> {
  await sendConsentGrants(from, to, granter, [requester], 1);
}

/**
 * {@link sendConsentGrant} for many requesters of one provider, over one federation client,
 * `concurrency` requests at a time.
 *
 * @throws InternalError when an answer is not 201.
 */
export async function sendConsentGrants(
  from: ConsentParty,
  to: ConsentParty,
  granter: string,
  requesters: readonly string[],
  concurrency: number,
): Promise<void> {
  const { createFederationClient } = await import("@mimi/provider");
  const { encodeConsentEntry } = await import("@mimi/protocol");
  const client = createFederationClient({
    domain: from.domain,
    key: from.pki.server.privateKeyPem,
    cert: from.pki.server.certificatePem,
    ca: to.pki.ca.certificatePem,
    peers: { [to.domain]: new URL(to.url).host },
  });
  const grant = async (i: number): Promise<void> => {
    const requester = requesters[i]!;
    const answer = await client.send(to.domain, {
      endpoint: "updateConsent",
      param: to.domain,
      body: encodeConsentEntry({
        consentOperation: "grant",
        requesterUri: { uri: requester },
        targetUri: { uri: granter },
        clientKeyPackages: [],
        consent_extensions: { component_data: [] },
      }),
    });
    if (answer.status !== 201)
      throw new InternalError(`updateConsent answered ${answer.status}`, { path: "/consent" });
  };
  try {
    await forEachConcurrently(requesters.length, concurrency, grant);
  } finally {
    client.close();
  }
}

/** `task(0)` … `task(count − 1)`, at most `concurrency` at a time (at least one). */
async function forEachConcurrently(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/**
 * The `providers.json` of `--keep-running`: each provider's domain, federation and client API
 * URLs and CA certificate, and a provider certificate and key of `d.example`, which every
 * provider trusts, for outside tools acting as a peer.
 */
export function providersJson(f: Federation): string {
  return `${JSON.stringify(
    {
      providers: f.providers.map((p) => ({
        domain: p.domain,
        url: p.url,
        clientApiUrl: p.clientApiUrl,
        ca: p.pki.ca.certificatePem,
      })),
      peer: {
        domain: "d.example",
        cert: f.peer.server.certificatePem,
        key: f.peer.server.privateKeyPem,
        ca: f.peer.ca.certificatePem,
      },
    },
    null,
    2,
  )}\n`;
}
