/**
 * The errors of the federation client: a peer's refusal, and a peer that cannot be called.
 */
import { ProtocolError } from "@mimi/wire";

/** The JSON reason a MIMI server sends with a refusal (decision 0610). */
export interface PeerReason {
  readonly error?: string;
  readonly what?: string;
  readonly path?: string;
  readonly rule?: string;
}

/** A peer refused a request with a 4xx; `reason` is its JSON error body when it sent one. */
export class PeerRejected extends ProtocolError {
  override name: string = "PeerRejected";
  /** The peer domain. */
  readonly peerDomain: string;
  /** The HTTP status (400–499). */
  readonly status: number;
  /** The peer's reason. */
  readonly reason: PeerReason;
  /** The raw response body. */
  readonly body: Uint8Array;
  /** The peer's `Retry-After` in milliseconds, if any. */
  readonly retryAfterMs: number | undefined;

  constructor(peerDomain: string, status: number, body: Uint8Array, retryAfterMs?: number) {
    const reason = parseReason(body);
    super(`${peerDomain} refused with ${status}: ${reason.what ?? "no reason given"}`, {
      path: reason.path ?? "/",
      ...(reason.rule === undefined ? {} : { rule: reason.rule }),
      code: String(status),
    });
    this.peerDomain = peerDomain;
    this.status = status;
    this.reason = reason;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A peer could not be reached, timed out, or answered with a server error (5xx). */
export class PeerUnavailable extends ProtocolError {
  override name: string = "PeerUnavailable";
  /** The peer domain. */
  readonly peerDomain: string;
  /** The HTTP status when the peer answered (5xx or an unexpected status), otherwise undefined. */
  readonly status: number | undefined;
  /** The peer's `Retry-After` in milliseconds, if it answered with one (e.g. a 503). */
  readonly retryAfterMs: number | undefined;

  constructor(peerDomain: string, what: string, status?: number, retryAfterMs?: number) {
    super(`${peerDomain}: ${what}`, { path: "/", ...(status === undefined ? {} : { code: String(status) }) });
    this.peerDomain = peerDomain;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The JSON reason of a refusal body, or `{}`. */
export function parseReason(body: Uint8Array): PeerReason {
  try {
    const v: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    if (v === null || typeof v !== "object" || Array.isArray(v)) return {};
    const o = v as Record<string, unknown>;
    const s = (k: string) => (typeof o[k] === "string" ? { [k]: (o[k] as string).slice(0, 1000) } : {});
    return { ...s("error"), ...s("what"), ...s("path"), ...s("rule") };
  } catch {
    return {};
  }
}
