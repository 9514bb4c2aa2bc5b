/**
 * Deterministic generator of the room-policy vector files:
 *
 * - `generated/room-policy/structures.json`: TLS encodings of the appendix structures with their JSON form,
 *   and malformed encodings that must be rejected;
 * - `generated/room-policy/authorization.json`: room states and proposed changes (in the JSON form of
 *   `mimi policy check`) with the verdict.
 *
 * `pnpm mimi vectors generate` rewrites both (through {@link generateVectors}); `--check` and a
 * test check that the committed files are exactly what this module produces.
 */
import type { VectorFile } from "@mimi/spec-vectors";
import { encodeWith, toHex, utf8 } from "@mimi/wire";
import {
  assertValidRoomState,
  authorize,
  cooperativeRoles,
  moderatedRoles,
  multiOrgRoles,
  optionality,
  proposedChangeFromJson,
  type RoleData,
  roleDataSchema,
  roomStateFromJson,
  strictRoles,
  structures,
  verdictToJson,
} from "../src/index.js";

/** Where the files go, relative to the spec-vectors folder. */
export const STRUCTURE_VECTORS_FILE = "generated/room-policy/structures.json";
/** Where the files go, relative to the spec-vectors folder. */
export const AUTHORIZATION_VECTORS_FILE = "generated/room-policy/authorization.json";

const uri = (u: string) => ({ uri: u });
const text = (s: string): string => toHex(utf8(s));

const emptyCaps = {
  versions: [1],
  cipher_suites: [1, 3],
  extensions: [],
  proposals: [],
  credentials: [1],
  wire_formats: [1, 2],
  component_ids: [0x22, 0x23, 0x25],
  safe_aad_types: [],
  media_types: [
    { type: "text/markdown", parameters: [{ parameter_name: "variant", parameter_value: "GFM-MIMI" }] },
  ],
  content_types: [1],
};
const mdm = (a: bigint, b: bigint, c: bigint) => ({ minimum_time: a, default_time: b, maximum_time: c });

