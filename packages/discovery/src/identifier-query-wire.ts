/**
 * The body of `POST /identifierQuery/{domain}` (draft-ietf-mimi-protocol-06 §5.8) on the answering
 * side: decodes the `IdentifierRequest`, answers it from a {@link Directory} through the
 * {@link RateLimiter}, and encodes the `IdentifierResponse`; and the conversions between the wire
 * form and this package's. No I/O: the provider's endpoint wraps it.
 */
import {
  identifierRequestCodec,
  identifierResponseCodec,
  type IdentifierResponse as WireIdentifierResponse,
} from "@mimi/protocol";
import { decodeWith, encodeWith } from "@mimi/wire";
import type { Directory } from "./directory.js";
import {
  answerIdentifierQuery,
  type IdentifierRequest,
  type IdentifierResponse,
  type Requester,
} from "./identifier-query.js";
import type { RateLimiter } from "./rate-limit.js";
import { requestingUserOf } from "./requesting-user.js";

/** An answer in the transport's form (URIs as `IdentifierUri` structs) with the URIs as strings. */
export function fromWireIdentifierResponse(response: WireIdentifierResponse): IdentifierResponse {
  return {
    responseCode: response.responseCode,
    uri: response.uri.map((u) => u.uri),
    foundProfiles: response.foundProfiles.map((p) => ({ stableUri: p.stableUri.uri, fields: p.fields })),
    id_response_extensions: response.id_response_extensions,
  };
}

/** The transport's form of an answer: URIs as `IdentifierUri` structs. */
export function toWireIdentifierResponse(response: IdentifierResponse): WireIdentifierResponse {
  return {
    responseCode: response.responseCode,
    uri: response.uri.map((uri) => ({ uri })),
    foundProfiles: response.foundProfiles.map((p) => ({ stableUri: { uri: p.stableUri }, fields: p.fields })),
    id_response_extensions: response.id_response_extensions,
  };
}

/**
 * Answer an `identifierQuery` request body (draft-ietf-mimi-protocol-06 §5.8) from one provider's
 * directory: the encoded `IdentifierResponse`. The requester is the mutually authenticated peer
 * provider, and one of its users only when the request names it (decisions 0708, 0710); every
 * answer is an `IdentifierResponse`, so a miss, an opted-out user and a rate-limited query are the
 * same bytes. The provider's endpoint (`@mimi/provider`) checks the path's domain first.
 *
 * @throws CodecError for a malformed body, ValidationError for a malformed requesting-user
 * component (both answered 400).
 */
export async function answerIdentifierQueryBody(
  directory: Directory,
  limiter: RateLimiter,
  body: Uint8Array,
  peerDomain: string,
  now: number,
): Promise<Uint8Array> {
  const request: IdentifierRequest = decodeWith(identifierRequestCodec, body);
  const user = requestingUserOf(request.id_request_extensions, peerDomain);
  const requester: Requester = user === undefined ? { provider: peerDomain } : { provider: peerDomain, user };
  const response = await answerIdentifierQuery(directory, limiter, request, requester, now);
  return encodeWith(identifierResponseCodec, toWireIdentifierResponse(response));
}
