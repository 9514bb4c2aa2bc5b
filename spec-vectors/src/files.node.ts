/** The vector files read from disk (the `node` variant of `#files`). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The spec-vectors folder: an absolute path. */
export const vectorsRoot: string = dirname(dirname(fileURLToPath(import.meta.url)));

/** The folder files are read from: {@link vectorsRoot}, or the copy set by {@link setReadRoot}. */
let readRoot = vectorsRoot;

/** Read from another copy of the folder (a path), or from this package's own folder again (undefined). */
export function setReadRoot(dir: string | undefined): void {
  readRoot = dir === undefined ? vectorsRoot : resolve(dir);
}

/** Text (UTF-8) of a file, by path relative to the folder read from; undefined when missing. */
export function readVectorsText(rel: string): string | undefined {
  try {
    return readFileSync(join(readRoot, rel), "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Every file under the folder read from (relative, with `/`, sorted), outside `node_modules`, `src`, `dist` and `test`. */
export function listVectorsFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const rel = relative(readRoot, full).split(sep).join("/");
      if (statSync(full).isDirectory()) {
        if (!["node_modules", "src", "dist", "test"].includes(rel)) walk(full);
      } else {
        out.push(rel);
      }
    }
  };
  walk(readRoot);
  return out;
}