/** Curated values of the structures (in the package's value model). */
const values: readonly (readonly [string, string, unknown])[] = [
  ["RoleData", "Appendix A cooperatively administered room", cooperativeRoles],
  ["RoleData", "Appendix A strictly administered room", strictRoles],
  ["RoleData", "Appendix A moderated room", moderatedRoles],
  ["RoleData", "Appendix A multi-organization room", multiOrgRoles],
  ["RoleData", "no roles", { roles: [] }],
  [
    "PreAuthData",
    "employees of one organization join as ordinary users",
    {
      preauthorized_entries: [
        {
          claimset: [
            { claim_id: { credential_type: 2, id: utf8("2.5.4.10") }, claim_value: utf8("Example Inc.") },
          ],
          target_role: strictRoles.roles[2],
        },
      ],
    },
  ],
  [
    "BaseRoomPolicy",
    "a parent-dependent single-device room with limits",
    {
      fixed_membership: false,
      parent_dependant: true,
      parent_room: [uri("mimi://example.com/r/parent")],
      multi_device: false,
      max_clients: 50,
      max_users: 40,
      pseudonyms_allowed: true,
      persistent_room: true,
      discoverable: false,
      policy_component_ids: [0x25, 0x26, 0x2b],
    },
  ],
  [
    "BaseRoomPolicy",
    "a DM: fixed membership, no limits",
    {
      fixed_membership: true,
      parent_dependant: false,
      parent_room: [],
      multi_device: true,
      pseudonyms_allowed: false,
      persistent_room: false,
      discoverable: false,
      policy_component_ids: [],
    },
  ],
  [
    "StatusNotificationPolicy",
    "receipts optional, notifications forbidden",
    { delivery_notifications: 2, read_receipts: 0 },
  ],
  [
    "JoinLinkPolicy",
    "on-request single-user links valid one day",
    { on_request: true, join_link: uri("https://example.com/join"), multiuser: false, expiration: 86400 },
  ],
  [
    "JoinLinksData",
    "two active links",
    { links: [{ join_link: "https://example.com/j/1" }, { join_link: "https://example.com/j/2" }] },
  ],
  [
    "JoinLinksUpdate",
    "remove one link, add one",
    { removedIndices: [0], added_links: [{ join_link: "https://example.com/j/3" }] },
  ],
  [
    "LinkPreviewPolicy",
    "proxy required",
    {
      autodetect_hyperlinks_in_text: optionality.optional,
      send_link_previews: optionality.optional,
      automatic_link_previews: optionality.forbidden,
      link_preview_proxy_use: optionality.required,
      link_preview_proxy: [uri("https://preview.example.com/")],
    },
  ],
  [
    "LinkPreviewPolicy",
    "proxy forbidden: no proxy field",
    {
      autodetect_hyperlinks_in_text: optionality.forbidden,
      send_link_previews: optionality.forbidden,
      automatic_link_previews: optionality.forbidden,
      link_preview_proxy_use: optionality.forbidden,
    },
  ],
  [
    "AssetPolicy",
    "local provider uploads, markdown and images only",
    {
      asset_upload_location: 1,
      upload_domains: [
        {
          provider: { domain: "example.com" },
          asset_upload_destinations: [{ domain: "assets.example.com" }],
        },
      ],
      download_privacy: {
        allowed_download_types: [0, 2],
        forbidden_download_types: [1],
        default_download_type: 2,
      },
      max_image: 10_000_000n,
      max_audio: 20_000_000n,
      max_video: 100_000_000n,
      max_attachment: 0xffffffffffn,
      forbidden_media_types: [{ type: "application/x-msdownload", parameters: [] }],
      permitted_media_types: [
        { type: "text/markdown", parameters: [] },
        { type: "image/png", parameters: [] },
      ],
    },
  ],
  [
    "AssetPolicy",
    "no permitted list (absent optional vector)",
    {
      asset_upload_location: 0,
      upload_domains: [],
      download_privacy: {
        allowed_download_types: [],
        forbidden_download_types: [],
        default_download_type: 0,
      },
      max_image: 0n,
      max_audio: 0n,
      max_video: 0n,
      max_attachment: 0n,
      forbidden_media_types: [],
    },
  ],
  [
    "LoggingPolicy",
    "logging required with one logging client",
    {
      logging: optionality.required,
      logging_clients: [uri("mimi://example.com/d/logger/1")],
      machine_readable_policy: uri("https://example.com/logging.json"),
      human_readable_policy: uri("https://example.com/logging.html"),
    },
  ],
  ["LoggingPolicy", "logging forbidden", { logging: optionality.forbidden }],
  [
    "HistoryPolicy",
    "admins may share a day of history",
    {
      history_sharing: optionality.optional,
      roles_that_can_share: [3, 4],
      automatically_share: false,
      max_time_period: 86400,
    },
  ],
  ["HistoryPolicy", "history sharing forbidden", { history_sharing: optionality.forbidden }],
  [
    "BotPolicy",
    "one local bot",
    {
      allowed_bots: [
        {
          name: "summarizer",
          description: "summarizes threads",
          homepage: uri("https://bots.example/sum"),
          local_client_bot: true,
          bot_role_index: 0,
          can_target_message_in_group: false,
          per_user_content: false,
        },
      ],
    },
  ],
  [
    "MessageExpiration",
    "expiration required, default one week",
    {
      expiring_messages: optionality.required,
      min_expiration_duration: 3600,
      max_expiration_duration: 2592000,
      default_expiration_duration: 604800,
    },
  ],
  [
    "MessageExpiration",
    "expiration optional without default",
    { expiring_messages: optionality.optional, min_expiration_duration: 0, max_expiration_duration: 60 },
  ],
  [
    "PendingProposalPolicy",
    "random delay",
    { pending_proposal_strategy: 2, minimum_delay_ms: 100n, maximum_delay_ms: 5000n },
  ],
  [
    "OperationalParameters",
    "an operational policy",
    {
      mandatory_capabilities: emptyCaps,
      default_capabilities: emptyCaps,
      forbidden_capabilities: {
        ...emptyCaps,
        cipher_suites: [],
        versions: [],
        credentials: [],
        wire_formats: [],
        component_ids: [],
        media_types: [],
        content_types: [],
      },
      handshake_formats: [1, 0xf001],
      external_proposal_allowed: true,
      external_commit_allowed: false,
      pending_proposal_policy: { pending_proposal_strategy: 1 },
      LeafNode_update_time: mdm(3600n, 86400n, 604800n),
      app_message_policy: { epoch_tolerance: 2, pad_to_size: 256, max_generations_skipahead: 1000 },
      max_kp_lifetime: 7776000n,
      max_credential_lifetime: 31536000n,
      resumption_psk_lifetime: 86400n,
      sender_nonce_keypair_lifetime: mdm(0n, 60n, 300n),
      max_keypairs: 1000,
      buffer_incoming_message_time: mdm(0n, 5000n, 60000n),
      max_buffered_messages: 100,
    },
  ],
];

