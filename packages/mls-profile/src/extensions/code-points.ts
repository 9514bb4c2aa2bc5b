/**
 * The code points this package uses, in one registry.
 *
 * draft-ietf-mls-extensions-10 §7 and draft-ietf-mimi-protocol-06 §10 only *suggest* these values
 * (IANA has not assigned them yet), so every function that depends on one takes a
 * {@link CodePoints} argument that defaults to {@link defaultCodePoints}.
 */

/** Suggested code points of draft-ietf-mls-extensions-10 §7 and draft-ietf-mimi-protocol-06 §10. */
export const defaultCodePoints = {
  /** MLS extension types (uint16), draft-ietf-mls-extensions-10 §7. */
  extensionTypes: {
    app_data_dictionary: 0x0006,
    supported_wire_formats: 0x0007,
    required_wire_formats: 0x0008,
  },
  /** MLS proposal types (uint16), draft-ietf-mls-extensions-10 §7. */
  proposalTypes: {
    app_data_update: 0x0008,
    app_ephemeral: 0x0009,
    self_remove: 0x000a,
  },
  /** MLS credential types (uint16), draft-ietf-mls-extensions-10 §7. */
  credentialTypes: {
    multi: 0x0003,
    weak_multi: 0x0004,
  },
  /**
   * MLS Component Types (ComponentID, uint16): draft-ietf-mls-extensions-10 §7 (0x0001–0x0005)
   * and draft-ietf-mimi-protocol-06 §10 (0x0020–0x0023). The IANA entry 0x0021 is named
   * `franking_signature_key`; the text calls it `franking_agent` (DI-PROTO-10).
   */
  componentIds: {
    app_components: 0x0001,
    safe_aad: 0x0002,
    content_media_types: 0x0003,
    last_resort_key_package: 0x0004,
    app_ack: 0x0005,
    frank_aad: 0x0020,
    franking_agent: 0x0021,
    participant_list: 0x0022,
    room_metadata: 0x0023,
  },
} as const;

/** The shape of {@link defaultCodePoints}, with every value overridable. */
export interface CodePoints {
  readonly extensionTypes: {
    readonly [K in keyof (typeof defaultCodePoints)["extensionTypes"]]: number;
  };
  readonly proposalTypes: {
    readonly [K in keyof (typeof defaultCodePoints)["proposalTypes"]]: number;
  };
  readonly credentialTypes: {
    readonly [K in keyof (typeof defaultCodePoints)["credentialTypes"]]: number;
  };
  readonly componentIds: {
    readonly [K in keyof (typeof defaultCodePoints)["componentIds"]]: number;
  };
}

/** Names of the components in the registry. */
export type ComponentName = keyof CodePoints["componentIds"];
