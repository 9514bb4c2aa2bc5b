import type { UserUri } from "@mimi/identifiers";
import type { AppDataDictionary } from "@mimi/mls-profile";
import type {
  IdentifierQueryCode,
  IdentifierRequest,
  ProfileField,
  QueryElement,
  SearchIdentifierType,
} from "@mimi/protocol";
import type { Directory, DirectoryMatch, HandleEntry } from "./directory.js";
import { searchKeyOf } from "./handle.js";
import type { RateLimiter } from "./rate-limit.js";

/**
 * The request side of protocol-06 §5.8, as `@mimi/protocol` decodes it: `QueryElement`,
 * `IdentifierRequest`, `SearchIdentifierType`, `ProfileField`, `AppDataDictionary`.
 */
export type {
  AppDataDictionary,
  IdentifierQueryCode,
  IdentifierRequest,
  ProfileField,
  QueryElement,
  SearchIdentifierType,
};

/**
 * protocol-06 §5.8 `struct { IdentifierUri stableUri; ProfileField fields<V>; } UserProfile;`,
 * with the URI as a string (`toWireIdentifierResponse` gives the transport's form).
 */
export interface UserProfile {
  readonly stableUri: string;
  readonly fields: readonly ProfileField[];
}

/**
 * protocol-06 §5.8 `struct { IdentifierQueryCode responseCode; IdentifierUri uri<V>; UserProfile
 * foundProfiles<V>; AppDataDictionary id_response_extensions; } IdentifierResponse;`, with the
 * URIs as strings (`toWireIdentifierResponse` gives the transport's form).
 */
export interface IdentifierResponse {
  readonly responseCode: IdentifierQueryCode;
  readonly uri: readonly string[];
  readonly foundProfiles: readonly UserProfile[];
  readonly id_response_extensions: AppDataDictionary;
}

/** Who asks: the requesting provider (authenticated by mutual TLS) and, only if it chose to say, the requesting user. */
export interface Requester {
  readonly provider: string;
  readonly user?: UserUri;
}

/** The search types this implementation evaluates (decision 0702). */
export const supportedSearchTypes: readonly ["handle", "nick", "email", "phone"] = [
  "handle",
  "nick",
  "email",
  "phone",
];
type SupportedSearchType = (typeof supportedSearchTypes)[number];

/** The number of match slots evaluated per query element, whatever the data (decision 0703). */
export const MATCH_SLOTS = 4;

/** A fresh `notFound` answer: the one answer for unknown, opted-out, not-allowed and rate-limited queries. */
export function notFoundResponse(): IdentifierResponse {
  return {
    responseCode: "notFound",
    uri: [],
    foundProfiles: [],
    id_response_extensions: { component_data: [] },
  };
}

function answer(responseCode: IdentifierQueryCode): IdentifierResponse {
  return { responseCode, uri: [], foundProfiles: [], id_response_extensions: { component_data: [] } };
}

/** A user and entry that can never be visible: the padding of match slots. */
const DECOY_USER = "mimi://invalid/u/decoy" as UserUri;
const DECOY_ENTRY: HandleEntry = {
  handle: { uri: "mimi://invalid/u/decoy", scheme: "user", issuer: undefined, keys: [] },
  discoverability: "nobody",
  tags: [],
};
const DECOY: DirectoryMatch = { user: DECOY_USER, entry: DECOY_ENTRY };
const NO_REQUESTER = "mimi://invalid/u/anonymous" as UserUri;

/** Whether the user allows this requester to find it through this handle; always does one contact look-up. */
async function allowed(directory: Directory, match: DirectoryMatch, requester: Requester): Promise<boolean> {
  // The contact look-up is done whatever the discoverability, so that the work does not depend on it.
  const contact = await directory.store.isContact(match.user, requester.user ?? NO_REQUESTER);
  switch (match.entry.discoverability) {
    case "anyone":
      return true;
    case "contacts":
      return requester.user !== undefined && contact;
    default:
      return false;
  }
}

const utf8 = new TextEncoder();

/**
 * Evaluates a protocol-06 §5.8 identifier query against a provider's directory, answering only
 * what the matched users allow (decisions 0702–0704). The work done (store look-ups, policy
 * checks) depends only on the request, never on whether a user exists or what it allows.
 */
export function evaluateIdentifierRequest(
  directory: Directory,
  request: IdentifierRequest,
  requester: Requester,
): Promise<IdentifierResponse> {
  return evaluate(directory, request, requester, false);
}

