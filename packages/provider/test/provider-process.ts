/**
 * Run `mimi serve` as a child process (what an operator runs): write its configuration and PEM
 * files, spawn it, and learn its ports from the `{"event":"listening",…}` line.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestIdentity } from "./provider-harness.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * `mimi serve --config FILE` as a child process, its output piped. Node itself runs the CLI, not the
 * tsx wrapper: tsx would outlive a SIGKILL sent to it, and on a loaded machine, relaying a SIGTERM,
 * it gives the child 30 ms to acknowledge it, then sends it again and SIGKILLs it.
 */
export function spawnServeCli(config: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=@mimi/source",
      join(root, "tools", "cli", "src", "main.ts"),
      "serve",
      "--config",
      config,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
}

/** A running `mimi serve`. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly clientApiPort: number;
  /** Everything printed so far. */
  output(): string;
  /** SIGKILL it and wait for the exit. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * A free TCP port on loopback (bound and released), below the kernel's ephemeral range: a
 * provider restarted on the same port (the crash test) must find it free again, and ports the
 * kernel hands to other tests' listeners and connections (port 0) come from the ephemeral range.
 */
export async function freePort(): Promise<number> {
  let low = 32768;
  try {
    low =
      Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: keep the usual lower bound
  }
  const from = Math.min(20000, low - 1000);
  for (let attempt = 0; ; attempt++) {
    const port = attempt < 50 ? from + Math.floor(Math.random() * (low - from)) : 0;
    const s = createServer();
    const bound = await new Promise<boolean>((r) => {
      s.once("error", () => r(false));
      s.listen(port, "127.0.0.1", () => r(true));
    });
    if (!bound) continue;
    const p = (s.address() as { port: number }).port;
    await new Promise<void>((r) => s.close(() => r()));
    return p;
  }
}

/** Write the configuration of `id`'s provider into `dir` and spawn `mimi serve`. */
export async function spawnServe(
  dir: string,
  id: TestIdentity,
  opts: {
    readonly storage: string;
    readonly peersCa: readonly string[];
    readonly peers: Readonly<Record<string, string>>;
    readonly port?: number;
    readonly clientApiPort?: number;
    /** More configuration fields. */
    readonly extra?: Readonly<Record<string, unknown>>;
  },
): Promise<ServeProcess> {
  const d = id.pki.domain;
  writeFileSync(join(dir, `${d}.key`), id.pki.server.privateKeyPem);
  writeFileSync(join(dir, `${d}.pem`), id.pki.server.certificatePem);
  writeFileSync(join(dir, `${d}-clients-ca.pem`), id.pki.ca.certificatePem);
  for (const [i, pem] of opts.peersCa.entries()) writeFileSync(join(dir, `peer-ca-${i}.pem`), pem);
  writeFileSync(
    join(dir, `${d}.json`),
    JSON.stringify({
      domain: d,
      listen: { port: opts.port ?? 0 },
      tls: { key: `${d}.key`, cert: `${d}.pem`, ca: opts.peersCa.map((_, i) => `peer-ca-${i}.pem`) },
      storage: opts.storage,
      clientApi: { port: opts.clientApiPort ?? 0, ca: `${d}-clients-ca.pem` },
      peers: opts.peers,
      ...opts.extra,
    }),
  );
  const child = spawnServeCli(join(dir, `${d}.json`));
  let out = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const listening = await new Promise<{ port: number; clientApiPort: number }>((resolve, reject) => {
    const t = setInterval(() => {
      const line = out.split("\n").find((l) => l.startsWith('{"event":"listening"'));
      if (line !== undefined) {
        clearInterval(t);
        resolve(JSON.parse(line) as { port: number; clientApiPort: number });
      }
    }, 50);
    child.once("exit", (code) => {
      clearInterval(t);
      reject(new Error(`mimi serve exited ${code}: ${out}`));
    });
  });
  return {
    child,
    port: listening.port,
    clientApiPort: listening.clientApiPort,
    output: () => out,
    kill(signal: NodeJS.Signals = "SIGKILL") {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill(signal);
      return exited;
    },
  };
}
