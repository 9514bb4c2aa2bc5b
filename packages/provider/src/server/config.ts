/**
 * The configuration file of `mimi serve --config FILE` (JSON), and running a provider from it.
 *
 * ```json
 * {
 *   "domain": "b.example",
 *   "listen": { "host": "127.0.0.1", "port": 8443 },
 *   "tls": { "key": "b.example.key", "cert": "b.example.pem", "ca": ["peers-ca.pem", "a.example=a-ca.pem"] },
 *   "storage": "pglite:./data",
 *   "metrics": { "host": "127.0.0.1", "port": 9464 },
 *   "maxBodyBytes": 1048576,
 *   "clientApi": { "host": "127.0.0.1", "port": 9443, "ca": "b.example-clients-ca.pem",
 *                  "web": { "host": "127.0.0.1", "port": 8080, "origin": "http://localhost:5173", "app": "web" },
 *                  "issuer": { "key": "clients-ca.key", "cert": "b.example-clients-ca.pem" },
 *                  "enrollmentCodes": "codes.json" },
 *   "peers": { "a.example": "127.0.0.1:8442", "c.example": "c.example:443" },
 *   "assetHosts": { "a.example": { "peer": "a.example" }, "cdn.c.example": { "peer": "c.example", "address": "10.0.0.7:443" } },
 *   "paths": { "prefix": "/mimi/pl", "templates": { "notify": "/hooks/notify/{roomId}" } },
 *   "logLevel": "info"
 * }
 * ```
 *
 * File names are relative to the configuration file. `storage` is `memory://` (lost on exit),
 * `pglite:PATH` (relative paths resolve against the configuration file too) or `postgres://…`;
 * without it, `pglite:<domain>-data` next to the configuration file. Secrets need not be in the
 * file: `storage` (a PostgreSQL URL with its password) and `tls.key` (the PEM itself) may be
 * `{ "env": "VARIABLE" }`, read from the environment when the file is parsed. `metrics`,
 * `maxBodyBytes`, `peerTimeoutMs` (ms a request to a peer may take, default 10,000), `clientApi` (the client API listener and the CA issuing our clients'
 * certificates; its browser listener `web`, the enrollment `issuer` and `enrollmentCodes`,
 * decision 0811), `peers` (how to reach other providers; others are `<domain>:443`) and
 * `assetHosts` (the asset hosts of peer providers that the hub's `/proxyDownload` and OHTTP gateway
 * fetch from, and where to reach them; decision 0670) are optional (decision 0645). `paths` is
 * where the federation server serves the §5.1 endpoints and what its directory advertises: a
 * `prefix` (default `/v1`, `""` for none) and per-endpoint path templates (decision 0677). `logLevel`
 * (`debug`, `info`, `warn` or `error`; default `info`) is the least severe log record written:
 * `debug` adds a line per answered request.
 */
import { isAbsolute, resolve } from "node:path";
import type { DirectoryName, PathLayout } from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";
import { type AssetHost, checkAssetHosts } from "../federation/assets.js";
import { parsePeerAddress } from "../federation/client.js";
import { checkPathLayout } from "./layout.js";
import { type LogRecord, logLevels } from "./log.js";
import type { RateLimit } from "./rate-limit.js";

