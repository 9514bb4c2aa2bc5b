import { type Command, EXIT, type Io, parseOptions, UsageError, untilInterrupted } from "../command.js";

const usage = `usage: mimi demo [--quick] [--members N [--real R [--batch B]]] [--storage postgres://...] [--keep-running --dir DIR] [--json]
       mimi demo --web [--screenshot DIR] [--storage postgres://...]

Starts three MIMI providers on loopback, each its own process with its own development PKI,
mutual TLS and storage (PGlite in a temporary directory, or a database per provider on the
PostgreSQL server of --storage): hub a.example, followers b.example and c.example. Then real
clients run the call flows of draft-ietf-mimi-protocol-06 §3: Alice creates a room, adds Bob,
Bob adds Cathy through the hub, they exchange end-to-end encrypted MIMI content (markdown, reply,
reactions, edit, delete, expiring message, attachment downloaded through proxyDownload), Cathy
leaves, and a new client of Bob's joins by external commit.

Prints a progress line per step, each client's transcript, and a summary table. Exit 0 only if
every client shows exactly the expected conversation.

  --members N      a room of N users (at least 3) spread over the three providers; every one a
                   real MLS client up to 1,000, or with --real up to 100,000
  --real R         the big-room mode (docs/big-rooms.md): only R members (at least 3, Alice, Bob
                   and Cathy among them) are real MLS clients that process every commit and
                   message; the other N − R are simulated: each a user registered at its provider
                   with a real credential and a KeyPackage uploaded, fetched through the key
                   material path and added in batched Add commits through the hub, with no
                   client running. At the end a few simulated members open their inbox and must
                   join from the Welcome their provider kept. The summary has per-step times, each
                   Add commit's time and the largest commit's size
  --batch B        users per Add commit in the big-room mode (default 500)
  --keep-running   leave the providers up and write DIR/providers.json (needs --dir)
  --json           print the report as JSON instead of the text summary
  --quick          shorter timeouts (used by the test suite)
  --web            the web app instead of the scripted clients: each provider's browser listener
                   serves it; prints one sign-in link per demo user (Alice, Bob, Cathy) and runs
                   until Ctrl-C (docs/web.md)
  --screenshot DIR with --web: play the demo conversation in three Chromium pages, write
                   DIR/alice.png, DIR/bob.png and DIR/cathy.png, and exit`;

export const demoCommand: Command = {
  name: "demo",
  summary: "run a three-provider MIMI federation with real clients (protocol-06 §3)",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      quick: { type: "boolean" },
      members: { type: "string" },
      real: { type: "string" },
      batch: { type: "string" },
      storage: { type: "string" },
      "keep-running": { type: "boolean" },
      dir: { type: "string" },
      json: { type: "boolean" },
      web: { type: "boolean" },
      screenshot: { type: "string" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const screenshot = values["screenshot"] as string | undefined;
    if (values["web"] === true) {
      for (const o of ["members", "real", "batch", "keep-running", "dir", "json", "quick"])
        if (values[o] !== undefined) throw new UsageError(`--${o} does not go with --web`);
      const storage = values["storage"] as string | undefined;
      if (storage !== undefined && !/^postgres(ql)?:\/\//.test(storage)) {
        throw new UsageError("--storage must be a postgres:// URL (the default is PGlite)");
      }
      return webDemo(io, {
        ...(storage === undefined ? {} : { storage }),
        ...(screenshot === undefined
          ? {}
          : { screenshot: screenshot.startsWith("/") ? screenshot : `${io.root}/${screenshot}` }),
      });
    }
    if (screenshot !== undefined) throw new UsageError("--screenshot needs --web");
    const members = values["members"] === undefined ? undefined : Number(values["members"]);
    const real = values["real"] === undefined ? undefined : Number(values["real"]);
    const batch = values["batch"] === undefined ? undefined : Number(values["batch"]);
    const maxMembers = real === undefined ? 1000 : 100_000;
    if (members !== undefined && (!Number.isInteger(members) || members < 3 || members > maxMembers)) {
      throw new UsageError(
        `--members must be an integer from 3 to ${maxMembers}${real === undefined ? " (more with --real)" : ""}`,
      );
    }
    if (real !== undefined) {
      if (members === undefined) throw new UsageError("--real needs --members");
      if (!Number.isInteger(real) || real < 3 || real > Math.min(members, 1000))
        throw new UsageError("--real must be an integer from 3 to --members (at most 1000)");
    }
    if (batch !== undefined) {
      if (real === undefined) throw new UsageError("--batch needs --real");
      if (!Number.isInteger(batch) || batch < 1 || batch > 5000)
        throw new UsageError("--batch must be an integer from 1 to 5000");
    }
    const storage = values["storage"] as string | undefined;
    if (storage !== undefined && !/^postgres(ql)?:\/\//.test(storage)) {
      throw new UsageError("--storage must be a postgres:// URL (the default is PGlite)");
    }
    const keepRunning = values["keep-running"] === true;
    const dir = values["dir"] as string | undefined;
    if (keepRunning && dir === undefined) throw new UsageError("--keep-running needs --dir DIR");
    const json = values["json"] === true;
    const { runDemo } = await import("@mimi/demo");
    const write = json ? (t: string) => io.stderr(t) : (t: string) => io.stdout(t);
    const { report, federation } = await runDemo({
      write,
      ...(storage === undefined ? {} : { storage }),
      ...(members === undefined ? {} : { members }),
      ...(real === undefined ? {} : { real }),
      ...(batch === undefined ? {} : { batch }),
      ...(dir === undefined ? {} : { dir: dir.startsWith("/") ? dir : `${io.root}/${dir}` }),
      keepRunning,
      quick: values["quick"] === true,
    });
    if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    if (federation !== undefined) {
      await untilInterrupted();
      await federation.stop();
    }
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};

/** `--web`: the federation with the web app; links until Ctrl-C, or the screenshot run. */
async function webDemo(
  io: Io,
  o: { readonly storage?: string; readonly screenshot?: string },
): Promise<number> {
  const { startWebDemo, playConversation, screenshots, chromiumExecutable } = await import("@mimi/web");
  const line = (s: string): void => io.stdout(`${s}\n`);
  const demo = await startWebDemo({
    progress: line,
    ...(o.storage === undefined ? {} : { storage: o.storage }),
  });
  try {
    if (o.screenshot !== undefined) {
      const run = await playConversation(demo, { executablePath: chromiumExecutable(), progress: line });
      try {
        for (const f of await screenshots(run, o.screenshot)) line(`wrote ${f}`);
      } finally {
        await run.close();
      }
      return EXIT.ok;
    }
    line("");
    line(
      "Open each link in a browser tab: it signs a new client in once, and the page keeps it across reloads:",
    );
    for (const u of demo.users) line(`  ${u.name.padEnd(6)} ${u.userUri.padEnd(26)} ${u.url}`);
    line("");
    line(
      "Alice can create a room on a.example and add mimi://b.example/u/bob; Bob can add mimi://c.example/u/cathy.",
    );
    line("Ctrl-C stops the providers.");
    await untilInterrupted();
    return EXIT.ok;
  } finally {
    await demo.stop();
  }
}
