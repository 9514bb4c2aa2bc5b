/**
 * The four role sets of draft-ietf-mimi-room-policy-03 Appendix A as ready-made `roles_list`
 * values: cooperatively administered, strictly administered, moderated, and multi-organization.
 *
 * The printed examples have defects; how each is resolved is recorded in decision 0307
 * (`docs/decisions/0307-room-policy-role-examples.md`): capabilities absent from the registry
 * (`canRevokeVoice`, `canGrantVoice`) are left out; reserved capabilities are kept as listed (they
 * authorize nothing, decision 0304); `canUnban` is `canUnBan`; the moderated room's speaker
 * "includes all the capabilities authorized for a speaker" (itself) and its moderator those "for
 * an ordinary_user" (a role that room does not have): both are read as the role just below
 * (attendee, speaker).
 */
import { type CapabilityName, roleCapabilities } from "./capability-type.js";
import type { Role, RoleData } from "./role.js";

type Changes = readonly (readonly [number, readonly number[]])[];

function role(
  role_index: number,
  role_name: string,
  caps: readonly CapabilityName[],
  c: { readonly minP?: number; readonly maxP?: number; readonly minA?: number; readonly maxA?: number },
  changes: Changes,
): Role {
  const r: Role = {
    role_index,
    role_name,
    role_description: "",
    role_capabilities: [...new Set(caps)].map((n) => roleCapabilities[n]),
    minimum_participants_constraint: c.minP ?? 0,
    minimum_active_participants_constraint: c.minA ?? 0,
    authorized_role_changes: changes.map(([from_role_index, target_role_indexes]) => ({
      from_role_index,
      target_role_indexes: [...target_role_indexes],
    })),
  };
  return {
    ...r,
    ...(c.maxP === undefined ? {} : { maximum_participants_constraint: c.maxP }),
    ...(c.maxA === undefined ? {} : { maximum_active_participants_constraint: c.maxA }),
  };
}

const noRole = role(0, "no_role", [], { maxA: 0 }, []);
const banned = role(1, "banned", [], { maxA: 0 }, []);

const policyEnforcerCaps: readonly CapabilityName[] = [
  "canRemoveParticipant",
  "canChangeUserRole",
  "canBan",
  "canUnBan",
  "canChangeRoleDefinitions",
  "canChangePreauthorizedUserList",
  "canChangeMlsOperationalPolicies",
  "canDestroyRoom",
  "canSendMLSReinitProposal",
];

// ---- Cooperatively administered room -------------------------------------------------------

const coopOrdinary: readonly CapabilityName[] = [
  "canAddParticipant",
  "canRemoveParticipant",
  "canAddOwnClient",
  "canRemoveOwnClient",
  "canRemoveSelf",
  "canSendMessage",
  "canReceiveMessage",
  "canCopyMessage",
  "canReportAbuse",
  "canReplyToMessage",
  "canReactToMessage",
  "canDeleteOwnReaction",
  "canEditOwnMessage",
  "canDeleteOwnMessage",
  "canStartTopic",
  "canReplyInTopic",
  "canEditOwnTopic",
  "canUploadImage",
  "canUploadVideo",
  "canUploadAudio",
  "canUploadAttachment",
  "canDownloadImage",
  "canDownloadVideo",
  "canDownloadAudio",
  "canDownloadAttachment",
  "canSendLink",
  "canSendLinkPreview",
  "canFollowLink",
  "canCopyLink",
  "canChangeRoomName",
  "canChangeRoomAvatar",
  "canChangeRoomSubject",
  "canChangeRoomMood",
  "canChangeOwnName",
  "canChangeOwnPresence",
  "canChangeOwnMood",
  "canChangeOwnAvatar",
];
const coopGroupAdmin: readonly CapabilityName[] = [
  ...coopOrdinary,
  "canBan",
  "canUnBan",
  "canKick",
  // canRevokeVoice, canGrantVoice: not in the registry (decision 0307)
  "canChangeUserRole",
  "canDeleteOtherMessage",
  "canEditOtherTopic",
  "canChangeRoomDescription",
];

