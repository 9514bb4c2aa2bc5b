import { type MimiUri, parseHandleUri, parseMimiUri } from "@mimi/identifiers";
import { ValidationError } from "@mimi/wire";

/** The kinds of handle a user can list in a provider's directory. */
export const directoryHandleSchemes = {
  tel: "tel",
  mailto: "mailto",
  im: "im",
  xmpp: "xmpp",
  user: "user",
  pseudonym: "pseudonym",
} as const;
/** A {@link directoryHandleSchemes} name. */
export type DirectoryHandleScheme = keyof typeof directoryHandleSchemes;

/**
 * A handle in canonical form with the search keys it answers to (protocol-06 §5.8: `handle` is
 * the whole URI, `nick` the user part, `email` an addr-spec, `phone` a `+` E.164 number).
 */
export interface DirectoryHandle {
  /** The canonical URI (`@mimi/identifiers`): `tel:+…`, `mailto:…`, `im:…`, `xmpp:…`, `mimi://…/u/…`, `mimi://…/p/…`. */
  readonly uri: string;
  readonly scheme: DirectoryHandleScheme;
  /** The domain that issued the handle (the CSIP of the discovery requirements), if it has one: `tel:` has none. */
  readonly issuer: string | undefined;
  /** The search keys this handle matches, one per search type that applies. */
  readonly keys: readonly string[];
}

/**
 * Reads a handle (`tel:`, `mailto:`, `im:`, `xmpp:`, or a `mimi:` user or pseudonym URI) into
 * its canonical form and search keys.
 * @throws ValidationError (an `IdentifierError` for a malformed URI, or `DISC-HANDLE-01` for a
 * `mimi:` URI that is neither a user nor a pseudonym).
 */
export function parseDirectoryHandle(text: string): DirectoryHandle {
  if (typeof text === "string" && /^mimi:/i.test(text)) {
    const parsed = parseMimiUri(text);
    if (parsed.kind !== "u" && parsed.kind !== "p") {
      // [DISC-HANDLE-01] draft-ietf-mimi-user-discovery-reqs §2: a discoverable identifier names a user: only `mimi:` user (/u/) and pseudonym (/p/) URIs are handles (decision 0700)
      throw new ValidationError(`a ${parsed.kind} URI is not a user handle`, {
        path: "/",
        rule: "DISC-HANDLE-01",
      });
    }
    const nick = parsed.segments[0] ?? "";
    return {
      uri: parsed.uri,
      scheme: parsed.kind === "u" ? "user" : "pseudonym",
      issuer: parsed.domain,
      keys: [`handle:${parsed.uri}`, `nick:${nick}`],
    };
  }
  const h = parseHandleUri(text);
  switch (h.scheme) {
    case "tel":
      return { uri: h.uri, scheme: "tel", issuer: undefined, keys: [`handle:${h.uri}`, `phone:${h.number}`] };
    case "mailto":
      return {
        uri: h.uri,
        scheme: "mailto",
        issuer: h.domain,
        keys: [`handle:${h.uri}`, `email:${h.uri.slice("mailto:".length)}`, `nick:${h.localPart}`],
      };
    case "im":
      return { uri: h.uri, scheme: "im", issuer: h.domain, keys: [`handle:${h.uri}`, `nick:${h.localPart}`] };
    case "xmpp": {
      const keys = [`handle:${h.uri}`];
      if (h.localPart !== undefined) keys.push(`nick:${h.localPart}`);
      return { uri: h.uri, scheme: "xmpp", issuer: h.domain, keys };
    }
  }
}

/** The search key of one protocol-06 §5.8 search type and value, or `undefined` when the value can never match. */
export function searchKeyOf(
  searchType: "handle" | "nick" | "email" | "phone",
  searchValue: string,
): string | undefined {
  try {
    switch (searchType) {
      case "handle":
        return `handle:${parseDirectoryHandle(searchValue).uri}`;
      case "nick":
        return searchValue.length > 0 ? `nick:${searchValue}` : undefined;
      case "email": {
        const h = parseHandleUri(`mailto:${searchValue}`);
        return `email:${h.uri.slice("mailto:".length)}`;
      }
      case "phone": {
        if (!searchValue.startsWith("+")) return undefined;
        const h = parseHandleUri(`tel:${searchValue}`);
        return h.scheme === "tel" ? `phone:${h.number}` : undefined;
      }
    }
  } catch {
    return undefined;
  }
}

/** The domain of a canonical `mimi:` URI. */
export function domainOfMimiUri(uri: MimiUri | string): string {
  return parseMimiUri(uri).domain;
}
