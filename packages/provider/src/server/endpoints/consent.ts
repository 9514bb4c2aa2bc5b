/**
 * `POST /requestConsent/{targetDomain}` and `POST /updateConsent/{requesterDomain}`
 * (protocol-06 §5.7): consent travels directly between the requester's and the target's
 * providers. Both answer 201 when the entry is received (also for users we do not know, which
 * §5.7 allows for privacy).
 */
import { domainOf, parseRoomUri, parseUserUri } from "@mimi/identifiers";
import { type ConsentEntry, consentEntryCodec } from "@mimi/protocol";
import { decodeWith, ValidationError } from "@mimi/wire";
import { type ConsentKey, deleteConsent, putConsent } from "../../storage/consent-store.js";
import type { Endpoint, RequestContext } from "../endpoint.js";
import { HttpRejection } from "../http-error.js";

function checkPathDomain(ctx: RequestContext): void {
  if (ctx.param.toLowerCase() !== ctx.domain)
    throw new HttpRejection(404, `${ctx.param} is not a domain of this provider`, { path: "/path" });
}

/** Decode the entry and check its URIs; returns it with its scope. */
function readEntry(ctx: RequestContext): { entry: ConsentEntry; key: ConsentKey } {
  const entry = decodeWith(consentEntryCodec, ctx.body);
  const requesterUri = parseUserUri(entry.requesterUri.uri);
  const targetUri = parseUserUri(entry.targetUri.uri);
  const roomId = entry.roomId === undefined ? undefined : parseRoomUri(entry.roomId.uri);
  return { entry, key: { requesterUri, targetUri, ...(roomId === undefined ? {} : { roomId }) } };
}

function requireDomain(uri: string, domain: string, field: string, rule: string, status: number): void {
  if (domainOf(uri) !== domain)
    throw new HttpRejection(status, `${field} ${uri} is not in ${domain}`, { path: `/${field}`, rule });
}

/** `requestConsent`: the target's provider receives `request` or `cancel`. */
export const requestConsentEndpoint: Endpoint = {
  name: "requestConsent",
  async handle(ctx) {
    checkPathDomain(ctx);
    const { entry, key } = readEntry(ctx);
    // [PROTO-CONSENT-01] draft-ietf-mimi-protocol-06 §5.7: requestConsent carries request or cancel.
    if (entry.consentOperation !== "request" && entry.consentOperation !== "cancel")
      throw new ValidationError(
        `requestConsent carries request or cancel, not ${String(entry.consentOperation)}`,
        {
          path: "/consentOperation",
          rule: "PROTO-CONSENT-01",
        },
      );
    // [PROTO-CONSENT-02] draft-ietf-mimi-protocol-06 §5.7: for requestConsent the targetUri is in
    // the receiver's domains and the requesterUri in the sender's.
    requireDomain(key.requesterUri, ctx.peerDomain, "requesterUri", "PROTO-CONSENT-02", 403);
    requireDomain(key.targetUri, ctx.domain, "targetUri", "PROTO-CONSENT-02", 400);
    if (entry.consentOperation === "request") {
      await putConsent(ctx.db, "received_request", key, "request", ctx.peerDomain, ctx.body, ctx.now);
    } else {
      // [PROTO-CONSENT-03] draft-ietf-mimi-protocol-06 §5.7: a cancel MUST use the same
      // ConsentScope as the request; a cancel matching no request is answered 201 and ignored.
      await deleteConsent(ctx.db, "received_request", key);
    }
    return { status: 201 };
  },
};

/** `updateConsent`: the requester's provider receives `grant` or `revoke`. */
export const updateConsentEndpoint: Endpoint = {
  name: "updateConsent",
  async handle(ctx) {
    checkPathDomain(ctx);
    const { entry, key } = readEntry(ctx);
    // [PROTO-CONSENT-04] draft-ietf-mimi-protocol-06 §5.7: updateConsent carries grant or revoke.
    if (entry.consentOperation !== "grant" && entry.consentOperation !== "revoke")
      throw new ValidationError(
        `updateConsent carries grant or revoke, not ${String(entry.consentOperation)}`,
        {
          path: "/consentOperation",
          rule: "PROTO-CONSENT-04",
        },
      );
    // [PROTO-CONSENT-05] draft-ietf-mimi-protocol-06 §5.7: for updateConsent the requesterUri is
    // in the receiver's domains and the targetUri in the sender's.
    requireDomain(key.targetUri, ctx.peerDomain, "targetUri", "PROTO-CONSENT-05", 403);
    requireDomain(key.requesterUri, ctx.domain, "requesterUri", "PROTO-CONSENT-05", 400);
    await putConsent(
      ctx.db,
      "received_decision",
      key,
      entry.consentOperation,
      ctx.peerDomain,
      ctx.body,
      ctx.now,
    );
    return { status: 201 };
  },
};
