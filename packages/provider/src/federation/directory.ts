/**
 * A peer provider's §5.1 directory as our federation client reads it (decision 0676): the JSON
 * document at `/.well-known/mimi-protocol-directory`, validated, its templates resolved against
 * the peer's origin, and the request URLs built from it.
 *
 * The document is untrusted input: anything wrong with it is a {@link PeerDirectoryError} naming
 * the peer and the entry, never a crash.
 */
import {
  type DirectoryName,
  directoryNames,
  expandTemplate,
  isDirectoryName,
  templateVariable,
} from "@mimi/protocol";
import type { MimiError } from "@mimi/wire";
import { PeerUnavailable } from "./errors.js";

/**
 * A peer's directory cannot be used: it is not JSON, not an object, lists an entry that is not an
 * absolute https URL template on the peer's host with its path variable, or lacks the endpoint a
 * request needs. A kind of {@link PeerUnavailable} (the peer cannot be called), so the fanout
 * retries it with back-off and the client API answers 502.
 */
export class PeerDirectoryError extends PeerUnavailable {
  override name: string = "PeerDirectoryError";
  /** The directory entry at fault (`/notify`), or `/` for the document. */
  readonly entry: string;

  constructor(peerDomain: string, what: string, entry = "/", status?: number) {
    super(peerDomain, `directory: ${what}`, status);
    this.entry = entry;
  }
}

/** A validated directory: the absolute URL template of each endpoint the peer lists. */
export interface PeerDirectory {
  /** The peer domain. */
  readonly peer: string;
  /** Endpoint name → absolute `https:` URL template (relative ones already resolved). */
  readonly templates: ReadonlyMap<DirectoryName, string>;
  /** Entries that are present but unusable, with why: a request for one fails with that error. */
  readonly invalid: ReadonlyMap<DirectoryName, PeerDirectoryError>;
}

/** A template's value used to check that the expanded template is a URL (any one-segment value). */
const PROBE = "x";

/**
 * Parse and validate a peer's directory document.
 *
 * `origin` is where it was fetched (`https://<peer>[:port]`): relative templates resolve against
 * it. Keys other than the §5.1 endpoint names are ignored, whatever their values; an endpoint
 * missing from the document is not an error here (it is when a request needs it, see
 * {@link directoryUrl}), and neither is a malformed entry: it is kept in `invalid`, so that the
 * peer's other endpoints stay reachable and a request for that one fails naming the entry.
 *
 * @throws PeerDirectoryError naming the peer for a document that is not a JSON object.
 */
export function parsePeerDirectory(peer: string, origin: string, bytes: Uint8Array): PeerDirectory {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new PeerDirectoryError(peer, `not JSON (${(e as Error).message.slice(0, 200)})`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new PeerDirectoryError(peer, "not a JSON object");
  const templates = new Map<DirectoryName, string>();
  const invalid = new Map<DirectoryName, PeerDirectoryError>();
  // [PROTO-DIR-03] draft-ietf-mimi-protocol-06 §5.1: the directory is an open JSON object (ACME
  // style, RFC 8555 §7.1.1): keys that are not endpoint names are ignored, whatever their values.
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (!isDirectoryName(key)) continue;
    try {
      if (typeof value !== "string")
        throw new PeerDirectoryError(peer, `${key} is not a URL template string`, `/${key}`);
      templates.set(key, checkTemplate(peer, origin, key, value));
    } catch (e) {
      if (!(e instanceof PeerDirectoryError)) throw e;
      invalid.set(key, e);
    }
  }
  return { peer, templates, invalid };
}

/**
 * The endpoints whose path parameter repeats what the request already says (decision 0680): the
 * room of `/notify/{roomId}` is the room of the FanoutMessages in the body, and the `{domain}` of
 * `/identifierQuery/{domain}` is the peer the request is sent to (the `Host`, the TLS server name).
 */
const PARAMETER_REDUNDANT: ReadonlySet<DirectoryName> = new Set<DirectoryName>(["notify", "identifierQuery"]);

/**
 * True for an entry of `name` that is a plain URL without any template expression, accepted only
 * for the endpoints of {@link PARAMETER_REDUNDANT}.
 */
