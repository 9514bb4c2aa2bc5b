/**
 * Reading an HTTP request's body and path parameter, shared by the federation server and the
 * client API: oversized bodies and malformed percent-encoding are refused with a 4xx.
 */
import type { IncomingMessage } from "node:http";
import { HttpRejection } from "./http-error.js";

/**
 * Read the body, refusing more than `max` bytes with 413.
 *
 * @throws HttpRejection 413 when the body is larger than `max`.
 */
export async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = req.headers["content-length"];
  // [PROTO-HTTP-01] draft-ietf-mimi-protocol-06 §4.1 (our profile, decision 0610): request bodies
  // above the configured limit are refused with 413.
  if (declared !== undefined && Number(declared) > max)
    throw new HttpRejection(413, `body of ${declared} bytes exceeds the limit of ${max}`, {
      rule: "PROTO-HTTP-01",
    });
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    const chunk = c as Buffer;
    n += chunk.length;
    if (n > max)
      throw new HttpRejection(413, `body exceeds the limit of ${max} bytes`, { rule: "PROTO-HTTP-01" });
    chunks.push(chunk);
  }
  const all = Buffer.concat(chunks, n);
  return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
}

/** Percent-decode a path parameter.
 *
 * @throws HttpRejection 400 for invalid percent-encoded UTF-8.
 */
export function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpRejection(400, "path parameter is not valid percent-encoded UTF-8", { path: "/path" });
  }
}
