import { gunzipSync } from "node:zlib";

/**
 * The files of an npm tarball (a gzipped ustar archive, as npm and pnpm write it), by path with
 * the leading `package/` removed. Long names come from ustar's prefix field, pax `path` records or
 * GNU long-name entries.
 */
export function tarballFiles(tgz: Uint8Array): Map<string, Uint8Array> {
  const tar = gunzipSync(tgz);
  const files = new Map<string, Uint8Array>();
  const text = (b: Uint8Array): string => new TextDecoder().decode(b).replace(/\0.*$/s, "");
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const size = Number.parseInt(text(header.subarray(124, 136)).trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 48);
    const prefix = text(header.subarray(345, 500));
    let name = text(header.subarray(0, 100));
    if (prefix !== "") name = `${prefix}/${name}`;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === "x") {
      const path = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text(body))?.[1];
      if (path !== undefined) longName = path;
      continue;
    }
    if (type === "L") {
      longName = text(body);
      continue;
    }
    if (longName !== undefined) name = longName;
    longName = undefined;
    if (type === "0" || type === "\0") files.set(name.replace(/^package\//, ""), body);
  }
  return files;
}

/** Every target of an `exports` or `imports` map (strings at the leaves), with its key path. */
function targets(value: unknown, at: string, out: [string, string][]): [string, string][] {
  if (typeof value === "string") out.push([at, value]);
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) targets(v, `${at}/${k}`, out);
  return out;
}

/**
 * What is wrong with a tarball's own contents: an `exports`/`imports`/`bin`/`main`/`types` target
 * missing from it, a source map whose `sources` are not in it, a declaration file without its
 * JavaScript beside it. Empty when nothing is.
 */
export function tarballProblems(files: ReadonlyMap<string, Uint8Array>): string[] {
  const problems: string[] = [];
  const manifestBytes = files.get("package.json");
  if (manifestBytes === undefined) return ["no package.json"];
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Record<string, unknown>;
  const refs: [string, string][] = [];
  targets(manifest["exports"], "exports", refs);
  targets(manifest["imports"], "imports", refs);
  targets(manifest["bin"], "bin", refs);
  for (const f of ["main", "types"]) targets(manifest[f], f, refs);
  for (const [at, target] of refs) {
    if (!target.startsWith("./") && at.startsWith("imports")) continue; // a package, not a file
    const path = target.replace(/^\.\//, "");
    if (path.includes("*")) {
      const [head, tail] = path.split("*") as [string, string];
      if (![...files.keys()].some((f) => f.startsWith(head) && f.endsWith(tail)))
        problems.push(`${at}: no file matches ${target}`);
    } else if (!files.has(path)) problems.push(`${at}: ${target} is not in the tarball`);
  }
  for (const [path, bytes] of files) {
    if (!path.endsWith(".map")) continue;
    let map: { sources?: unknown };
    try {
      map = JSON.parse(new TextDecoder().decode(bytes)) as { sources?: unknown };
    } catch {
      problems.push(`${path}: not JSON`);
      continue;
    }
    const dir = path.split("/").slice(0, -1);
    for (const source of Array.isArray(map.sources) ? (map.sources as string[]) : []) {
      const parts = [...dir];
      for (const seg of source.split("/")) {
        if (seg === "..") parts.pop();
        else if (seg !== ".") parts.push(seg);
      }
      if (!files.has(parts.join("/"))) problems.push(`${path}: its source ${source} is not in the tarball`);
    }
  }
  return problems;
}
