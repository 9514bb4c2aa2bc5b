import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fromHex, ValidationError } from "@mimi/wire";
import { type Command, EXIT, type Io, parseOptions, UsageError } from "../command.js";

const usage = `usage: mimi conformance --target TARGET (--providers FILE | --domain D --cert FILE --key FILE --ca FILE)
                        [--connect HOST:PORT] [--user URI] [--known-user URI] [--hidden-handle HANDLE]
                        [--visible-handle HANDLE=URI] [--room URI --joining-code HEX [--joining-role N]]
                        [--cipher-suite N] [--only ID,...] [--json] [--junit FILE]

Tests the provider TARGET (DOMAIN, DOMAIN:PORT or https://DOMAIN[:PORT]) against
draft-ietf-mimi-protocol-06 as a black box: over HTTPS with mutual TLS, acting as a peer provider
(a follower toward the target's rooms, the hub of its own rooms toward the target). Every check
has an ID, the requirement and section it tests, MUST or SHOULD, and a verdict (pass, fail, or
skip with the reason). docs/conformance.md lists the checks and what a target needs.

The runner's identity:
  --providers FILE   a providers.json of \`mimi demo --keep-running --dir DIR\`: the runner is its
                     outside peer (d.example), the target the provider of that domain in the file,
                     and the demo's users are the test users
  --domain D --cert FILE --key FILE
                     the runner's provider domain and its mutual-TLS certificate and key (PEM),
                     which the target trusts
  --ca FILE          the CA that authenticates the target's server certificate (PEM)
  --connect HOST:PORT  where to connect (default: the target's domain and port)

What the target prepared (checks that need one are skipped without it):
  --user URI           a user with KeyPackages who consented to the runner's user
                       (mimi://<runner domain>/u/conformance)
  --known-user URI     a user of the target (default --user)
  --hidden-handle H    a handle the target holds for a user who hides it from strangers
  --visible-handle H=URI  a handle shown to anyone, and the user it maps to
  --room URI --joining-code HEX
                       a room of the target and a joining code the runner's client may use once:
                       the runner joins by external commit, commits and sends messages
  --joining-role N     the role the code admits to (default 2)
  --cipher-suite N     the MLS cipher suite of the target's hub (default 1)

Output: a line per check (or --json: the report as JSON), --junit FILE: JUnit XML.
Exit 0 when no MUST check failed, 1 when one did.`;

function readPem(file: string, option: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new ValidationError(`cannot read ${file}: ${(e as Error).message}`, { path: option });
  }
}

export const conformanceCommand: Command = {
  name: "conformance",
  summary: "test a MIMI provider against protocol-06 as a black box, acting as a peer provider",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      target: { type: "string" },
      providers: { type: "string" },
      domain: { type: "string" },
      cert: { type: "string" },
      key: { type: "string" },
      ca: { type: "string" },
      connect: { type: "string" },
      user: { type: "string" },
      "known-user": { type: "string" },
      "hidden-handle": { type: "string" },
      "visible-handle": { type: "string" },
      "cipher-suite": { type: "string" },
      room: { type: "string" },
      "joining-code": { type: "string" },
      "joining-role": { type: "string" },
      only: { type: "string" },
      json: { type: "boolean" },
      junit: { type: "string" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected ${positionals[0]}`);
    const str = (k: string): string | undefined =>
      typeof values[k] === "string" ? (values[k] as string) : undefined;
    const targetText = str("target");
    if (targetText === undefined) throw new UsageError("missing --target");
    const c = await import("@mimi/conformance");
    const target = c.parseTarget(targetText);
    let config: import("@mimi/conformance").RunnerConfig;
    const providers = str("providers");
    if (providers !== undefined) {
      for (const k of ["domain", "cert", "key", "ca"])
        if (str(k) !== undefined) throw new UsageError(`--${k} and --providers exclude each other`);
      const path = resolve(io.root, providers);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, "utf8"));
      } catch (e) {
        throw new ValidationError(`cannot read the providers file: ${(e as Error).message}`, {
          path: providers,
        });
      }
      config = c.configFromProviders(json, dirname(path), target.domain);
      // the users `mimi demo` seeds at the target
      const { demoDirectorySeed } = await import("@mimi/demo");
      config = { ...config, ...c.testUsersFromSeed(demoDirectorySeed(target.domain)) };
    } else {
      const domain = str("domain");
      const cert = str("cert");
      const key = str("key");
      const ca = str("ca");
      if (domain === undefined || cert === undefined || key === undefined || ca === undefined)
        throw new UsageError("the runner needs --providers, or --domain, --cert, --key and --ca");
      config = {
        target: {
          domain: target.domain,
          host: target.domain,
          port: target.port,
          ca: readPem(resolve(io.root, ca), "--ca"),
        },
        runner: {
          domain: domain.toLowerCase(),
          tls: {
            key: readPem(resolve(io.root, key), "--key"),
            cert: readPem(resolve(io.root, cert), "--cert"),
          },
        },
      };
    }
    const connect = str("connect");
    if (connect !== undefined)
      config = { ...config, target: { ...config.target, ...c.parseAddress(connect, "--connect") } };
    const user = str("user");
    const known = str("known-user") ?? user;
    const hidden = str("hidden-handle");
    const visible = str("visible-handle");
    const suite = str("cipher-suite");
    let visibleHandle: { handle: string; uri: string } | undefined;
    if (visible !== undefined) {
      const at = visible.lastIndexOf("=mimi:");
      if (at <= 0) throw new UsageError("--visible-handle is HANDLE=URI (a mimi: user URI)");
      visibleHandle = { handle: visible.slice(0, at), uri: visible.slice(at + 1) };
    }
    if (suite !== undefined && !/^[0-9]{1,5}$/.test(suite))
      throw new UsageError("--cipher-suite is a number");
    const room = str("room");
    const code = str("joining-code");
    const role = str("joining-role");
    if ((room === undefined) !== (code === undefined))
      throw new UsageError("--room and --joining-code go together");
    if (code !== undefined && !/^(?:[0-9a-fA-F]{2})+$/.test(code))
      throw new UsageError("--joining-code is hex");
    if (role !== undefined && !/^[0-9]{1,5}$/.test(role)) throw new UsageError("--joining-role is a number");
    config = {
      ...config,
      ...(user === undefined ? {} : { consentingUser: user }),
      ...(known === undefined ? {} : { knownUser: known }),
      ...(hidden === undefined ? {} : { hiddenHandle: hidden }),
      ...(visibleHandle === undefined ? {} : { visibleHandle }),
      ...(suite === undefined ? {} : { cipherSuite: Number(suite) }),
      ...(room === undefined || code === undefined ? {} : { room, joiningCode: fromHex(code) }),
      ...(role === undefined ? {} : { joiningRole: Number(role) }),
    };
    const only = str("only")
      ?.split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (only !== undefined) {
      const unknown = only.filter((id) => !c.checks.some((k) => k.id === id));
      if (unknown.length > 0) throw new UsageError(`no check ${unknown.join(", ")}`);
    }
    const report = await c.runConformance(config, c.checks, {
      ...(only === undefined ? {} : { only }),
      onResult: (r) => {
        if (io.isTTY) io.stderr(`\r\x1b[2K${r.verdict.toUpperCase()} ${r.id}`);
      },
    });
    if (io.isTTY) io.stderr("\r\x1b[2K");
    const junit = str("junit");
    if (junit !== undefined) writeFileSync(resolve(io.root, junit), c.junitReport(report));
    if (values["json"] === true) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout(c.textReport(report));
    return c.conformant(report) ? EXIT.ok : EXIT.failed;
  },
};