/** Appendix A "Cooperatively administered room": friends and family, small peer groups. */
export const cooperativeRoles: RoleData = {
  roles: [
    noRole,
    banned,
    role(2, "ordinary_user", coopOrdinary, {}, [
      [0, [2]],
      [2, [0]],
    ]),
    role(3, "group_admin", coopGroupAdmin, { minP: 1 }, [
      [0, [1, 2, 3]],
      [1, [0, 2, 3]],
      [2, [0, 1, 3]],
      [3, [0, 1, 2]],
    ]),
    role(
      4,
      "super_admin",
      [...coopGroupAdmin, "canChangeRoomMembershipStyle", "canChangePreauthorizedUserList", "canDestroyRoom"],
      {},
      [
        [0, [1, 2, 3, 4]],
        [1, [0, 2, 3, 4]],
        [2, [0, 1, 3, 4]],
        [3, [0, 1, 2, 4]],
        [4, [0, 1, 2, 3]],
      ],
    ),
    role(5, "policy_enforcer", policyEnforcerCaps, { minP: 1, maxP: 2, maxA: 0 }, [
      [0, [1]],
      [1, [0]],
      [2, [0, 1]],
      [3, [0, 1]],
      [4, [0, 1]],
    ]),
  ],
};

// ---- Strictly administered room ------------------------------------------------------------

const strictOrdinary: readonly CapabilityName[] = [
  "canAddOwnClient",
  "canJoinIfPreauthorized",
  "canRemoveOwnClient",
  "canRemoveSelf",
  "canChangeOwnRole",
  "canSendMessage",
  "canReceiveMessage",
  "canCopyMessage",
  "canReportAbuse",
  "canReactToMessage",
  "canDeleteOwnReaction",
  "canEditOwnMessage",
  "canDeleteOwnMessage",
  "canStartTopic",
  "canReplyInTopic",
  "canUploadImage",
  "canUploadVideo",
  "canUploadAudio",
  "canUploadAttachment",
  "canDownloadImage",
  "canDownloadVideo",
  "canDownloadAudio",
  "canDownloadAttachment",
  "canSendLink",
  "canSendLinkPreview",
  "canFollowLink",
  "canCopyLink",
  "canChangeOwnName",
  "canChangeOwnPresence",
  "canChangeOwnMood",
  "canChangeOwnAvatar",
];
const strictGroupAdmin: readonly CapabilityName[] = [
  ...strictOrdinary,
  "canAddParticipant",
  "canRemoveParticipant",
  "canBan",
  "canUnBan",
  "canKick",
  "canChangeUserRole",
  "canCreateJoinCode",
  "canDeleteJoinCode",
  "canDeleteOtherReaction",
  "canDeleteOtherMessage",
  "canEditOwnTopic",
  "canEditOtherTopic",
  "canChangeRoomDescription",
  "canChangeRoomName",
  "canChangeRoomAvatar",
  "canChangeRoomSubject",
  "canChangeRoomMood",
];

/** Appendix A "Strictly administered room". */
export const strictRoles: RoleData = {
  roles: [
    role(0, "no_role", ["canUseJoinCode"], { maxA: 0 }, [[0, [2]]]),
    banned,
    role(2, "ordinary_user", strictOrdinary, {}, [
      [0, [2]],
      [2, [0]],
    ]),
    role(3, "group_admin", strictGroupAdmin, { minP: 1 }, [
      [0, [1, 2, 3]],
      [1, [0, 2, 3]],
      [2, [0, 1, 3]],
      [3, [0, 1, 2]],
    ]),
    role(
      4,
      "super_admin",
      [
        ...strictGroupAdmin,
        "canChangeRoomMembershipStyle",
        "canChangeRoleDefinitions",
        "canChangePreauthorizedUserList",
        "canDestroyRoom",
        "canSendMLSReinitProposal",
      ],
      {},
      [
        [0, [1, 2, 3, 4]],
        [1, [0, 2, 3, 4]],
        [2, [0, 1, 3, 4]],
        [3, [0, 1, 2, 4]],
        [4, [0, 1, 2, 3]],
      ],
    ),
    role(5, "policy_enforcer", policyEnforcerCaps, { minP: 1, maxP: 2, maxA: 0 }, [
      [0, [1]],
      [1, [0]],
      [2, [0, 1]],
      [3, [0, 1]],
      [4, [0, 1]],
    ]),
  ],
};