interface Malformed {
  readonly struct: string;
  readonly comment: string;
  readonly encoded: string;
  readonly flags: readonly string[];
  readonly rule?: string;
}

const malformed: readonly Malformed[] = [
  {
    struct: "BaseRoomPolicy",
    comment: "fixed_membership = 2 is not a bool",
    encoded: "02",
    flags: ["Bool"],
    rule: "POLICY-CODEC-01",
  },
  {
    struct: "StatusNotificationPolicy",
    comment: "Optionality 3 is undefined",
    encoded: "0300",
    flags: ["Enum"],
    rule: "POLICY-CODEC-02",
  },
  {
    struct: "LinkPreviewPolicy",
    comment: "proxy use 3 selects no case",
    encoded: "00000003",
    flags: ["Enum"],
    rule: "POLICY-CODEC-02",
  },
  {
    struct: "PendingProposalPolicy",
    comment: "the unnumbered `extension` case (3) is rejected",
    encoded: "030025",
    flags: ["Enum"],
    rule: "POLICY-CODEC-02",
  },
  {
    struct: "LinkPreviewPolicy",
    comment: "a body after proxy use forbidden",
    encoded: "0000000200",
    flags: ["Trailing"],
  },
  { struct: "StatusNotificationPolicy", comment: "a trailing byte", encoded: "000000", flags: ["Trailing"] },
  { struct: "Role", comment: "truncated inside role_index", encoded: "000000", flags: ["Truncated"] },
  {
    struct: "RoleData",
    comment: "vector length runs past the end",
    encoded: "05000000",
    flags: ["Truncated"],
  },
  {
    struct: "JoinLink",
    comment: "non-minimal varint length",
    encoded: "4001" + "61",
    flags: ["NonMinimalVarint"],
    rule: "WIRE-VARINT-01",
  },
  { struct: "Uri", comment: "invalid UTF-8 in a URI", encoded: "01ff", flags: ["Utf8"] },
  { struct: "Role", comment: "invalid UTF-8 in role_name", encoded: "00000002" + "02c328", flags: ["Utf8"] },
  {
    struct: "BaseRoomPolicy",
    comment: "max_clients presence octet 2",
    encoded: "000000" + "01" + "02",
    flags: ["Optional"],
    rule: "WIRE-OPT-01",
  },
  {
    struct: "AssetPolicy",
    comment: "truncated uint64 max_image",
    encoded: "00" + "00" + "000000" + "00000000",
    flags: ["Truncated"],
  },
];

const structureNotes: Readonly<Record<string, string>> = {
  Bool: "a bool other than 0 or 1",
  Enum: "an enum value the (closed) enum does not define",
  Trailing: "bytes after the structure",
  Truncated: "the input ends inside the structure",
  NonMinimalVarint: "a length varint not in its shortest form (RFC 9420 §2.1.2)",
  Utf8: "a text field that is not UTF-8 (decision 0302)",
  Optional: "an optional<T> presence octet other than 0 or 1",
};

