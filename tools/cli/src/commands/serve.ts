import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ValidationError } from "@mimi/wire";
import { type Command, EXIT, type Io, parseOptions, UsageError, untilInterrupted } from "../command.js";

const usage = `usage: mimi serve --config FILE

Runs one MIMI provider (draft-ietf-mimi-protocol-06) until SIGINT or SIGTERM, then shuts down
gracefully. On SIGHUP it reads FILE and its TLS files again and uses the new key, certificate,
CAs and CRLs for new connections, without a restart (other changes need one). FILE is JSON
(file names relative to it):

  {
    "domain": "b.example",                         our provider domain
    "listen": { "host": "127.0.0.1", "port": 8443 },
    "tls": { "key": "b.example.key",               PEM key and certificate (DNS SAN = domain)
             "cert": "b.example.pem",
             "ca": ["peers-ca.pem",                CAs trusted for peer providers (mutual TLS);
                    "a.example=a-ca.pem"],         DOMAIN=FILE: that CA certifies only DOMAIN
             "crl": ["peers-ca.crl"] },            optional: CRLs (PEM), one per CA when any
    "storage": "pglite:./data",                    optional: memory:// (lost on exit) | pglite:PATH
                                                   | postgres://... (default: pglite:<domain>-data
                                                   next to FILE)
    "metrics": { "host": "127.0.0.1", "port": 9464 },   optional: GET /metrics (Prometheus),
                                                   /healthz (up), /readyz (storage answers,
                                                   every migration applied; 503 if not)
    "maxBodyBytes": 1048576,                       optional
    "clientApi": { "host": "127.0.0.1",            optional: the client API for our own clients
                   "port": 9443,
                   "ca": "b.example-clients-ca.pem",    CA issuing our clients' certificates
                   "crl": "b.example-clients.crl",      optional: its CRL (PEM)
                   "web": { "host": "127.0.0.1",  optional: a listener for browsers (signed
                            "port": 8080,          requests, CORS; plain HTTP on loopback only,
                            "origin": "https://chat.b.example",   HTTPS with "key"/"cert"),
                            "app": "web" },        with a static app at / (decision 0811)
                   "issuer": { "key": "clients-ca.key",   optional: the CA enrolling clients
                               "cert": "b.example-clients-ca.pem" },   (POST /client/v1/enroll)
                   "enrollmentCodes": "codes.json" },   optional: one-time codes
                                                   [{ "code", "user", "expiresAt" }]
    "peers": { "a.example": "127.0.0.1:8442" },    optional: where other providers listen
                                                   (a domain not listed is <domain>:443)
    "assetHosts": { "a.example":                   optional: peers' asset hosts the hub's
                    { "peer": "a.example",         /proxyDownload and OHTTP gateway fetch from
                      "address": "127.0.0.1:8442" } },   (address optional)
    "discovery": "directory.json",                 optional: @mimi/discovery's directory seed
    "rateLimits": { "peer": { "perSecond": 20000, "burst": 40000 },   optional: requests per
                    "client": { "perSecond": 1000, "burst": 2000 } },  peer domain and per client
                                                   (these are the defaults; false: none); more
                                                   get 429 with Retry-After
    "logLevel": "info"                             optional: debug | info | warn | error
  }

Secrets can stay out of FILE: "storage" (e.g. a PostgreSQL URL with its password) and "tls"."key"
(the PEM itself) may be { "env": "VARIABLE" }, read from the environment at start.

Once listening, prints one line {"event":"listening","domain":…,"port":…,"clientApiPort":…,
"clientApiWebPort":…,"storage":…} (ports 0 in the file mean any free port; storage says where data lives, a PostgreSQL
password left out). Logs are JSON lines on stdout (from logLevel up;
debug adds one line per request). PGlite does not fsync:
use PostgreSQL for durable storage.`;

export const serveCommand: Command = {
  name: "serve",
  summary: "run a MIMI provider server from a configuration file",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, { config: { type: "string" } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const file = values["config"];
    if (typeof file !== "string") throw new UsageError("missing --config FILE");
    const path = resolve(io.root, file);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new ValidationError(`cannot read the configuration: ${(e as Error).message}`, { path: file });
    }
    const { parseProviderConfig, reloadProviderTls, startProviderFromConfig, storageForDisplay } =
      await import("@mimi/provider");
    const config = parseProviderConfig(json, dirname(path));
    const line = (v: unknown) =>
      io.stdout(`${JSON.stringify(v, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x))}\n`);
    // The optional `discovery` key names @mimi/discovery's directory seed: the identifierQuery
    // endpoint then answers from the provider's storage.
    let more = {};
    if (config.discovery !== undefined) {
      const { persistedDirectoryEndpoint, readDirectorySeedFile } = await import("@mimi/provider");
      const seed = readDirectorySeedFile(config.discovery, dirname(path));
      more = {
        endpointsFor: async (db: Parameters<typeof persistedDirectoryEndpoint>[0], domain: string) => [
          (await persistedDirectoryEndpoint(db, domain, seed)).endpoint,
        ],
      };
    }
    const running = await startProviderFromConfig(config, line, more);
    line({
      event: "listening",
      domain: running.domain,
      port: running.port,
      ...(running.clientApiPort === undefined ? {} : { clientApiPort: running.clientApiPort }),
      ...(running.clientApiWebPort === undefined ? {} : { clientApiWebPort: running.clientApiWebPort }),
      ...(running.metricsPort === undefined ? {} : { metricsPort: running.metricsPort }),
      storage: storageForDisplay(config.storage),
    });
    // SIGHUP: the TLS material again (a renewed certificate, new CAs or CRLs); a file that cannot
    // be read or used leaves the running material in place, and says why.
    const reload = () => {
      try {
        const again = parseProviderConfig(JSON.parse(readFileSync(path, "utf8")), dirname(path));
        reloadProviderTls(running, again);
        line({ event: "tls reloaded", domain: running.domain });
      } catch (e) {
        const err = e as { name?: string; what?: string; message?: string; path?: string };
        line({
          event: "tls reload failed",
          domain: running.domain,
          error: err.name ?? "Error",
          what: err.what ?? err.message ?? String(e),
          ...(err.path === undefined ? {} : { path: err.path }),
        });
      }
    };
    process.on("SIGHUP", reload);
    await untilInterrupted();
    process.off("SIGHUP", reload);
    await running.stop();
    return EXIT.ok;
  },
};
