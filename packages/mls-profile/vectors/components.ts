/**
 * Conformance vectors for MIMI's MLS components and the mls-extensions structures they use
 * (`spec-vectors/generated/mls-profile/components.json`): produced by {@link generateComponentsVectors}
 * from the declarative cases below, and checked by {@link checkComponentsCase}.
 */
import { allCases, loadVectorFile, runCases, type VectorCase, type VectorSuite } from "@mimi/spec-vectors";
import { encodeTls, fromHex, isMimiError, toHex, utf8 } from "@mimi/wire";
import {
  applyAppDataUpdates,
  applyParticipantListUpdates,
  computeFrankingTag,
  decodeAppDataDictionary,
  decodeAppDataUpdate,
  decodeApplicationFraming,
  decodeFrankAAD,
  decodeMediaTypeList,
  decodeParticipantListData,
  decodeParticipantListUpdate,
  decodeRoomMetaData,
  decodeSafeAAD,
  encodeAppDataDictionary,
  encodeAppDataUpdate,
  encodeApplicationFraming,
  encodeFrankAAD,
  encodeMediaType,
  encodeMediaTypeList,
  encodeParticipantListData,
  encodeParticipantListUpdate,
  encodeRoomMetaData,
  encodeSafeAAD,
  formatMediaType,
  mimiComponentHandlers,
  type ParticipantListData,
  type ParticipantListUpdate,
  parseMediaType,
} from "../src/index.js";

/** Where the file lives, relative to `spec-vectors/`. */
export const componentsVectorPath = "generated/mls-profile/components.json";

const codecs: Readonly<
  Record<string, { decode: (b: Uint8Array) => unknown; encode: (v: never) => Uint8Array }>
> = {
  AppDataDictionary: { decode: decodeAppDataDictionary, encode: encodeAppDataDictionary },
  AppDataUpdate: { decode: decodeAppDataUpdate, encode: encodeAppDataUpdate },
  ApplicationFraming: { decode: decodeApplicationFraming, encode: encodeApplicationFraming },
  FrankAAD: { decode: decodeFrankAAD, encode: encodeFrankAAD },
  MediaTypeList: { decode: decodeMediaTypeList, encode: encodeMediaTypeList },
  ParticipantListData: { decode: decodeParticipantListData, encode: encodeParticipantListData },
  ParticipantListUpdate: { decode: decodeParticipantListUpdate, encode: encodeParticipantListUpdate },
  RoomMetaData: { decode: decodeRoomMetaData, encode: encodeRoomMetaData },
  SafeAAD: { decode: decodeSafeAAD, encode: encodeSafeAAD },
};

const notes: Readonly<Record<string, string>> = {
  Unsorted: "entries must be in ascending component_id order",
  Duplicate: "an ID or user appears twice",
  OutOfRange: "an index outside the current participant list",
  TouchedTwice: "a user changed more than once in one commit",
  AlreadyParticipant: "an appended user is already in the list",
  InvalidOp: "AppDataUpdate operation invalid(0) or undefined",
  UnknownComponent: "AppDataUpdate for a component the application does not know",
  RemoveAbsent: "remove of a component with no data",
  MixedOps: "remove together with updates (or two removes) for one component",
  RejectedByComponent: "the component's logic rejects the update",
  Truncated: "the input ends inside a field",
  TrailingBytes: "bytes after the structure",
  WrongLength: "a fixed-size field of the wrong size",
  BadSyntax: "a string that breaks its syntax (media type, URI, UTF8String)",
  EmptyList: "a list that must not be empty",
};

const u = (s: string): Uint8Array => utf8(`mimi://example.com/u/${s}`);
const plist = (...p: [string, number][]): ParticipantListData => ({
  participants: p.map(([s, role_index]) => ({ user: u(s), role_index })),
});
const upd = (p: Partial<ParticipantListUpdate>): ParticipantListUpdate => ({
  changedRoleParticipants: [],
  removedIndices: [],
  addedParticipants: [],
  ...p,
});
const start = plist(["alice", 4], ["bob", 2], ["cathy", 2], ["dave", 2]);

interface PlistSpec {
  readonly comment: string;
  readonly list: ParticipantListData;
  readonly updates: readonly ParticipantListUpdate[];
  readonly flags?: readonly string[];
  readonly reqs: readonly string[];
}

