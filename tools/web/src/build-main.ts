/** `pnpm --filter @mimi/web build`: the app into `tools/web/dist`. */
import { buildWebApp } from "./build.js";

const dir = await buildWebApp();
process.stdout.write(`web app built into ${dir}\n`);
