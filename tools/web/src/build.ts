/**
 * Build the web app: `app/main.ts` and what it imports, bundled by esbuild for browsers (the
 * packages' `@mimi/source` TypeScript, `#platform` resolved to the web variants), with
 * `index.html` and `app.css` beside it.
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The app's sources. */
const APP = resolve(HERE, "../app");
/** Where `pnpm --filter @mimi/web build` writes the app. */
const DEFAULT_DIST: string = resolve(HERE, "../dist");

/** Bundle the app into `outDir` (default `tools/web/dist`); returns the directory. */
export async function buildWebApp(outDir: string = DEFAULT_DIST): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(APP, "main.ts")],
    outfile: join(outDir, "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["@mimi/source", "browser"],
    minify: true,
    sourcemap: true,
    legalComments: "linked",
    logLevel: "silent",
  });
  for (const f of ["index.html", "app.css"]) copyFileSync(join(APP, f), join(outDir, f));
  return outDir;
}