const plistSpecs: readonly PlistSpec[] = [
  {
    comment: "role change, removals and an append in one update; indices into the list before the update",
    list: start,
    updates: [
      upd({
        changedRoleParticipants: [{ user_index: 3, role_index: 3 }],
        removedIndices: [2, 0],
        addedParticipants: [{ user: u("erin"), role_index: 2 }],
      }),
    ],
    reqs: ["MLS-PLIST-02"],
  },
  {
    comment: "two updates in one commit: the second indexes the list the first produced",
    list: start,
    updates: [
      upd({ removedIndices: [0] }),
      upd({ changedRoleParticipants: [{ user_index: 0, role_index: 9 }] }),
    ],
    reqs: ["MLS-PLIST-02"],
  },
  {
    comment: "append to an empty list",
    list: { participants: [] },
    updates: [
      upd({
        addedParticipants: [
          { user: u("alice"), role_index: 4 },
          { user: u("bob"), role_index: 2 },
        ],
      }),
    ],
    reqs: ["MLS-PLIST-02"],
  },
  {
    comment: "removal index past the end",
    list: start,
    updates: [upd({ removedIndices: [4] })],
    flags: ["OutOfRange"],
    reqs: ["MLS-PLIST-03"],
  },
  {
    comment: "role change index past the end",
    list: start,
    updates: [upd({ changedRoleParticipants: [{ user_index: 9, role_index: 1 }] })],
    flags: ["OutOfRange"],
    reqs: ["MLS-PLIST-03"],
  },
  {
    comment: "the same index removed twice",
    list: start,
    updates: [upd({ removedIndices: [1, 1] })],
    flags: ["TouchedTwice"],
    reqs: ["MLS-PLIST-04"],
  },
  {
    comment: "role change and removal of the same user",
    list: start,
    updates: [upd({ changedRoleParticipants: [{ user_index: 1, role_index: 3 }], removedIndices: [1] })],
    flags: ["TouchedTwice"],
    reqs: ["MLS-PLIST-04"],
  },
  {
    comment: "removed and re-added in the same commit (two updates)",
    list: start,
    updates: [upd({ removedIndices: [1] }), upd({ addedParticipants: [{ user: u("bob"), role_index: 2 }] })],
    flags: ["TouchedTwice"],
    reqs: ["MLS-PLIST-04"],
  },
  {
    comment: "the same user appended twice",
    list: start,
    updates: [
      upd({
        addedParticipants: [
          { user: u("erin"), role_index: 2 },
          { user: u("erin"), role_index: 3 },
        ],
      }),
    ],
    flags: ["TouchedTwice"],
    reqs: ["MLS-PLIST-04"],
  },
  {
    comment: "append of a user already in the list",
    list: start,
    updates: [upd({ addedParticipants: [{ user: u("cathy"), role_index: 1 }] })],
    flags: ["AlreadyParticipant"],
    reqs: ["MLS-PLIST-05"],
  },
];

interface AppDataSpec {
  readonly comment: string;
  readonly dictionary: Uint8Array;
  readonly proposals: readonly Uint8Array[];
  readonly flags?: readonly string[];
  readonly reqs: readonly string[];
}

const PL = 0x22;
const RM = 0x23;
const dictWithList = encodeAppDataDictionary({
  component_data: [{ component_id: PL, data: encodeParticipantListData(start) }],
});
const meta = encodeRoomMetaData({
  room_uri: { uri: "mimi://example.com/r/clubhouse" },
  room_name: { string: "Clubhouse" },
  room_descriptions: [{ media_type: "", language_tag: "en", description_content: utf8("Hang out") }],
  room_avatar: { uri: "https://example.com/a.png" },
  room_subject: { string: "" },
  room_mood: { string: "" },
});
const up = (component_id: number, update: Uint8Array): Uint8Array =>
  encodeAppDataUpdate({ component_id, op: "update", update });
const rm = (component_id: number): Uint8Array => encodeAppDataUpdate({ component_id, op: "remove" });
const addErin = encodeParticipantListUpdate(upd({ addedParticipants: [{ user: u("erin"), role_index: 2 }] }));
const dropAlice = encodeParticipantListUpdate(upd({ removedIndices: [0] }));

