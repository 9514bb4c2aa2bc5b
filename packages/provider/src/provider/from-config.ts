import { readFileSync } from "node:fs";
import { ValidationError } from "@mimi/wire";
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
    },
    storage: config.storage,
    ...(config.metrics === undefined ? {} : { metrics: config.metrics }),
    ...(config.maxBodyBytes === undefined ? {} : { maxBodyBytes: config.maxBodyBytes }),
    ...(config.rateLimits === undefined ? {} : { rateLimits: config.rateLimits }),
    ...(config.clientApi === undefined
      ? {}
      : {
          clientApi: {
            host: config.clientApi.host,
            port: config.clientApi.port,
            ca: config.clientApi.ca.map((f, i) => readPem(f, `/clientApi/ca/${i}`)),
          },
        }),
    ...(config.peers === undefined ? {} : { peers: config.peers }),
    ...(config.assetHosts === undefined ? {} : { assetHosts: config.assetHosts }),
    log: atLeast(config.logLevel, log ?? jsonLinesToStdout),
    ...more,
  };
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