/** A parsed, validated configuration (file names resolved). */
export interface ProviderConfig {
  readonly domain: string;
  readonly listen: { readonly host: string; readonly port: number };
  /**
   * Our key and certificate, and the CA files trusted for peer providers: a file name, or a CA
   * bound to the one provider domain it may certify (`"DOMAIN=FILE"` in the file; decision 0401).
   */
  readonly tls: {
    /** The key file, or the PEM itself when the configuration names an environment variable. */
    readonly key: string | { readonly pem: string };
    readonly cert: string;
    readonly ca: readonly (string | { readonly domain: string; readonly file: string })[];
    /** CRL files (PEM) of the peer CAs. */
    readonly crl?: readonly string[];
  };
  readonly storage: string;
  /** The least severe log record written (default `info`). */
  readonly logLevel: LogRecord["level"];
  readonly metrics?: { readonly host: string; readonly port: number };
  readonly maxBodyBytes?: number;
  /**
   * How long a request to a peer provider may take, in ms (default the federation client's 10 s):
   * a big room's commit forwarded to its hub waits for the hub's answer (seconds at 6,000 members).
   */
  readonly peerTimeoutMs?: number;
  /** The client API listener and the CA file(s) issuing our clients' certificates. */
  readonly clientApi?: {
    readonly host: string;
    readonly port: number;
    readonly ca: readonly string[];
    /** CRL files (PEM) of the client CAs. */
    readonly crl?: readonly string[];
    /** The browser listener (decision 0811): `app` a directory, `key`/`cert` files for HTTPS. */
    readonly web?: {
      readonly host: string;
      readonly port: number;
      readonly origin?: readonly string[];
      readonly app?: string;
      readonly key?: string;
      readonly cert?: string;
    };
    /** The CA key and certificate files issuing enrolled clients' certificates (decision 0811). */
    readonly issuer?: { readonly key: string; readonly cert: string };
    /** The enrollment code file (JSON `[{ "code", "user", "expiresAt" }]`). */
    readonly enrollmentCodes?: string;
  };
  /** How to reach peer providers: domain → "host:port". */
  readonly peers?: Readonly<Record<string, string>>;
  /** Peers' asset hosts: host → the peer provider and, optionally, where to connect (decision 0670). */
  readonly assetHosts?: Readonly<Record<string, AssetHost>>;
  /** Request rate limits per peer provider and per client (decision 0675); defaults when absent. */
  readonly rateLimits?: { readonly peer?: RateLimit | false; readonly client?: RateLimit | false };
  /** Where the §5.1 endpoints are served and advertised (decision 0677); `/v1/<name>/{param}` when absent. */
  readonly paths?: PathLayout;
  /** The `discovery` value, uninterpreted (`@mimi/discovery`'s directory seed file, read by `mimi serve`). */
  readonly discovery?: unknown;
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

const DOMAIN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

function caFiles(v: unknown, path: string, what = "ca"): string[] {
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === "string" && c !== ""))
    fail(`${what} must be a file name or a non-empty list of them`, path);
  return list as string[];
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
export function parseProviderConfig(
  json: unknown,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProviderConfig {
  /** A secret given as `{ "env": "NAME" }`: the variable's value, which must be set. */
  const secret = (v: unknown, path: string): string | undefined => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
    const o = v as Record<string, unknown>;
    if (
      Object.keys(o).length !== 1 ||
      typeof o["env"] !== "string" ||
      !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o["env"])
    )
      fail('expected a string or { "env": "VARIABLE" }', path);
    const value = env[o["env"]];
    if (value === undefined || value === "") fail(`the environment variable ${o["env"]} is not set`, path);
    return value;
  };
  const o = obj(json, "/");
  const known = new Set([
    "domain",
    "listen",
    "tls",
    "storage",
    "metrics",
    "maxBodyBytes",
    "peerTimeoutMs",
    "clientApi",
    "peers",
    "assetHosts",
    "discovery",
    "logLevel",
    "rateLimits",
    "paths",
  ]);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(`unknown field ${k}`, `/${k}`);
  const domain = str(o, "domain", "").toLowerCase();
  if (!DOMAIN.test(domain)) fail("domain is not a DNS name", "/domain");
  const at = (f: string) => (isAbsolute(f) ? f : resolve(baseDir, f));
  const tls = obj(o["tls"], "/tls");
  for (const k of Object.keys(tls))
    if (!["key", "cert", "ca", "crl"].includes(k)) fail(`unknown field ${k}`, `/tls/${k}`);
  const crlFiles = (v: unknown, path: string): string[] | undefined =>
    v === undefined ? undefined : caFiles(v, path, "crl").map(at);
  const ca = caFiles(tls["ca"], "/tls/ca").map((entry, i) => {
    // "DOMAIN=FILE": any CA (e.g. of an existing PKI) bound to the provider domain it certifies.
    const m = /^([^=/\\]+)=(.+)$/.exec(entry);
    if (m === null) return at(entry);
    const bound = m[1]!.toLowerCase();
    if (!DOMAIN.test(bound))
      fail(`${JSON.stringify(m[1])} is not a provider domain (DOMAIN=FILE)`, `/tls/ca/${i}`);
    return { domain: bound, file: at(m[2]!) };
  });
  let clientApi: ProviderConfig["clientApi"];
  if (o["clientApi"] !== undefined) {
    const c = obj(o["clientApi"], "/clientApi");
    for (const k of Object.keys(c))
      if (!["host", "port", "ca", "crl", "web", "issuer", "enrollmentCodes"].includes(k))
        fail(`unknown field ${k}`, `/clientApi/${k}`);
    const crl = crlFiles(c["crl"], "/clientApi/crl");
    let web: NonNullable<ProviderConfig["clientApi"]>["web"];
    if (c["web"] !== undefined) {
      const w = obj(c["web"], "/clientApi/web");
      for (const k of Object.keys(w))
        if (!["host", "port", "origin", "app", "key", "cert"].includes(k))
          fail(`unknown field ${k}`, `/clientApi/web/${k}`);
      const origin =
        w["origin"] === undefined ? undefined : caFiles(w["origin"], "/clientApi/web/origin", "origin");
      if ((w["key"] === undefined) !== (w["cert"] === undefined))
        fail("key and cert go together", "/clientApi/web");
      web = {
        ...hostPort(w, "/clientApi/web"),
        ...(origin === undefined ? {} : { origin }),
        ...(w["app"] === undefined ? {} : { app: at(str(w, "app", "/clientApi/web")) }),
        ...(w["key"] === undefined
          ? {}
          : { key: at(str(w, "key", "/clientApi/web")), cert: at(str(w, "cert", "/clientApi/web")) }),
      };
    }
    let issuer: NonNullable<ProviderConfig["clientApi"]>["issuer"];
    if (c["issuer"] !== undefined) {
      const i = obj(c["issuer"], "/clientApi/issuer");
      for (const k of Object.keys(i))
        if (k !== "key" && k !== "cert") fail(`unknown field ${k}`, `/clientApi/issuer/${k}`);
      issuer = { key: at(str(i, "key", "/clientApi/issuer")), cert: at(str(i, "cert", "/clientApi/issuer")) };
    }
    if (c["enrollmentCodes"] !== undefined && issuer === undefined)
      fail("enrollment codes need an issuer", "/clientApi/enrollmentCodes");
    clientApi = {
      ...hostPort(c, "/clientApi"),
      ca: caFiles(c["ca"], "/clientApi/ca").map(at),
      ...(crl === undefined ? {} : { crl }),
      ...(web === undefined ? {} : { web }),
      ...(issuer === undefined ? {} : { issuer }),
      ...(c["enrollmentCodes"] === undefined
        ? {}
        : { enrollmentCodes: at(str(c, "enrollmentCodes", "/clientApi")) }),
    };
  }
  let peers: Record<string, string> | undefined;
  if (o["peers"] !== undefined) {
    peers = {};
    for (const [d, a] of Object.entries(obj(o["peers"], "/peers"))) {
      const peer = d.toLowerCase();
      if (!DOMAIN.test(peer)) fail("not a provider domain", `/peers/${d}`);
      if (typeof a !== "string") fail('expected "host:port"', `/peers/${d}`);
      parsePeerAddress(a, `/peers/${d}`);
      peers[peer] = a;
    }
  }
  let assetHosts: Record<string, AssetHost> | undefined;
  if (o["assetHosts"] !== undefined) {
    assetHosts = {};
    for (const [host, v] of Object.entries(obj(o["assetHosts"], "/assetHosts"))) {
      const e = obj(v, `/assetHosts/${host}`);
      for (const k of Object.keys(e))
        if (k !== "peer" && k !== "address") fail(`unknown field ${k}`, `/assetHosts/${host}/${k}`);
      const peer = str(e, "peer", `/assetHosts/${host}`).toLowerCase();
      const address = e["address"] === undefined ? undefined : str(e, "address", `/assetHosts/${host}`);
      assetHosts[host.toLowerCase()] = { peer, ...(address === undefined ? {} : { address }) };
    }
    checkAssetHosts(assetHosts);
  }
  // Without `storage`, data lives in an embedded database in a folder next to the configuration
  // file, so that a restart loses nothing; `memory://` must be asked for.
  let storage =
    o["storage"] === undefined
      ? `pglite:${domain}-data`
      : (secret(o["storage"], "/storage") ?? str(o, "storage", ""));
  if (storage.startsWith("pglite:")) storage = `pglite:${at(storage.replace(/^pglite:(\/\/)?/, ""))}`;
  const logLevel = o["logLevel"] ?? "info";
  if (typeof logLevel !== "string" || !(logLevels as readonly string[]).includes(logLevel))
    fail(`logLevel must be one of ${logLevels.join(", ")}`, "/logLevel");
  let rateLimits: { peer?: RateLimit | false; client?: RateLimit | false } | undefined;
  if (o["rateLimits"] !== undefined) {
    rateLimits = {};
    const r = obj(o["rateLimits"], "/rateLimits");
    for (const [k, v] of Object.entries(r)) {
      if (k !== "peer" && k !== "client") fail(`unknown field ${k}`, `/rateLimits/${k}`);
      if (v === false) {
        rateLimits[k] = false;
        continue;
      }
      const l = obj(v, `/rateLimits/${k}`);
      const num = (f: string, min: number): number => {
        const x = l[f];
        if (typeof x !== "number" || !Number.isFinite(x) || x < min)
          fail(`${f} must be a number ≥ ${min}`, `/rateLimits/${k}/${f}`);
        return x;
      };
      for (const f of Object.keys(l))
        if (f !== "perSecond" && f !== "burst") fail(`unknown field ${f}`, `/rateLimits/${k}/${f}`);
      const perSecond = num("perSecond", Number.MIN_VALUE);
      rateLimits[k] = { perSecond, burst: num("burst", 1) };
    }
  }
  let paths: PathLayout | undefined;
  if (o["paths"] !== undefined) {
    const p = obj(o["paths"], "/paths");
    for (const k of Object.keys(p))
      if (k !== "prefix" && k !== "templates") fail(`unknown field ${k}`, `/paths/${k}`);
    if (p["prefix"] !== undefined && typeof p["prefix"] !== "string")
      fail("prefix must be a string", "/paths/prefix");
    const templates: Partial<Record<DirectoryName, string>> = {};
    if (p["templates"] !== undefined)
      for (const [k, v] of Object.entries(obj(p["templates"], "/paths/templates"))) {
        if (typeof v !== "string") fail("expected a path template", `/paths/templates/${k}`);
        templates[k as DirectoryName] = v;
      }
    paths = checkPathLayout(
      {
        ...(p["prefix"] === undefined ? {} : { prefix: p["prefix"] as string }),
        ...(p["templates"] === undefined ? {} : { templates }),
      },
      "/paths",
    );
  }
  const peerTimeoutMs = o["peerTimeoutMs"];
  if (
    peerTimeoutMs !== undefined &&
    (typeof peerTimeoutMs !== "number" || !Number.isInteger(peerTimeoutMs) || peerTimeoutMs < 1)
  )
    fail("peerTimeoutMs must be a positive integer", "/peerTimeoutMs");
  const max = o["maxBodyBytes"];
  if (max !== undefined && (typeof max !== "number" || !Number.isInteger(max) || max < 1))
    fail("maxBodyBytes must be a positive integer", "/maxBodyBytes");
  return {
    domain,
    listen: hostPort(o["listen"], "/listen"),
    tls: {
      key: ((pem) => (pem === undefined ? at(str(tls, "key", "/tls")) : { pem }))(
        secret(tls["key"], "/tls/key"),
      ),
      cert: at(str(tls, "cert", "/tls")),
      ca,
      ...((crl) => (crl === undefined ? {} : { crl }))(crlFiles(tls["crl"], "/tls/crl")),
    },
    storage,
    logLevel: logLevel as LogRecord["level"],
    ...(o["metrics"] === undefined ? {} : { metrics: hostPort(o["metrics"], "/metrics") }),
    ...(max === undefined ? {} : { maxBodyBytes: max as number }),
    ...(peerTimeoutMs === undefined ? {} : { peerTimeoutMs: peerTimeoutMs as number }),
    ...(clientApi === undefined ? {} : { clientApi }),
    ...(peers === undefined ? {} : { peers }),
    ...(assetHosts === undefined ? {} : { assetHosts }),
    ...(rateLimits === undefined ? {} : { rateLimits }),
    ...(paths === undefined ? {} : { paths }),
    ...(o["discovery"] === undefined ? {} : { discovery: o["discovery"] }),
  };
}