const appDataSpecs: readonly AppDataSpec[] = [
  {
    comment:
      "participant_list and room_metadata updated in one commit; room_metadata created and inserted in order",
    dictionary: dictWithList,
    proposals: [up(RM, meta), up(PL, addErin), up(PL, dropAlice)],
    reqs: ["MLS-EXT-01"],
  },
  {
    comment: "remove of room_metadata",
    dictionary: encodeAppDataDictionary({ component_data: [{ component_id: RM, data: meta }] }),
    proposals: [rm(RM)],
    reqs: ["MLS-EXT-05"],
  },
  {
    comment: "update of an unknown component",
    dictionary: dictWithList,
    proposals: [up(0x8000, new Uint8Array([1]))],
    flags: ["UnknownComponent"],
    reqs: ["MLS-EXT-03"],
  },
  {
    comment: "remove of a component with no data",
    dictionary: dictWithList,
    proposals: [rm(RM)],
    flags: ["RemoveAbsent"],
    reqs: ["MLS-EXT-04"],
  },
  {
    comment: "update and remove of one component",
    dictionary: dictWithList,
    proposals: [up(PL, addErin), rm(PL)],
    flags: ["MixedOps"],
    reqs: ["MLS-EXT-05"],
  },
  {
    comment: "two room_metadata updates in one commit",
    dictionary: dictWithList,
    proposals: [up(RM, meta), up(RM, meta)],
    flags: ["RejectedByComponent"],
    reqs: ["MLS-EXT-06", "MLS-META-01"],
  },
  {
    comment: "participant-list update touching a user twice across two proposals",
    dictionary: dictWithList,
    proposals: [
      up(
        PL,
        encodeParticipantListUpdate(upd({ changedRoleParticipants: [{ user_index: 1, role_index: 3 }] })),
      ),
      up(PL, encodeParticipantListUpdate(upd({ removedIndices: [1] }))),
    ],
    flags: ["RejectedByComponent"],
    reqs: ["MLS-EXT-06"],
  },
];

interface DecodeSpec {
  readonly comment: string;
  readonly type: keyof typeof codecs;
  readonly encoded: Uint8Array;
  readonly flags?: readonly string[];
  readonly reqs?: readonly string[];
}

const userRole = (name: string, role: number): Uint8Array =>
  encodeTls((w) => {
    w.opaque(u(name));
    w.uint32(role);
  });
const vec = (...parts: Uint8Array[]): Uint8Array =>
  encodeTls((w) =>
    w.lengthPrefixed((x) => {
      for (const p of parts) x.bytes(p);
    }),
  );

