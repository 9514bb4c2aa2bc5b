/**
 * `mimi demo --web`: the demo's three providers, each with a browser listener serving the web app,
 * an enrollment link per demo user (Alice on a.example, Bob on b.example, Cathy on c.example), and
 * the consents the demo's adds need.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Federation, REPO_ROOT, startFederation } from "@mimi/demo";
import { loadCiphersuite } from "@mimi/mls-profile";
import { type BrowserListener, startBrowserListener } from "./browser-listener.js";
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
  readonly listeners: ReadonlyMap<string, BrowserListener>;
  readonly users: readonly WebDemoUser[];
  /** A fresh enrollment link for another client of `name`. */
  link(name: WebDemoUser["name"]): string;
  stop(): Promise<void>;
}

const USERS = [
  { name: "alice", domain: "a.example" },
  { name: "bob", domain: "b.example" },
  { name: "cathy", domain: "c.example" },
] as const;

/** Options of {@link startWebDemo}. */
export interface WebDemoOptions {
  /** A line per step. */
  readonly progress?: (line: string) => void;
  /** `postgres://…`: every provider on its own database of that server. */
  readonly storage?: string;
}

/**
 * Build the app, start the federation and a browser listener per provider, grant the consents,
 * and issue one enrollment link per demo user.
 *
 * @throws InternalError when a provider does not start; whatever the build throws.
 */
export async function startWebDemo(options: WebDemoOptions = {}): Promise<WebDemo> {
  const line = options.progress ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "mimi-web-demo-"));
  const app = await buildWebApp(join(dir, "app"));
  line("✓ web app built (esbuild)");
  const cs = await loadCiphersuite();
  const federation = await startFederation({
    domains: USERS.map((u) => u.domain),
    dir,
    cs,
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    progress: line,
  });
  const listeners = new Map<string, BrowserListener>();
  try {
    const anchors = federation.providers.map((p) => p.pki.ca.certificatePem);
    for (const p of federation.providers) {
      listeners.set(
        p.domain,
        await startBrowserListener({
          domain: p.domain,
          clientApiUrl: p.clientApiUrl,
          issuer: p.pki.ca,
          trustAnchors: anchors,
          app,
        }),
      );
    }
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
    await Promise.all([...listeners.values()].map((l) => l.close()));
    await federation.stop();
    throw e;
  }
  const link = (name: WebDemoUser["name"]): string => {
    const u = USERS.find((x) => x.name === name)!;
    const l = listeners.get(u.domain)!;
    return `${l.origin}/#code=${l.issueCode(`mimi://${u.domain}/u/${u.name}`)}`;
  };
  return {
    federation,
    listeners,
    users: USERS.map((u) => ({ name: u.name, userUri: `mimi://${u.domain}/u/${u.name}`, url: link(u.name) })),
    link,
    async stop() {
      await Promise.all([...listeners.values()].map((l) => l.close()));
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
