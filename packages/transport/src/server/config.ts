/**
 * The configuration file of `mimi serve --config FILE` (JSON), and running a provider from it.
 *
 * ```json
 * {
 *   "domain": "b.example",
 *   "listen": { "host": "127.0.0.1", "port": 8443 },
 *   "tls": { "key": "b.example.key", "cert": "b.example.pem", "ca": ["peers-ca.pem"] },
 *   "storage": "pglite:./data",
 *   "metrics": { "host": "127.0.0.1", "port": 9464 },
 *   "maxBodyBytes": 1048576
 * }
 * ```
 *
 * File names are relative to the configuration file. `storage` is `memory://`, `pglite:PATH`
 * (relative paths resolve against the configuration file too) or `postgres://…`; `metrics` is
 * optional.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { ValidationError } from "@mimi/wire";
import { openDatabase } from "../storage/database.js";
import { migrate } from "../storage/migrations.js";
import { implementedEndpoints } from "./index.js";
import type { LogSink } from "./log.js";
import { type ProviderServer, startProviderServer } from "./server.js";

/** A parsed, validated configuration (file names resolved). */
export interface ProviderConfig {
  readonly domain: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly tls: { readonly key: string; readonly cert: string; readonly ca: readonly string[] };
  readonly storage: string;
  readonly metrics?: { readonly host: string; readonly port: number };
  readonly maxBodyBytes?: number;
}

function fail(what: string, path: string): never {
  throw new ValidationError(what, { path });
}

function str(o: Record<string, unknown>, key: string, path: string): string {
  const v = o[key];
  if (typeof v !== "string" || v === "") fail(`${key} must be a non-empty string`, `${path}/${key}`);
  return v;
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) fail("expected an object", path);
  return v as Record<string, unknown>;
}

function port(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 65535)
    fail("expected a port 0..65535", path);
  return v;
}

function hostPort(v: unknown, path: string): { host: string; port: number } {
  const o = obj(v, path);
  return {
    host: o["host"] === undefined ? "127.0.0.1" : str(o, "host", path),
    port: port(o["port"], `${path}/port`),
  };
}

/**
 * Validate a configuration object; file names and PGlite paths resolve against `baseDir`.
 *
 * @throws ValidationError naming the offending field.
 */
export function parseProviderConfig(json: unknown, baseDir: string): ProviderConfig {
  const o = obj(json, "/");
  const known = new Set(["domain", "listen", "tls", "storage", "metrics", "maxBodyBytes"]);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(`unknown field ${k}`, `/${k}`);
  const domain = str(o, "domain", "").toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(domain)) fail("domain is not a DNS name", "/domain");
  const at = (f: string) => (isAbsolute(f) ? f : resolve(baseDir, f));
  const tls = obj(o["tls"], "/tls");
  const caRaw = tls["ca"];
  const ca = typeof caRaw === "string" ? [caRaw] : caRaw;
  if (!Array.isArray(ca) || ca.length === 0 || !ca.every((c) => typeof c === "string"))
    fail("ca must be a file name or a non-empty list of them", "/tls/ca");
  let storage = o["storage"] === undefined ? "memory://" : str(o, "storage", "");
  if (storage.startsWith("pglite:")) storage = `pglite:${at(storage.replace(/^pglite:(\/\/)?/, ""))}`;
  const max = o["maxBodyBytes"];
  if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 1))
    fail("maxBodyBytes must be a positive integer", "/maxBodyBytes");
  return {
    domain,
    listen: hostPort(o["listen"], "/listen"),
    tls: {
      key: at(str(tls, "key", "/tls")),
      cert: at(str(tls, "cert", "/tls")),
      ca: (ca as string[]).map(at),
    },
    storage,
    ...(o["metrics"] === undefined ? {} : { metrics: hostPort(o["metrics"], "/metrics") }),
    ...(max === undefined ? {} : { maxBodyBytes: max as number }),
  };
}

function readPem(file: string, path: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new ValidationError(`cannot read ${file}: ${(e as Error).message}`, { path });
  }
}

/** A provider started from a configuration. */
export interface RunningProvider {
  readonly server: ProviderServer;
  readonly metricsPort?: number;
  /** Stop the server and close the storage. */
  stop(): Promise<void>;
}

/**
 * Open the storage (and migrate it), then start the server (and the metrics listener).
 *
 * @throws ValidationError for unreadable certificate files; the storage or listen error otherwise.
 */
export async function startProvider(config: ProviderConfig, log?: LogSink): Promise<RunningProvider> {
  const key = readPem(config.tls.key, "/tls/key");
  const cert = readPem(config.tls.cert, "/tls/cert");
  const ca = config.tls.ca.map((f, i) => readPem(f, `/tls/ca/${i}`));
  const db = await openDatabase(config.storage);
  try {
    await migrate(db);
    const server = await startProviderServer(
      {
        domain: config.domain,
        key,
        cert,
        ca,
        db,
        endpoints: implementedEndpoints,
        ...(config.maxBodyBytes === undefined ? {} : { maxBodyBytes: config.maxBodyBytes }),
        ...(log === undefined ? {} : { log }),
      },
      config.listen.port,
      config.listen.host,
    );
    const metricsPort =
      config.metrics === undefined
        ? undefined
        : await server.listenMetrics(config.metrics.port, config.metrics.host);
    return {
      server,
      ...(metricsPort === undefined ? {} : { metricsPort }),
      async stop() {
        await server.close();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