const decodeSpecs: readonly DecodeSpec[] = [
  { comment: "empty dictionary", type: "AppDataDictionary", encoded: fromHex("00"), reqs: ["MLS-EXT-01"] },
  {
    comment: "two components in order",
    type: "AppDataDictionary",
    encoded: fromHex("0700010000020101"),
    reqs: ["MLS-EXT-01"],
  },
  {
    comment: "components out of order",
    type: "AppDataDictionary",
    encoded: fromHex("0700020101000100"),
    flags: ["Unsorted"],
    reqs: ["MLS-EXT-01"],
  },
  {
    comment: "a component twice",
    type: "AppDataDictionary",
    encoded: fromHex("0700020101000200"),
    flags: ["Duplicate"],
    reqs: ["MLS-EXT-01"],
  },
  {
    comment: "item longer than the vector",
    type: "AppDataDictionary",
    encoded: fromHex("03000105aa"),
    flags: ["Truncated"],
  },
  {
    comment: "update of participant_list",
    type: "AppDataUpdate",
    encoded: fromHex("00220103010203"),
    reqs: ["MLS-EXT-02"],
  },
  { comment: "remove", type: "AppDataUpdate", encoded: fromHex("002202"), reqs: ["MLS-EXT-02"] },
  {
    comment: "operation invalid(0)",
    type: "AppDataUpdate",
    encoded: fromHex("002200"),
    flags: ["InvalidOp"],
    reqs: ["MLS-EXT-02"],
  },
  {
    comment: "undefined operation 3",
    type: "AppDataUpdate",
    encoded: fromHex("002203"),
    flags: ["InvalidOp"],
    reqs: ["MLS-EXT-02"],
  },
  {
    comment: "remove with a body",
    type: "AppDataUpdate",
    encoded: fromHex("00220200"),
    flags: ["TrailingBytes"],
  },
  {
    comment: "SafeAAD with frank_aad",
    type: "SafeAAD",
    encoded: fromHex(`23002020${"ab".repeat(32)}`),
    reqs: ["MLS-AAD-01"],
  },
  { comment: "empty SafeAAD", type: "SafeAAD", encoded: fromHex("00"), reqs: ["MLS-AAD-02"] },
  {
    comment: "items out of order",
    type: "SafeAAD",
    encoded: fromHex("080020010000020100"),
    flags: ["Unsorted"],
    reqs: ["MLS-AAD-01"],
  },
  {
    comment: "unsafe bytes after the SafeAAD (allowed in -09, not -10)",
    type: "SafeAAD",
    encoded: fromHex("00ff"),
    flags: ["TrailingBytes"],
    reqs: ["MLS-AAD-02"],
  },
  {
    comment: "32-byte franking tag",
    type: "FrankAAD",
    encoded: fromHex("11".repeat(32)),
    reqs: ["MLS-FRANK-01"],
  },
  {
    comment: "31-byte franking tag",
    type: "FrankAAD",
    encoded: fromHex("11".repeat(31)),
    flags: ["WrongLength"],
    reqs: ["MLS-FRANK-01"],
  },
  {
    comment: "list of text/plain;charset=utf-8 and image/png",
    type: "MediaTypeList",
    encoded: encodeMediaTypeList({
      media_type_list: [parseMediaType("text/plain;charset=utf-8"), parseMediaType("image/png")],
    }),
    reqs: ["MLS-EXT-07", "MLS-EXT-08"],
  },
  {
    comment: "empty media type list",
    type: "MediaTypeList",
    encoded: fromHex("00"),
    flags: ["EmptyList"],
    reqs: ["MLS-EXT-09"],
  },
  {
    comment: "media type without a subtype",
    type: "MediaTypeList",
    encoded: fromHex("06047465787400"),
    flags: ["BadSyntax"],
    reqs: ["MLS-EXT-07"],
  },
  {
    comment: "framing with the empty (first listed) type",
    type: "ApplicationFraming",
    encoded: fromHex("0000020102"),
    reqs: ["MLS-EXT-10"],
  },
  {
    comment: "participant list of two users",
    type: "ParticipantListData",
    encoded: vec(userRole("alice", 4), userRole("bob", 2)),
    reqs: ["MLS-PLIST-01"],
  },
  {
    comment: "a user listed twice",
    type: "ParticipantListData",
    encoded: vec(userRole("alice", 4), userRole("alice", 2)),
    flags: ["Duplicate"],
    reqs: ["MLS-PLIST-01"],
  },
  {
    comment: "update with all three parts",
    type: "ParticipantListUpdate",
    encoded: encodeParticipantListUpdate(
      upd({
        changedRoleParticipants: [{ user_index: 1, role_index: 3 }],
        removedIndices: [0],
        addedParticipants: [{ user: u("erin"), role_index: 2 }],
      }),
    ),
  },
  { comment: "room metadata", type: "RoomMetaData", encoded: meta, reqs: ["MLS-META-03"] },
  {
    comment: "room name with a NUL",
    type: "RoomMetaData",
    encoded: encodeTls((w) => {
      w.opaque(utf8("mimi://example.com/r/x"));
      w.opaque(utf8("a\u0000b"));
      w.vector([], () => undefined);
      w.opaque(new Uint8Array(0));
      w.opaque(new Uint8Array(0));
      w.opaque(new Uint8Array(0));
    }),
    flags: ["BadSyntax"],
    reqs: ["MLS-META-02"],
  },
  {
    comment: "http avatar",
    type: "RoomMetaData",
    encoded: encodeTls((w) => {
      w.opaque(utf8("mimi://example.com/r/x"));
      w.opaque(new Uint8Array(0));
      w.vector([], () => undefined);
      w.opaque(utf8("http://example.com/a.png"));
      w.opaque(new Uint8Array(0));
      w.opaque(new Uint8Array(0));
    }),
    flags: ["BadSyntax"],
    reqs: ["MLS-META-04"],
  },
];

const mediaTypeStrings: readonly string[] = [
  "image/png",
  'text/plain ;charset="UTF-8"',
  "application/json",
  "application/vnd.example.msgbus+cbor",
  'text/markdown; variant="GFM \\"MIMI\\""',
];

/** The error rule of `f`, or `undefined` if it succeeds; a non-MIMI error is rethrown. */
function ruleOf(
  f: () => unknown,
):
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly rule: string | undefined } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!isMimiError(e)) throw e;
    return { ok: false, rule: e.rule };
  }
}

