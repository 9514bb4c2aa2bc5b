import { type Command, EXIT, type Io, parseOptions, UsageError } from "../command.js";

const usage = `usage: mimi chaos [--storage postgres://... | --postgres] [--quick] [--json]

Starts the demo's three providers (hub a.example, followers b.example and c.example, each its
own process on persistent storage: PGlite in a temporary folder, or a database per provider on
the PostgreSQL server of --storage), with the link between a.example and b.example through a
loopback TCP proxy this command controls. Several rooms with members on every provider get a
steady message rate while faults are injected one at a time: the hub killed (SIGKILL) and
restarted; a follower down and back; the hub-follower link dropping connections, delayed 500 ms,
reset in the middle of a body, accepting and never answering; the follower answering 503; a slow
client reading its inbox; with --postgres, the PostgreSQL server restarted under load (an
immediate shutdown, then a start); with --storage, the PostgreSQL connections terminated under load.

Per fault it prints acknowledged messages lost, messages delivered twice, per-room order
violations, 5xx answers to well-formed requests (goals: 0 each) and the time until every client
caught up. Exit 0 only if every goal holds, 1 otherwise.

  --storage URL   every provider on its own database of that PostgreSQL server
  --postgres      start a throw-away PostgreSQL server (tools/postgres.sh) for the providers, and
                  restart it under load as one of the faults
  --quick         the short profile the test suite runs (fewer faults, shorter)
  --json          print the report as JSON instead of the table`;

export const chaosCommand: Command = {
  name: "chaos",
  summary: "inject faults into a three-provider federation under load and check every client's view",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      quick: { type: "boolean" },
      storage: { type: "string" },
      postgres: { type: "boolean" },
      json: { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const storage = values["storage"] as string | undefined;
    if (storage !== undefined && !/^postgres(ql)?:\/\//.test(storage)) {
      throw new UsageError("--storage must be a postgres:// URL (the default is PGlite)");
    }
    const postgres = values["postgres"] === true;
    if (postgres && storage !== undefined) throw new UsageError("--postgres and --storage are exclusive");
    const json = values["json"] === true;
    const { runChaos, formatChaosReport, chaosFailures } = await import("@mimi/demo");
    const report = await runChaos({
      quick: values["quick"] === true,
      ...(storage === undefined ? {} : { storage }),
      ...(postgres ? { postgres } : {}),
      progress: (line) => io.stderr(`${line}\n`),
    });
    io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : formatChaosReport(report));
    for (const line of chaosFailures(report)) io.stderr(`${line}\n`);
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};
