/**
 * Per-kind parsers and guards, and helpers across kinds (the provider of any identifier, the user
 * of a two-segment client URI).
 */
import { failAt, IdentifierError } from "./identifier-error.js";
import {
  type ClientUri,
  type GroupUri,
  kindRules,
  type MimiUriKind,
  type MimiUriOf,
  type ParsedMimiUri,
  type ProviderUri,
  type PseudonymUri,
  parseMimiUri,
  type RoomUri,
  type TeamUri,
  type UserUri,
} from "./mimi-uri.js";

/** Where the type segment of `text` starts (for error positions); the end for a provider. */
function kindPosition(text: string): number {
  const slash = text.indexOf("/", 7);
  return slash < 0 ? text.length : slash + 1;
}

/**
 * Parse `text` as a MIMI URI of kind `kind`.
 *
 * @throws IdentifierError when it is not a MIMI URI, or when its kind differs (`rule` is the
 * ABNF rule expected, e.g. `user-uri`).
 */
export function parseMimiUriOfKind<K extends MimiUriKind>(text: string, kind: K): MimiUriOf<K> {
  const p = parseMimiUri(text);
  if (p.kind !== kind) {
    const name = kind === "provider" ? "a provider URI" : `a '/${kind}/' URI`;
    failAt(`expected ${name}, got kind '${p.kind}'`, kindRules[kind], kindPosition(text));
  }
  return p.uri as MimiUriOf<K>;
}

function isOfKind(x: unknown, kind: MimiUriKind): boolean {
  if (typeof x !== "string") return false;
  try {
    const p = parseMimiUri(x);
    return p.kind === kind && p.uri === x;
  } catch (e) {
    if (e instanceof IdentifierError) return false;
    throw e;
  }
}

/** Parse a provider URI `mimi://<domain>`. @throws IdentifierError when invalid or of another kind. */
export function parseProviderUri(text: string): ProviderUri {
  return parseMimiUriOfKind(text, "provider");
}
/** Parse a user URI `mimi://<domain>/u/<id>`. @throws IdentifierError when invalid or of another kind. */
export function parseUserUri(text: string): UserUri {
  return parseMimiUriOfKind(text, "u");
}
/** Parse a pseudonym URI `mimi://<domain>/p/<id>`. @throws IdentifierError when invalid or of another kind. */
export function parsePseudonymUri(text: string): PseudonymUri {
  return parseMimiUriOfKind(text, "p");
}
/** Parse a client URI `mimi://<domain>/d/[<user>/]<id>`. @throws IdentifierError when invalid or of another kind. */
export function parseClientUri(text: string): ClientUri {
  return parseMimiUriOfKind(text, "d");
}
/** Parse a room URI `mimi://<domain>/r/<id>`. @throws IdentifierError when invalid or of another kind. */
export function parseRoomUri(text: string): RoomUri {
  return parseMimiUriOfKind(text, "r");
}
/** Parse an MLS group URI `mimi://<domain>/g/<id>`. @throws IdentifierError when invalid or of another kind. */
export function parseGroupUri(text: string): GroupUri {
  return parseMimiUriOfKind(text, "g");
}
/** Parse a team URI `mimi://<domain>/t/<id>`. @throws IdentifierError when invalid or of another kind. */
export function parseTeamUri(text: string): TeamUri {
  return parseMimiUriOfKind(text, "t");
}

/** True when `x` is a canonical provider URI. */
export function isProviderUri(x: unknown): x is ProviderUri {
  return isOfKind(x, "provider");
}
/** True when `x` is a canonical user URI. */
export function isUserUri(x: unknown): x is UserUri {
  return isOfKind(x, "u");
}
/** True when `x` is a canonical pseudonym URI. */
export function isPseudonymUri(x: unknown): x is PseudonymUri {
  return isOfKind(x, "p");
}
/** True when `x` is a canonical client URI. */
export function isClientUri(x: unknown): x is ClientUri {
  return isOfKind(x, "d");
}
/** True when `x` is a canonical room URI. */
export function isRoomUri(x: unknown): x is RoomUri {
  return isOfKind(x, "r");
}
/** True when `x` is a canonical MLS group URI. */
export function isGroupUri(x: unknown): x is GroupUri {
  return isOfKind(x, "g");
}
/** True when `x` is a canonical team URI. */
export function isTeamUri(x: unknown): x is TeamUri {
  return isOfKind(x, "t");
}

/**
 * The provider of any MIMI URI: `mimi://<domain>`.
 *
 * @throws IdentifierError when `uri` is not a MIMI URI.
 */
export function providerOf(uri: string): ProviderUri {
  return `mimi://${parseMimiUri(uri).domain}` as ProviderUri;
}

/**
 * The canonical domain (lower case, A-labels) of any MIMI URI.
 *
 * @throws IdentifierError when `uri` is not a MIMI URI.
 */
export function domainOf(uri: string): string {
  return parseMimiUri(uri).domain;
}

/**
 * The kind of any MIMI URI.
 *
 * @throws IdentifierError when `uri` is not a MIMI URI.
 */
export function kindOf(uri: string): MimiUriKind {
  return parseMimiUri(uri).kind;
}

/**
 * The user of a two-segment client URI: `mimi://d/<user>/<id>` → `mimi://<domain>/u/<user>`
 * (decision 0107); `undefined` for a one-segment client URI, whose user is not in the URI.
 *
 * @throws IdentifierError when `uri` is not a client URI.
 */
export function userOfClient(uri: string): UserUri | undefined {
  const p: ParsedMimiUri = parseMimiUri(uri);
  if (p.kind !== "d") failAt(`expected a '/d/' URI, got kind '${p.kind}'`, kindRules.d, kindPosition(uri));
  if (p.segments.length !== 2) return undefined;
  const user = p.uri.slice(0, p.uri.lastIndexOf("/")).replace("/d/", "/u/");
  return user as UserUri;
}