/** The structure vector file. */
export function buildStructureVectors(): VectorFile {
  let tcId = 0;
  const valid = values.map(([struct, comment, value]) => {
    const { schema } = structures[struct]!;
    return {
      tcId: ++tcId,
      comment,
      struct,
      encoded: toHex(encodeWith(schema, value)),
      json: schema.toJson(value),
      result: "valid" as const,
      flags: [],
    };
  });
  const invalid = malformed.map((m) => ({
    tcId: ++tcId,
    comment: m.comment,
    struct: m.struct,
    encoded: m.encoded,
    result: "invalid" as const,
    flags: [...m.flags],
    ...(m.rule === undefined ? {} : { rule: m.rule, reqs: [m.rule] }),
  }));
  return {
    $schema: "../../schema/room-policy-tls.schema.json",
    algorithm: "room-policy/tls",
    source:
      "draft-ietf-mimi-room-policy-03 Appendix (Complete TLS Presentation Language Syntax), decisions 0301-0302",
    generator: "pnpm mimi vectors generate (packages/room-policy/vectors/generate.ts)",
    numberOfTests: tcId,
    header: [
      "struct: the structure's name in the appendix; encoded: its TLS encoding (hex, RFC 9420 §2.1 conventions).",
      "valid: decodes to `json` (the JSON form of `mimi policy decode`), and encoding `json` gives exactly `encoded`.",
      "invalid: decoding fails with a typed decoding error; `rule`, when present, is the requirement ID reported.",
    ],
    notes: structureNotes,
    testGroups: [
      { type: "RoomPolicyStructure", tests: valid },
      { type: "RoomPolicyStructure", tests: invalid },
    ],
  };
}

// ---- authorization vectors ------------------------------------------------------------------

const U = (n: string): string => `mimi://example.com/u/${n}`;
const D = (n: string, d: string): string => `mimi://example.com/d/${n}/${d}`;
const roleJson = (roles: RoleData): unknown => roleDataSchema.toJson(roles);
const claim = (id: string, value: string) => ({
  claim_id: { credential_type: 1, id: text(id) },
  claim_value: text(value),
});
const metaJson = (name: string) => ({
  room_uri: uri("mimi://example.com/r/club"),
  room_name: { string: name },
  room_descriptions: [],
  room_avatar: uri("https://example.com/a.png"),
  room_subject: { string: "" },
  room_mood: { string: "" },
});

interface Scenario {
  readonly comment: string;
  readonly change: unknown;
  /** "allowed", or the requirement ID that must deny. */
  readonly expect: string;
}

interface Room {
  readonly type: string;
  readonly comment: string;
  readonly state: Record<string, unknown>;
  readonly scenarios: readonly Scenario[];
}

const people = (list: readonly (readonly [string, number])[]) =>
  list.map(([n, role_index]) => ({ user: U(n), role_index }));
const devices = (list: readonly (readonly [string, string])[]) =>
  list.map(([n, d]) => ({ client: D(n, d), user: U(n) }));
const actor = (n: string, d?: string, claims?: unknown[]) => ({
  user: U(n),
  ...(d === undefined ? {} : { client: D(n, d) }),
  ...(claims === undefined ? {} : { claims }),
});
const pl = (p: { changed?: [number, number][]; removed?: number[]; added?: [string, number][] }) => ({
  changedRoleParticipants: (p.changed ?? []).map(([user_index, role_index]) => ({ user_index, role_index })),
  removedIndices: p.removed ?? [],
  addedParticipants: (p.added ?? []).map(([n, role_index]) => ({ user: U(n), role_index })),
});

