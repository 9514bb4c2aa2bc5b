/**
 * Joining a room: by a Welcome from the inbox (protocol-06 §3.2, §5.5), or by external commit
 * from the hub's GroupInfo (§3.6, §5.6).
 */

import {
  checkRoomExternalSenders,
  encodeRatchetTree,
  joinFromWelcome,
  joinRoomExternal,
  type MimiProfile,
  type MLSMessage,
  type RatchetTree,
  type RoomCommit,
} from "@mimi/mls-profile";
import {
  decodeGroupInfoResponse,
  encodeGroupInfoRequest,
  groupInfoRatchetTreeTBECodec,
  mlsOf,
  type RatchetTreeOption,
  signGroupInfoRequest,
  verifyGroupInfoResponse,
} from "@mimi/protocol";
import {
  bytesEqual,
  CodecError,
  decodeWith,
  encodeTls,
  fromUtf8,
  ProtocolError,
  toHex,
  utf8,
  ValidationError,
} from "@mimi/wire";
import type { ClientEvent } from "../events.js";
import { checkHub, hubIn } from "./hub.js";
import { newKeyPackage, ownKeyPackage } from "./key-packages.js";
import { commitBundle, type UpdateBody } from "./rooms.js";
import { addRoom, type CoreState } from "./state.js";

const GROUP_INFO_LABEL = "GroupInfo and ratchet_tree encryption";

/** The ratchet tree of a RatchetTreeOption, which must carry it in full. */
export function treeOf(option: RatchetTreeOption, path: string): RatchetTree {
  if (option.representation !== "full") {
    // [CLIENT-TREE-01] draft-mahy-mls-ratchet-tree-options-03 §3: a joiner needs the ratchet tree;
    // the SDK takes it only in full with a Welcome or a GroupInfo (decision 0803).
    throw new ProtocolError(`ratchet tree representation ${option.representation} is not supported`, {
      path,
      rule: "CLIENT-TREE-01",
    });
  }
  return option.ratchet_tree.value;
}

/**
 * A GroupInfoRequest (protocol-06 §5.6) for joining `roomUri` by external commit, with a fresh
 * HPKE key for the answer, and the joining code the user was given if any (decision 0661).
 */
export async function groupInfoRequest(
  core: CoreState,
  roomUri: string,
  joiningCode: Uint8Array | undefined,
): Promise<Uint8Array> {
  const hpke = core.cs.impl.hpke;
  const keys = await hpke.generateKeyPair();
  core.groupInfoKeys.set(roomUri, keys.privateKey);
  const request = await signGroupInfoRequest(
    {
      protocol: "mls10",
      cipher_suite: core.cs.id,
      requestingSignatureKey: core.identity.signatureKeyPair.publicKey,
      requestingCredential: mlsOf("Credential", core.identity.credential),
      groupInfoPublicKey: await hpke.exportPublicKey(keys.publicKey),
      ...(joiningCode === undefined ? {} : { joiningCode }),
    },
    core.identity.signatureKeyPair.signKey,
    core.cs.impl.signature,
  );
  return encodeGroupInfoRequest(request);
}

/**
 * Join by external commit (protocol-06 §3.6) from the hub's GroupInfoResponse: check the hub's
 * signature and credential, decrypt GroupInfo and tree, and return the UpdateRequest with the
 * external commit. The room becomes usable when the hub accepts it.
 *
 * A user that is not a participant yet (e.g. one with a joining code, decision 0661) appends
 * itself to the participant list with `role` in the same commit.
 *
 * @throws ProtocolError when the hub refused; ValidationError when a check fails (or the user is
 * not a participant and no `role` is given).
 */
