/**
 * The component IDs of the room-policy components (draft-ietf-mimi-room-policy-03 §10.1) and of
 * the protocol-06 components the engine reads. All values are the drafts' *suggested* ones, so
 * every function that needs them takes them as a parameter with these as the default.
 */

/** Suggested component IDs (all "Where: GC"). */
export const suggestedComponentIds = {
  participant_list: 0x0022,
  room_metadata: 0x0023,
  mls_operational_policy: 0x0024,
  roles_list: 0x0025,
  preauth_list: 0x0026,
  base_room_policy: 0x0027,
  status_notification_policy: 0x0028,
  join_link_policy: 0x0029,
  join_links: 0x002a,
  link_preview_policy: 0x002b,
  asset_policy: 0x002c,
  logging_policy: 0x002d,
  chat_history_policy: 0x002e,
  bot_policy: 0x002f,
  message_expiration_policy: 0x0030,
} as const;

/** A component name of {@link suggestedComponentIds}. */
export type ComponentName = keyof typeof suggestedComponentIds;

/** A table of component IDs by name (configurable code points). */
export type ComponentIdTable = Readonly<Record<ComponentName, number>>;