const rooms: readonly Room[] = [
  {
    type: "cooperative",
    comment:
      "Appendix A cooperatively administered room: 0 ann super_admin, 1 ben group_admin, 2 cal ordinary_user, 3 dee banned, 4 hub policy_enforcer, 5 fox ordinary_user",
    state: {
      roles: roleJson(cooperativeRoles),
      participants: people([
        ["ann", 4],
        ["ben", 3],
        ["cal", 2],
        ["dee", 1],
        ["hub", 5],
        ["fox", 2],
      ]),
      clients: devices([
        ["ann", "a1"],
        ["ben", "b1"],
        ["cal", "c1"],
        ["cal", "c2"],
        ["fox", "f1"],
      ]),
      metadata: metaJson("Club"),
    },
    scenarios: [
      {
        comment: "an ordinary user adds a user as ordinary user, with its client",
        expect: "allowed",
        change: {
          actor: actor("cal", "c1"),
          participantList: pl({ added: [["gus", 2]] }),
          adds: [{ client: D("gus", "g1"), user: U("gus") }],
        },
      },
      {
        comment: "an ordinary user cannot add a group admin",
        expect: "POLICY-ADD-01",
        change: { actor: actor("cal", "c1"), participantList: pl({ added: [["gus", 3]] }) },
      },
      {
        comment: "appending a user already in the list",
        expect: "POLICY-PL-02",
        change: { actor: actor("cal", "c1"), participantList: pl({ added: [["fox", 2]] }) },
      },
      {
        comment: "role 0 cannot be assigned",
        expect: "POLICY-PL-03",
        change: { actor: actor("ben", "b1"), participantList: pl({ changed: [[5, 0]] }) },
      },
      {
        comment: "an index past the list",
        expect: "POLICY-PL-01",
        change: { actor: actor("ben", "b1"), participantList: pl({ removed: [9] }) },
      },
      {
        comment: "adding another user's client without adding the user",
        expect: "POLICY-ADD-02",
        change: { actor: actor("cal", "c1"), adds: [{ client: D("ben", "b2"), user: U("ben") }] },
      },
      {
        comment: "adding an own client from a member client",
        expect: "allowed",
        change: { actor: actor("cal", "c1"), adds: [{ client: D("cal", "c3"), user: U("cal") }] },
      },
      {
        comment: "the banned user cannot rejoin by external commit",
        expect: "POLICY-ADD-03",
        change: { actor: actor("dee", "d1"), external: "commit" },
      },
      {
        comment: "a group admin removes an ordinary user and all its clients",
        expect: "allowed",
        change: {
          actor: actor("ben", "b1"),
          participantList: pl({ removed: [2] }),
          removes: [D("cal", "c1"), D("cal", "c2")],
        },
      },
      {
        comment: "a removed user keeps a client",
        expect: "POLICY-REM-02",
        change: {
          actor: actor("ben", "b1"),
          participantList: pl({ removed: [2] }),
          removes: [D("cal", "c1")],
        },
      },
      {
        comment: "an ordinary user cannot remove a group admin",
        expect: "POLICY-REM-01",
        change: {
          actor: actor("cal", "c1"),
          participantList: pl({ removed: [1] }),
          removes: [D("ben", "b1")],
        },
      },
      {
        comment: "an ordinary user removes one of its clients",
        expect: "allowed",
        change: { actor: actor("cal", "c1"), removes: [D("cal", "c2")] },
      },
      {
        comment: "an ordinary user leaves by proposals",
        expect: "allowed",
        change: {
          actor: actor("cal", "c1"),
          sentAs: "proposals",
          participantList: pl({ removed: [2] }),
          removes: [D("cal", "c2")],
          selfRemove: true,
        },
      },
      {
        comment: "a client commits its own removal",
        expect: "POLICY-REM-05",
        change: { actor: actor("cal", "c1"), selfRemove: true },
      },
      {
        comment: "a group admin kicks",
        expect: "allowed",
        change: { actor: actor("ben", "b1"), removes: [D("cal", "c1")] },
      },
      {
        comment: "an ordinary user cannot kick",
        expect: "POLICY-REM-06",
        change: { actor: actor("cal", "c1"), removes: [D("ben", "b1")] },
      },
      {
        comment: "a group admin promotes an ordinary user",
        expect: "allowed",
        change: { actor: actor("ben", "b1"), participantList: pl({ changed: [[5, 3]] }) },
      },
      {
        comment: "an ordinary user cannot change roles",
        expect: "POLICY-ROLE-01",
        change: { actor: actor("cal", "c1"), participantList: pl({ changed: [[5, 3]] }) },
      },
      {
        comment: "a group admin bans",
        expect: "allowed",
        change: {
          actor: actor("ben", "b1"),
          participantList: pl({ changed: [[5, 1]] }),
          removes: [D("fox", "f1")],
        },
      },
      {
        comment: "an ordinary user cannot ban",
        expect: "POLICY-BAN-01",
        change: {
          actor: actor("cal", "c1"),
          participantList: pl({ changed: [[5, 1]] }),
          removes: [D("fox", "f1")],
        },
      },
      {
        comment: "a group admin unbans",
        expect: "allowed",
        change: { actor: actor("ben", "b1"), participantList: pl({ changed: [[3, 2]] }) },
      },
      {
        comment: "the policy enforcer cannot restore a banned user",
        expect: "POLICY-BAN-02",
        change: { actor: actor("hub"), participantList: pl({ changed: [[3, 2]] }) },
      },
      {
        comment: "the policy enforcer removes a banned user (cleanup)",
        expect: "allowed",
        change: { actor: actor("hub"), participantList: pl({ removed: [3] }) },
      },
      {
        comment: "the last group admin cannot be demoted",
        expect: "POLICY-CONS-01",
        change: { actor: actor("ann", "a1"), participantList: pl({ changed: [[1, 2]] }) },
      },
      {
        comment: "the policy enforcer cannot have clients",
        expect: "POLICY-ADD-03",
        change: { actor: actor("hub", "h1"), external: "commit" },
      },
      {
        comment: "an ordinary user renames the room",
        expect: "allowed",
        change: { actor: actor("cal", "c1"), metadata: metaJson("Renamed") },
      },
      {
        comment: "the banned user cannot rename the room",
        expect: "POLICY-META-01",
        change: { actor: actor("dee"), metadata: metaJson("Renamed") },
      },
      {
        comment: "the super admin cannot change role definitions",
        expect: "POLICY-POL-01",
        change: { actor: actor("ann", "a1"), roles: roleJson(cooperativeRoles) },
      },
      {
        comment: "the super admin changes the preauthorized list",
        expect: "allowed",
        change: { actor: actor("ann", "a1"), preauth: { preauthorized_entries: [] } },
      },
      {
        comment: "a preauthorization update cannot come with an addition",
        expect: "POLICY-POL-04",
        change: {
          actor: actor("ann", "a1"),
          preauth: { preauthorized_entries: [] },
          participantList: pl({ added: [["gus", 2]] }),
        },
      },
      {
        comment: "nobody in the example changes the asset policy",
        expect: "POLICY-POL-07",
        change: { actor: actor("ann", "a1"), otherPolicy: ["asset_policy"] },
      },
      {
        comment: "an ordinary user sends a message",
        expect: "allowed",
        change: { actor: actor("cal", "c1"), action: "canSendMessage" },
      },
      {
        comment: "the banned user cannot send",
        expect: "POLICY-CAP-01",
        change: { actor: actor("dee"), action: "canSendMessage" },
      },
      {
        comment: "a reserved capability authorizes nothing",
        expect: "POLICY-CAP-02",
        change: { actor: actor("cal", "c1"), action: "canChangeOwnName" },
      },
    ],
  },
  {
    type: "strict",
    comment:
      "Appendix A strictly administered room with a join code and a preauthorization: 0 ann super_admin, 1 ben group_admin, 2 cal ordinary_user, 3 hub policy_enforcer",
    state: {
      roles: roleJson(strictRoles),
      preauth: {
        preauthorized_entries: [
          {
            claimset: [claim("title", "manager")],
            target_role: structures["Role"]!.schema.toJson(strictRoles.roles[3]),
          },
        ],
      },
      participants: people([
        ["ann", 4],
        ["ben", 3],
        ["cal", 2],
        ["hub", 5],
      ]),
      clients: devices([
        ["ann", "a1"],
        ["ben", "b1"],
        ["cal", "c1"],
      ]),
      joinCodes: [
        { code: "welcome", role_index: 2 },
        { code: "admin", role_index: 3 },
      ],
    },
    scenarios: [
      {
        comment: "joining with a join code",
        expect: "allowed",
        change: {
          actor: actor("gus", "g1"),
          external: "commit",
          joinCode: "welcome",
          participantList: pl({ added: [["gus", 2]] }),
        },
      },
      {
        comment: "joining with an unknown code",
        expect: "POLICY-JOIN-01",
        change: {
          actor: actor("gus", "g1"),
          external: "commit",
          joinCode: "nope",
          participantList: pl({ added: [["gus", 2]] }),
        },
      },
      {
        comment: "a code for a role outside role 0's targets",
        expect: "POLICY-JOIN-01",
        change: {
          actor: actor("gus", "g1"),
          external: "commit",
          joinCode: "admin",
          participantList: pl({ added: [["gus", 3]] }),
        },
      },
      {
        comment: "adding oneself without an external commit",
        expect: "POLICY-JOIN-01",
        change: {
          actor: actor("gus", "g1"),
          joinCode: "welcome",
          participantList: pl({ added: [["gus", 2]] }),
        },
      },
      {
        comment: "a preauthorized manager joins as group admin",
        expect: "allowed",
        change: {
          actor: actor("mia", "m1", [claim("title", "manager")]),
          external: "commit",
          participantList: pl({ added: [["mia", 3]] }),
        },
      },
      {
        comment: "a manager promotes itself",
        expect: "allowed",
        change: {
          actor: actor("cal", "c1", [claim("title", "manager")]),
          participantList: pl({ changed: [[2, 3]] }),
        },
      },
      {
        comment: "promoting oneself without the claim",
        expect: "POLICY-ROLE-02",
        change: { actor: actor("cal", "c1"), participantList: pl({ changed: [[2, 3]] }) },
      },
      {
        comment: "the super admin changes role definitions",
        expect: "allowed",
        change: { actor: actor("ann", "a1"), roles: roleJson(strictRoles) },
      },
      {
        comment: "role definitions cannot change with the participant list",
        expect: "POLICY-POL-02",
        change: {
          actor: actor("ann", "a1"),
          roles: roleJson(strictRoles),
          participantList: pl({ changed: [[2, 3]] }),
        },
      },
      {
        comment: "a role update that drops a role in use",
        expect: "POLICY-POL-08",
        change: {
          actor: actor("ann", "a1"),
          roles: roleJson({ roles: strictRoles.roles.filter((r) => r.role_index !== 2) }),
        },
      },
    ],
  },
  {
    type: "moderated",
    comment:
      "Appendix A moderated room: 0 mod moderator, 1 gil guest, 2 ada attendee, 3 sam speaker, 4 hub policy_enforcer",
    state: {
      roles: roleJson(moderatedRoles),
      participants: people([
        ["mod", 5],
        ["gil", 2],
        ["ada", 3],
        ["sam", 4],
        ["hub", 7],
      ]),
      clients: devices([
        ["mod", "m1"],
        ["gil", "g1"],
        ["ada", "d1"],
        ["sam", "s1"],
      ]),
    },
    scenarios: [
      {
        comment: "a guest cannot send",
        expect: "POLICY-CAP-01",
        change: { actor: actor("gil", "g1"), action: "canSendMessage" },
      },
      {
        comment: "a speaker sends",
        expect: "allowed",
        change: { actor: actor("sam", "s1"), action: "canSendMessage" },
      },
      {
        comment: "a moderator gives an attendee the voice",
        expect: "allowed",
        change: { actor: actor("mod", "m1"), participantList: pl({ changed: [[2, 4]] }) },
      },
      {
        comment: "a guest cannot add a second client",
        expect: "POLICY-ADD-03",
        change: { actor: actor("gil", "g1"), adds: [{ client: D("gil", "g2"), user: U("gil") }] },
      },
    ],
  },
  {
    type: "multi-org",
    comment:
      "Appendix A multi-organization room with a single-device base policy: 0 ann super_admin, 1 bea org_b_admin, 2 bob org_b_user, 3 cyd org_c_user",
    state: {
      roles: roleJson(multiOrgRoles),
      base: {
        fixed_membership: false,
        parent_dependant: false,
        parent_room: [],
        multi_device: false,
        max_users: 5,
        pseudonyms_allowed: false,
        persistent_room: true,
        discoverable: false,
        policy_component_ids: [0x25],
      },
      participants: people([
        ["ann", 8],
        ["bea", 6],
        ["bob", 3],
        ["cyd", 4],
      ]),
      clients: devices([
        ["ann", "a1"],
        ["bea", "b1"],
        ["bob", "o1"],
      ]),
    },
    scenarios: [
      {
        comment: "an org B admin adds an org B user",
        expect: "allowed",
        change: { actor: actor("bea", "b1"), participantList: pl({ added: [["bo2", 3]] }) },
      },
      {
        comment: "the sixth user exceeds max_users",
        expect: "POLICY-BASE-04",
        change: {
          actor: actor("bea", "b1"),
          participantList: pl({
            added: [
              ["bo2", 3],
              ["bo3", 3],
            ],
          }),
        },
      },
      {
        comment: "an org B admin cannot ban an org C user",
        expect: "POLICY-BAN-01",
        change: { actor: actor("bea", "b1"), participantList: pl({ changed: [[3, 1]] }) },
      },
      {
        comment: "a second client in a single-device room",
        expect: "POLICY-BASE-02",
        change: { actor: actor("bob", "o1"), adds: [{ client: D("bob", "o2"), user: U("bob") }] },
      },
      {
        comment: "the only active org B admin cannot be kicked",
        expect: "POLICY-CONS-03",
        change: { actor: actor("ann", "a1"), removes: [D("bea", "b1")] },
      },
      {
        comment: "the super admin changes the membership style",
        expect: "allowed",
        change: {
          actor: actor("ann", "a1"),
          base: {
            fixed_membership: false,
            parent_dependant: false,
            parent_room: [],
            multi_device: true,
            pseudonyms_allowed: false,
            persistent_room: true,
            discoverable: false,
            policy_component_ids: [],
          },
        },
      },
      {
        comment: "an org admin cannot change the membership style",
        expect: "POLICY-POL-05",
        change: {
          actor: actor("bea", "b1"),
          base: {
            fixed_membership: false,
            parent_dependant: false,
            parent_room: [],
            multi_device: true,
            pseudonyms_allowed: false,
            persistent_room: true,
            discoverable: false,
            policy_component_ids: [],
          },
        },
      },
    ],
  },
];

