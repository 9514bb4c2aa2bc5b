import { readFileSync } from "node:fs";
import { ValidationError } from "@mimi/wire";
import { readEnrollmentCodeFile } from "../client-api/enrollment.js";
import type { ClientApiWebOptions } from "../client-api/server.js";
import type { ProviderConfig } from "../server/config.js";
import { atLeast, jsonLinesToStdout, type LogSink } from "../server/log.js";
import { type ProviderOptions, type RunningProvider, startProvider } from "./provider.js";

function readPem(file: string, path: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new ValidationError(`cannot read ${file}: ${(e as Error).message}`, { path });
  }
}

function webOptionsOf(
  web: NonNullable<NonNullable<ProviderConfig["clientApi"]>["web"]>,
): ClientApiWebOptions {
  return {
    host: web.host,
    port: web.port,
    ...(web.origin === undefined ? {} : { origin: web.origin }),
    ...(web.app === undefined ? {} : { app: web.app }),
    ...(web.key === undefined || web.cert === undefined
      ? {}
      : { key: readPem(web.key, "/clientApi/web/key"), cert: readPem(web.cert, "/clientApi/web/cert") }),
  };
}

/**
 * The {@link ProviderOptions} of a parsed configuration: the PEM files read.
 *
 * @throws ValidationError naming the field of an unreadable file.
 */
export function providerOptionsOf(
  config: ProviderConfig,
  log?: LogSink,
  more: Partial<Pick<ProviderOptions, "extraEndpoints" | "endpointsFor">> = {},
): ProviderOptions {
  return {
    domain: config.domain,
    listen: config.listen,
    tls: {
      key: typeof config.tls.key === "string" ? readPem(config.tls.key, "/tls/key") : config.tls.key.pem,
      cert: readPem(config.tls.cert, "/tls/cert"),
      ca: config.tls.ca.map((c, i) =>
        typeof c === "string"
          ? readPem(c, `/tls/ca/${i}`)
          : { domain: c.domain, pem: readPem(c.file, `/tls/ca/${i}`) },
      ),
      ...(config.tls.crl === undefined
        ? {}
        : { crl: config.tls.crl.map((f, i) => readPem(f, `/tls/crl/${i}`)) }),
    },
    storage: config.storage,
    ...(config.metrics === undefined ? {} : { metrics: config.metrics }),
    ...(config.maxBodyBytes === undefined ? {} : { maxBodyBytes: config.maxBodyBytes }),
    ...(config.peerTimeoutMs === undefined ? {} : { peerTimeoutMs: config.peerTimeoutMs }),
    ...(config.rateLimits === undefined ? {} : { rateLimits: config.rateLimits }),
    ...(config.clientApi === undefined
      ? {}
      : {
          clientApi: {
            host: config.clientApi.host,
            port: config.clientApi.port,
            ca: config.clientApi.ca.map((f, i) => readPem(f, `/clientApi/ca/${i}`)),
            ...(config.clientApi.crl === undefined
              ? {}
              : { crl: config.clientApi.crl.map((f, i) => readPem(f, `/clientApi/crl/${i}`)) }),
            ...(config.clientApi.web === undefined ? {} : { web: webOptionsOf(config.clientApi.web) }),
            ...(config.clientApi.issuer === undefined
              ? {}
              : {
                  enrollment: {
                    issuer: {
                      privateKeyPem: readPem(config.clientApi.issuer.key, "/clientApi/issuer/key"),
                      certificatePem: readPem(config.clientApi.issuer.cert, "/clientApi/issuer/cert"),
                    },
                    ...(config.clientApi.enrollmentCodes === undefined
                      ? {}
                      : { codes: readEnrollmentCodeFile(config.clientApi.enrollmentCodes) }),
                  },
                }),
          },
        }),
    ...(config.peers === undefined ? {} : { peers: config.peers }),
    ...(config.paths === undefined ? {} : { paths: config.paths }),
    ...(config.assetHosts === undefined ? {} : { assetHosts: config.assetHosts }),
    log: atLeast(config.logLevel, log ?? jsonLinesToStdout),
    ...more,
  };
}

/**
 * Read the TLS files of a configuration again and give them to a running provider (what
 * `mimi serve` does on SIGHUP): a renewed certificate, other trusted CAs, new CRLs.
 *
 * @throws ValidationError naming the field of an unreadable file, or the TLS stack's error for
 * unusable material; the provider keeps its material then.
 */
export function reloadProviderTls(running: RunningProvider, config: ProviderConfig): void {
  const options = providerOptionsOf(config);
  running.reloadTls(
    options.tls,
    options.clientApi === undefined
      ? undefined
      : {
          ca: options.clientApi.ca,
          ...(options.clientApi.crl === undefined ? {} : { crl: options.clientApi.crl }),
        },
  );
}

/**
 * Start a provider from a parsed configuration (what `mimi serve --config FILE` runs).
 *
 * @throws ValidationError for unreadable certificate files; see {@link startProvider} otherwise.
 */
export function startProviderFromConfig(
  config: ProviderConfig,
  log?: LogSink,
  more: Partial<Pick<ProviderOptions, "extraEndpoints" | "endpointsFor">> = {},
): Promise<RunningProvider> {
  return startProvider(providerOptionsOf(config, log, more));
}
