/**
 * Blobs a provider stores for its clients (encrypted attachments, draft-ietf-mimi-content-08
 * ExternalPart): uploaded through the client API, downloaded by clients or, for other providers,
 * through the hub's `/proxyDownload` (protocol-06 §5.10). A blob is named by a download URL
 * `https://<domain>/blobs/<id>` with a random 128-bit id.
 */
import { toHex, ValidationError } from "@mimi/wire";
import { type SqlExecutor, toBytes } from "./database.js";

const blobPath = /^\/blobs\/([0-9a-f]{32})$/;

/**
 * Store bytes and return their download URL on `domain`.
 *
 * @throws ValidationError for an empty domain.
 */
export async function storeBlob(
  db: SqlExecutor,
  bytes: Uint8Array,
  domain: string,
  now: number = Date.now(),
): Promise<string> {
  if (domain.length === 0) throw new ValidationError("empty blob domain", { path: "/domain" });
  const id = toHex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  await db.query("INSERT INTO blobs (id, domain, created_at, bytes) VALUES ($1, $2, $3, $4)", [
    id,
    domain.toLowerCase(),
    now,
    bytes,
  ]);
  return `https://${domain.toLowerCase()}/blobs/${id}`;
}

/** The id and domain a download URL names, or undefined when it is not one of ours' shape. */
export function parseBlobUrl(url: string): { readonly domain: string; readonly id: string } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== "https:" || u.search !== "" || u.hash !== "" || u.username !== "" || u.password !== "")
    return undefined;
  const m = blobPath.exec(u.pathname);
  return m === null ? undefined : { domain: u.host, id: m[1]! };
}

/** The bytes stored under a download URL (`storeBlob`'s answer), or undefined. */
export async function loadBlob(db: SqlExecutor, url: string): Promise<Uint8Array | undefined> {
  const p = parseBlobUrl(url);
  if (p === undefined) return undefined;
  const rows = await db.query<{ bytes: unknown }>("SELECT bytes FROM blobs WHERE id = $1 AND domain = $2", [
    p.id,
    p.domain,
  ]);
  return rows[0] === undefined ? undefined : toBytes(rows[0].bytes);
}
