/**
 * The vector files bundled by Vite (the variant of `#files` for browsers): every file of the
 * folder, as text, through `import.meta.glob`. Other bundlers need the same files made available;
 * the browser test run of `npm test` uses this through Vite.
 */

declare global {
  interface ImportMeta {
    glob(
      patterns: string | readonly string[],
      options: { eager: true; query: "?raw"; import: "default" },
    ): Record<string, string>;
  }
}

const files: Record<string, string> = import.meta.glob(
  [
    "../**/*.{json,hex,txt,tls,diag,cddl,tsv,md,sha256}",
    "../*.sha256",
    "!../node_modules/**",
    "!../src/**",
    "!../dist/**",
    "!../test/**",
  ],
  { eager: true, query: "?raw", import: "default" },
);

const byPath = new Map<string, string>();
for (const [key, text] of Object.entries(files)) byPath.set(key.replace(/^\.\.\//, ""), text);

/** The spec-vectors folder: the URL it is served from. */
export const vectorsRoot: string = new URL("..", import.meta.url).href;

/** Text of a file, by path relative to the spec-vectors folder; undefined when missing. */
export function readVectorsText(rel: string): string | undefined {
  return byPath.get(rel);
}

/** Every file under the folder (relative, with `/`, sorted), outside `node_modules`, `src`, `dist` and `test`. */
export function listVectorsFiles(): string[] {
  return [...byPath.keys()].sort();
}

/** Only this bundled copy can be read in a browser: any other folder is refused. */
export function setReadRoot(dir: string | undefined): void {
  if (dir !== undefined) throw new Error("reading vector files from another folder needs Node");
}