function plistRun(list: string, updates: readonly string[]): Uint8Array {
  const r = applyParticipantListUpdates(
    decodeParticipantListData(fromHex(list)),
    updates.map((x) => decodeParticipantListUpdate(fromHex(x))),
  );
  return encodeParticipantListData(r.list);
}

function appDataRun(dictionary: string, proposals: readonly string[]): Uint8Array {
  const d = applyAppDataUpdates(
    decodeAppDataDictionary(fromHex(dictionary)),
    proposals.map((p) => decodeAppDataUpdate(fromHex(p))),
    mimiComponentHandlers(),
  );
  return encodeAppDataDictionary(d);
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
      path: componentsVectorPath.slice("generated/".length),
      content: `${JSON.stringify(generateComponentsVectors(), null, 2)}\n`,
    },
  ];
}

/** The vector file, computed from the cases above (deterministic). */
export function generateComponentsVectors(): Record<string, unknown> {
  let tcId = 0;
  const base = (
    comment: string,
    flags: readonly string[] | undefined,
    reqs: readonly string[] | undefined,
  ): Record<string, unknown> => ({
    tcId: ++tcId,
    comment,
    flags: [...(flags ?? [])],
    ...(reqs === undefined ? {} : { reqs: [...reqs] }),
  });
  // A case with flags is meant to be invalid, one without to be valid: the generator refuses to
  // write a file where the implementation disagrees with the case's intent.
  const intended = (c: Record<string, unknown>): Record<string, unknown> => {
    const want = (c["flags"] as string[]).length > 0 ? "invalid" : "valid";
    if (c["result"] !== want)
      throw new Error(
        `case ${String(c["tcId"])} (${String(c["comment"])}) is ${String(c["result"])}, meant ${want}`,
      );
    return c;
  };
  const outcome = (f: () => Uint8Array): Record<string, unknown> => {
    const r = ruleOf(f);
    return r.ok
      ? { result: "valid", expected: toHex(r.value as Uint8Array) }
      : { result: "invalid", ...(r.rule === undefined ? {} : { rule: r.rule }) };
  };
  const groups = [
    {
      type: "ParticipantListUpdate",
      tests: plistSpecs.map((s) => {
        const list = toHex(encodeParticipantListData(s.list));
        const updates = s.updates.map((x) => toHex(encodeParticipantListUpdate(x)));
        return intended({
          ...base(s.comment, s.flags, s.reqs),
          list,
          updates,
          ...outcome(() => plistRun(list, updates)),
        });
      }),
    },
    {
      type: "AppDataUpdates",
      tests: appDataSpecs.map((s) => {
        const dictionary = toHex(s.dictionary);
        const proposals = s.proposals.map(toHex);
        return intended({
          ...base(s.comment, s.flags, s.reqs),
          dictionary,
          proposals,
          ...outcome(() => appDataRun(dictionary, proposals)),
        });
      }),
    },
    {
      type: "Decode",
      tests: decodeSpecs.map((s) => {
        const r = ruleOf(() => codecs[s.type]!.decode(s.encoded));
        return intended({
          ...base(s.comment, s.flags, s.reqs),
          structure: s.type,
          encoded: toHex(s.encoded),
          ...(r.ok
            ? { result: "valid" }
            : { result: "invalid", ...(r.rule === undefined ? {} : { rule: r.rule }) }),
        });
      }),
    },
    {
      type: "MediaTypeString",
      tests: mediaTypeStrings.map((text) => {
        const mt = parseMediaType(text);
        return {
          ...base(`parse ${text}`, [], ["MLS-EXT-08"]),
          text,
          encoded: toHex(encodeMediaType(mt)),
          canonical: formatMediaType(mt),
          result: "valid",
        };
      }),
    },
    {
      type: "FrankingTag",
      tests: [
        { salt: "00".repeat(16), applicationData: "" },
        { salt: "0f".repeat(16), applicationData: toHex(utf8("hello room")) },
        {
          salt: toHex(utf8("0123456789abcdef")),
          applicationData: toHex(
            encodeApplicationFraming({
              media_type: { type: "", parameters: [] },
              inner_application_content: utf8("hi"),
            }),
          ),
        },
      ].map((c, i) => ({
        ...base(
          ["empty application data", "text body", "application data with an ApplicationFraming"][i]!,
          [],
          undefined,
        ),
        ...c,
        frankingTag: toHex(computeFrankingTag(fromHex(c.salt), fromHex(c.applicationData))),
        result: "valid",
      })),
    },
  ];
  return {
    $schema: "../../schema/mimi-mls-components.schema.json",
    algorithm: "mimi-mls-components",
    source: "draft-ietf-mimi-protocol-06 §5.4.1, §7; draft-ietf-mls-extensions-10 §4.6–§4.9, §6.2",
    generator: "pnpm mimi vectors generate (packages/mls-profile/vectors/components.ts)",
    numberOfTests: tcId,
    header: [
      "ParticipantListUpdate: apply `updates` (hex ParticipantListUpdate, in commit order) to `list` (hex ParticipantListData); valid: the result encodes to `expected`; invalid: rejected, by requirement `rule`.",
      "AppDataUpdates: apply `proposals` (hex AppDataUpdate, in commit order) to `dictionary` (hex AppDataDictionary) with the participant_list, room_metadata and franking_agent components known; valid: result `expected`; invalid: rejected (`rule`).",
      "Decode: decode `encoded` as `structure`; valid: re-encodes identically; invalid: a typed error (with `rule` when the implementation names one).",
      "MediaTypeString: parse `text`; it encodes as the MediaType `encoded` and formats as `canonical`.",
      "FrankingTag: HMAC-SHA256(`salt`, `applicationData`) = `frankingTag`.",
      "Index semantics of ParticipantListUpdate follow decision 0534.",
    ],
    notes,
    testGroups: groups,
  };
}