function isPlainUrlEntry(name: DirectoryName, value: string): boolean {
  // [PROTO-DIR-08] draft-ietf-mimi-protocol-06 §5.1, §5.5, §5.8 (decision 0680): a peer's notify or
  // identifierQuery entry may omit the path variable (another implementation lists both without
  // one); the request is then sent to that URL as it is, the parameter dropped. Every other
  // endpoint keeps its variable (PROTO-DIR-02): its parameter is nowhere else in the request.
  return PARAMETER_REDUNDANT.has(name) && !/[{}]/.test(value);
}

/** Validate one entry; the absolute template. */
function checkTemplate(peer: string, origin: string, name: DirectoryName, value: string): string {
  const entry = `/${name}`;
  const plain = isPlainUrlEntry(name, value);
  // [PROTO-DIR-02] draft-ietf-mimi-protocol-06 §5.1: each entry is a URL template of the endpoint
  // with its path parameter (the §5 heading's variable, e.g. {roomId}).
  if (!plain)
    try {
      templateVariable(value, name, entry);
    } catch (e) {
      throw new PeerDirectoryError(peer, (e as MimiError).what, entry);
    }
  let url: URL;
  try {
    // the variable is expanded (percent-encoded) before parsing, so braces never reach the parser
    url = new URL(plain ? value : expandTemplate(value, name, PROBE), origin);
  } catch {
    throw new PeerDirectoryError(peer, `${name} is not a URL template: ${value.slice(0, 200)}`, entry);
  }
  // [PROTO-DIR-01] draft-ietf-mimi-protocol-06 §4.1, §5.1: provider-to-provider requests are HTTPS
  // with mutual TLS; an entry on another scheme is refused, never followed.
  if (url.protocol !== "https:")
    throw new PeerDirectoryError(peer, `${name} is not an https URL: ${value.slice(0, 200)}`, entry);
  if (url.username !== "" || url.password !== "" || url.hash !== "")
    throw new PeerDirectoryError(peer, `${name} has userinfo or a fragment: ${value.slice(0, 200)}`, entry);
  // [PROTO-DIR-04] draft-ietf-mimi-protocol-06 §4.1: the target provider is the one the TLS
  // certificate and `Host` name; an entry on another host than the peer's domain would send our
  // request (and our client certificate) elsewhere, so it is refused (decision 0676).
  if (url.hostname !== peer)
    throw new PeerDirectoryError(peer, `${name} is on another host (${url.hostname.slice(0, 253)})`, entry);
  // an absolute template keeps its text; a relative one is joined to the origin textually, so that
  // the variable survives (a URL parser would percent-encode its braces)
  if (/^https:\/\//i.test(value)) return value;
  if (value.startsWith("/") && !value.startsWith("//")) return `${origin}${value}`;
  throw new PeerDirectoryError(
    peer,
    `${name} is neither an absolute URL nor an absolute path: ${value.slice(0, 200)}`,
    entry,
  );
}

/** The URL of a request to `name` with parameter `param`, from the peer's directory. */
export interface DirectoryTarget {
  /** Path and query, for the request line. */
  readonly path: string;
  /** The port the URL names (443 when it names none). */
  readonly port: number;
  /** The whole URL (for comparing two directories' answers). */
  readonly href: string;
}

/**
 * The request URL of `name` with `param` in `dir`.
 *
 * @throws PeerDirectoryError when the peer's directory does not list `name`, or lists it malformed.
 */
export function directoryUrl(dir: PeerDirectory, name: DirectoryName, param: string): DirectoryTarget {
  const template = dir.templates.get(name);
  const bad = dir.invalid.get(name);
  if (bad !== undefined) throw bad;
  if (template === undefined) {
    const listed = directoryNames.filter((n) => dir.templates.has(n));
    throw new PeerDirectoryError(
      dir.peer,
      `lists no ${name} endpoint (it lists ${listed.length === 0 ? "none" : listed.join(", ")})`,
      `/${name}`,
    );
  }
  const url = new URL(isPlainUrlEntry(name, template) ? template : expandTemplate(template, name, param));
  return {
    path: `${url.pathname}${url.search}`,
    port: url.port === "" ? 443 : Number(url.port),
    href: url.href,
  };
}
