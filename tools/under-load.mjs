#!/usr/bin/env node
// Run a command while N busy CPU loops run beside it (default: the whole test suite with two
// loops), to prove the suite passes on a loaded machine, not only on a quiet one.
//
//   node tools/under-load.mjs [--loops N] [-- COMMAND ARGS...]
//   pnpm test:under-load                      # = node tools/under-load.mjs -- pnpm run test:all
//
// Each loop is a separate Node process spinning on the CPU at normal priority; they are killed
// when the command ends (or this script is interrupted). Exits with the command's status and
// prints how long it took.
import { spawn } from "node:child_process";

const argv = process.argv.slice(2);
let loops = 2;
const dash = argv.indexOf("--");
const options = dash === -1 ? argv : argv.slice(0, dash);
const command = dash === -1 ? ["pnpm", "run", "test:all"] : argv.slice(dash + 1);
for (let i = 0; i < options.length; i++) {
  if (options[i] === "--loops" && /^\d+$/.test(options[i + 1] ?? "")) loops = Number(options[++i]);
  else {
    process.stderr.write(`error: UsageError: unknown option ${options[i]} at argv\n`);
    process.stderr.write("usage: node tools/under-load.mjs [--loops N] [-- COMMAND ARGS...]\n");
    process.exit(2);
  }
}
if (command.length === 0) {
  process.stderr.write("error: UsageError: no command after -- at argv\n");
  process.exit(2);
}

const spin = "const end = () => process.exit(0); process.on('SIGTERM', end); for (;;) {}";
const busy = Array.from({ length: loops }, () => spawn(process.execPath, ["-e", spin], { stdio: "ignore" }));
const stopLoops = () => {
  for (const b of busy) if (b.exitCode === null) b.kill("SIGKILL");
};
process.on("exit", stopLoops);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

process.stderr.write(`under-load: ${loops} busy loop(s) beside: ${command.join(" ")}\n`);
const started = performance.now();
const child = spawn(command[0], command.slice(1), { stdio: "inherit", env: process.env });
child.on("error", (e) => {
  process.stderr.write(`error: SpawnError: ${e.message} at ${command[0]}\n`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  stopLoops();
  process.stderr.write(
    `under-load: ${command.join(" ")} ended ${signal ?? `with ${code}`} after ${seconds} s beside ${loops} busy loop(s)\n`,
  );
  process.exit(code ?? 1);
});
