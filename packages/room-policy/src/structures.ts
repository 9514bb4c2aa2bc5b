/**
 * Every structure of the appendix by name, with its TLS shape and, for the data of a component,
 * the component it is carried in. The command line (`mimi policy decode|encode STRUCT`), the
 * vector files and the property tests use this table.
 */

import { type Codec, decodeWith, encodeWith } from "@mimi/wire";
import {
  assetPolicySchema,
  downloadPrivacySchema,
  providerAssetUploadDomainsSchema,
} from "./asset-policy.js";
import { baseRoomPolicySchema } from "./base-room-policy.js";
import { botPolicySchema, botSchema } from "./bot-policy.js";
import { domainNameSchema, uriSchema } from "./common.js";
import type { ComponentName } from "./component-ids.js";
import { historyPolicySchema } from "./history-policy.js";
import { joinLinkPolicySchema } from "./join-link-policy.js";
import { joinLinkSchema, joinLinksDataSchema, joinLinksUpdateSchema } from "./join-links.js";
import { linkPreviewPolicySchema } from "./link-preview-policy.js";
import { loggingPolicySchema } from "./logging-policy.js";
import { mediaTypeSchema } from "./media-type.js";
import { messageExpirationSchema } from "./message-expiration.js";
import {
  appMessagePolicySchema,
  extendedCapabilitiesSchema,
  minDefaultMaxTimeSchema,
  operationalParametersSchema,
  pendingProposalPolicySchema,
} from "./operational-parameters.js";
import { claimIdSchema, claimSchema, preAuthDataSchema, preAuthRoleEntrySchema } from "./pre-auth-data.js";
import { roleDataSchema, roleSchema, singleSourceRoleChangeTargetsSchema } from "./role.js";
import { statusNotificationPolicySchema } from "./status-notification-policy.js";

/** One named structure. */
export interface StructureEntry {
  readonly schema: Codec<unknown>;
  /** The component whose data (and update, unless it is `join_links`) this structure is. */
  readonly component?: ComponentName;
}

/** Every structure of the appendix, by its spec name. */
export const structures: Readonly<Record<string, StructureEntry>> = {
  Uri: { schema: uriSchema },
  DomainName: { schema: domainNameSchema },
  SingleSourceRoleChangeTargets: { schema: singleSourceRoleChangeTargetsSchema },
  Role: { schema: roleSchema },
  RoleData: { schema: roleDataSchema, component: "roles_list" },
  ClaimId: { schema: claimIdSchema },
  Claim: { schema: claimSchema },
  PreAuthRoleEntry: { schema: preAuthRoleEntrySchema },
  PreAuthData: { schema: preAuthDataSchema, component: "preauth_list" },
  BaseRoomPolicy: { schema: baseRoomPolicySchema, component: "base_room_policy" },
  StatusNotificationPolicy: {
    schema: statusNotificationPolicySchema,
    component: "status_notification_policy",
  },
  JoinLinkPolicy: { schema: joinLinkPolicySchema, component: "join_link_policy" },
  JoinLink: { schema: joinLinkSchema },
  JoinLinksData: { schema: joinLinksDataSchema, component: "join_links" },
  JoinLinksUpdate: { schema: joinLinksUpdateSchema },
  LinkPreviewPolicy: { schema: linkPreviewPolicySchema, component: "link_preview_policy" },
  ProviderAssetUploadDomains: { schema: providerAssetUploadDomainsSchema },
  DownloadPrivacy: { schema: downloadPrivacySchema },
  MediaType: { schema: mediaTypeSchema },
  AssetPolicy: { schema: assetPolicySchema, component: "asset_policy" },
  LoggingPolicy: { schema: loggingPolicySchema, component: "logging_policy" },
  HistoryPolicy: { schema: historyPolicySchema, component: "chat_history_policy" },
  Bot: { schema: botSchema },
  BotPolicy: { schema: botPolicySchema, component: "bot_policy" },
  MessageExpiration: { schema: messageExpirationSchema, component: "message_expiration_policy" },
  ExtendedCapabilities: { schema: extendedCapabilitiesSchema },
  PendingProposalPolicy: { schema: pendingProposalPolicySchema },
  MinDefaultMaxTime: { schema: minDefaultMaxTimeSchema },
  AppMessagePolicy: { schema: appMessagePolicySchema },
  OperationalParameters: { schema: operationalParametersSchema, component: "mls_operational_policy" },
};

/** The names of {@link structures}. */
export const structureNames: readonly string[] = Object.keys(structures);

function entry(name: string): StructureEntry {
  const e = Object.hasOwn(structures, name) ? structures[name] : undefined;
  if (e === undefined) throw new TypeError(`unknown structure ${name}`);
  return e;
}

/**
 * Decode the bytes of the named structure and return its JSON form (bytes as hex, `uint64` as
 * decimal strings, enums by name).
 *
 * @throws CodecError on malformed bytes; TypeError for an unknown structure name.
 */
export function decodeStructureToJson(name: string, bytes: Uint8Array): unknown {
  const { schema } = entry(name);
  return schema.toJson(decodeWith(schema, bytes));
}

/**
 * Encode the JSON form of the named structure.
 *
 * @throws CodecError when the JSON does not describe the structure; TypeError for an unknown name.
 */
export function encodeStructureFromJson(name: string, json: unknown): Uint8Array {
  const { schema } = entry(name);
  return encodeWith(schema, schema.fromJson(json, "/"));
}
