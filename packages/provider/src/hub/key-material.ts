/**
 * `POST /keyMaterial/{targetUser}` (draft-ietf-mimi-protocol-06 §5.2), answered by the target
 * user's provider: one KeyPackage per client of the user, after checking the request's signature
 * and the target's consent.
 */
import { parseMimiUri, parseUserUri } from "@mimi/identifiers";
import { loadCiphersuite } from "@mimi/mls-profile";
import {
  type ClientKeyMaterial,
  checkKeyMaterialResponse,
  type KeyMaterialResponse,
  type KeyMaterialUserCode,
  verifyKeyMaterialRequest,
} from "@mimi/protocol";
import { ValidationError } from "@mimi/wire";
import { HttpRejection } from "../server/http-error.js";
import type { SqlExecutor } from "../storage/database.js";
import { claimKeyPackages, userHasClients } from "../storage/key-packages.js";
import { userUriOfCredential } from "./credentials.js";
import type { HubCall } from "./endpoints.js";
import type { ConsentQuery, Hub } from "./hub.js";
import { receivedConsentDecisions } from "./store.js";

/**
 * The default consent check (decision 0624): the target consents to the requester when the
 * target's own request for consent to the requester was granted (protocol-06 §5.7's bilateral
 * pattern: a user who asked to talk to someone accepts that someone's requests), for the room or
 * for no particular room, as recorded by `/updateConsent`.
 */
export async function consentFromTable(db: SqlExecutor, q: ConsentQuery): Promise<boolean> {
  // The target's own requests to the requester: requester_uri is the target, target_uri the requester.
  const rows = await receivedConsentDecisions(db, q.target, q.requester, q.roomId);
  const room = rows.find((r) => r.room_id !== "" && r.room_id === q.roomId);
  if (room !== undefined) return room.operation === "grant";
  return rows.some((r) => r.room_id === "" && r.operation === "grant");
}

function userUri(uri: string, path: string): string {
  try {
    return parseUserUri(uri);
  } catch (e) {
    throw new ValidationError(`not a user URI: ${JSON.stringify(uri.slice(0, 200))}`, { path, cause: e });
  }
}

/** Handle `/keyMaterial/{targetUser}`: answers the encoded KeyMaterialResponse. */
export async function handleKeyMaterial(
  hub: Hub,
  call: HubCall<"keyMaterial">,
): Promise<KeyMaterialResponse> {
  const { target, request, ctx } = call;
  // [PROTO-KM-06] draft-ietf-mimi-protocol-06 §4.1, §5.2: the request names the path's target
  // user, comes from the requesting user's provider, and is signed by a client of that user.
  if (userUri(request.targetUser.uri, "/targetUser") !== target)
    throw new ValidationError("targetUser is not the user of the path", {
      path: "/targetUser",
      rule: "PROTO-KM-06",
    });
  const requester = userUri(request.requestingUser.uri, "/requestingUser");
  if (parseMimiUri(requester).domain !== ctx.peerDomain)
    throw new HttpRejection(403, `${ctx.peerDomain} cannot request for ${requester}`, {
      path: "/requestingUser",
      rule: "PROTO-KM-06",
    });
  if (userUriOfCredential(request.requesterCredential.value) !== requester)
    throw new ValidationError("requesterCredential is not a client of requestingUser", {
      path: "/requesterCredential",
      rule: "PROTO-KM-06",
    });
  const first = request.acceptableCiphersuites[0];
  if (first === undefined)
    throw new ValidationError("acceptableCiphersuites is empty", {
      path: "/acceptableCiphersuites",
      rule: "PROTO-KM-06",
    });
  const sigSuite = await loadCiphersuite(first);
  await verifyKeyMaterialRequest(request, sigSuite.impl.signature);
  const roomId = request.roomId.uri;
  const respond = (
    userStatus: KeyMaterialUserCode,
    clients: ClientKeyMaterial[] = [],
  ): KeyMaterialResponse => {
    const response = { protocol: "mls10" as const, userStatus, userUri: { uri: target }, clients };
    checkKeyMaterialResponse(response);
    return response;
  };
  // [PROTO-KM-07] draft-ietf-mimi-protocol-06 §5.2, §8: key material is handed out only with the
  // target's consent (noConsent otherwise, also for unknown users: no user enumeration).
  const consent = hub.options.consent ?? ((q: ConsentQuery) => consentFromTable(ctx.db, q));
  if (!(await consent({ requester, target, roomId }))) return respond("noConsent");
  if (!(await userHasClients(ctx.db, target))) return respond("userUnknown");
  const claimed = await claimKeyPackages(ctx.db, target, {
    acceptableCiphersuites: request.acceptableCiphersuites,
    requiredCapabilities: request.requiredCapabilities.value,
    now: ctx.now,
  });
  const clients: ClientKeyMaterial[] = claimed.map((c) => {
    if (c.status === "success")
      return { clientStatus: "success", clientUri: { uri: c.clientUri }, keyPackage: c.keyPackage };
    if (c.status === "nothingCompatible")
      return { clientStatus: "nothingCompatible", clientUri: { uri: c.clientUri } };
    return { clientStatus: "keyMaterialExhausted", clientUri: { uri: c.clientUri } };
  });
  const ok = clients.filter((c) => c.clientStatus === "success").length;
  if (ok === clients.length) return respond("success", clients);
  if (ok > 0) return respond("partialSuccess", clients);
  return respond("noCompatibleMaterial", clients);
}
