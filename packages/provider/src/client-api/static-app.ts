/**
 * The browser listener's static files (decision 0811): a web app served at `/` from one directory
 * (GET and HEAD, `index.html` for a directory, `Cache-Control: no-cache`), never a file outside it.
 */

import { createReadStream } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, sep } from "node:path";
import { HttpRejection } from "../server/http-error.js";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
};

const notFound = (path: string): HttpRejection =>
  new HttpRejection(404, `no file at ${path.slice(0, 200)}`, { rule: "PROTO-CAPI-20" });

/**
 * Answer a GET or HEAD of `pathname` (the URL's, already dot-segment-resolved) from `root`.
 *
 * @throws HttpRejection 405 for other methods, 404 for a path outside `root` or no file.
 */
export async function serveStatic(
  root: string,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? "";
  if (method !== "GET" && method !== "HEAD")
    throw new HttpRejection(405, `${method} not allowed on ${pathname.slice(0, 200)}`);
  let segments: string[];
  try {
    segments = pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpRejection(400, "the path is not percent-encoded UTF-8", { path: "/path" });
  }
  // [PROTO-CAPI-20] draft-ietf-mimi-protocol-06 §1 (out of scope; our client API, decision 0811): the browser listener serves files of its app
  // directory only: no segment may climb out of it (`..`, an encoded slash or backslash, NUL), and
  // the file found (links resolved) must lie inside it.
  if (segments.some((s) => s === "." || s === ".." || /[/\\\0]/.test(s))) throw notFound(pathname);
  const base = await realpath(root);
  let file = join(base, ...segments);
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, "index.html");
    info = await stat(file).catch(() => undefined);
  }
  if (info === undefined || !info.isFile()) throw notFound(pathname);
  const real = await realpath(file);
  if (!real.startsWith(base + sep)) throw notFound(pathname);
  res.statusCode = 200;
  res.setHeader("Content-Type", TYPES[extname(real).toLowerCase()] ?? "application/octet-stream");
  res.setHeader("Content-Length", info.size);
  res.setHeader("Cache-Control", "no-cache");
  res.setHeader("X-Content-Type-Options", "nosniff");
  if (method === "HEAD") {
    res.end();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(real);
    s.on("error", reject);
    res.on("close", () => resolve());
    s.pipe(res);
  });
}
