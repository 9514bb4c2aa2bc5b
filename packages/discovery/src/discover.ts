import { parseMimiUri, type UserUri } from "@mimi/identifiers";
import { ValidationError } from "@mimi/wire";
import { parseDirectoryHandle } from "./handle.js";
import type { IdentifierRequest, IdentifierResponse, Requester } from "./identifier-query.js";
import { requestingUserComponent } from "./requesting-user.js";

/** A provider that accepts identifier queries from us. */
export interface DiscoveryProvider {
  /** The provider's domain (the `mimi://<domain>` it speaks for). */
  readonly domain: string;
  /** Its base URL (the origin of its federation API); always `https:`. */
  readonly url: string;
  /** PEM of the CA(s) to trust for its server certificate, when not the client's default. */
  readonly ca?: string;
}

/**
 * Reads a list of providers (e.g. a JSON config file's `providers` array).
 * @throws ValidationError `DISC-R7-01` for a URL that is not `https:`, `DISC-CONF-01` for a malformed entry.
 */
export function parseDiscoveryProviders(value: unknown): readonly DiscoveryProvider[] {
  if (!Array.isArray(value))
    throw new ValidationError("providers must be an array", { path: "/", rule: "DISC-CONF-01" });
  return value.map((entry: unknown, i) => {
    const e = entry as { domain?: unknown; url?: unknown } | null;
    if (typeof e !== "object" || e === null || typeof e.domain !== "string" || typeof e.url !== "string") {
      // [DISC-CONF-01] draft-ietf-mimi-protocol-06 §5.1 (decision 0706): a provider entry is { "domain": string, "url": string, "ca"?: PEM string }
      throw new ValidationError("a provider needs a domain and a url", {
        path: `/${i}`,
        rule: "DISC-CONF-01",
      });
    }
    let url: URL;
    try {
      url = new URL(e.url);
    } catch {
      throw new ValidationError("not a URL", { path: `/${i}/url`, rule: "DISC-CONF-01" });
    }
    if (url.protocol !== "https:") {
      // [DISC-R7-01] draft-ietf-mimi-user-discovery-reqs §5 R7: all data exchanged in a discovery request MUST be encrypted in transit
      throw new ValidationError("a discovery provider must be reached over https", {
        path: `/${i}/url`,
        rule: "DISC-R7-01",
      });
    }
    const ca = (e as { ca?: unknown }).ca;
    if (ca !== undefined && typeof ca !== "string")
      throw new ValidationError("a provider's ca must be a PEM string", {
        path: `/${i}/ca`,
        rule: "DISC-CONF-01",
      });
    const domain = parseMimiUri(`mimi://${e.domain}`).domain;
    return ca === undefined ? { domain, url: url.href } : { domain, url: url.href, ca };
  });
}

/** Sends one identifier query to one provider (the transport's client, or a test double). */
export type QueryProvider = (
  provider: DiscoveryProvider,
  request: IdentifierRequest,
  requester: Requester,
) => Promise<IdentifierResponse>;

/** One verified mapping: the identifiers one provider returned for the handle, with the user's tags. */
export interface DiscoveryMapping {
  readonly provider: string;
  readonly uris: readonly string[];
  readonly tags: readonly string[];
}

/** The shapes of result R5 distinguishes (decision 0707). */
export type DiscoveryOutcome =
  | "none"
  | "oneProviderOneIdentifier"
  | "oneProviderManyIdentifiers"
  | "manyProviders";

/** The result of {@link discover}. */
export interface DiscoveryResult {
  readonly handle: string;
  readonly outcome: DiscoveryOutcome;
  readonly mappings: readonly DiscoveryMapping[];
  /** Identifiers dropped because a provider vouched for a user outside its own domain (R4). */
  readonly rejected: readonly { readonly provider: string; readonly uri: string }[];
  /** Providers that did not answer. */
  readonly failed: readonly string[];
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function tagsOf(response: IdentifierResponse): string[] {
  const tags: string[] = [];
  for (const p of response.foundProfiles) {
    for (const f of p.fields) {
      if (f.fieldSource === "vcardField" && f.fieldName === "CATEGORIES") {
        try {
          tags.push(
            ...decoder
              .decode(f.fieldValue)
              .split(",")
              .filter((t) => t.length > 0),
          );
        } catch {
          // not UTF-8: no tags
        }
      }
    }
  }
  return tags;
}

/**
 * Finds a handle's MIMI identifiers at every given provider (R3), keeping only identifiers a
 * provider may vouch for (its own domain, R4), and classifying the result (R5). The query names
 * no requesting user unless `as` is given (R6, decision 0708).
 * @throws ValidationError when the handle is malformed.
 */
export async function discover(
  handle: string,
  providers: readonly DiscoveryProvider[],
  query: QueryProvider,
  options: { readonly from: string; readonly as?: UserUri },
): Promise<DiscoveryResult> {
  const canonical = parseDirectoryHandle(handle).uri;
  const request: IdentifierRequest = {
    query_elements: [{ searchType: "handle", searchValue: canonical }],
    id_request_extensions: {
      component_data: options.as === undefined ? [] : [requestingUserComponent(options.as)],
    },
  };
  // [DISC-R6-01] draft-ietf-mimi-user-discovery-reqs §5 R6: the DP must not learn both the sender and the CSI: the query names only the sender's provider unless the sender asks as a contact
  const requester: Requester =
    options.as === undefined ? { provider: options.from } : { provider: options.from, user: options.as };
  const answers = await Promise.allSettled(providers.map((p) => query(p, request, requester)));
  const mappings: DiscoveryMapping[] = [];
  const rejected: { provider: string; uri: string }[] = [];
  const failed: string[] = [];
  answers.forEach((a, i) => {
    const provider = (providers[i] as DiscoveryProvider).domain;
    if (a.status === "rejected") {
      failed.push(provider);
      return;
    }
    if (a.value.responseCode !== "success") return;
    const uris: string[] = [];
    for (const uri of a.value.uri) {
      let domain: string | undefined;
      try {
        const p = parseMimiUri(uri);
        domain = p.kind === "u" || p.kind === "p" ? p.domain : undefined;
      } catch {
        domain = undefined;
      }
      // [DISC-R4-01] draft-ietf-mimi-user-discovery-reqs §5 R4: senders verify a mapping: a provider (authenticated by mutual TLS) vouches only for users and pseudonyms of its own domain
      if (domain === provider) uris.push(parseMimiUri(uri).uri);
      else rejected.push({ provider, uri });
    }
    if (uris.length > 0) mappings.push({ provider, uris, tags: tagsOf(a.value) });
  });
  // [DISC-R5-01] draft-ietf-mimi-user-discovery-reqs §5 R5: results with zero, one or several mappings are distinguished
  const outcome: DiscoveryOutcome =
    mappings.length === 0
      ? "none"
      : mappings.length > 1
        ? "manyProviders"
        : (mappings[0] as DiscoveryMapping).uris.length > 1
          ? "oneProviderManyIdentifiers"
          : "oneProviderOneIdentifier";
  // [DISC-R3-01] draft-ietf-mimi-user-discovery-reqs §5 R3: senders retrieve all mappings: every provider is asked and every verified answer kept
  return { handle: canonical, outcome, mappings, rejected, failed };
}
