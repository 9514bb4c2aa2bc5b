/**
 * `mimi demo --web`: the demo's three providers, each with its browser listener serving the web app,
 * an enrollment link per demo user (Alice on a.example, Bob on b.example, Cathy on c.example), and
 * the consents the demo's adds need.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Federation, REPO_ROOT, startFederation } from "@mimi/demo";
import { loadCiphersuite } from "@mimi/mls-profile";
import { InternalError } from "@mimi/wire";
import { buildWebApp } from "./build.js";

/** A demo user and the link that signs a page in as that user. */
export interface WebDemoUser {
  readonly name: "alice" | "bob" | "cathy";
  readonly userUri: string;
  /** `http://<provider>.localhost:<port>/#code=<one-time code>`. */
  readonly url: string;
}

/** A running web demo. */
export interface WebDemo {
  readonly federation: Federation;
  readonly users: readonly WebDemoUser[];
  /**
   * Another enrollment link for `name` (a new client of the user: a second device, or a page
   * after its storage was cleared).
   *
   * @throws InternalError when the user's spare codes are used up.
   */
  link(name: WebDemoUser["name"]): string;
  stop(): Promise<void>;
}

const USERS = [
  { name: "alice", domain: "a.example" },
  { name: "bob", domain: "b.example" },
  { name: "cathy", domain: "c.example" },
] as const;
/** Enrollment codes per user in the providers' code files: the printed link and spares. */
const CODES_PER_USER = 8;

/** Options of {@link startWebDemo}. */
export interface WebDemoOptions {
  /** A line per step. */
  readonly progress?: (line: string) => void;
  /** `postgres://…`: every provider on its own database of that server. */
  readonly storage?: string;
}

/**
 * Build the app, start the federation with a browser listener per provider serving it (decision
 * 0811), grant the consents, and make one enrollment link per demo user.
 *
 * @throws InternalError when a provider does not start; whatever the build throws.
 */
export async function startWebDemo(options: WebDemoOptions = {}): Promise<WebDemo> {
  const line = options.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "mimi-web-demo-"));
  const app = await buildWebApp(join(dir, "app"));
  line("✓ web app built (esbuild)");
  const cs = await loadCiphersuite();
  const expiresAt = new Date(Date.now() + 24 * 3600_000).toISOString();
  const codes = new Map<string, string[]>(
    USERS.map((u) => [u.name, Array.from({ length: CODES_PER_USER }, () => randomBytes(16).toString("hex"))]),
  );
  const federation = await startFederation({
    domains: USERS.map((u) => u.domain),
    dir,
    cs,
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    progress: line,
    web: {
      app,
      codes: (domain) =>
        USERS.filter((u) => u.domain === domain).flatMap((u) =>
          codes.get(u.name)!.map((code) => ({ code, user: `mimi://${u.domain}/u/${u.name}`, expiresAt })),
        ),
    },
  });
  try {
    // every demo user consents to be added by the others (protocol-06 §5.7, decision 0806)
    for (const granter of USERS)
      for (const requester of USERS)
        if (granter !== requester)
          await federation.grantConsent(
            `mimi://${granter.domain}/u/${granter.name}`,
            `mimi://${requester.domain}/u/${requester.name}`,
          );
    line("✓ browser listeners up; consents granted");
  } catch (e) {
    await federation.stop();
    throw e;
  }
  const link = (name: WebDemoUser["name"]): string => {
    const u = USERS.find((x) => x.name === name)!;
    const origin = federation.providers.find((p) => p.domain === u.domain)?.webOrigin;
    const code = codes.get(name)!.shift();
    if (origin === undefined || code === undefined)
      throw new InternalError(`no enrollment link left for ${name}`, { path: `/users/${name}` });
    return `${origin}/#code=${code}`;
  };
  return {
    federation,
    users: USERS.map((u) => ({ name: u.name, userUri: `mimi://${u.domain}/u/${u.name}`, url: link(u.name) })),
    link,
    async stop() {
      await federation.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Chromium executable (`MIMI_CHROMIUM`, or Debian's through `tools/chromium.sh`). */
export function chromiumExecutable(): string {
  return execFileSync("bash", [join(REPO_ROOT, "tools/chromium.sh")], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}
