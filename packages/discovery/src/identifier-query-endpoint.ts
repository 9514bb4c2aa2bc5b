/**
 * `POST /identifierQuery/{domain}` (draft-ietf-mimi-protocol-06 §5.8) for the `@mimi/provider`
 * server: decodes the `IdentifierRequest`, answers it from a {@link Directory} through the
 * {@link RateLimiter}, and encodes the `IdentifierResponse`.
 */
import {
  decodeWith,
  encodeWith,
  identifierRequestCodec,
  identifierResponseCodec,
  type IdentifierResponse as WireIdentifierResponse,
} from "@mimi/protocol";
import { type Endpoint, HttpRejection } from "@mimi/provider";
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
 * The `identifierQuery` endpoint of one provider's directory. The requester is the mutually
 * authenticated peer provider, and one of its users only when the request names it (decisions
 * 0708, 0710); every answer is 200 with an `IdentifierResponse`, so a miss, an opted-out user and
 * a rate-limited query are the same bytes. A malformed requesting-user component is a 400.
 */
export function identifierQueryEndpoint(directory: Directory, limiter: RateLimiter): Endpoint {
  return {
    name: "identifierQuery",
    async handle(ctx) {
      if (ctx.param.toLowerCase() !== ctx.domain || ctx.domain !== directory.domain) {
        throw new HttpRejection(404, `${ctx.param} is not a domain of this provider`, { path: "/path" });
      }
      const request: IdentifierRequest = decodeWith(identifierRequestCodec, ctx.body);
      const user = requestingUserOf(request.id_request_extensions, ctx.peerDomain);
      const requester: Requester =
        user === undefined ? { provider: ctx.peerDomain } : { provider: ctx.peerDomain, user };
      const response = await answerIdentifierQuery(directory, limiter, request, requester, ctx.now);
      return { status: 200, body: encodeWith(identifierResponseCodec, toWireIdentifierResponse(response)) };
    },
  };
}
