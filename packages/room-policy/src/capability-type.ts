/**
 * The MIMI Role Capabilities registry (draft-ietf-mimi-room-policy-03 §10.2).
 *
 * ```tls
 * // See MIMI Capability Types IANA registry
 * uint16 CapabilityType;
 * ```
 *
 * Values 0x0000–0xEFFF are Specification Required, 0xF000–0xFFFF private use. The values are the
 * draft's; the authorization engine takes them from a configurable table whose default is this one.
 */
import { type Codec, enumCodes } from "@mimi/wire";

/** Every capability of the registry, by name, with the draft's code point. */
export const roleCapabilities = {
  canAddParticipant: 0x0000,
  canRemoveParticipant: 0x0001,
  canAddOwnClient: 0x0002,
  canRemoveOwnClient: 0x0003,
  canOpenJoin: 0x0004,
  canJoinIfPreauthorized: 0x0005,
  canRemoveSelf: 0x0006,
  canCreateJoinCode: 0x0007,
  canDeleteJoinCode: 0x0008,
  canUseJoinCode: 0x0009,
  canBan: 0x000a,
  canUnBan: 0x000b,
  canKick: 0x000c,
  canKnock: 0x000d,
  canAcceptKnock: 0x000e,
  canChangeUserRole: 0x000f,
  canChangeOwnRole: 0x0010,
  canCreateSubgroup: 0x0011,
  canSendMessage: 0x0100,
  canReceiveMessage: 0x0101,
  canCopyMessage: 0x0102,
  canReportAbuse: 0x0103,
  canReplyToMessage: 0x0104,
  canReactToMessage: 0x0105,
  canEditReaction: 0x0106,
  canDeleteOwnReaction: 0x0107,
  canDeleteOtherReaction: 0x0108,
  canEditOwnMessage: 0x0109,
  canDeleteOwnMessage: 0x010a,
  canDeleteOtherMessage: 0x010b,
  canStartTopic: 0x010c,
  canReplyInTopic: 0x010d,
  canEditOwnTopic: 0x010e,
  canEditOtherTopic: 0x010f,
  canSendDirectMessage: 0x0110,
  canTargetMessage: 0x0111,
  canUploadImage: 0x0200,
  canUploadAudio: 0x0201,
  canUploadVideo: 0x0202,
  canUploadAttachment: 0x0203,
  canDownloadImage: 0x0204,
  canDownloadAudio: 0x0205,
  canDownloadVideo: 0x0206,
  canDownloadAttachment: 0x0207,
  canSendLink: 0x0208,
  canSendLinkPreview: 0x0209,
  canFollowLink: 0x020a,
  canCopyLink: 0x020b,
  canChangeRoomName: 0x0300,
  canChangeRoomDescription: 0x0301,
  canChangeRoomAvatar: 0x0302,
  canChangeRoomSubject: 0x0303,
  canChangeRoomMood: 0x0304,
  canChangeOwnName: 0x0380,
  canChangeOwnPresence: 0x0381,
  canChangeOwnMood: 0x0382,
  canChangeOwnAvatar: 0x0383,
  canStartCall: 0x0400,
  canJoinCall: 0x0401,
  canSendAudio: 0x0402,
  canReceiveAudio: 0x0403,
  canSendVideo: 0x0404,
  canReceiveVideo: 0x0405,
  canShareScreen: 0x0406,
  canViewSharedScreen: 0x0407,
  canCreateRoom: 0x0500,
  canDestroyRoom: 0x0501,
  canChangeRoomMembershipStyle: 0x0502,
  canChangeRoleDefinitions: 0x0503,
  canChangePreauthorizedUserList: 0x0504,
  canChangeOtherPolicyAttribute: 0x0505,
  canChangeMlsOperationalPolicies: 0x0600,
  canSendMLSReinitProposal: 0x0601,
  canSendMLSUpdateProposal: 0x0602,
  canSendMLSPSKProposal: 0x0603,
  canSendMLSExternalProposal: 0x0604,
  canSendMLSExternalCommit: 0x0605,
} as const;

/** A capability name of the registry. */
export type CapabilityName = keyof typeof roleCapabilities;

/** A capability code point (any uint16; unknown values are kept). */
export type CapabilityType = number;

/**
 * The capabilities the registry marks "(reserved)". They are valid code points, but the engine
 * grants nothing for holding one, except `canChangeMlsOperationalPolicies` and
 * `canChangeOtherPolicyAttribute`, which gate the policy components no other capability names
 * (decision 0304).
 */
export const reservedCapabilities: readonly CapabilityName[] = [
  "canCreateJoinCode",
  "canDeleteJoinCode",
  "canKnock",
  "canAcceptKnock",
  "canCreateSubgroup",
  "canSendDirectMessage",
  "canTargetMessage",
  "canChangeOwnName",
  "canChangeOwnPresence",
  "canChangeOwnMood",
  "canChangeOwnAvatar",
  "canCreateRoom",
  "canChangeOtherPolicyAttribute",
  "canChangeMlsOperationalPolicies",
  "canSendMLSUpdateProposal",
  "canSendMLSPSKProposal",
  "canSendMLSExternalProposal",
  "canSendMLSExternalCommit",
];

/** Spelling variants the draft uses for registry names (`canUnban` in Appendix A; DI-POLICY-02). */
export const capabilityAliases: Readonly<Record<string, number>> = { canUnban: roleCapabilities.canUnBan };

/** TLS shape of `CapabilityType`: an open uint16 (unknown code points are kept). */
export const capabilityTypeSchema: Codec<number> = enumCodes("CapabilityType", roleCapabilities, {
  bits: 16,
  aliases: capabilityAliases,
});

/** True when `name` is a registry name. */
export function isCapabilityName(name: string): name is CapabilityName {
  return Object.hasOwn(roleCapabilities, name);
}
