/**
 * The JSON form of the engine's inputs and output, used by `mimi policy check`: a room state, a
 * proposed change, and the verdict. Policy components inside them use the structures' JSON form
 * (bytes as hex, `uint64` as decimal strings, enums and capabilities by name); `roles` may also
 * name one of the Appendix A examples (`"cooperative"`, `"strict"`, `"moderated"`,
 * `"multi-org"`). User, client and room identifiers are `mimi:` URIs, validated and brought to
 * their canonical form with `@mimi/identifiers`.
 */
import { parseClientUri, parseRoomUri, parseUserUri, userOfClient } from "@mimi/identifiers";
import {
  CodecError,
  enumCodes,
  MimiError,
  struct,
  uint32,
  utf8String,
  ValidationError,
  vector,
} from "@mimi/wire";
import { baseRoomPolicySchema } from "../base-room-policy.js";
import { closedEnum, optionalField, policyBool } from "../common.js";
import { type ComponentName, suggestedComponentIds } from "../component-ids.js";
import { operationalParametersSchema } from "../operational-parameters.js";
import { claimSchema, preAuthDataSchema } from "../pre-auth-data.js";
import { roleDataSchema } from "../role.js";
import { roleExamples } from "../role-examples.js";
import type { ProposedChange, RoomState, Verdict } from "./room-state.js";
import { roomMetaDataSchema } from "./room-state.js";
import { assertNoProblems, checkBaseRoomPolicy, checkRoleData } from "./validate-policy.js";

// The engine's own types in JSON (the CLI's room state), not the draft's structures: a participant
// is named by its user URI here, where the MLS profile's UserRolePair carries bytes.
const userRolePair = struct("Participant", [
  ["user", utf8String],
  ["role_index", uint32],
]);
const memberClient = struct("MemberClient", [
  ["client", utf8String],
  ["user", utf8String],
]);
const participantListUpdate = struct("ParticipantListChange", [
  [
    "changedRoleParticipants",
    vector(
      struct("ParticipantRoleChange", [
        ["user_index", uint32],
        ["role_index", uint32],
      ]),
    ),
  ],
  ["removedIndices", vector(uint32)],
  ["addedParticipants", vector(userRolePair)],
]);

const stateSchema = struct("RoomState", [
  ["roles", roleDataSchema],
  ["preauth", optionalField(preAuthDataSchema)],
  ["base", optionalField(baseRoomPolicySchema)],
  ["operational", optionalField(operationalParametersSchema)],
  ["participants", vector(userRolePair)],
  ["clients", vector(memberClient)],
  ["metadata", optionalField(roomMetaDataSchema)],
  [
    "joinCodes",
    optionalField(
      vector(
        struct("JoinCode", [
          ["code", utf8String],
          ["role_index", uint32],
        ]),
      ),
    ),
  ],
  ["parentParticipants", optionalField(vector(utf8String))],
]);

const changeSchema = struct("ProposedChange", [
  [
    "actor",
    struct("Actor", [
      ["user", utf8String],
      ["client", optionalField(utf8String)],
      ["claims", optionalField(vector(claimSchema))],
    ]),
  ],
  ["sentAs", optionalField(enumCodes("SentAs", { commit: 0, proposals: 1 }, closedEnum))],
  ["external", optionalField(enumCodes("External", { commit: 0, proposal: 1 }, closedEnum))],
  ["participantList", optionalField(participantListUpdate)],
  ["adds", optionalField(vector(memberClient))],
  ["removes", optionalField(vector(utf8String))],
  ["selfRemove", optionalField(policyBool)],
  ["joinCode", optionalField(utf8String)],
  ["metadata", optionalField(roomMetaDataSchema)],
  ["roles", optionalField(roleDataSchema)],
  ["preauth", optionalField(preAuthDataSchema)],
  ["base", optionalField(baseRoomPolicySchema)],
  ["operational", optionalField(operationalParametersSchema)],
  [
    "otherPolicy",
    optionalField(vector(enumCodes("ComponentID", suggestedComponentIds, { ...closedEnum, bits: 16 }))),
  ],
  ["action", optionalField(utf8String)],
]);

type Rec = Record<string, unknown>;

/** Run `parse` on a URI found at `path`, turning its error into one located in the JSON. */
function uriAt<T>(text: string, path: string, parse: (s: string) => T): T {
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof MimiError) {
      throw new ValidationError(`${e.what} (${e.path} in ${JSON.stringify(text)})`, {
        path,
        ...(e.rule === undefined ? {} : { rule: e.rule }),
      });
    }
    throw e;
  }
}

const user = (text: unknown, path: string): string => uriAt(text as string, path, parseUserUri);

function client(c: Rec, path: string): Rec {
  const owner = user(c["user"], `${path}/user`);
  const id = uriAt(c["client"] as string, `${path}/client`, parseClientUri);
  const implied = userOfClient(id);
  // [POLICY-URI-02] draft-mahy-mimi-identity-05 §4: a client URI of the form mimi://<domain>/d/<user>/<device> belongs to that user.
  if (implied !== undefined && implied !== owner) {
    throw new ValidationError(`client ${id} belongs to ${implied}, not ${owner}`, {
      path: `${path}/user`,
      rule: "POLICY-URI-02",
    });
  }
  return { client: id, user: owner };
}

/** Room metadata with its `room_uri` validated and in canonical form. */
function metadataWithRoomUri(meta: Rec): Rec {
  const room = uriAt((meta["room_uri"] as Rec)["uri"] as string, "/metadata/room_uri/uri", parseRoomUri);
  return { ...meta, room_uri: { uri: room } };
}

