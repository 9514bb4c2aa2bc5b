import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

/** A Verdaccio registry on loopback, with a user who may publish. */
export interface LocalRegistry {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** An npmrc naming the registry and the user's token: pass it as NPM_CONFIG_USERCONFIG. */
  readonly npmrc: string;
  /** What it printed (for a failure's message). */
  output(): string;
  stop(): Promise<void>;
}

/** The registry that packages other than ours come from (Verdaccio proxies it). */
const UPSTREAM = "https://registry.npmjs.org/";

async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const { port } = s.address() as { port: number };
  s.close();
  await once(s, "close");
  return port;
}

/**
 * Start Verdaccio (the workspace's devDependency) on 127.0.0.1 with its storage in `dir`.
 * `@mimi/*` packages are served only from what is published to it (never proxied: a name on the
 * public registry must not stand in for ours); every other package is proxied from npmjs.
 */
export async function startRegistry(dir: string): Promise<LocalRegistry> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      `storage: ${JSON.stringify(join(dir, "storage"))}`,
      "auth:",
      "  htpasswd:",
      `    file: ${JSON.stringify(join(dir, "htpasswd"))}`,
      "    max_users: 10",
      "uplinks:",
      "  npmjs:",
      `    url: ${UPSTREAM}`,
      "    timeout: 60s",
      "    max_fails: 5",
      "packages:",
      "  '@mimi/*':",
      "    access: $all",
      "    publish: $authenticated",
      "  '**':",
      "    access: $all",
      "    publish: $authenticated",
      "    proxy: npmjs",
      "max_body_size: 100mb",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  const bin = join(
    dirname(createRequire(import.meta.url).resolve("verdaccio/package.json")),
    "bin",
    "verdaccio",
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, "--config", config, "--listen", `127.0.0.1:${port}`],
    {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}: ${output}`);
      const ok = await fetch(`${url}-/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer within 60 s: ${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // a user (the first to sign up is created), whose token publishes
    const user = "mimi-release";
    const r = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: user, password: "release-test-only" }),
    });
    const body = (await r.json()) as { token?: string };
    if (!r.ok || body.token === undefined)
      throw new Error(`verdaccio refused the user: ${r.status} ${JSON.stringify(body)}`);
    const npmrc = join(dir, "npmrc");
    const hostPath = url.replace(/^http:/, "");
    writeFileSync(
      npmrc,
      `registry=${url}\n${hostPath}:_authToken=${body.token}\naudit=false\nfund=false\nupdate-notifier=false\n`,
    );
    return { url, npmrc, output: () => output, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