/** The authorization vector file. */
export function buildAuthorizationVectors(): VectorFile {
  let tcId = 0;
  const groups = rooms.map((r) => {
    const state = roomStateFromJson(r.state);
    assertValidRoomState(state);
    return {
      type: "RoomPolicyAuthorization",
      room: r.type,
      comment: r.comment,
      state: r.state,
      tests: r.scenarios.map((s) => {
        const verdict = verdictToJson(authorize(state, proposedChangeFromJson(s.change)));
        const got = verdict["allowed"] === true ? "allowed" : String(verdict["rule"]);
        if (got !== s.expect)
          throw new Error(
            `${r.type}: ${s.comment}: expected ${s.expect}, engine says ${JSON.stringify(verdict)}`,
          );
        return {
          tcId: ++tcId,
          comment: s.comment,
          change: s.change,
          verdict,
          result: verdict["allowed"] === true ? ("valid" as const) : ("invalid" as const),
          flags: [],
          ...(verdict["allowed"] === true ? {} : { reqs: [String(verdict["rule"])] }),
        };
      }),
    };
  });
  return {
    $schema: "../../schema/room-policy-authorize.schema.json",
    algorithm: "room-policy/authorize",
    source:
      "draft-ietf-mimi-room-policy-03 §3-§5, §8, Appendix A; draft-ietf-mimi-protocol-06 §7.5-§7.6; decisions 0303-0307",
    generator: "pnpm mimi vectors generate (packages/room-policy/vectors/generate.ts)",
    numberOfTests: tcId,
    header: [
      "Each group has a room `state`; each case a proposed `change`, both in the JSON form of `mimi policy check` (packages/room-policy/README.md).",
      "valid: the change is allowed; `verdict` lists the rules that applied.",
      "invalid: the change is denied; `verdict.rule` is the requirement ID of the first rule that denies, `verdict.path` points into the change.",
    ],
    notes: {},
    testGroups: groups,
  };
}

/** The committed text of a file. */
export function renderVectorFile(file: VectorFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Every vector file of this package, as `mimi vectors generate` writes it (paths relative to
 * `spec-vectors/generated/`). Pure: the same output on every call, nothing written.
 */
export async function generateVectors(): Promise<
  readonly { readonly path: string; readonly content: string }[]
> {
  return [
    {
      path: STRUCTURE_VECTORS_FILE.slice("generated/".length),
      content: renderVectorFile(buildStructureVectors()),
    },
    {
      path: AUTHORIZATION_VECTORS_FILE.slice("generated/".length),
      content: renderVectorFile(buildAuthorizationVectors()),
    },
  ];
}