/** The evaluation; a `refused` query does the same work against keys that never match. */
async function evaluate(
  directory: Directory,
  request: IdentifierRequest,
  requester: Requester,
  refused: boolean,
): Promise<IdentifierResponse> {
  const elements = request.query_elements;
  // [DISC-QUERY-01] draft-ietf-mimi-protocol-06 §5.8: a field type the server does not support is answered with unsupportedField
  if (elements.some((e) => !supportedSearchTypes.includes(e.searchType as SupportedSearchType))) {
    return answer("unsupportedField");
  }
  // [DISC-QUERY-02] draft-ietf-mimi-protocol-06 §5.8 (decision 0702): an empty query matches nobody (never the whole directory)
  if (elements.length === 0) return notFoundResponse();
  let candidates: Map<string, DirectoryMatch[]> | undefined;
  let overflow = false;
  for (const element of elements) {
    const key = searchKeyOf(element.searchType as SupportedSearchType, element.searchValue);
    // [DISC-QUERY-04] draft-ietf-mimi-protocol-06 §5.8, draft-ietf-mimi-user-discovery-reqs §5 R8 (decision 0703): one store look-up and MATCH_SLOTS policy checks per element, whatever the data
    const found = await directory.store.lookup(
      refused ? `refused:${key ?? ""}` : (key ?? "invalid:"),
      MATCH_SLOTS + 1,
    );
    if (found.length > MATCH_SLOTS) overflow = true;
    const visible = new Map<string, DirectoryMatch[]>();
    for (let i = 0; i < MATCH_SLOTS; i++) {
      const match = found[i] ?? DECOY;
      // [DISC-QUERY-03] draft-ietf-mimi-protocol-06 §5.8: results respect the user's searchability policy
      if ((await allowed(directory, match, requester)) && match !== DECOY) {
        const list = visible.get(match.user) ?? [];
        list.push(match);
        visible.set(match.user, list);
      }
    }
    if (candidates === undefined) {
      candidates = visible;
    } else {
      // draft-ietf-mimi-protocol-06 §5.8: all query elements must match (AND)
      const next = new Map<string, DirectoryMatch[]>();
      for (const [user, matches] of candidates) {
        const more = visible.get(user);
        if (more !== undefined) next.set(user, [...matches, ...more]);
      }
      candidates = next;
    }
  }
  const hits = [...(candidates ?? new Map<string, DirectoryMatch[]>()).entries()];
  const single = hits.length === 1 && !overflow ? (hits[0] as [string, DirectoryMatch[]]) : undefined;
  // One record read whatever the outcome (a decoy's when there is no single hit), so a hit costs no more store work than a miss.
  const record = await directory.store.getUser((single?.[0] ?? DECOY_USER) as UserUri);
  if (hits.length === 0) return notFoundResponse();
  if (single === undefined) return answer("ambiguous");
  const matches = single[1];
  if (record === undefined || record.reveal.length === 0) return notFoundResponse();
  // [DISC-R2-01] draft-ietf-mimi-user-discovery-reqs §5 R2: a mapping carries the recipient's tags (e.g. "Business", "Personal"), returned as vCard CATEGORIES
  const tags = [...new Set(matches.flatMap((m) => m.entry.tags))];
  const fields: ProfileField[] =
    tags.length === 0
      ? []
      : [{ fieldSource: "vcardField", fieldName: "CATEGORIES", fieldValue: utf8.encode(tags.join(",")) }];
  return {
    responseCode: "success",
    uri: [...record.reveal],
    foundProfiles: [{ stableUri: record.reveal[0] as string, fields }],
    id_response_extensions: { component_data: [] },
  };
}

/** The search keys of a request (for the distinct-handle budget). */
export function searchKeysOf(request: IdentifierRequest): readonly string[] {
  return request.query_elements.map((e) =>
    supportedSearchTypes.includes(e.searchType as SupportedSearchType)
      ? (searchKeyOf(e.searchType as SupportedSearchType, e.searchValue) ?? `invalid:${e.searchValue}`)
      : `unsupported:${String(e.searchType)}`,
  );
}

/**
 * Answers an identifier query as a provider serves it: the rate limiter admits or refuses the
 * requester, the directory is searched in both cases (the same work), and a refused query gets
 * the same `notFound` answer as a miss (R8, decision 0704).
 */
export async function answerIdentifierQuery(
  directory: Directory,
  limiter: RateLimiter,
  request: IdentifierRequest,
  requester: Requester,
  now: number,
): Promise<IdentifierResponse> {
  const admitted = limiter.admit(requester, searchKeysOf(request), now);
  // [DISC-R8-02] draft-ietf-mimi-user-discovery-reqs §5 R8 (decision 0704): a refused query is answered exactly as a miss, after the work of a miss
  const response = await evaluate(directory, request, requester, !admitted);
  return admitted ? response : notFoundResponse();
}
