import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Command, EXIT, type Io, parseOptions, printJson, UsageError } from "../command.js";
import { requirementsMarkdown, scanRequirements } from "../reqs.js";

const usage = `usage: mimi reqs [--json | --markdown | --write | --check]

Lists every requirement ID cited in the code with its source (draft and section) and the number
of tests naming it.
  --json      print [{ "id", "source", "tests" }]
  --markdown  print the coverage table
  --write     write the coverage table to docs/requirements.md
  --check     exit 1 when an ID has no test or source, a test names an uncited ID, or
              docs/requirements.md is out of date`;

export const reqsCommand: Command = {
  name: "reqs",
  summary: "list requirement IDs with their sources and test counts",
  usage,
  async run(args: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseOptions(args, {
      json: { type: "boolean" },
      markdown: { type: "boolean" },
      write: { type: "boolean" },
      check: { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const modes = ["json", "markdown", "write", "check"].filter((k) => values[k] === true);
    if (modes.length > 1) throw new UsageError("choose one of --json, --markdown, --write, --check");
    const scan = scanRequirements(io.root);
    const tablePath = join(io.root, "docs", "requirements.md");
    const table = requirementsMarkdown(scan);
    switch (modes[0]) {
      case "json":
        printJson(
          io,
          scan.requirements.map((r) => ({ id: r.id, source: r.source, tests: r.tests })),
        );
        return EXIT.ok;
      case "markdown":
        io.stdout(table);
        return EXIT.ok;
      case "write":
        writeFileSync(tablePath, table);
        io.stdout(`wrote docs/requirements.md (${scan.requirements.length} requirements)\n`);
        return EXIT.ok;
      case "check": {
        const problems = [...scan.problems];
        let current = "";
        try {
          current = readFileSync(tablePath, "utf8");
        } catch {
          current = "";
        }
        if (current !== table)
          problems.push("docs/requirements.md is out of date: run `pnpm mimi reqs --write`");
        for (const p of problems) io.stderr(`error: RequirementCheck: ${p} at /\n`);
        io.stdout(`${scan.requirements.length} requirements, ${problems.length} problem(s)\n`);
        return problems.length === 0 ? EXIT.ok : EXIT.failed;
      }
      default:
        for (const r of scan.requirements)
          io.stdout(`${r.id.padEnd(24)} ${String(r.tests).padStart(4)}  ${r.source}\n`);
        return EXIT.ok;
    }
  },
};