// ---- Moderated room ------------------------------------------------------------------------

const guest: readonly CapabilityName[] = [
  "canRemoveSelf",
  "canReceiveMessage",
  "canCopyMessage",
  "canReactToMessage",
  "canDeleteOwnReaction",
  "canFollowLink",
  "canCopyLink",
  "canDownloadImage",
  "canDownloadVideo",
  "canDownloadAudio",
];
const attendee: readonly CapabilityName[] = [
  ...guest,
  "canAddOwnClient",
  "canJoinIfPreauthorized",
  "canRemoveOwnClient",
  "canChangeOwnRole",
  "canReportAbuse",
  "canReplyInTopic",
  "canDownloadAttachment",
  "canChangeOwnName",
  "canChangeOwnPresence",
  "canChangeOwnAvatar",
];
const speaker: readonly CapabilityName[] = [
  ...attendee, // printed: "all the capabilities authorized for a speaker" (decision 0307)
  "canSendMessage",
  "canEditOwnMessage",
  "canDeleteOwnMessage",
  "canStartTopic",
  "canUploadImage",
  "canUploadVideo",
  "canUploadAudio",
  "canUploadAttachment",
  "canSendLink",
  "canSendLinkPreview",
];
const moderator: readonly CapabilityName[] = [
  ...speaker, // printed: "all the capabilities authorized for an ordinary_user" (decision 0307)
  "canAddParticipant",
  "canRemoveParticipant",
  "canBan",
  "canUnBan",
  "canKick",
  "canChangeUserRole",
  "canCreateJoinCode",
  "canDeleteJoinCode",
  "canDeleteOtherReaction",
  "canDeleteOtherMessage",
  "canEditOwnTopic",
  "canEditOtherTopic",
  "canChangeRoomName",
  "canChangeRoomAvatar",
  "canChangeRoomSubject",
  "canChangeRoomMood",
];

/** Appendix A "Moderated room": guests, attendees, speakers, moderators. */
export const moderatedRoles: RoleData = {
  roles: [
    role(0, "no_role", ["canUseJoinCode"], {}, [[0, [2, 3]]]),
    banned,
    role(2, "guest", guest, {}, [
      [0, [2]],
      [2, [0]],
    ]),
    role(3, "attendee", attendee, {}, [
      [0, [3]],
      [3, [0]],
    ]),
    role(4, "speaker", speaker, {}, [
      [0, [4]],
      [4, [0]],
    ]),
    role(5, "moderator", moderator, { minP: 1 }, [
      [0, [1, 2, 3, 4, 5]],
      [1, [0, 2, 3, 4, 5]],
      [2, [0, 1, 3, 4, 5]],
      [3, [0, 1, 2, 4, 5]],
      [4, [0, 1, 2, 3, 5]],
      [5, [0, 1, 2, 3, 4]],
    ]),
    role(
      6,
      "super_admin",
      [
        ...moderator,
        "canChangeRoomDescription",
        "canChangeRoomMembershipStyle",
        "canChangeRoleDefinitions",
        "canChangePreauthorizedUserList",
        "canDestroyRoom",
        "canSendMLSReinitProposal",
      ],
      {},
      [
        [0, [1, 2, 3, 4, 5, 6]],
        [1, [0, 2, 3, 4, 5, 6]],
        [2, [0, 1, 3, 4, 5, 6]],
        [3, [0, 1, 2, 4, 5, 6]],
        [4, [0, 1, 2, 3, 5, 6]],
        [5, [0, 1, 2, 3, 4, 6]],
        [6, [0, 1, 2, 3, 4, 5]],
      ],
    ),
    role(7, "policy_enforcer", policyEnforcerCaps, { minP: 1, maxP: 2, maxA: 0 }, [
      [0, [1]],
      [1, [0]],
      [2, [0, 1]],
      [3, [0, 1]],
      [4, [0, 1]],
      [5, [0, 1]],
      [6, [0, 1]],
    ]),
  ],
};

// ---- Multi-organization administered room --------------------------------------------------

