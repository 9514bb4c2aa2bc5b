/**
 * The runner's configuration from the command line's pieces: the target (`DOMAIN`,
 * `DOMAIN:PORT` or `https://DOMAIN[:PORT]`), a `providers.json` of `mimi demo --keep-running`,
 * and a directory seed's users.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ValidationError } from "@mimi/wire";
import type { RunnerConfig } from "./context.js";

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * A target as `DOMAIN`, `DOMAIN:PORT` or `https://DOMAIN[:PORT]` (port 443 when none).
 *
 * @throws ValidationError naming `--target` when it is none of these.
 */
export function parseTarget(text: string): { readonly domain: string; readonly port: number } {
  const m = /^(?:https:\/\/)?([^/:]+)(?::([0-9]{1,5}))?\/?$/i.exec(text.trim());
  const domain = m?.[1]?.toLowerCase() ?? "";
  const port = m?.[2] === undefined ? 443 : Number(m[2]);
  if (m === null || !DOMAIN.test(domain) || port < 1 || port > 65535)
    throw new ValidationError(
      `not a target (DOMAIN, DOMAIN:PORT or https://DOMAIN[:PORT]): ${text.slice(0, 200)}`,
      {
        path: "--target",
      },
    );
  return { domain, port };
}

/**
 * `HOST:PORT` (IPv6 in brackets).
 *
 * @throws ValidationError naming `path`.
 */
export function parseAddress(text: string, path: string): { readonly host: string; readonly port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(text.trim());
  const port = m === null ? Number.NaN : Number(m[2]);
  if (m === null || !(port >= 1 && port <= 65535))
    throw new ValidationError(`expected HOST:PORT, got ${text.slice(0, 200)}`, { path });
  const host = m[1]!;
  return { host: host.startsWith("[") ? host.slice(1, -1) : host, port };
}

/** A PEM value: inline, or a file relative to `dir`. */
export function pemOf(value: unknown, dir: string, path: string): string {
  if (typeof value !== "string") throw new ValidationError("expected a PEM string or a file name", { path });
  if (value.includes("-----BEGIN")) return value;
  try {
    return readFileSync(resolve(dir, value), "utf8");
  } catch (e) {
    throw new ValidationError(`cannot read ${value}: ${(e as Error).message}`, { path });
  }
}

/**
 * The runner's configuration from a `providers.json` (what `mimi demo --keep-running --dir DIR`
 * writes): the target is the provider of `targetDomain` (its `url` is where to connect, its `ca`
 * what authenticates it), the runner is the file's outside peer (`peer`: domain, cert, key).
 *
 * @throws ValidationError naming the entry at fault.
 */
export function configFromProviders(json: unknown, dir: string, targetDomain: string): RunnerConfig {
  if (json === null || typeof json !== "object")
    throw new ValidationError("expected a JSON object", { path: "/" });
  const file = json as { providers?: unknown; peer?: unknown };
  if (!Array.isArray(file.providers)) throw new ValidationError("expected an array", { path: "/providers" });
  const i = file.providers.findIndex(
    (p: unknown) =>
      typeof p === "object" && p !== null && (p as Record<string, unknown>)["domain"] === targetDomain,
  );
  if (i < 0) throw new ValidationError(`no provider ${targetDomain}`, { path: "/providers" });
  const p = file.providers[i] as Record<string, unknown>;
  if (typeof p["url"] !== "string")
    throw new ValidationError("expected the federation URL", { path: `/providers/${i}/url` });
  let url: URL;
  try {
    url = new URL(p["url"]);
  } catch {
    throw new ValidationError("not a URL", { path: `/providers/${i}/url` });
  }
  const peer = file.peer as Record<string, unknown> | undefined;
  if (typeof peer !== "object" || peer === null || typeof peer["domain"] !== "string")
    throw new ValidationError("the providers file needs a peer with a domain", { path: "/peer" });
  return {
    target: {
      domain: targetDomain,
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port === "" ? 443 : Number(url.port),
      ca: pemOf(p["ca"], dir, `/providers/${i}/ca`),
    },
    runner: {
      domain: peer["domain"].toLowerCase(),
      tls: { key: pemOf(peer["key"], dir, "/peer/key"), cert: pemOf(peer["cert"], dir, "/peer/cert") },
    },
  };
}

/** A directory seed's users as `@mimi/discovery` reads it (`{ users: [{ user, handles }] }`). */
export interface SeedLike {
  readonly users: readonly {
    readonly user: string;
    readonly handles: readonly { readonly handle: string; readonly discoverability: string }[];
  }[];
}

/**
 * The test users a target's directory seed gives: a known user, a handle hidden from strangers
 * (discoverability `nobody` or `contacts`) and one shown to anyone.
 */
export function testUsersFromSeed(
  seed: SeedLike,
): Pick<RunnerConfig, "knownUser" | "hiddenHandle" | "visibleHandle"> {
  const handles = seed.users.flatMap((u) => u.handles.map((h) => ({ user: u.user, ...h })));
  const hidden =
    handles.find((h) => h.discoverability === "nobody") ??
    handles.find((h) => h.discoverability === "contacts");
  const visible = handles.find((h) => h.discoverability === "anyone");
  const known = seed.users[0]?.user;
  return {
    ...(known === undefined ? {} : { knownUser: known }),
    ...(hidden === undefined ? {} : { hiddenHandle: hidden.handle }),
    ...(visible === undefined ? {} : { visibleHandle: { handle: visible.handle, uri: visible.user } }),
  };
}
