/**
 * `pnpm mimi`: the command line in the source repository. The published commands plus the ones
 * that run the repository's own test and benchmark code (`repository-commands.ts`); relative
 * paths resolve against the repository root, wherever pnpm was started.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { commands } from "./command-list.js";
import { type CommandSet, isMainModule, runProgram } from "./main.js";
import { repositoryCommands } from "./repository-commands.js";

/** The repository root. */
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Every command, in `pnpm mimi --help` order: the repository's first, then the published ones. */
export const repositoryCommandSet: CommandSet = {
  commands: [...repositoryCommands, ...commands],
  elsewhere: [],
};

if (isMainModule(import.meta.url)) runProgram(repositoryCommandSet, root);
