/**
 * Read-only views of a room's group state: its MIMI components and its members with their users.
 */
import { bytesEqual } from "@mimi/wire";
import { externalSendersOf } from "../adapter/external-senders.js";
import { groupMembers, type MlsGroupState } from "../adapter/group.js";
import type { Credential, Extension, LeafNode } from "../adapter/types.js";
import { requireHubExternalSender } from "../components/external-senders.js";
import { decodeParticipantListData, type ParticipantListData } from "../components/participant-list-data.js";
import { decodeRoomMetaData, type RoomMetaData } from "../components/room-metadata.js";
import { getComponentData } from "../extensions/app-data-dictionary.js";
import { appDataDictionaryOf } from "../extensions/app-data-dictionary-extension.js";
import type { MimiProfile } from "./profile.js";

/** A member of the group: its leaf, credential, and the user it belongs to. */
export interface RoomMember {
  readonly leafIndex: number;
  readonly credential: Credential;
  readonly signatureKey: Uint8Array;
  readonly user: Uint8Array;
}

/**
 * The group's members with their users.
 *
 * @throws whatever `profile.userOf` throws for a credential it cannot map.
 */
export function roomMembers(profile: MimiProfile, state: MlsGroupState): RoomMember[] {
  return groupMembers(state).map(({ leafIndex, leafNode }) => memberOf(profile, leafIndex, leafNode));
}

/** One leaf as a {@link RoomMember}. */
export function memberOf(profile: MimiProfile, leafIndex: number, leafNode: LeafNode): RoomMember {
  return {
    leafIndex,
    credential: leafNode.credential,
    signatureKey: leafNode.signaturePublicKey,
    user: profile.userOf(leafNode.credential),
  };
}

/** The leaves of `user`'s clients. */
export function clientsOfUser(profile: MimiProfile, state: MlsGroupState, user: Uint8Array): RoomMember[] {
  return roomMembers(profile, state).filter((m) => bytesEqual(m.user, user));
}

/**
 * The room's participant list (empty when the component is absent).
 *
 * @throws CodecError or ValidationError when the GroupContext holds a malformed one.
 */
export function participantListOf(profile: MimiProfile, state: MlsGroupState): ParticipantListData {
  return participantListIn(profile, state.groupContext.extensions);
}

/**
 * The participant list held in GroupContext `extensions` (empty when absent).
 *
 * @throws CodecError or ValidationError when it is malformed.
 */
export function participantListIn(
  profile: MimiProfile,
  extensions: readonly Extension[],
): ParticipantListData {
  const dict = appDataDictionaryOf(extensions, profile.codePoints);
  const data =
    dict === undefined ? undefined : getComponentData(dict, profile.codePoints.componentIds.participant_list);
  return data === undefined ? { participants: [] } : decodeParticipantListData(data);
}

/**
 * The room's metadata, or `undefined` when the component is absent.
 *
 * @throws CodecError or ValidationError when the GroupContext holds a malformed one.
 */
export function roomMetadataOf(profile: MimiProfile, state: MlsGroupState): RoomMetaData | undefined {
  const dict = appDataDictionaryOf(state.groupContext.extensions, profile.codePoints);
  const data =
    dict === undefined ? undefined : getComponentData(dict, profile.codePoints.componentIds.room_metadata);
  return data === undefined ? undefined : decodeRoomMetaData(data);
}

/**
 * Check that the group's `external_senders` lists the profile's hub (protocol-06 §7.4).
 *
 * @throws ValidationError (`MLS-XSND-01`) otherwise; CodecError when the extension is malformed.
 */
export function checkRoomExternalSenders(profile: MimiProfile, state: MlsGroupState): void {
  requireHubExternalSender(externalSendersOf(state.groupContext.extensions), profile.hub);
}
