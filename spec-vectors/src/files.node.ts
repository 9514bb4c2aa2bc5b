/** The vector files read from disk (the `node` variant of `#files`). */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The spec-vectors folder: an absolute path. */
export const vectorsRoot: string = dirname(dirname(fileURLToPath(import.meta.url)));

/** Text (UTF-8) of a file, by path relative to the spec-vectors folder; undefined when missing. */
export function readVectorsText(rel: string): string | undefined {
  try {
    return readFileSync(join(vectorsRoot, rel), "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Every file under the folder (relative, with `/`, sorted), outside `node_modules`, `src` and `test`. */
export function listVectorsFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const rel = relative(vectorsRoot, full).split(sep).join("/");
      if (statSync(full).isDirectory()) {
        if (!["node_modules", "src", "test"].includes(rel)) walk(full);
      } else {
        out.push(rel);
      }
    }
  };
  walk(vectorsRoot);
  return out;
}
