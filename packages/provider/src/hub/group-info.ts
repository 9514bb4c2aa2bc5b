/**
 * `POST /groupInfo/{roomId}` at the hub (draft-ietf-mimi-protocol-06 §5.6): the room's GroupInfo,
 * ratchet tree and the proposals pending in the epoch, HPKE-encrypted to the requester and signed by
 * the hub, for an external join (§3.6).
 */
import { parseMimiUri } from "@mimi/identifiers";
import { encryptWithLabel, type HPKECiphertext } from "@mimi/mls-profile";
import type { GroupInfoCode, GroupInfoResponse, PendingProposal } from "@mimi/protocol";
import {
  decodeFanoutMessage,
  decodeMls,
  groupInfoRatchetTreeTBECodec,
  mlsOf,
  signGroupInfoResponse,
  verifyGroupInfoRequest,
} from "@mimi/protocol";
import { encodeWith, utf8, ValidationError } from "@mimi/wire";
import { clientUriOfCredential, userUriOfCredential } from "./credentials.js";
import type { HubCall } from "./endpoints.js";
import { type Hub, storedGroupInfo } from "./hub.js";
import { grantJoinByCode } from "./join-codes.js";
import { hubExternalSender } from "./keys.js";
import { participantsOf, roomStateOf } from "./room-policy.js";
import { epochProposals, servedGroupInfo } from "./store.js";

/** The HPKE label of the encrypted GroupInfo and tree (§5.6). */
export const groupInfoEncryptionLabel = "GroupInfo and ratchet_tree encryption";

/** Handle `/groupInfo/{roomId}` (the room checked to be ours): answers the GroupInfoResponse. */
export async function handleGroupInfo(hub: Hub, call: HubCall<"groupInfo">): Promise<GroupInfoResponse> {
  const { target: roomId, request, ctx } = call;
  const cs = await hub.cipherSuite();
  // [PROTO-GI-03] draft-ietf-mimi-protocol-06 §5.6: cipher_suite is one the hub supports; it
  // signs the request and the response (this hub supports its rooms' one suite, decision 0626).
  if (request.cipher_suite !== cs.id)
    throw new ValidationError(`cipher suite ${request.cipher_suite} is not this hub's (${cs.id})`, {
      path: "/cipher_suite",
      rule: "PROTO-GI-03",
    });
  await verifyGroupInfoRequest(request, cs.impl.signature);
  const fail = (status: Exclude<GroupInfoCode, "success">): GroupInfoResponse => ({
    version: "mls10",
    room_id: utf8(roomId),
    status,
  });
  const room = await hub.room(roomId);
  if (room === undefined) return fail("noSuchRoom");
  // [PROTO-GI-04] draft-ietf-mimi-protocol-06 §5.6, §3.6: the GroupInfo is given only to a client
  // of the requesting provider whose user is an active participant (a new client of an existing
  // participant), or that presents a usable joining code (decisions 0626, 0661).
  const client = clientUriOfCredential(request.requestingCredential.value);
  const user = userUriOfCredential(request.requestingCredential.value);
  if (client === undefined || user === undefined || parseMimiUri(client).domain !== ctx.peerDomain)
    return fail("notAuthorized");
  const entry = participantsOf(room.view).find((p) => p.user === user);
  if (entry?.role_index === 1) return fail("notAuthorized");
  if (entry === undefined) {
    // [PROTO-JC-04] draft-ietf-mimi-protocol-06 §5.6: a non-participant's request is authorized
    // only by a usable joining code, which then authorizes the requesting client's external commit
    // (matched by its signature key); any failure is notAuthorized (decision 0661).
    if (request.joiningCode === undefined) return fail("notAuthorized");
    const granted = await grantJoinByCode(
      ctx.db,
      roomId,
      request.joiningCode,
      { signatureKey: request.requestingSignatureKey, clientUri: client },
      roomStateOf(room.view, hub.options.defaultRoles),
      ctx.now,
    );
    if (!granted) return fail("notAuthorized");
  }

  const row = await servedGroupInfo(ctx.db, roomId);
  if (row === undefined || row.epoch !== room.view.groupContext.epoch) return fail("notAuthorized");
  const groupInfo = storedGroupInfo(row.groupInfo);
  const pending: PendingProposal[] = [];
  for (const body of await epochProposals(ctx.db, roomId, room.view.groupContext.epoch)) {
    const m = decodeFanoutMessage(body);
    for (const p of [m.message, ...("moreProposals" in m ? m.moreProposals : [])])
      pending.push({ proposal: p, hub_accepted_time: m.timestamp });
  }
  const tbe = encodeWith(groupInfoRatchetTreeTBECodec, {
    groupInfo: mlsOf("GroupInfo", groupInfo),
    ratchetTreeOption: {
      representation: "full",
      ratchet_tree: decodeMls("RatchetTree", row.ratchetTree),
    },
    pending_proposals: pending,
  });
  let sealed: HPKECiphertext;
  try {
    sealed = await encryptWithLabel(
      cs.impl,
      request.groupInfoPublicKey,
      groupInfoEncryptionLabel,
      utf8(roomId),
      tbe,
    );
  } catch (e) {
    throw new ValidationError("groupInfoPublicKey is not an HPKE public key of the suite", {
      path: "/groupInfoPublicKey",
      cause: e,
    });
  }
  const keys = await hub.keys();
  const response = await signGroupInfoResponse(
    {
      version: "mls10",
      room_id: utf8(roomId),
      status: "success",
      cipher_suite: cs.id,
      hub_sender: mlsOf("ExternalSender", hubExternalSender(keys)),
      encrypted_groupinfo_and_tree: mlsOf("HPKECiphertext", sealed),
    },
    keys.signKey,
    cs.impl.signature,
  );
  return response;
}