/** Replace `roles: "<example>"` by that example's JSON form. */
function expandExample(json: unknown): unknown {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return json;
  const roles = (json as Rec)["roles"];
  if (typeof roles !== "string") return json;
  if (!Object.hasOwn(roleExamples, roles)) {
    throw new CodecError(
      `unknown example ${JSON.stringify(roles)} (cooperative, strict, moderated, multi-org)`,
      {
        path: "/roles",
      },
    );
  }
  return {
    ...(json as Rec),
    roles: roleDataSchema.toJson(roleExamples[roles as keyof typeof roleExamples]),
  };
}

/**
 * Parse the JSON form of a {@link RoomState}.
 *
 * @throws CodecError for a wrong shape; ValidationError (or its subclass IdentifierError's rule)
 * for an identifier that is not a valid `mimi:` URI of the expected kind; both with a JSON pointer.
 */
export function roomStateFromJson(json: unknown): RoomState {
  const s = stateSchema.fromJson(expandExample(json), "/") as Rec;
  // [POLICY-URI-01] draft-ietf-mimi-protocol-06 §7.5: participant-list entries name users by their user URI.
  const participants = (s["participants"] as Rec[]).map((p, i) => ({
    user: user(p["user"], `/participants/${i}/user`),
    role_index: p["role_index"],
  }));
  const clients = (s["clients"] as Rec[]).map((c, i) => client(c, `/clients/${i}`));
  const out: Rec = { ...s, participants, clients };
  if (s["parentParticipants"] !== undefined) {
    out["parentParticipants"] = (s["parentParticipants"] as string[]).map((u, i) =>
      user(u, `/parentParticipants/${i}`),
    );
  }
  if (s["metadata"] !== undefined) out["metadata"] = metadataWithRoomUri(s["metadata"] as Rec);
  return out as unknown as RoomState;
}

/**
 * Parse the JSON form of a {@link ProposedChange}.
 *
 * @throws CodecError for a wrong shape; ValidationError for an identifier that is not a valid
 * `mimi:` URI of the expected kind; both with a JSON pointer.
 */
export function proposedChangeFromJson(json: unknown): ProposedChange {
  const c = changeSchema.fromJson(json, "/") as Rec;
  const actor = c["actor"] as Rec;
  const out: Rec = { ...c, actor: { ...actor, user: user(actor["user"], "/actor/user") } };
  if (actor["client"] !== undefined) {
    out["actor"] = {
      ...(out["actor"] as Rec),
      client: client({ client: actor["client"], user: actor["user"] }, "/actor")["client"],
    };
  }
  if (c["sentAs"] !== undefined) out["sentAs"] = c["sentAs"] === 0 ? "commit" : "proposals";
  if (c["external"] !== undefined) out["external"] = c["external"] === 0 ? "commit" : "proposal";
  const pl = c["participantList"] as Rec | undefined;
  if (pl !== undefined) {
    out["participantList"] = {
      ...pl,
      addedParticipants: (pl["addedParticipants"] as Rec[]).map((p, i) => ({
        user: user(p["user"], `/participantList/addedParticipants/${i}/user`),
        role_index: p["role_index"],
      })),
    };
  }
  if (c["adds"] !== undefined) out["adds"] = (c["adds"] as Rec[]).map((a, i) => client(a, `/adds/${i}`));
  if (c["removes"] !== undefined) {
    out["removes"] = (c["removes"] as string[]).map((r, i) => uriAt(r, `/removes/${i}`, parseClientUri));
  }
  if (c["otherPolicy"] !== undefined) {
    const names = Object.entries(suggestedComponentIds);
    out["otherPolicy"] = (c["otherPolicy"] as number[]).map(
      (v) => names.find(([, id]) => id === v)![0] as ComponentName,
    );
  }
  if (c["metadata"] !== undefined) out["metadata"] = metadataWithRoomUri(c["metadata"] as Rec);
  return out as unknown as ProposedChange;
}

/**
 * Check the policy components of a room state on their own (roles, base policy, and the
 * participants' roles), before authorizing anything against it.
 *
 * @throws ValidationError naming the first problem's rule and JSON pointer.
 */
export function assertValidRoomState(state: RoomState): void {
  assertNoProblems(checkRoleData(state.roles), "/roles");
  if (state.base !== undefined) {
    const problems = checkBaseRoomPolicy(state.base, state.roles);
    const first = problems[0];
    if (first !== undefined) assertNoProblems([first], first.path.startsWith("/roles") ? "" : "/base");
  }
  const defined = new Set(state.roles.roles.map((r) => r.role_index));
  state.participants.forEach((p, i) => {
    // [POLICY-PL-04] draft-ietf-mimi-room-policy-03 §3: every participant holds one role of roles_list, and never role zero (which means "not in the list").
    if (p.role_index === 0 || !defined.has(p.role_index)) {
      throw new ValidationError(`role ${p.role_index} is not a participant role of roles_list`, {
        path: `/participants/${i}/role_index`,
        rule: "POLICY-PL-04",
      });
    }
  });
}

/** The JSON form of a verdict (as printed by `mimi policy check`). */
export function verdictToJson(verdict: Verdict): Readonly<Record<string, unknown>> {
  return verdict.allowed
    ? { allowed: true, rules: verdict.rules }
    : { allowed: false, rule: verdict.rule, reason: verdict.reason, path: verdict.path };
}