export async function joinExternal(
  core: CoreState,
  roomUri: string,
  groupInfoResponse: Uint8Array,
  role: number | undefined,
): Promise<UpdateBody> {
  const privateKey = core.groupInfoKeys.get(roomUri);
  if (privateKey === undefined)
    throw new ProtocolError("no GroupInfo request for this room", { path: "/roomId" });
  const r = decodeGroupInfoResponse(groupInfoResponse);
  if (r.status !== "success" || !("hub_sender" in r)) {
    throw new ProtocolError(`the hub refused the GroupInfo: ${String(r.status)}`, { path: "/status" });
  }
  if (fromUtf8(r.room_id, "/room_id") !== roomUri) {
    throw new ValidationError("GroupInfoResponse is for another room", { path: "/room_id" });
  }
  await verifyGroupInfoResponse(r, core.cs.impl.signature);
  const hub = r.hub_sender.value;
  await checkHub(core.trust, hub, roomUri, "/hub_sender");
  const context = encodeTls((w) => w.opaque(utf8(`MLS 1.0 ${GROUP_INFO_LABEL}`)).opaque(r.room_id));
  let plain: Uint8Array;
  try {
    plain = await core.cs.impl.hpke.open(
      privateKey,
      r.encrypted_groupinfo_and_tree.value.kemOutput,
      r.encrypted_groupinfo_and_tree.value.ciphertext,
      context,
      new Uint8Array(),
    );
  } catch (e) {
    throw new ValidationError("cannot decrypt the GroupInfo and ratchet tree", {
      path: "/encrypted_groupinfo_and_tree",
      cause: e,
    });
  }
  core.groupInfoKeys.delete(roomUri);
  const tbe = decodeWith(groupInfoRatchetTreeTBECodec, plain);
  const profile: MimiProfile = { ...core.base, hub };
  const kp = await newKeyPackage(core);
  const joined = await joinRoomExternal(
    profile,
    tbe.groupInfo.value,
    kp,
    treeOf(tbe.ratchetTreeOption, "/ratchetTreeOption"),
    role === undefined ? {} : { role },
  );
  const existing = core.rooms.get(roomUri);
  if (existing?.active === true) {
    throw new ValidationError(`already a member of ${roomUri}`, { path: "/roomId" });
  }
  const room = addRoom(core, roomUri, profile, joined.state);
  room.active = false; // until the hub accepts the external commit
  const commitResult: RoomCommit = {
    state: joined.state,
    commit: joined.commit,
    welcome: undefined,
    consumed: [],
    ratchetTree: encodeRatchetTree(joined.state.ratchetTree),
  };
  return commitBundle(core, room, commitResult, "externalCommit");
}

/**
 * Join a room from a Welcome for one of this client's KeyPackages, with the ratchet tree it came
 * with; the room's hub is the external sender that authenticates as the room's provider.
 *
 * @throws ValidationError when the Welcome's group is not the room, or no hub is found.
 */
export async function joinWelcome(
  core: CoreState,
  roomUri: string,
  message: MLSMessage,
  tree: RatchetTree,
): Promise<ClientEvent> {
  if (message.wireformat !== "mls_welcome") throw new CodecError("not a Welcome", { path: "/message" });
  const own = ownKeyPackage(
    core,
    message.welcome.secrets.map((s) => toHex(s.newMember)),
  );
  if (own === undefined) {
    return { kind: "ignored", roomUri, reason: "Welcome for none of this client's KeyPackages" };
  }
  if (core.rooms.get(roomUri)?.active === true) {
    return { kind: "ignored", roomUri, reason: "already a member of the room" };
  }
  const { state } = await joinFromWelcome(core.cs, message, own.bundle, {
    config: core.base.config,
    ratchetTree: tree,
  });
  if (!bytesEqual(state.groupContext.groupId, utf8(roomUri))) {
    throw new ValidationError("the Welcome's group is not the room it was delivered for", {
      path: "/group_id",
    });
  }
  const hub = await hubIn(core.trust, state, roomUri);
  const profile: MimiProfile = { ...core.base, hub };
  checkRoomExternalSenders(profile, state);
  core.keyPackages.delete(own.ref);
  addRoom(core, roomUri, profile, state);
  return { kind: "joined", roomUri, epoch: state.groupContext.epoch, via: "welcome" };
}