const orgUser: readonly CapabilityName[] = [
  "canRemoveSelf",
  "canAddOwnClient",
  "canRemoveOwnClient",
  "canSendMessage",
  "canReceiveMessage",
  "canCopyMessage",
  "canReportAbuse",
  "canReplyInTopic",
  "canReactToMessage",
  "canDeleteOwnReaction",
  "canEditOwnMessage",
  "canSendLink",
  "canSendLinkPreview",
  "canFollowLink",
  "canCopyLink",
  "canDownloadImage",
  "canDownloadVideo",
  "canDownloadAudio",
  "canDownloadAttachment",
  "canChangeOwnName",
  "canChangeOwnPresence",
  "canChangeOwnAvatar",
];
const orgAdmin: readonly CapabilityName[] = [
  ...orgUser,
  "canDeleteOwnMessage",
  "canStartTopic",
  "canUploadImage",
  "canUploadVideo",
  "canUploadAudio",
  "canUploadAttachment",
  "canAddParticipant",
  "canRemoveParticipant",
  "canBan",
  "canKick",
  "canChangeUserRole",
];
const hostAdmin: readonly CapabilityName[] = [...orgAdmin, "canChangeOwnRole", "canJoinIfPreauthorized"];

/** Appendix A "Multi-organization administered room": per-organization user and admin roles for orgs A (host), B and C. */
export const multiOrgRoles: RoleData = {
  roles: [
    noRole,
    banned,
    role(2, "org_a_user", [...orgUser, "canChangeOwnRole", "canJoinIfPreauthorized"], {}, [
      [0, [2]],
      [2, [0]],
    ]),
    role(3, "org_b_user", orgUser, {}, [
      [0, [3]],
      [3, [0]],
    ]),
    role(4, "org_c_user", orgUser, {}, [
      [0, [4]],
      [4, [0]],
    ]),
    role(5, "org_a_admin", hostAdmin, {}, [
      [0, [2, 5]],
      [2, [0, 1, 5]],
      [5, [0, 1, 2]],
    ]),
    role(6, "org_b_admin", orgAdmin, { minP: 1, maxP: 3, minA: 1 }, [
      [0, [3, 6]],
      [3, [0, 1, 6]],
      [6, [0, 1, 3]],
    ]),
    role(7, "org_c_admin", orgAdmin, { minP: 1, maxP: 3, minA: 1 }, [
      [0, [4, 7]],
      [4, [0, 1, 7]],
      [7, [0, 1, 4]],
    ]),
    role(
      8,
      "super_admin",
      [
        ...hostAdmin,
        "canUnBan",
        "canDeleteOtherReaction",
        "canDeleteOtherMessage",
        "canEditOwnTopic",
        "canEditOtherTopic",
        "canChangeRoomDescription",
        "canChangeRoomName",
        "canChangeRoomAvatar",
        "canChangeRoomSubject",
        "canChangeRoomMood",
        "canChangeRoomMembershipStyle",
        "canChangeRoleDefinitions",
        "canChangePreauthorizedUserList",
        "canDestroyRoom",
        "canSendMLSReinitProposal",
      ],
      { minP: 1, minA: 1 },
      [
        [0, [1, 2, 3, 4, 5, 6, 7, 8]],
        [1, [0, 2, 3, 4, 5, 6, 7, 8]],
        [2, [0, 1, 5, 8]],
        [3, [0, 1, 6]],
        [4, [0, 1, 7]],
        [5, [0, 1, 2, 8]],
        [6, [0, 1, 3]],
        [7, [0, 1, 4]],
        [8, [0, 1, 2, 5]],
      ],
    ),
    role(9, "policy_enforcer", policyEnforcerCaps, { minP: 1, maxP: 2, maxA: 0 }, [
      [0, [1]],
      [1, [0]],
      [3, [0, 1]],
      [4, [0, 1]],
      [5, [0, 1]],
      [6, [0, 1]],
      [7, [0, 1]],
      [8, [0, 1]],
    ]),
  ],
};

/** The four examples by name. */
export const roleExamples: Readonly<Record<"cooperative" | "strict" | "moderated" | "multi-org", RoleData>> =
  {
    cooperative: cooperativeRoles,
    strict: strictRoles,
    moderated: moderatedRoles,
    "multi-org": multiOrgRoles,
  };