const hex = (t: VectorCase, k: string): Uint8Array => fromHex(String(t[k]));
const hexList = (t: VectorCase, k: string): string[] => (t[k] as unknown[]).map(String);

function expectOutcome(t: VectorCase, run: () => Uint8Array): void {
  const r = ruleOf(run);
  if (t.result === "valid") {
    if (!r.ok) throw new Error(`rejected (${String(r.rule)})`);
    if (toHex(r.value as Uint8Array) !== t["expected"])
      throw new Error(`got ${toHex(r.value as Uint8Array)}`);
    return;
  }
  if (t.result !== "invalid") throw new Error(`unknown result ${String(t.result)}`);
  if (r.ok) throw new Error("accepted an invalid case");
  if (t["rule"] !== undefined && r.rule !== t["rule"])
    throw new Error(`rejected by ${String(r.rule)}, expected ${String(t["rule"])}`);
}

/** Check one case of `components.json` against this implementation. */
export function checkComponentsCase(groupType: string | undefined, t: VectorCase): void {
  switch (groupType) {
    case "ParticipantListUpdate":
      expectOutcome(t, () => plistRun(String(t["list"]), hexList(t, "updates")));
      return;
    case "AppDataUpdates":
      expectOutcome(t, () => appDataRun(String(t["dictionary"]), hexList(t, "proposals")));
      return;
    case "Decode": {
      const codec = codecs[String(t["structure"])];
      if (codec === undefined) throw new Error(`unknown structure ${String(t["structure"])}`);
      const bytes = hex(t, "encoded");
      expectOutcome({ ...t, expected: t["encoded"] }, () => codec.encode(codec.decode(bytes) as never));
      return;
    }
    case "MediaTypeString": {
      const mt = parseMediaType(String(t["text"]));
      if (toHex(encodeMediaType(mt)) !== t["encoded"]) throw new Error("MediaType encoding differs");
      if (formatMediaType(mt) !== t["canonical"]) throw new Error(`formatted as ${formatMediaType(mt)}`);
      return;
    }
    case "FrankingTag":
      if (toHex(computeFrankingTag(hex(t, "salt"), hex(t, "applicationData"))) !== t["frankingTag"])
        throw new Error("tag differs");
      return;
    default:
      throw new Error(`unknown group type ${String(groupType)}`);
  }
}

/** The suite `mimi vectors verify` runs over `components.json`. */
export const componentsSuite: VectorSuite = {
  name: "mls-profile/components",
  source: "draft-ietf-mimi-protocol-06 §5.4.1, §7; draft-ietf-mls-extensions-10",
  run: () =>
    runCases(
      allCases(loadVectorFile(componentsVectorPath)),
      ({ test }) => `components.json#${test.tcId}`,
      ({ group, test }) => checkComponentsCase(group.type, test),
    ),
};
